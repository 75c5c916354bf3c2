"""Installing git-voice's prepare-commit-msg hook without destroying anyone else's.

The hook goes where ``git rev-parse --git-path hooks`` says (core.hooksPath and
worktrees honoured; with core.hooksPath set git ignores ``.git/hooks``). Our own
script carries :data:`MARKER`, so re-installing only refreshes it; a foreign hook
is moved to ``prepare-commit-msg.legacy`` and our script runs it first.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import GitError
from ..resources import data_path
from .repo import Repo

HOOK = "prepare-commit-msg"
LEGACY_SUFFIX = ".legacy"
MARKER = "git-voice-hook: 8d2f5c1e"
_PLACEHOLDER = "@GIT_VOICE_PYTHON@"


@dataclass
class InstallResult:
    path: Path
    moved_legacy: bool = False
    refreshed: bool = False


def hooks_dir(repo: Repo) -> Path:
    """The directory git reads hooks from for this repository (or worktree)."""
    return repo.git_path("hooks")


def is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text("utf-8", "replace")
    except OSError:
        return False


def script(python: str | None = None) -> str:
    """The hook script with the interpreter path baked in (``sys.executable`` by default)."""
    python = python or sys.executable
    if "'" in python:
        # The path sits inside single quotes in the script; such a path falls back to PATH.
        python = ""
    return data_path(f"hooks/{HOOK}").read_text("utf-8").replace(_PLACEHOLDER, python)


def _write_executable(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".git-voice-tmp")
    tmp.write_text(text, "utf-8")
    mode = tmp.stat().st_mode
    tmp.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, path)


def install(repo: Repo, python: str | None = None) -> InstallResult:
    """Put the hook in place; idempotent. A foreign hook is kept as ``.legacy`` and still run."""
    directory = hooks_dir(repo)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / HOOK
    legacy = directory / (HOOK + LEGACY_SUFFIX)
    result = InstallResult(path=path)
    if path.exists() or path.is_symlink():
        if is_ours(path):
            result.refreshed = True
        else:
            if legacy.exists():
                raise GitError(f"{legacy} already exists; move one of the hooks away and install again")
            os.replace(path, legacy)
            result.moved_legacy = True
    _write_executable(path, script(python))
    return result


def uninstall(repo: Repo) -> bool:
    """Remove our hook and put a moved-aside one back; False when ours was not installed."""
    directory = hooks_dir(repo)
    path = directory / HOOK
    legacy = directory / (HOOK + LEGACY_SUFFIX)
    if not is_ours(path):
        return False
    path.unlink()
    if legacy.exists():
        os.replace(legacy, path)
    return True


def describe_command() -> str:
    """How the installed hook calls git-voice (shown by ``hook install``)."""
    return f"{shlex.quote(sys.executable)} -m git_voice hook run"
