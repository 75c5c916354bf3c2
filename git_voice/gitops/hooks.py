"""Installing git-voice's hooks without destroying anyone else's.

Three hooks: ``prepare-commit-msg`` fills the message from a spoken take,
``post-commit`` stores that take's transcript and recording as the new commit's
voice notes, ``post-rewrite`` keeps one whole recording on a squashed commit (git
would join two with a blank line). They go where ``git rev-parse --git-path hooks`` says (core.hooksPath
and worktrees honoured; with core.hooksPath set git ignores ``.git/hooks``). Our
own scripts carry :data:`MARKER`, so re-installing only refreshes them; a foreign
hook is moved to ``NAME.legacy`` and our script runs it first.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import GitError
from ..util import atomic_write
from ..resources import data_path
from .repo import Repo

HOOK = "prepare-commit-msg"
REWRITE_HOOK = "post-rewrite"
HOOKS = (HOOK, "post-commit", REWRITE_HOOK)
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


def script(python: str | None = None, name: str = HOOK) -> str:
    """The hook script ``name`` with the interpreter path baked in (``sys.executable`` by default)."""
    python = python or sys.executable
    if "'" in python:
        # The path sits inside single quotes in the script; such a path falls back to PATH.
        python = ""
    return data_path(f"hooks/{name}").read_text("utf-8").replace(_PLACEHOLDER, python)


def _write_executable(path: Path, text: str) -> None:
    atomic_write(path, text, mode=0o755)


def install(repo: Repo, python: str | None = None) -> InstallResult:
    """Put both hooks in place; idempotent. A foreign hook is kept as ``.legacy`` and still run.

    Every conflict is found before anything moves, so a refused install changes
    nothing. The result describes ``prepare-commit-msg``; ``moved_legacy`` is true
    when either hook's predecessor was moved aside.
    """
    directory = hooks_dir(repo)
    directory.mkdir(parents=True, exist_ok=True)
    plan = []
    for name in HOOKS:
        path, legacy = directory / name, directory / (name + LEGACY_SUFFIX)
        present = path.exists() or path.is_symlink()
        foreign = present and not is_ours(path)
        if foreign and legacy.exists():
            raise GitError(f"{legacy} already exists; move one of the hooks away and install again")
        plan.append((name, path, legacy, present, foreign))
    result = InstallResult(path=directory / HOOK)
    for name, path, legacy, present, foreign in plan:
        if foreign:
            os.replace(path, legacy)
            result.moved_legacy = True
        elif present and name == HOOK:
            result.refreshed = True
        _write_executable(path, script(python, name))
    return result


def ensure_rewrite_guard(repo: Repo, python: str | None = None) -> bool:
    """Put our ``post-rewrite`` hook in place when no hook is there (or ours is); True if it is ours.

    Called wherever the audio ref joins ``notes.rewriteRef``, so squashing commits with
    recordings never glues two recordings, hooks installed or not. A foreign hook is
    left alone here (``git voice hook install`` moves it aside and chains it).
    """
    directory = hooks_dir(repo)
    path = directory / REWRITE_HOOK
    if (path.exists() or path.is_symlink()) and not is_ours(path):
        return False
    directory.mkdir(parents=True, exist_ok=True)
    text = script(python, REWRITE_HOOK)
    if not path.is_file() or path.read_text("utf-8", "replace") != text:
        _write_executable(path, text)
    return True


def uninstall(repo: Repo) -> bool:
    """Remove our hooks and put moved-aside ones back; False when none of ours was installed."""
    directory = hooks_dir(repo)
    removed = False
    for name in HOOKS:
        path = directory / name
        legacy = directory / (name + LEGACY_SUFFIX)
        if not is_ours(path):
            continue
        path.unlink()
        removed = True
        if legacy.exists():
            os.replace(legacy, path)
    return removed
