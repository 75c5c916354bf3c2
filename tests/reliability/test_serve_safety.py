"""``git voice serve`` must never destroy a user's file, hang on SIGTERM, or let a client eat its memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

GV = [sys.executable, "-m", "git_voice"]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    # Unix socket paths are limited to about 100 bytes; pytest's tmp_path can be longer.
    d = Path(tempfile.mkdtemp(prefix="gv-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("form", ["unix:{}", "{}"], ids=["unix-scheme", "bare-path"])
def test_serve_never_deletes_a_file_at_the_socket_path(short_dir, form):
    victim = short_dir / "notes.txt"
    victim.write_text("my notes, not a socket\n")
    proc = subprocess.run([*GV, "serve", "--device", "cpu", "--listen", form.format(victim)],
                          capture_output=True, text=True, timeout=120)
    assert victim.read_text() == "my notes, not a socket\n"
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "not a socket" in lines[0] and "Traceback" not in proc.stderr, proc.stderr


def _serve(sock: Path) -> subprocess.Popen:
    proc = subprocess.Popen([*GV, "serve", "--device", "cpu", "--listen", f"unix:{sock}", "--print-address"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == f"unix:{sock}", proc.stderr.read() if proc.poll() is not None else ""
    return proc


def test_serve_stops_on_a_storm_of_sigterms_and_sigints(bundled_model, short_dir):
    """A service manager (or an impatient user) may signal again and again: a signal that lands
    while the handler of the one before runs must not deadlock it (only SIGKILL stopped it)."""
    import os
    import signal
    import time

    sock = short_dir / "t.sock"
    for _ in range(2):
        proc = _serve(sock)
        end = time.monotonic() + 0.3
        while time.monotonic() < end and proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGINT):
                try:
                    os.kill(proc.pid, sig)
                except ProcessLookupError:
                    break
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("serve hung on repeated SIGTERM/SIGINT (only SIGKILL stopped it)")
        assert proc.returncode in (0, -signal.SIGTERM, -signal.SIGINT), proc.stderr.read()


def test_model_thread_stop_can_be_re_entered_at_any_line():
    """``serve``'s SIGTERM/SIGINT handler calls ``ModelThread.stop``; a second signal can run the
    handler again at any line of the first call (Python runs handlers between bytecodes). Each
    line of ``stop`` and of everything it calls is interrupted by a nested ``stop``, as that
    second signal would: none may wait on a lock the interrupted call holds."""
    import sys
    import threading

    from git_voice.serve import server

    mt = server.ModelThread()
    nested: list[int] = []
    depth = [0]

    def tracer(frame, event, arg):
        if event == "line" and depth[0] == 1:
            depth[0] += 1
            nested.append(frame.f_lineno)
            mt.stop()  # the second signal's handler, at this line of the first
            depth[0] -= 1
        return tracer

    def first_signal():
        sys.settrace(tracer)
        depth[0] = 1
        mt.stop()
        sys.settrace(None)

    t = threading.Thread(target=first_signal, daemon=True)
    t.start()
    t.join(timeout=20)
    assert not t.is_alive(), f"stop() deadlocked when re-entered (nested at lines {nested})"
    assert nested  # the interruption was really tried


def _vm_hwm(pid: int) -> int:
    """Peak resident memory of ``pid`` in kB (``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _big_upload(mb: int) -> tuple[list[bytes], int, str]:
    """A multipart body with a float32 WAV of ``mb`` MB (far over the 30-minute cap), in pieces."""
    import struct

    boundary = "gvbigupload"
    data_len = mb * 1000 * 1000
    fmt = struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32)
    wav_head = b"".join([b"RIFF", struct.pack("<I", 4 + 8 + len(fmt) + 8 + data_len), b"WAVE",
                         b"fmt ", struct.pack("<I", len(fmt)), fmt, b"data", struct.pack("<I", data_len)])
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nbundled\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n").encode() + wav_head
    tail = f"\r\n--{boundary}--\r\n".encode()
    piece = bytes(1 << 20)
    pieces = [head] + [piece] * (data_len // len(piece)) + [bytes(data_len % len(piece)), tail]
    return pieces, sum(len(p) for p in pieces), f"multipart/form-data; boundary={boundary}"


def test_an_upload_over_the_cap_is_refused_from_its_header_without_holding_it(bundled_model, tmp_path):
    """200 MB of audio declaring 52 minutes: refused (the cap is 30) while memory holds a piece at a time."""
    import http.client
    import json

    proc = subprocess.Popen([*GV, "serve", "--device", "cpu", "--listen", "http://127.0.0.1:0", "--print-address"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        host, port = proc.stdout.readline().strip().removeprefix("http://").split(":")
        before = _vm_hwm(proc.pid)
        pieces, length, ctype = _big_upload(200)
        conn = http.client.HTTPConnection(host, int(port), timeout=600)
        conn.putrequest("POST", "/v1/audio/transcriptions")
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        try:
            for piece in pieces:
                conn.send(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the whole body is sent
        resp = conn.getresponse()
        reply = json.loads(resp.read())
        assert resp.status == 400 and "over the cap" in reply["error"]["message"], reply
        grown_mb = (_vm_hwm(proc.pid) - before) / 1024
        assert grown_mb < 100, f"the server's peak memory grew by {grown_mb:.0f} MB for a 200 MB upload"
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_a_silent_half_open_connection_is_closed(bundled_model, short_dir):
    import socket

    sock_path = short_dir / "t.sock"
    proc = subprocess.Popen([*GV, "serve", "--device", "cpu", "--listen", f"unix:{sock_path}", "--print-address",
                             "--read-timeout", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == f"unix:{sock_path}"
        for partial in (b"", b"POST /v1/audio/transcriptions HTTP/1.1\r\nContent-Length: 5000\r\n",
                        b"POST /v1/audio/transcriptions HTTP/1.1\r\nContent-Length: 5000\r\n"
                        b"Content-Type: multipart/form-data; boundary=x\r\n\r\n--x\r\n"):
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(120)  # far longer than the server's read timeout: we wait for it to hang up
            s.connect(str(sock_path))
            s.sendall(partial)
            assert s.recv(65536) is not None  # returns (b"" or an error reply) once the server closes
            assert s.recv(65536) == b""
            s.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_a_client_that_goes_away_mid_request_leaves_no_traceback(bundled_model, short_dir):
    """A body cut short then the connection closed (the answer meets a closed pipe), and a
    connection reset mid-body: the terminal shows no traceback, and the server goes on."""
    import socket
    import struct

    from git_voice.serve import client

    sock_path = short_dir / "t.sock"
    proc = _serve(sock_path)
    head = (b"POST /v1/audio/transcriptions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n"
            b"Content-Type: multipart/form-data; boundary=ZZ\r\n\r\n")
    try:
        for body, reset in ((b"x", False), (b"--ZZ\r\n" + bytes(30000), True)):
            s = socket.socket(socket.AF_UNIX)
            s.connect(str(sock_path))
            s.sendall(head + body)
            s.shutdown(socket.SHUT_WR)  # the body ends here, 100000 bytes short
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        assert client.health(client.Address("unix", path=str(sock_path)), timeout=60)["status"] == "ok"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("git voice: ")]
    assert "Traceback" not in err and not lines, err
