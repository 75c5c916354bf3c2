"""The change a message describes: staged paths and their diff, or a revision range's."""

from __future__ import annotations

from ..compose.conventions import Change
from .repo import Repo


def _name_status(output: str) -> list[Change]:
    """``git diff --name-status -z`` output → changes (renames and copies name the new path)."""
    fields = output.split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[:1] in ("R", "C"):
            changes.append(Change(fields[i + 2], status[:1]))
            i += 3
        else:
            changes.append(Change(fields[i + 1], status[:1]))
            i += 2
    return changes


def staged(repo: Repo, *, all_tracked: bool = False) -> list[Change]:
    """What the next commit records: the index (or, for ``commit -a``, every tracked change)."""
    args = ["diff", "--name-status", "-z", "--no-color", "--no-ext-diff"]
    args += ["HEAD"] if all_tracked and has_head(repo) else ["--cached"]
    return _name_status(repo.out(*args))


def staged_diff(repo: Repo, *, all_tracked: bool = False) -> str:
    """The diff of the next commit, ``-U0``: the input code-term candidates are drawn from."""
    args = ["diff", "-U0", "--no-color", "--no-ext-diff"]
    args += ["HEAD"] if all_tracked and has_head(repo) else ["--cached"]
    return repo.out(*args)


def in_range(repo: Repo, rev_range: str) -> list[Change]:
    """Changes of a range (``A..B``), for a patch series."""
    return _name_status(repo.out("diff", "--name-status", "-z", "--no-color", "--end-of-options", rev_range, "--"))


def has_head(repo: Repo) -> bool:
    return repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0


def operation_in_progress(repo: Repo) -> str | None:
    """``rebase``, ``merge``, ``cherry-pick`` or ``revert`` when one is under way, else None."""
    for name, what in (
        ("rebase-merge", "rebase"),
        ("rebase-apply", "rebase"),
        ("MERGE_HEAD", "merge"),
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
        ("SQUASH_MSG", "squash"),
    ):
        if repo.git_path(name).exists():
            return what
    return None


def comment_char(repo: Repo) -> str:
    """``core.commentChar`` (``#`` when unset or ``auto``)."""
    proc = repo.git("config", "--get", "core.commentChar", check=False)
    value = proc.stdout.strip()
    return value if len(value) == 1 else "#"
