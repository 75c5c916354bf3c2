"""The warm model: a real server on a real socket, the pipeline's client, the fallback."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pytest

from git_voice.app import transcribe as pipeline
from git_voice.app.serve import request_options
from git_voice.asr import models
from git_voice.serve import client, server
from git_voice.asr.registry import load_engine
from git_voice.config import Settings

from ..helpers import ROOT, wer

TEXT = "The parser now rejects empty headers instead of crashing on them."


@pytest.fixture
def short_dir() -> Iterator[Path]:
    # Unix socket paths are limited to about 100 bytes; pytest's tmp_path can be longer.
    d = Path(tempfile.mkdtemp(prefix="gv-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_default_server(short_dir, monkeypatch):
    """The default socket points into this test's own folder, where nothing listens."""
    monkeypatch.setenv(client.SOCKET_ENV, str(short_dir / "default.sock"))


@contextlib.contextmanager
def running(addr: client.Address, log: list[str] | None = None) -> Iterator[client.Address]:
    """The real server, in a thread of this process (the model loads once per test run)."""
    engine, _ = load_engine(None, "cpu")
    transcriber = server.Transcriber(engine, models.resolve(None).key, Settings(), request_options)
    srv = server.make_server(addr, transcriber, log.append if log is not None else None)
    bound = server.bound_address(srv, addr)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield bound
    finally:
        srv.shutdown()
        server.cleanup(srv, bound)


def transcribe(path: Path, server_setting: str | None, device: str | None = None):
    request = pipeline.Request(settings=Settings(server=server_setting), device=device, progress=None)
    return pipeline.transcribe_files([path], request)[0]


def test_unix_socket_server_gives_the_in_process_text(bundled_model, speech, short_dir):
    audio = speech(TEXT)
    local = transcribe(audio, "off")
    log: list[str] = []
    with running(client.Address("unix", path=str(short_dir / "s.sock")), log) as addr:
        served = transcribe(audio, str(addr))
        mode = stat.S_IMODE(os.stat(addr.path).st_mode)
    assert served.text == local.text and wer(TEXT, served.text) <= 0.1
    assert [s.text for s in served.segments] == [s.text for s in local.segments]
    assert served.timings["load"] == 0.0 and served.device == "cpu"
    assert any("POST /v1/audio/transcriptions" in line for line in log)
    assert mode == 0o600 and not os.path.exists(addr.path)  # user-only, removed on exit


def test_default_socket_is_used_when_a_server_runs_there(bundled_model, speech, short_dir):
    log: list[str] = []
    with running(client.Address("unix", path=os.environ[client.SOCKET_ENV]), log):
        result = transcribe(speech(TEXT), None)
    assert wer(TEXT, result.text) <= 0.1
    assert len([line for line in log if "POST" in line]) == 1


def test_http_api_shapes(bundled_model, speech):
    with running(client.parse_address("http://127.0.0.1:0")) as addr:
        assert addr.port > 0
        health = client.health(addr)
        assert health == {"status": "ok", "model": models.resolve(None).display, "device": "cpu"}
        body, ctype = client.multipart({"model": "whisper-1", "response_format": "text"}, speech(TEXT).read_bytes(), "a.wav")
        status, data = client._request(addr, "POST", client.API_PATH, body, {"Content-Type": ctype}, 1.0)
        assert status == 200 and wer(TEXT, data.decode()) <= 0.1
        body, ctype = client.multipart({"model": "bundled"}, speech(TEXT).read_bytes(), "a.wav")
        status, data = client._request(addr, "POST", client.API_PATH, body, {"Content-Type": ctype}, 1.0)
        assert status == 200 and set(json.loads(data)) == {"text"}
        # Errors are OpenAI-shaped JSON and the server keeps serving.
        body, ctype = client.multipart({"model": "bundled"}, b"not audio at all", "a.wav")
        status, data = client._request(addr, "POST", client.API_PATH, body, {"Content-Type": ctype}, 1.0)
        assert status == 400 and "message" in json.loads(data)["error"]
        # A refusal closes the connection, and says so: a keep-alive client (httpx, so the
        # openai client) would otherwise send its next request into the closed socket.
        conn = http.client.HTTPConnection(addr.host, addr.port, timeout=60)
        conn.request("POST", client.API_PATH, body=body, headers={"Content-Type": ctype})
        answer = conn.getresponse()
        assert answer.status == 400 and answer.getheader("Connection") == "close"
        answer.read()
        conn.close()
        status, _ = client._request(addr, "GET", "/nowhere", None, {}, 1.0)
        assert status == 404
        assert client.health(addr) is not None


def test_every_openai_response_format_and_word_times(bundled_model, speech):
    """What the official ``openai`` client asks for: text, srt and vtt bodies, verbose_json
    with segments and (``timestamp_granularities``) words; a format or a granularity this
    server does not serve is an OpenAI-shaped 400, before any audio is decoded."""
    openai = pytest.importorskip("openai")
    audio = speech(TEXT).read_bytes()
    with running(client.parse_address("http://127.0.0.1:0")) as addr:
        api = openai.OpenAI(base_url=f"http://127.0.0.1:{addr.port}/v1", api_key="none", max_retries=0, timeout=600)

        def create(**kwargs):
            return api.audio.transcriptions.create(model="whisper-1", file=("a.wav", audio), **kwargs)

        verbose = create(response_format="verbose_json", timestamp_granularities=["word", "segment"])
        assert wer(TEXT, verbose.text) <= 0.1 and verbose.segments
        words = verbose.words
        assert " ".join(w.word for w in words) == " ".join(verbose.text.split()), words
        assert all(0 <= w.start <= w.end <= verbose.duration for w in words)
        assert [w.start for w in words] == sorted(w.start for w in words) and words[-1].end > words[0].start + 1
        assert "words" not in create(response_format="verbose_json", timestamp_granularities=["segment"]).model_extra
        assert create(response_format="text").strip() == verbose.text
        srt = create(response_format="srt")
        assert srt.startswith("1\n00:00:0") and " --> " in srt and srt.split("\n")[2] == verbose.segments[0].text, srt
        vtt = create(response_format="vtt")
        assert vtt.startswith("WEBVTT\n\n00:00:0") and verbose.segments[0].text in vtt, vtt
        for kwargs, says in (({"response_format": "xml"}, "response_format 'xml' is not served"),
                             ({"timestamp_granularities": ["word"]}, "needs response_format verbose_json"),
                             ({"response_format": "verbose_json", "timestamp_granularities": ["letter"]},
                              "not letter")):
            with pytest.raises(openai.BadRequestError) as err:
                create(**kwargs)
            assert says in err.value.message, (kwargs, err.value.message)


def test_other_model_requested_falls_back_in_process(bundled_model, speech, short_dir):
    log: list[str] = []
    with running(client.Address("unix", path=str(short_dir / "s.sock")), log) as addr:
        remote = client.RemoteEngine(addr, "openai/whisper-large-v3", explicit=True)
        with pytest.raises(client.ServerUnavailable, match="400"):
            from git_voice.audio.load import load_audio
            from git_voice.asr.engine import DecodeOptions

            remote.transcribe(load_audio(speech(TEXT)).samples, DecodeOptions())


def test_nothing_listening_falls_back_with_a_warning(bundled_model, speech, capfd):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = transcribe(speech(TEXT), f"http://127.0.0.1:{port}")
    assert wer(TEXT, result.text) <= 0.1
    assert "transcribing here instead" in capfd.readouterr().err


def test_stale_default_socket_falls_back_silently(bundled_model, speech, capfd):
    path = Path(os.environ[client.SOCKET_ENV])
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))  # a socket file left by a server that died
    sock.close()
    result = transcribe(speech(TEXT), None)
    assert wer(TEXT, result.text) <= 0.1
    assert "warning" not in capfd.readouterr().err


def test_configured_remote_is_the_only_address_contacted(bundled_model, speech):
    default_log: list[str] = []
    remote_log: list[str] = []
    with running(client.Address("unix", path=os.environ[client.SOCKET_ENV]), default_log):
        with running(client.parse_address("http://127.0.0.1:0"), remote_log) as remote:
            result = transcribe(speech(TEXT), f"http://127.0.0.1:{remote.port}/")
    assert wer(TEXT, result.text) <= 0.1
    assert len([line for line in remote_log if "POST" in line]) == 1
    assert default_log == []


def test_explicit_device_and_off_never_contact_a_server(bundled_model, speech):
    log: list[str] = []
    with running(client.Address("unix", path=os.environ[client.SOCKET_ENV]), log):
        transcribe(speech(TEXT), None, device="cpu")
        transcribe(speech(TEXT), "off")
    assert log == []


@pytest.mark.parametrize("spec, expected", [
    ("unix:/run/x.sock", "unix:/run/x.sock"),
    ("/run/x.sock", "unix:/run/x.sock"),
    ("127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("https://gpu.example.org/v1/audio/transcriptions", "https://gpu.example.org:443"),
    ("http://gpu.example.org:8000/api", "http://gpu.example.org:8000/api"),
    ("http://127.0.0.1", "http://127.0.0.1:80"),
    # port 0 (listen on any free port) is kept, not taken for "no port": it once bound port 80
    ("http://127.0.0.1:0", "http://127.0.0.1:0"),
    ("http://[::1]:8000", "http://[::1]:8000"),  # an IPv6 address keeps its brackets
])
def test_addresses(spec, expected):
    assert str(client.parse_address(spec)) == expected


@pytest.mark.parametrize("listen, says", [
    ("http://127.0.0.1:99999", "--listen 'http://127.0.0.1:99999': bad port"),
    ("https://127.0.0.1:0", "speaks plain HTTP"),
    ("http://[::1]:0", "cannot listen on http://[::1]:0: only IPv4"),
    ("unix:/tmp/" + "x" * 120 + ".sock", "at most 107 bytes"),
    ("unix:", "--listen 'unix:': the socket path is empty"),
    ("http://127.0.0.1:{busy}", "Address already in use"),
])
def test_an_address_serve_cannot_listen_on_is_refused_before_the_model_loads(listen, says):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        proc = subprocess.run([sys.executable, "-m", "git_voice", "serve", "--device", "cpu",
                               "--listen", listen.format(busy=busy.getsockname()[1])],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and says in lines[0], proc.stderr
    assert "loading" not in proc.stderr


def test_client_imports_no_torch():
    code = "import sys, git_voice.app.transcribe, git_voice.serve.client; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"]


def test_serve_command_end_to_end(bundled_model, short_dir):
    """``git voice serve`` in its own process: ready line, user-only socket, clean exit on
    SIGINT, even started as a shell starts a background job (SIGINT ignored)."""
    sock = short_dir / "run" / "serve.sock"
    proc = subprocess.Popen(
        [sys.executable, "-m", "git_voice", "serve", "--device", "cpu", "--listen", f"unix:{sock}", "--print-address"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert proc.stdout.readline().strip() == f"unix:{sock}"
        assert client.health(client.Address("unix", path=str(sock)))["status"] == "ok"
        assert stat.S_IMODE(os.stat(sock.parent).st_mode) == 0o700
        # A second server on the same socket is refused, the first one untouched.
        second = subprocess.run([sys.executable, "-m", "git_voice", "serve", "--device", "cpu", "--listen", f"unix:{sock}"],
                                capture_output=True, text=True, timeout=300)
        assert second.returncode == 2 and "already listens" in second.stderr
        assert client.health(client.Address("unix", path=str(sock))) is not None
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    assert proc.returncode == 0 and not sock.exists()


def test_serve_stops_cleanly_on_sigterm(bundled_model, short_dir):
    """What service managers and ``kill`` send: the socket is removed, the exit status is 0."""
    sock = short_dir / "t.sock"
    proc = subprocess.Popen(
        [sys.executable, "-m", "git_voice", "serve", "--device", "cpu", "--listen", f"unix:{sock}", "--print-address"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout.readline().strip() == f"unix:{sock}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode == 0 and not sock.exists()


def test_every_request_runs_on_the_model_thread(bundled_model, speech, short_dir):
    """Handlers get a new thread per connection; the model runs on the ModelThread's (serve: the main one)."""
    engine, _ = load_engine(None, "cpu")
    model_thread = server.ModelThread()
    transcriber = server.Transcriber(engine, models.resolve(None).key, Settings(), request_options, model_thread)
    threads: list[int] = []
    real = engine.transcribe

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    engine.transcribe = spy
    addr = client.Address("unix", path=str(short_dir / "w.sock"))
    srv = server.make_server(addr, transcriber)
    bound = server.bound_address(srv, addr)
    http = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    http.start()
    audio = speech(TEXT)
    results: list = []

    def requests():
        try:
            results.extend([transcribe(audio, str(bound)), transcribe(audio, str(bound))])
        finally:
            model_thread.stop()

    client_thread = threading.Thread(target=requests)
    try:
        client_thread.start()
        model_thread.run()  # here, on the test's own thread, until the client is done
        client_thread.join()
    finally:
        del engine.transcribe
        srv.shutdown()
        server.cleanup(srv, bound)
    first, second = results
    assert first.text == second.text and wer(TEXT, first.text) <= 0.1
    assert threads == [threading.get_ident()] * 2


def test_model_thread_passes_errors_back():
    model_thread = server.ModelThread()
    box: list = []

    def caller():
        try:
            model_thread.call(int, "not a number")
        except ValueError as exc:
            box.append(exc)
        finally:
            model_thread.stop()

    t = threading.Thread(target=caller)
    t.start()
    model_thread.run()
    t.join()
    assert len(box) == 1 and "not a number" in str(box[0])
    with pytest.raises(RuntimeError, match="stopping"):
        model_thread.call(int, "1")


def test_served_transcripts_are_re_read_as_in_process(bundled_model, speech, short_dir):
    """Code terms travel to the server, which biases and re-reads as in-process and
    sends back what it re-read."""
    audio = speech("Debounce supports max wait and the leading option.")

    def run(server: str):
        request = pipeline.Request(settings=Settings(server=server), hotwords=("maxWait",), progress=None)
        return pipeline.transcribe_files([audio], request)[0]

    local = run("off")
    with running(client.Address("unix", path=str(short_dir / "r.sock"))) as addr:
        served = run(str(addr))
    assert "maxWait" in served.text and served.text == local.text
    assert served.rereads == local.rereads
    assert all(set(r) == {"heard", "read", "gain"} for r in served.to_dict()["rereads"])


def test_the_server_goes_on_from_the_context_sent(bundled_model, speech, short_dir):
    """A live take's earlier text (``DecodeOptions.context``) reaches the warm server's
    decoder as it reaches the in-process one."""
    from git_voice.asr.engine import DecodeOptions
    from git_voice.audio.load import load_audio

    samples = load_audio(speech("The gravatar image is fetched once per user.")).samples
    options = DecodeOptions(context="Avatars now come from Gravatar.")
    local, _ = load_engine(None, "cpu")
    with running(client.Address("unix", path=str(short_dir / "s.sock"))) as addr:
        remote = client.RemoteEngine(addr, None, explicit=True)
        served = remote.transcribe(samples, options)
        plain = remote.transcribe(samples, DecodeOptions())
    assert [s.text for s in served.segments] == [s.text for s in local.transcribe(samples, options).segments]
    assert "Gravatar" in served.segments[0].text and "Gravatar" not in plain.segments[0].text
