"""Transcripts and names that try to become code: Jinja2, the shell, the terminal.

A transcript is data everywhere: templates receive it as a variable, git gets it
through files and argument vectors (never a shell), and whatever reaches the
terminal is stripped of control sequences.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from git_voice.app.format_patch import cover_texts
from git_voice.compose.conventions import compose
from git_voice.types import Change
from git_voice.compose.render import render
from git_voice.config import Settings
from git_voice.gitops import notes
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo

JINJA = "{{ config.__class__.__init__.__globals__ }} {% for x in range(3) %}loop{% endfor %} {# gone #} {{ 7*7 }}"
SHELL = "$(touch PWNED) `touch PWNED2`; rm -rf ~ && echo $HOME | cat > PWNED3 \"'"
ESCAPES = "\x1b]0;owned title\x07\x1b[2J\x1b[31mred\x1b[0m \x1b]52;c;Y2xpcGJvYXJk\x07 bell\x07 \x9b31m"


@pytest.mark.parametrize("convention", ["conventional", "kernel", "plain"])
def test_jinja_in_a_transcript_is_printed_as_said(convention):
    text = f"Fix the parser. {JINJA}"
    msg = compose(text, [Change("src/parser.py")], convention)
    out = render(f"commit-{convention}", None, header=msg.header, type=msg.type, scope=msg.scope,
                 subject=msg.subject, body=msg.body, text=text)
    flat = " ".join(out.split())
    assert "{{ config.__class__.__init__.__globals__ }}" in flat and "{{ 7*7 }}" in flat and "49" not in flat
    assert "{% for x in range(3) %}loop{% endfor %}" in flat and "{# gone #}" in flat
    for name, variables in (("note", {"text": text, "body": text}),
                            ("cover-letter", {"subject": "s", "text": text, "blurb": text}),
                            ("patch-note", {"subject": "s", "text": text, "blurb": text})):
        assert render(name, None, **variables) == text + "\n"
    subject, blurb, _ = cover_texts(JINJA, Settings())
    assert "{{ 7*7 }}" in " ".join(blurb.split())


def test_shell_metacharacters_in_paths_and_messages_run_nothing(tmp_path, gv, monkeypatch):
    """A repository in a folder named like a command substitution, the hook installed, a
    message full of shell syntax: git and the hook run, nothing is executed."""
    repo = make_repo(tmp_path / "$(touch PWNED) `touch PWNED2` ; x", commits=1)
    monkeypatch.chdir(repo)
    assert gv("hook", "install").code == 0
    take = repo / ".git" / "voice" / "pending" / "take; touch PWNED4.wav"  # filed by hand: stage checks audio
    take.parent.mkdir(parents=True, exist_ok=True)
    take.write_bytes(b"not audio")  # the hook reads it and fails: one warning, the commit goes on
    (repo / "f.txt").write_text("x\n")
    git(repo, "add", "f.txt")
    editor = tmp_path / "editor.sh"  # the user "types" the message: a plain commit, so the hook acts
    editor.write_text('#!/bin/sh\nprintf "%s\\n" "$MSG" > "$1"\n')
    editor.chmod(0o755)
    proc = subprocess.run(["git", "commit", "-q"], cwd=repo, capture_output=True, text=True,
                          env=dict(os.environ, GIT_EDITOR=str(editor), MSG=SHELL))
    assert proc.returncode == 0, proc.stderr
    assert "git voice: warning: hook:" in proc.stderr  # it ran, read the take, and let the commit go on
    notes.set_text(Repo.discover(repo), "HEAD", SHELL + "\n")
    r = gv("show")
    assert r.code == 0 and r.out == SHELL + "\n"
    assert git(repo, "log", "-1", "--format=%B").strip() == SHELL.strip()
    for root in (tmp_path, repo, Path.home()):
        assert not list(root.rglob("PWNED*")), root


def test_terminal_escapes_never_reach_the_terminal(repo, gv):
    notes.set_text(Repo.discover(repo), "HEAD", f"Fixed it. {ESCAPES}\n")
    r = gv("show")
    assert r.code == 0 and "Fixed it." in r.out and "red" in r.out and "bell" in r.out
    assert not any(ch in r.out for ch in "\x1b\x07\x9b"), repr(r.out)
    # A file name full of escapes, in an error message, is cleaned the same way.
    evil = repo / "\x1b]0;title\x07\x1b[2Jnote.wav"
    evil.write_bytes(b"")
    r = gv("transcribe", str(evil))
    assert r.code == 2 and "note.wav" in r.err and not any(ch in r.err for ch in "\x1b\x07"), repr(r.err)
