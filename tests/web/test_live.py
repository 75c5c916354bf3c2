"""The page's live recorder, server side: ``git voice web`` run as a user would, real
speech streamed to it in chunks as the page's recorder sends them (float32 at the
browser's 48 kHz), the real VAD, model and repository."""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import math
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
import soundfile as sf
import soxr

from git_voice.app.livestream import MAX_STREAMS
from git_voice.audio.load import SAMPLE_RATE

from ..app.test_live import PHRASES
from ..asr.spoken import with_pauses
from ..helpers import git, make_repo, wer
from .browser import Server

RATE = 48000  # what a browser's AudioContext runs at
CHUNK = RATE // 2  # the page sends half a second at a time


@pytest.fixture(scope="module")
def site(tmp_path_factory, bundled_model):
    """A repository whose last commit defines load_config, served by git voice web."""
    repo = make_repo(tmp_path_factory.mktemp("live") / "repo", commits=1)
    (repo / "src" / "config.py").write_text("def load_config(path):\n    return read(path) or DEFAULTS\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Return the defaults when the config file is missing")
    server = Server(repo)
    yield repo, server
    code, err = server.stop()
    assert "Traceback" not in err, err


def call(server: Server, path: str, data: bytes | None = None, json_body: dict | None = None) -> tuple[int, dict]:
    """POST to the page's server with its token; (status, the JSON answer)."""
    headers = {"X-GitVoice-Token": server.token, "Content-Type": "application/octet-stream"}
    if json_body is not None:
        data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    req = urllib.request.Request(server.base + path, data=data if data is not None else b"", headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        assert exc.headers.get("content-type", "").startswith("application/json"), body
        return exc.code, json.loads(body)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """16-bit PCM WAV, as the page builds it."""
    out = io.BytesIO()
    sf.write(out, samples, rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def head_sha(repo) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_speech_streamed_in_chunks_is_transcribed_while_it_comes(site, speech):
    repo, server = site
    sha = head_sha(repo)
    samples, _ = with_pauses(speech, PHRASES)
    samples = soxr.resample(samples, SAMPLE_RATE, RATE).astype(np.float32)
    status, body = call(server, f"/api/commit/{sha}/live", json_body={"session": "page-load-1", "rate": RATE})
    assert status == 200, body
    for i in range(0, len(samples), CHUNK):
        status, body = call(server, "/api/live/page-load-1/chunk", samples[i : i + CHUNK].astype("<f4").tobytes())
        assert status == 200, body
    assert body["seconds"] == pytest.approx(len(samples) / RATE, abs=0.01)
    # The take has not ended: the slices cut at its pauses are transcribed now. An empty
    # chunk asks for the text so far (the page polls so between chunks).
    for _ in range(600):
        if body["caption"]:
            break
        time.sleep(0.5)
        status, body = call(server, "/api/live/page-load-1/chunk", b"")
    assert body["caption"] and body["slices"] >= 1, body
    take = wav_bytes(samples, RATE)
    status, live = call(server, "/api/live/page-load-1/stop", take)
    assert status == 200 and live["live"] is True, live
    assert live["text"].startswith(body["caption"].split()[0])
    # The take kept is the page's WAV, byte for byte: saving and staging work on it as before.
    assert (repo / ".git" / "voice" / "takes" / live["take"]).read_bytes() == take
    status, after = call(server, f"/api/commit/{sha}/take", take)
    assert status == 200, after
    assert wer(after["text"], live["text"]) <= 0.1, (after["text"], live["text"])
    assert "load_config" in live["text"], live["text"]  # the commit's code terms biased the slices
    assert live["duration"] == pytest.approx(after["duration"], abs=0.05)
    # The session ended with the take: its id is free again, and chunks to it are refused.
    assert call(server, "/api/live/page-load-1/chunk", b"\0\0\0\0")[0] == 404


@pytest.mark.parametrize("session, rate, status", [
    ("x", RATE, 400),  # too short an id
    ("../../etc/passwd", RATE, 400),
    ("page-load-2", 0, 400),
    ("page-load-2", "48000", 400),
    ("page-load-2", 10**9, 400),
])
def test_a_malformed_start_is_refused(site, session, rate, status):
    repo, server = site
    code, body = call(server, f"/api/commit/{head_sha(repo)}/live", json_body={"session": session, "rate": rate})
    assert code == status and body["error"], body


def test_bad_chunks_get_a_clear_error(site):
    repo, server = site
    sha = head_sha(repo)
    assert call(server, "/api/live/no-such-session/chunk", b"\0" * 8) == (404, {"error": "no such live take (it ended, or was idle too long)"})
    assert call(server, "/api/live/no-such-session/stop", b"RIFF")[0] == 404
    assert call(server, f"/api/commit/{sha}/live", json_body={"session": "page-load-3", "rate": RATE})[0] == 200
    code, body = call(server, f"/api/commit/{sha}/live", json_body={"session": "page-load-3", "rate": RATE})
    assert code == 409 and "already" in body["error"]
    code, body = call(server, "/api/live/page-load-3/chunk", b"garbage")  # 7 bytes: no float32 samples
    assert code == 400 and "float32" in body["error"]
    code, body = call(server, "/api/live/page-load-3/chunk", np.full(100, math.nan, "<f4").tobytes())
    assert code == 400 and "float32" in body["error"]
    code, body = call(server, "/api/live/page-load-3/chunk", b"\xff" * 4000)  # NaN bit patterns
    assert code == 400
    code, body = call(server, "/api/live/page-load-3/chunk", np.zeros(6 * RATE, "<f4").tobytes())
    assert code == 413 and "at most" in body["error"]
    # A body declared too big is refused before it is read.
    host, port = server.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.putrequest("POST", "/api/live/page-load-3/chunk")
    for name, value in (("X-GitVoice-Token", server.token), ("Content-Length", str(10**9))):
        conn.putheader(name, value)
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 413 and "at most" in json.loads(answer.read())["error"]
    conn.close()
    # Still usable after refused chunks; a stop whose take is no audio keeps nothing.
    assert call(server, "/api/live/page-load-3/chunk", np.zeros(CHUNK, "<f4").tobytes())[0] == 200
    code, body = call(server, "/api/live/page-load-3/stop", b"not a wav file at all")
    assert code == 400 and "audio" in body["error"], body
    assert call(server, "/api/live/page-load-3/chunk", b"")[0] == 404


def test_live_takes_are_bounded(site):
    repo, server = site
    sha = head_sha(repo)
    keys = [f"bounded-{i}" for i in range(MAX_STREAMS + 1)]
    answers = [call(server, f"/api/commit/{sha}/live", json_body={"session": k, "rate": RATE}) for k in keys]
    assert [a[0] for a in answers[:-1]] == [200] * MAX_STREAMS
    assert answers[-1][0] == 429 and "too many" in answers[-1][1]["error"]
    for k in keys[:-1]:  # ended (with no audio): each frees its place
        assert call(server, f"/api/live/{k}/stop", b"junk")[0] == 400
    assert call(server, f"/api/commit/{sha}/live", json_body={"session": keys[-1], "rate": RATE})[0] == 200
    assert call(server, f"/api/live/{keys[-1]}/stop", b"junk")[0] == 400


def asgi_post(app, token: str, path: str, body: bytes) -> tuple[int, dict]:
    """POST ``body`` to the Starlette ``app`` in this process, as uvicorn would hand it over."""

    async def go() -> tuple[int, bytes]:
        headers = [(b"host", b"127.0.0.1:0"), (b"x-gitvoice-token", token.encode()),
                   (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "headers": headers, "http_version": "1.1", "scheme": "http", "root_path": "",
                 "server": ("127.0.0.1", 0), "client": ("127.0.0.1", 50000)}
        given = [{"type": "http.request", "body": body, "more_body": False}]
        out = {"status": 0, "body": b""}

        async def receive() -> dict:
            return given.pop() if given else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            elif message["type"] == "http.response.body":
                out["body"] += message.get("body", b"")

        await app(scope, receive, send)
        return out["status"], out["body"]

    status, data = asyncio.run(go())
    return status, json.loads(data)


def test_a_failed_live_take_is_transcribed_whole(tmp_path, speech, monkeypatch, bundled_model):
    """When live transcription fails (here: the engine cannot be had), the stop transcribes
    the page's WAV as an upload is: the page gets its text all the same."""
    from git_voice.app.live import LiveTranscriber
    from git_voice.config import load_settings
    from git_voice.gitops.repo import Repo
    from git_voice.web.server import make_app
    from git_voice.web.site import Site

    repo = make_repo(tmp_path / "repo", commits=1)
    (repo / "src" / "config.py").write_text("def load_config(path):\n    return read(path) or DEFAULTS\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Return the defaults")

    def no_engine(self):
        raise RuntimeError("the engine went away")

    monkeypatch.setattr(LiveTranscriber, "_engine", no_engine)
    app = make_app(Site(Repo.discover(repo), load_settings(repo), None, "t" * 24))
    sha = head_sha(repo)
    samples, rate = sf.read(speech(PHRASES[1]), dtype="float32")
    assert asgi_post(app, "t" * 24, f"/api/commit/{sha}/live",
                     json.dumps({"session": "page-load-9", "rate": rate}).encode())[0] == 200
    for i in range(0, len(samples), rate // 2):
        assert asgi_post(app, "t" * 24, "/api/live/page-load-9/chunk", samples[i : i + rate // 2].astype("<f4").tobytes())[0] == 200
    status, body = asgi_post(app, "t" * 24, "/api/live/page-load-9/stop", wav_bytes(samples, rate))
    assert status == 200 and "live" not in body, body
    assert wer(PHRASES[1].replace("load config", "load_config"), body["text"]) <= 0.1, body
    assert (repo / ".git" / "voice" / "takes" / body["take"]).is_file()
