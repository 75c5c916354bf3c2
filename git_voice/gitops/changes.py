"""The change a note describes, as git sees it: its paths and its diff.

A :class:`ChangeRef` names the change (the staged index, a revision range, one
commit, or the work tree); :func:`diff` gives its diff with the same options for
every command, so code terms are drawn alike whichever command transcribes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import GitError
from ..types import Change
from .repo import Repo

# Every command's diff of a change (code terms and the message alike): one line of
# context widened to the whole enclosing function, so the definitions that enclose
# a change are seen even where the hunk header names only the class or impl; no
# colour, no external diff driver, renames as add + delete.
DIFF_ARGS = ("diff", "--no-color", "--no-ext-diff", "--no-renames", "-U1", "--function-context")


@dataclass(frozen=True)
class ChangeRef:
    """What a note is about: ``kind`` is ``staged``, ``range``, ``commit`` or ``worktree``.

    ``rev`` is the range (as ``format-patch`` takes it: ``A..B``, ``-N``, ``REV``) or
    the commit; ``all_tracked`` widens ``staged`` to every tracked change (``commit -a``).
    """

    kind: str
    rev: str | None = None
    all_tracked: bool = False

    @classmethod
    def staged(cls, all_tracked: bool = False) -> "ChangeRef":
        return cls("staged", None, all_tracked)

    @classmethod
    def range(cls, rev_range: str) -> "ChangeRef":
        return cls("range", rev_range)

    @classmethod
    def commit(cls, rev: str) -> "ChangeRef":
        return cls("commit", rev)

    @classmethod
    def worktree(cls) -> "ChangeRef":
        return cls("worktree")

    def __str__(self) -> str:
        return {"staged": "the staged change", "worktree": "the work tree"}.get(self.kind) or str(self.rev)


def range_args(repo: Repo, rev_range: str) -> list[str]:
    """The ``git diff`` revisions for a range given the way ``format-patch`` takes it.

    ``A..B`` and ``A...B`` pass through; ``-N`` is the last N commits (all of them
    when there are fewer, as format-patch takes it); ``X^!`` is the commit X alone and
    ``X^-`` is X's first parent to X, as git reads them; a single revision means
    "since it" (``rev..HEAD``), except HEAD itself, which means the HEAD commit. An
    unknown revision is a :class:`GitError`.
    """
    if ".." in rev_range:
        return [rev_range]
    if re.fullmatch(r"-[0-9]+", rev_range):
        back = repo.git("rev-parse", "--verify", "--quiet", f"HEAD~{rev_range[1:]}^{{commit}}", check=False)
        if back.returncode == 0:
            return [back.stdout.strip(), repo.rev_parse("HEAD")]
        return [_empty_tree(repo), repo.rev_parse("HEAD")]  # fewer commits than N: from the root
    if rev_range.endswith(("^!", "^-")) and len(rev_range) > 2:
        return commit_args(repo, rev_range[:-2])
    if repo.rev_parse(rev_range) == repo.rev_parse("HEAD"):
        return commit_args(repo, rev_range)
    return [f"{rev_range}..HEAD"]


def commit_args(repo: Repo, rev: str) -> list[str]:
    """The ``git diff`` revisions of one commit against its first parent (a root commit: the empty tree)."""
    sha = repo.rev_parse(rev)
    parent = repo.git("rev-parse", "--verify", "--quiet", f"{sha}^1", check=False)
    if parent.returncode == 0:
        return [parent.stdout.strip(), sha]
    return [_empty_tree(repo), sha]


def _empty_tree(repo: Repo) -> str:
    return repo.out("hash-object", "-t", "tree", "/dev/null")


def _revisions(repo: Repo, ref: ChangeRef) -> list[str]:
    """The ``git diff`` arguments naming ``ref``'s two sides (``--end-of-options`` before user revisions)."""
    if ref.kind == "staged":
        return ["HEAD"] if ref.all_tracked and has_head(repo) else ["--cached"]
    if ref.kind == "worktree":
        return ["HEAD"]
    if ref.rev is None:
        raise GitError(f"no revision given for {ref.kind}")
    return ["--end-of-options", *(commit_args(repo, ref.rev) if ref.kind == "commit" else range_args(repo, ref.rev))]


def files(repo: Repo, ref: ChangeRef) -> list[Change]:
    """The paths ``ref`` changes, with their status letters."""
    if ref.kind == "worktree" and not has_head(repo):
        return files(repo, ChangeRef.staged())
    return _name_status(repo.out("diff", "--name-status", "-z", "--no-color", "--no-ext-diff", *_revisions(repo, ref), "--"))


def diff(repo: Repo, ref: ChangeRef) -> str:
    """The diff of ``ref`` with :data:`DIFF_ARGS`; an unresolvable revision is a :class:`GitError`."""
    if ref.kind == "worktree" and not has_head(repo):
        # An unborn branch has no HEAD to compare with: staged plus unstaged.
        return repo.out(*DIFF_ARGS, "--cached", "--") + "\n" + repo.out(*DIFF_ARGS, "--")
    return repo.out(*DIFF_ARGS, *_revisions(repo, ref), "--")


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
    return files(repo, ChangeRef.staged(all_tracked))


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
