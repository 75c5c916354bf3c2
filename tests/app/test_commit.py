"""``git voice commit`` records, and describes, the change git commit records: pathspecs
from a subdirectory, ``-a`` in a cluster, ``--amend``; its note goes on the commit it made;
its comment lines appear only when git strips them. Real repositories, the real model."""

from __future__ import annotations

import os

import pytest

from ..helpers import git, make_repo

SAID = "I fixed the crash in load config when the file is missing."
CONFIG = "def load_config(path):\n    with open(path) as fh:\n        return fh.read()\n"
FIXED = ("import os\n\n\ndef load_config(path):\n    if not os.path.exists(path):\n        return ''\n"
         "    with open(path) as fh:\n        return fh.read()\n")


@pytest.fixture(scope="module")
def note():
    from ..helpers import synth

    return synth(SAID)


@pytest.fixture
def project(tmp_path, monkeypatch):
    path = make_repo(tmp_path / "repo")
    (path / "sub").mkdir()
    (path / "config.py").write_text("x = 1\n")
    (path / "sub" / "config.py").write_text(CONFIG)
    (path / "README").write_text("readme\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "init")
    monkeypatch.chdir(path)
    return path


def _changed(path, rev="HEAD") -> set[str]:
    return set(git(path, "show", "--format=", "--name-only", rev).split())


def test_a_pathspec_from_a_subdirectory_commits_and_describes_that_path(project, gv, note, bundled_model, monkeypatch):
    (project / "sub" / "config.py").write_text(FIXED)
    (project / "config.py").write_text("x = 2\n")
    (project / "README").write_text("staged, not part of this commit\n")
    git(project, "add", "README")
    monkeypatch.chdir(project / "sub")
    r = gv("commit", "--audio", str(note), "--no-edit", "--", "config.py")
    assert r.code == 0, r
    assert _changed(project) == {"sub/config.py"}
    message = git(project, "log", "-1", "--format=%B")
    assert message.startswith("fix(sub): ") and "load_config" in message, message
    assert git(project, "status", "--porcelain", "--", "README").startswith("M "), "README stays staged"


def test_all_in_a_cluster_commits_the_tracked_changes(project, gv, note, bundled_model):
    (project / "sub" / "config.py").write_text(FIXED)
    r = gv("commit", "--audio", str(note), "--no-edit", "--", "-as")
    assert r.code == 0, r
    assert _changed(project) == {"sub/config.py"} and "Signed-off-by: " in git(project, "log", "-1", "--format=%B")


def test_amend_describes_the_amended_commit(project, gv, note, bundled_model):
    (project / "sub" / "config.py").write_text(FIXED)
    git(project, "commit", "-q", "-am", "wip")
    r = gv("commit", "--audio", str(note), "--no-edit", "--", "--amend")
    assert r.code == 0, r
    message = git(project, "log", "-1", "--format=%B")
    assert message.startswith("fix(sub): ") and "load_config" in message, message
    assert git(project, "log", "--format=%s").splitlines()[1] == "init"  # amended, not added


def test_the_note_goes_on_the_commit_made_even_when_a_post_commit_hook_commits(project, gv, note, bundled_model):
    hook = project / ".git" / "hooks" / "post-commit"
    hook.write_text('#!/bin/sh\n[ -n "$STAMPING" ] && exit 0\n'
                    'date > STAMP; git add STAMP; STAMPING=1 git commit -q -m "chore: stamp"\n')
    hook.chmod(0o755)
    (project / "sub" / "config.py").write_text(FIXED)
    git(project, "add", "-A")
    r = gv("commit", "--audio", str(note), "--no-edit")
    assert r.code == 0, r
    assert git(project, "log", "-1", "--format=%s") == "chore: stamp\n"
    assert git(project, "notes", "--ref=voice", "list", "HEAD", check=False) == ""
    assert "load config" in git(project, "notes", "--ref=voice", "show", "HEAD~1").lower().replace("_", " ")


@pytest.mark.parametrize("setting", [("core.commentChar", "auto"), ("commit.cleanup", "scissors"),
                                     ("commit.cleanup", "whitespace")])
def test_comment_lines_only_when_git_strips_them(project, gv, note, bundled_model, setting):
    # A whitespace-only change: the message explains its type in comment lines when editing.
    (project / "sub" / "config.py").write_text(CONFIG.replace("return fh.read()", "return  fh.read()"))
    git(project, "add", "-A")
    git(project, "config", *setting)
    assert os.environ["GIT_EDITOR"] == ":"  # the editor keeps the file as it is
    r = gv("commit", "--audio", str(note))
    assert r.code == 0, r
    message = git(project, "log", "-1", "--format=%B")
    assert message.startswith("style(sub): ") and "git voice:" not in message, message


def test_comment_lines_are_stripped_by_default(project, gv, note, bundled_model):
    (project / "sub" / "config.py").write_text(CONFIG.replace("return fh.read()", "return  fh.read()"))
    git(project, "add", "-A")
    r = gv("commit", "--audio", str(note))
    assert r.code == 0, r
    assert "git voice:" not in git(project, "log", "-1", "--format=%B")


def test_pathspecs_from_stdin_reach_both_the_message_and_git_commit(project, note, bundled_model):
    import subprocess
    import sys

    (project / "sub" / "config.py").write_text(FIXED)
    (project / "config.py").write_text("x = 2\n")
    proc = subprocess.run([sys.executable, "-m", "git_voice", "commit", "--audio", str(note), "--no-edit", "--",
                           "--pathspec-from-file=-"], input="sub/config.py\n", capture_output=True, text=True,
                          cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert _changed(project) == {"sub/config.py"} and "load_config" in git(project, "log", "-1", "--format=%B")
    assert not any((project / ".git" / "voice" / "tmp").iterdir())  # the copy of stdin is gone


def test_an_option_that_gives_git_a_message_is_refused_before_transcribing(project, gv, tmp_path):
    (project / "sub" / "config.py").write_text(FIXED)
    git(project, "add", "-A")
    r = gv("commit", "--audio", str(tmp_path / "never-read.wav"), "--no-edit", "--", "-m", "typed")
    assert r.code == 2 and r.err.count("\n") == 1 and "-m gives git commit a message" in r.err, r


def test_ctrl_c_in_the_editor_says_where_the_message_is_kept(project, note, bundled_model):
    import re
    import subprocess
    import sys
    from pathlib import Path

    (project / "sub" / "config.py").write_text(FIXED)
    git(project, "add", "-A")
    # As Ctrl-C at a terminal does: SIGINT to the whole foreground group (git-voice, git, the editor).
    env = dict(os.environ, GIT_EDITOR="kill -INT 0 #")
    proc = subprocess.run([sys.executable, "-m", "git_voice", "commit", "--audio", str(note)], cwd=project,
                          env=env, capture_output=True, text=True, start_new_session=True, timeout=300)
    assert proc.returncode == 130, proc.stderr
    kept = re.search(r"the message is kept in (\S+)", proc.stderr)
    assert kept and "load_config" in Path(kept.group(1)).read_text(), proc.stderr
    assert git(project, "log", "-1", "--format=%s") == "init\n"
