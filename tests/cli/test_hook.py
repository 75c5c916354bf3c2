"""The installed hook under real ``git commit`` processes (each a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ..helpers import git, wer
from .notes_audio import NOTE


@pytest.fixture
def hooked(repo, gv, tmp_path):
    """The repo with a foreign hook (snapshots the message before us) and ours installed."""
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    before = hooks / "prepare-commit-msg"
    before.write_text(f'#!/bin/sh\ncp "$1" "{tmp_path}/before"\n')
    before.chmod(0o755)
    r = gv("hook", "install")
    assert r.code == 0, r
    editor = tmp_path / "editor.sh"
    # Snapshot what the editor is handed; optionally type a line on top.
    editor.write_text(
        f'#!/bin/sh\ncp "$1" "{tmp_path}/after"\n'
        'if [ -n "$TYPE_LINE" ]; then { echo "$TYPE_LINE"; cat "$1"; } > "$1.t" && mv "$1.t" "$1"; fi\n'
    )
    editor.chmod(0o755)
    return repo


def commit(repo: Path, tmp_path: Path, *args: str, type_line: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_EDITOR=str(tmp_path / "editor.sh"), TYPE_LINE=type_line)
    return subprocess.run(["git", "commit", *args], cwd=repo, env=env, capture_output=True, text=True)


def stage_change(repo: Path, name: str = "src/module_0.py") -> None:
    p = repo / name
    p.write_text(p.read_text() + "# changed\n" if p.exists() else "x\n")
    git(repo, "add", name)


def test_plain_commit_with_pending_take_fills_message(hooked, gv, speech, tmp_path, bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    stage_change(hooked)
    proc = commit(hooked, tmp_path)
    assert proc.returncode == 0, proc.stderr
    message = git(hooked, "log", "-1", "--format=%B")
    header = message.splitlines()[0]
    assert header.startswith("fix(module_0): ") and wer("fix " + NOTE.split(" ", 2)[2], header.split(": ", 1)[1]) < 0.3, message
    after = (tmp_path / "after").read_text()
    assert after.startswith(message.strip()) and "# Please enter the commit message" in after
    assert not list((hooked / ".git" / "voice" / "pending").iterdir())  # used once, never again


def test_message_merge_and_amend_commits_are_left_alone(hooked, gv, tmp_path):
    take = hooked / ".git" / "voice" / "pending" / "take.wav"  # filed by hand: `note stage` checks audio
    take.parent.mkdir(parents=True, exist_ok=True)
    take.write_bytes(b"not audio at all")  # never read: the hook must not act
    stage_change(hooked)
    assert commit(hooked, tmp_path, "-m", "Typed by hand").returncode == 0
    assert git(hooked, "log", "-1", "--format=%B") == "Typed by hand\n\n"
    git(hooked, "checkout", "-q", "-b", "side", "HEAD~1")
    stage_change(hooked, "side.txt")
    git(hooked, "commit", "-q", "-m", "Side work")
    git(hooked, "checkout", "-q", "main")
    merge = subprocess.run(["git", "merge", "--no-ff", "--edit", "side"], cwd=hooked, capture_output=True, text=True,
                           env=dict(os.environ, GIT_EDITOR=str(tmp_path / "editor.sh")))
    assert merge.returncode == 0, merge.stderr
    assert git(hooked, "log", "-1", "--format=%s") == "Merge branch 'side'\n"
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    assert commit(hooked, tmp_path, "--amend", "--no-edit").returncode == 0
    assert git(hooked, "log", "-1", "--format=%s") == "Merge branch 'side'\n"
    assert "warning" not in merge.stderr
    assert len(list((hooked / ".git" / "voice" / "pending").iterdir())) == 1


def test_corrupt_take_warns_and_commit_goes_on_untouched(hooked, gv, tmp_path):
    bad = hooked / ".git" / "voice" / "pending" / "bad.flac"  # a take damaged after it was filed
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"fLaC\x00\x00\x00\x22" + os.urandom(200))
    stage_change(hooked)
    proc = commit(hooked, tmp_path, type_line="Written by hand")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "before").read_bytes() == (tmp_path / "after").read_bytes()
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("git voice:")]
    assert len(warnings) == 1 and warnings[0].startswith("git voice: warning: hook: ") and "Traceback" not in proc.stderr
    assert git(hooked, "log", "-1", "--format=%B") == "Written by hand\n\n"
    # voice.hook.strict turns the same failure into a stopped commit.
    git(hooked, "config", "voice.hook.strict", "true")
    stage_change(hooked)
    strict = commit(hooked, tmp_path, type_line="Again")
    assert strict.returncode != 0 and "voice.hook.strict" in strict.stderr


def test_the_commit_gets_the_take_as_its_voice_notes(hooked, gv, speech, tmp_path, bundled_model):
    """post-commit stores what prepare-commit-msg transcribed: transcript and recording, as `git voice commit` does."""
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    stage_change(hooked)
    proc = commit(hooked, tmp_path)
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr
    text = git(hooked, "notes", "--ref=voice", "show", "HEAD")
    assert wer(NOTE, text.strip()) < 0.3, text
    assert git(hooked, "notes", "--ref=voice-audio", "list", "HEAD").strip()
    assert not (hooked / ".git" / "voice" / "hook-note.json").exists()
    # The next commit, without a take, gets nothing.
    stage_change(hooked, "other.txt")
    assert commit(hooked, tmp_path, "-m", "By hand").returncode == 0
    assert subprocess.run(["git", "notes", "--ref=voice", "show", "HEAD"], cwd=hooked, capture_output=True).returncode != 0


def test_an_aborted_commit_leaves_its_note_to_no_other_commit(hooked, gv, speech, tmp_path, bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    stage_change(hooked)
    empty = tmp_path / "empty.sh"
    empty.write_text('#!/bin/sh\n: > "$1"\n')  # the user empties the message: git aborts
    empty.chmod(0o755)
    aborted = subprocess.run(["git", "commit"], cwd=hooked, capture_output=True, text=True,
                             env=dict(os.environ, GIT_EDITOR=str(empty)))
    assert aborted.returncode != 0
    stage_change(hooked, "other.txt")  # a different change, committed by hand
    assert commit(hooked, tmp_path, "-m", "Something else").returncode == 0
    assert subprocess.run(["git", "notes", "--ref=voice", "show", "HEAD"], cwd=hooked, capture_output=True).returncode != 0
    assert not (hooked / ".git" / "voice" / "hook-note.json").exists()
