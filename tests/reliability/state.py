"""A repository's observable state, to prove a failed command wrote nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..helpers import git


def _tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``root`` → a hash of its bytes (directories as 'dir')."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel.startswith(skip):
            continue
        out[rel] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def snapshot(repo: Path) -> dict[str, object]:
    """Refs (notes included), HEAD, the index, the working tree and ``.git/voice/``."""
    return {
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(repo, "rev-parse", "HEAD", check=False),
        "index": hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
        if (repo / ".git" / "index").exists() else None,
        "worktree": _tree(repo, skip=(".git",)),
        "voice": _tree(repo / ".git" / "voice"),
    }
