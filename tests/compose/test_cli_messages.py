"""End to end: a note spoken by hibari, transcribed by the bundled model, committed by
``git voice commit`` in a real repository."""

from __future__ import annotations

import os
import stat

from ..helpers import git


def _stage(repo, name: str, before: str, after: str) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(before)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "before")
    path.write_text(after)
    git(repo, "add", "-A")


def test_framing_and_fillers_stay_out_of_the_subject(repo, gv, speech, bundled_model):
    _stage(repo, "auth/views.py", "LOGIN_TIMEOUT = 5\n", "LOGIN_TIMEOUT = 30\n")
    note = speech("Um, so basically, what I did here is, uh, the login page was timing out, so I bumped "
                  "login timeout from five to thirty seconds.")
    r = gv("commit", "--audio", str(note), "--no-edit")
    assert r.code == 0, r
    message = git(repo, "log", "-1", "--format=%B")
    header, _, body = message.partition("\n\n")
    assert header.startswith("fix(auth): bump LOGIN_TIMEOUT"), message
    assert "what i did" not in message.lower() and ", ," not in body and " , " not in body


def test_breaking_removal_commits_with_bang_and_footer(repo, gv, speech, bundled_model):
    _stage(repo, "cli/options.py", "p.add_argument('--legacy', action='store_true')\np.add_argument('--quiet')\n",
           "p.add_argument('--quiet')\n")
    r = gv("commit", "--audio", str(speech("Removed the deprecated legacy flag.")), "--no-edit")
    assert r.code == 0, r
    message = git(repo, "log", "-1", "--format=%B")
    assert message.lower().startswith("refactor(cli)!: remove the deprecated legacy flag"), message
    assert message.rstrip().endswith("BREAKING CHANGE: --legacy is removed.")


def test_editor_sees_which_won_and_the_commit_does_not(repo, gv, speech, bundled_model, tmp_path, monkeypatch):
    _stage(repo, "ring.c", "int ring_size(void)\n{\n    return 256;\n}\n", "int ring_size(void)\n{\n\treturn 256;\n}\n")
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" "{seen}"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("GIT_EDITOR", str(editor))
    r = gv("commit", "--audio", str(speech("I fixed the ring size function.")))
    assert r.code == 0, r
    assert "# git voice: type style from the diff (whitespace only); the words said fix" in seen.read_text()
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("style(ring): ") and "git voice:" not in message, message
    assert os.environ.get("GIT_EDITOR") == str(editor)
