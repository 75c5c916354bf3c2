"""Real ``git diff --cached -U0`` text for small changes, made in a temporary repository."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..helpers import git, make_repo


def staged_diff(files: dict[str, tuple[str | None, str | None]]) -> str:
    """``{path: (before, after)}`` (None: absent) → the staged diff of before → after."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "r")
        (repo / ".keep").write_text("")
        for name, (before, _) in files.items():
            if before is not None:
                (repo / name).parent.mkdir(parents=True, exist_ok=True)
                (repo / name).write_text(before)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "before")
        for name, (_, after) in files.items():
            if after is None:
                (repo / name).unlink()
            else:
                (repo / name).parent.mkdir(parents=True, exist_ok=True)
                (repo / name).write_text(after)
        git(repo, "add", "-A")
        return git(repo, "diff", "--cached", "-U0", "--no-color")
