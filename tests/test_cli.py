"""``git voice`` as a user runs it: output formats, bad input, no torch on the cheap paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from .helpers import ROOT, normalise, wer

JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


def test_transcribe_json_is_the_stable_interface(gv, shared_speech, bundled_model):
    r = gv("transcribe", str(shared_speech / "jfk.flac"), "--format", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    assert set(data) >= {"text", "language", "duration", "model", "device", "segments", "hotwords", "rewrites", "timings"}
    assert normalise(data["text"]) == normalise(JFK)
    assert data["language"] == "en" and data["device"] == "cpu"
    assert abs(data["duration"] - 11.0) < 0.1
    assert set(data["timings"]) == {"load", "transcribe"}
    assert all(set(s) == {"start", "end", "text"} for s in data["segments"])
    assert "loading" not in r.out  # progress goes to stderr only


def test_several_files_give_a_list(gv, speech, bundled_model):
    a, b = speech("Add a retry to the upload."), speech("Remove the old cache.")
    r = gv("transcribe", str(a), str(b), "--format", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    assert isinstance(data, list) and len(data) == 2
    assert wer("Add a retry to the upload.", data[0]["text"]) <= 0.2
    assert wer("Remove the old cache.", data[1]["text"]) <= 0.2


def test_srt_and_vtt(gv, speech, bundled_model):
    path = str(speech("Fix the crash when the config file is missing."))
    srt = gv("transcribe", path, "--format", "srt")
    assert srt.code == 0 and srt.out.startswith("1\n00:00:00,") and " --> " in srt.out
    vtt = gv("transcribe", path, "--format", "vtt")
    assert vtt.code == 0 and vtt.out.startswith("WEBVTT\n\n00:00:00.")


def test_silence_warns_and_gives_empty_text(gv, tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(16000 * 3, np.float32), 16000)
    r = gv("transcribe", str(path), "--format", "json")
    assert r.code == 0, r
    assert json.loads(r.out)["text"] == ""
    assert "silent" in r.err


def _bad_inputs(tmp_path):
    (tmp_path / "text.wav").write_text("hello, I am text\n" * 20)
    (tmp_path / "empty.flac").write_bytes(b"")
    sf.write(tmp_path / "header.wav", np.zeros(0, np.float32), 16000)
    nan = np.zeros(16000, np.float32)
    nan[10] = np.nan
    sf.write(tmp_path / "nan.wav", nan, 16000, subtype="FLOAT")
    sf.write(tmp_path / "long.wav", np.zeros(16000 * 3, np.float32), 16000)
    sf.write(tmp_path / "cut.flac", np.random.default_rng(1).normal(0, 0.2, 16000 * 4).astype(np.float32), 16000)
    data = (tmp_path / "cut.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[: len(data) // 2])
    return ["missing.wav", "text.wav", "empty.flac", "header.wav", "nan.wav", "long.wav", "cut.flac"]


def test_every_bad_input_is_one_line_and_exit_2(tmp_path):
    """Through the real console script: one stderr line, status 2, no traceback, nothing on stdout."""
    env = {**os.environ, "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "voice.maxSeconds", "GIT_CONFIG_VALUE_0": "2"}
    for name in _bad_inputs(tmp_path):
        proc = subprocess.run([sys.executable, "-m", "git_voice", "transcribe", name], cwd=tmp_path,
                              capture_output=True, text=True, env=env)
        assert proc.returncode == 2, (name, proc.stderr)
        assert proc.stdout == ""
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("git voice: error:"), (name, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_cuda_without_gpu_is_a_clear_error(gv, speech):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    r = gv("transcribe", str(speech("Hello there.")), "--device", "cuda")
    assert r.code == 2 and "no CUDA GPU" in r.err


def test_unknown_model_folder_is_a_clear_error(gv, speech, tmp_path):
    r = gv("transcribe", str(speech("Hello there.")), "--model", str(tmp_path / "nope"))
    assert r.code == 2 and "model folder not found" in r.err


def test_uncached_hub_model_offline_is_a_clear_error(gv, speech):
    r = gv("transcribe", str(speech("Hello there.")), "--model", "openai/whisper-never-cached")
    assert r.code == 2 and "HF_HUB_OFFLINE" in r.err


def test_model_resolution_order(tmp_path, monkeypatch):
    """--model beats git config voice.model beats GIT_VOICE_MODEL beats the bundled default."""
    from git_voice.config import load_settings
    from git_voice.app.transcribe import Request

    from .helpers import make_repo

    repo = make_repo(tmp_path / "r")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GIT_VOICE_MODEL", raising=False)
    assert Request(settings=load_settings()).model_name is None
    monkeypatch.setenv("GIT_VOICE_MODEL", "env/model")
    assert Request(settings=load_settings()).model_name == "env/model"
    subprocess.run(["git", "config", "voice.model", "config/model"], cwd=repo, check=True)
    assert Request(settings=load_settings()).model_name == "config/model"
    assert Request(settings=load_settings(), model="cli/model").model_name == "cli/model"


NO_TORCH = """
import sys
from git_voice.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = [m for m in ("torch", "transformers", "numpy", "soundfile", "starlette", "uvicorn") if m in sys.modules]
print("HEAVY:" + ",".join(heavy))
"""


@pytest.mark.parametrize("args", [["--help"], ["transcribe", "--help"], ["web", "--help"], ["--version"]])
def test_help_imports_no_torch(args):
    proc = subprocess.run([sys.executable, "-c", NO_TORCH.format(args=args)], capture_output=True, text=True, cwd=ROOT)
    assert "HEAVY:\n" in proc.stdout, proc.stdout[-300:]


def test_a_home_folder_of_no_user_is_a_path_as_written_not_an_internal_error(gv, tmp_path):
    # Path.expanduser raises RuntimeError for "~user" with no home; a shell keeps it as written.
    r = gv("serve", "--listen", f"unix:{tmp_path}/s.sock", "--model", "~no-such-user-here/model")
    assert r.code == 2 and "model folder not found: ~no-such-user-here/model" in r.err, r
