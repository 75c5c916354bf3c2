from __future__ import annotations

import os
import sys

import pytest

from git_voice.gitops import hooks
from git_voice.gitops.repo import Repo

from ..helpers import git


def test_install_is_idempotent_and_bakes_the_interpreter(repo):
    r = Repo.discover(repo)
    first = hooks.install(r)
    assert first.path == repo / ".git" / "hooks" / "prepare-commit-msg"
    content = first.path.read_text()
    assert f"GIT_VOICE_PYTHON='{sys.executable}'" in content and hooks.MARKER in content
    assert os.access(first.path, os.X_OK)
    again = hooks.install(r)
    assert again.refreshed and not again.moved_legacy
    assert first.path.read_text() == content
    assert not (first.path.parent / "prepare-commit-msg.legacy").exists()


def test_foreign_hook_is_kept_run_and_restored(repo, tmp_path):
    r = Repo.discover(repo)
    hook_dir = repo / ".git" / "hooks"
    foreign = hook_dir / "prepare-commit-msg"
    marker = tmp_path / "foreign-ran"
    foreign.write_text(f'#!/bin/sh\necho "$1 $2" > "{marker}"\n')
    foreign.chmod(0o755)
    result = hooks.install(r)
    assert result.moved_legacy
    (repo / "new.txt").write_text("x\n")
    git(repo, "add", "new.txt")
    git(repo, "commit", "-q", "-m", "With both hooks")
    assert marker.read_text().split()[1] == "message"  # the legacy hook saw git's arguments
    assert hooks.uninstall(r)
    assert foreign.read_text().startswith("#!/bin/sh\necho")
    assert not (hook_dir / "prepare-commit-msg.legacy").exists()
    assert not hooks.uninstall(r)


def test_core_hooks_path_is_honoured(repo):
    git(repo, "config", "core.hooksPath", "githooks")
    result = hooks.install(Repo.discover(repo))
    assert result.path == repo / "githooks" / "prepare-commit-msg"
    assert not (repo / ".git" / "hooks" / "prepare-commit-msg").exists()


def test_post_commit_hook_kept_run_and_restored_too(repo, tmp_path):
    from git_voice.gitops.repo import Repo

    r = Repo.discover(repo)
    hook_dir = repo / ".git" / "hooks"
    hook_dir.mkdir(exist_ok=True)
    foreign = hook_dir / "post-commit"
    foreign.write_text(f'#!/bin/sh\ntouch "{tmp_path}/ran"\n')
    foreign.chmod(0o755)
    result = hooks.install(r)
    assert result.moved_legacy and hooks.is_ours(hook_dir / "post-commit") and hooks.is_ours(hook_dir / "prepare-commit-msg")
    assert (hook_dir / "post-commit.legacy").read_text() == f'#!/bin/sh\ntouch "{tmp_path}/ran"\n'
    git(repo, "commit", "-q", "--allow-empty", "-m", "x")
    assert (tmp_path / "ran").exists()  # the user's hook still runs
    assert hooks.uninstall(r)
    assert foreign.read_text() == f'#!/bin/sh\ntouch "{tmp_path}/ran"\n' and not (hook_dir / "prepare-commit-msg").exists()


def test_refused_install_changes_nothing(repo):
    from git_voice.errors import GitError
    from git_voice.gitops.repo import Repo

    hook_dir = repo / ".git" / "hooks"
    hook_dir.mkdir(exist_ok=True)
    for name in ("post-commit", "post-commit.legacy", "prepare-commit-msg"):
        (hook_dir / name).write_text(f"#!/bin/sh\n# {name}\n")
    with pytest.raises(GitError, match="already exists"):
        hooks.install(Repo.discover(repo))
    assert sorted(p.name for p in hook_dir.iterdir() if not p.name.endswith(".sample")) == \
        ["post-commit", "post-commit.legacy", "prepare-commit-msg"]
    assert all(not hooks.is_ours(hook_dir / n) for n in ("post-commit", "prepare-commit-msg"))


def test_install_and_init_name_the_hook_they_moved_aside(repo, gv):
    hook_dir = repo / ".git" / "hooks"
    (hook_dir / "post-commit").write_text("#!/bin/sh\ntrue\n")
    (hook_dir / "post-commit").chmod(0o755)
    r = gv("init", "--hook")
    assert r.code == 0 and "kept the existing post-commit hook as post-commit.legacy" in r.err, r
    assert "prepare-commit-msg.legacy" not in r.err
    assert gv("hook", "uninstall").code == 0 and not (hook_dir / "post-commit.legacy").exists()
    (hook_dir / "prepare-commit-msg").write_text("#!/bin/sh\ntrue\n")
    r = gv("hook", "install")
    assert r.code == 0 and r.err.count("kept the existing") == 2, r
    assert "kept the existing prepare-commit-msg hook as prepare-commit-msg.legacy" in r.err


def test_init_help_says_which_hooks_it_installs(gv):
    r = gv("init", "--help")
    assert "prepare-commit-msg, post-commit, post-rewrite" in " ".join(r.out.split()), r
