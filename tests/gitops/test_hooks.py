from __future__ import annotations

import os
import sys

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
