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

    from git_voice.asr import server

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
