from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from .helpers import ROOT, SHARED_SPEECH, make_repo, synth

# The whole run shares one converted model (converted at most once per checkout)
# and never reaches a model hub.
os.environ.setdefault("GIT_VOICE_CACHE", str(ROOT / ".cache" / "git-voice-test"))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("GIT_VOICE_MODEL", None)
# One thread, whatever the machine and its load: float rounding (so, rarely, a word)
# depends on how many threads split a sum, and the engine otherwise picks its count
# from the idle CPUs. Two fixed threads on a busy 2-core machine stall on each other
# at every step (one test took 9 minutes instead of 20 s with both cores busy).
os.environ["GIT_VOICE_THREADS"] = "1"
# Git must not read the developer's own ~/.gitconfig (aliases, hooksPath, signing).
os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = "2026-11-21T12:00:00+00:00"
os.environ["GIT_EDITOR"] = ":"
# No test talks to a `git voice serve` that happens to run on this machine (a developer's,
# or a benchmark's on the shared cache): the default socket is this run's own, where
# nothing listens. Tests that start a server name its address themselves.
os.environ["GIT_VOICE_SOCKET"] = str(Path(tempfile.mkdtemp(prefix="git-voice-tests-")) / "serve.sock")


@pytest.fixture(scope="session")
def bundled_model() -> Path:
    from git_voice.asr.bundled import ensure_bundled_model

    return ensure_bundled_model()


@pytest.fixture
def speech():
    """``speech("text", speed=1.0)`` → path of a WAV of that text spoken by hibari."""
    return synth


@pytest.fixture
def shared_speech() -> Path:
    if not (SHARED_SPEECH / "manifest.json").is_file():
        pytest.skip("../shared/speech is absent")
    return SHARED_SPEECH


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A real repository with three commits; the current directory for the test."""
    path = make_repo(tmp_path / "repo", commits=3)
    monkeypatch.chdir(path)
    return path


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:200]!r}, err={self.err[:400]!r})"


@pytest.fixture
def gv(capfd):
    """Run ``git voice ARGS`` in this process (so the model loads once per run)."""
    from git_voice.cli import main

    def run(*args: str) -> CliResult:
        capfd.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capfd.readouterr()
        return CliResult(code, out, err)

    return run
