"""One take, one commit: pending takes are claimed by the commit that uses them and go back
to pending when that commit is not made (aborted in the editor, ``--dry-run``), and two
commits at once never share a take or a message file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..cli.notes_audio import NOTE
from ..helpers import git, wer

GV = [sys.executable, "-m", "git_voice"]
OTHER = "The cache now expires entries after an hour instead of keeping them forever."


def editor(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def change(repo: Path, name: str = "src/module_0.py") -> None:
    p = repo / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text((p.read_text() if p.exists() else "") + "# changed\n")
    git(repo, "add", name)


def commit(repo: Path, ed: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "commit", *args], cwd=repo, env=dict(os.environ, GIT_EDITOR=ed),
                          capture_output=True, text=True, timeout=600)


def voice_note(repo: Path, rev: str = "HEAD") -> str | None:
    proc = subprocess.run(["git", "notes", "--ref=voice", "show", rev], cwd=repo, capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


@pytest.fixture
def hooked(repo, gv):
    assert gv("hook", "install").code == 0
    return repo


def test_aborted_commit_keeps_its_take_for_the_retry_and_an_amend_gets_nothing(hooked, gv, speech, tmp_path,
                                                                                 bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    change(hooked)
    head = git(hooked, "rev-parse", "HEAD")
    aborted = commit(hooked, editor(tmp_path, "empty.sh", ': > "$1"'))
    assert aborted.returncode != 0 and git(hooked, "rev-parse", "HEAD") == head  # no commit was made
    # The aborted commit's note goes to no other commit: not to an amend of HEAD ...
    amend = commit(hooked, ":", "--amend", "--no-edit")
    assert amend.returncode == 0, amend.stderr
    assert voice_note(hooked) is None
    assert git(hooked, "notes", "--ref=voice-audio", "list").strip() == ""
    # ... and the retry gets the take, once.
    change(hooked, "src/module_1.py")
    retry = commit(hooked, ":")
    assert retry.returncode == 0, retry.stderr
    subject = git(hooked, "log", "-1", "--format=%s")
    assert subject.startswith("fix(") and "config loader" in subject, subject
    assert "config loader" in (voice_note(hooked) or "")
    change(hooked, "src/module_2.py")
    assert commit(hooked, ":", "-q", "-m", "by hand").returncode == 0
    assert voice_note(hooked) is None
    assert not list((hooked / ".git" / "voice" / "pending").iterdir())


def test_commit_dry_run_attaches_nothing_and_keeps_the_take(repo, gv, speech):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    change(repo)
    head = git(repo, "rev-parse", "HEAD")
    r = gv("commit", "--no-edit", "--", "--dry-run")
    assert git(repo, "rev-parse", "HEAD") == head
    assert voice_note(repo) is None, r
    assert git(repo, "notes", "--ref=voice-audio", "list").strip() == ""
    assert "no commit" in r.err
    r = gv("commit", "--no-edit")  # the take is still there for the real commit
    assert r.code == 0, r
    assert "config loader" in (voice_note(repo) or "")


def test_two_pending_takes_both_reach_the_commits_audio(hooked, gv, speech, tmp_path, bundled_model):
    for text in (NOTE, OTHER):
        assert gv("note", "stage", str(speech(text))).code == 0
        time.sleep(0.01)  # ordered by time
    change(hooked)
    proc = commit(hooked, ":")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "note.flac"
    assert gv("show", "HEAD", "--extract", str(out)).code == 0
    heard = gv("transcribe", str(out))
    assert heard.code == 0, heard
    assert wer(f"{NOTE} {OTHER}", heard.out) < 0.25, heard.out  # both takes, in order, not the first alone


def _worktree(repo: Path, name: str) -> Path:
    path = repo.parent / name
    git(repo, "worktree", "add", "-q", "-b", name, str(path))
    change(path, f"src/{name}.py")
    return path


def test_one_pending_take_goes_to_one_of_two_concurrent_commits(hooked, gv, speech, tmp_path, bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    trees = [_worktree(hooked, "wt_a"), _worktree(hooked, "wt_b")]
    typing = editor(tmp_path, "type.sh", 'grep -q "^[^#]" "$1" || echo "Typed by hand" > "$1"')
    procs = [subprocess.Popen(["git", "commit"], cwd=t, env=dict(os.environ, GIT_EDITOR=typing),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t in trees]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    filled = [t for t in trees if "config loader" in git(t, "log", "-1", "--format=%s")]
    noted = [t for t in trees if voice_note(t) is not None]
    assert len(filled) == 1 and noted == filled, outs
    assert [git(t, "log", "-1", "--format=%s") for t in trees if t not in filled] == ["Typed by hand\n"]


def test_two_voice_commits_at_once_each_get_their_own_message_and_note(repo, speech, tmp_path, bundled_model):
    trees = [_worktree(repo, "wt_a"), _worktree(repo, "wt_b")]
    said = {trees[0]: NOTE, trees[1]: OTHER}
    audio = {t: str(speech(said[t])) for t in trees}
    procs = [subprocess.Popen([*GV, "commit", "--audio", audio[t], "--no-edit"], cwd=t,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t in trees]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    for t in trees:
        body = git(t, "log", "-1", "--format=%B")
        assert wer(said[t], voice_note(t) or "") < 0.3, (t, voice_note(t))
        assert ("config loader" in body) == (said[t] == NOTE), body
