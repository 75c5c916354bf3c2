"""Squash and fixup never glue two recordings into one audio note (git's notes.rewriteMode
``concatenate`` would join the binary blobs with a blank line): the newest recording is kept."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest
import soundfile as sf

from ..helpers import git, make_repo


def tone(path, freq: float):
    t = np.arange(16000) / 16000
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), 16000, format="FLAC")
    return path


@pytest.mark.parametrize("how", ["squash", "fixup"])
@pytest.mark.parametrize("setup", [("init",), ("hook", "install")], ids=["init", "hook-install"])
def test_squashing_two_commits_with_recordings_keeps_one_whole_recording(tmp_path, gv, monkeypatch, how, setup):
    from git_voice.gitops import notes
    from git_voice.gitops.repo import Repo

    repo = make_repo(tmp_path / "repo", commits=3)
    monkeypatch.chdir(repo)
    assert gv(*setup).code == 0
    r = Repo.discover(repo)
    older, newer = tone(tmp_path / "a.flac", 220), tone(tmp_path / "b.flac", 440)
    for rev, audio in (("HEAD~1", older), ("HEAD", newer)):
        notes.set_text(r, rev, f"said about {rev}\n")
        notes.set_audio(r, rev, audio)
    env = dict(os.environ, GIT_SEQUENCE_EDITOR=f"sed -i '2s/^pick/{how}/'", GIT_EDITOR=":")
    proc = subprocess.run(["git", "rebase", "-i", "HEAD~2"], cwd=repo, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert git(repo, "rev-list", "--count", "HEAD") == "2\n"
    assert notes.get_audio(r, "HEAD") == newer.read_bytes()  # whole, not two blobs joined
    samples, rate = sf.read(str(tmp_path / "b.flac"))
    assert rate == 16000 and len(samples) == 16000
    assert "said about HEAD~1" in notes.get_text(r, "HEAD")  # the transcripts are text: both kept
