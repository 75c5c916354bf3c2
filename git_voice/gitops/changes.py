"""The change a note describes, as git sees it: its paths and its diff.

A :class:`ChangeRef` names the change (the staged index, a revision range, one
commit, or the work tree); :func:`diff` gives its diff with the same options for
every command, so code terms are drawn alike whichever command transcribes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import GitError
from ..types import Change
from .repo import Repo, run_git

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


# ``git commit``'s options whose value may be the next argument, and its short ones
# whose value is the rest of a cluster (``-am msg``, ``-mfix``).
_COMMIT_VALUE_OPTIONS = frozenset((
    "--message", "--file", "--reuse-message", "--reedit-message", "--fixup", "--squash", "--author",
    "--date", "--template", "--cleanup", "--trailer", "--pathspec-from-file",
))
# Every long option of git commit (git 2.39's ``git commit -h``): git takes any unique
# prefix of one (``--amen``), so they are read here the same way.
_COMMIT_LONG_OPTIONS = (
    "--ahead-behind", "--all", "--allow-empty", "--allow-empty-message", "--amend", "--author", "--branch",
    "--cleanup", "--date", "--dry-run", "--edit", "--file", "--fixup", "--gpg-sign", "--include",
    "--interactive", "--long", "--message", "--no-post-rewrite", "--no-verify", "--null", "--only", "--patch",
    "--pathspec-file-nul", "--pathspec-from-file", "--porcelain", "--quiet", "--reedit-message",
    "--reset-author", "--reuse-message", "--short", "--signoff", "--squash", "--status", "--template",
    "--trailer", "--untracked-files", "--verbose",
)
_COMMIT_SHORT_VALUES = "mFCct"
_COMMIT_SHORT_OPTIONAL = "Su"  # -S[keyid], -u[mode]: a value only when attached


@dataclass(frozen=True)
class CommitArgs:
    """What ``git commit ARGS`` will record, as far as the message needs to know: ``mode``
    is ``index`` (the index), ``all`` (``-a``), ``include`` (``-i PATHS``) or ``only``
    (``PATHS``, ``-o PATHS``)."""

    mode: str = "index"
    paths: tuple[str, ...] = ()
    pathspec_options: tuple[str, ...] = ()
    amend: bool = False
    allow_empty: bool = False
    cleanup: str | None = None
    message_options: tuple[str, ...] = ()  # -m, -F, -C, -c, --fixup, --squash: a message of git's


def parse_commit_args(args: list[str]) -> CommitArgs:
    """``git commit``'s arguments read as git reads them (clusters such as ``-as`` too)."""
    flags: set[str] = set()
    paths: list[str] = []
    pathspec: list[str] = []
    cleanup = None
    i, after_dashes = 0, False
    while i < len(args):
        arg = args[i]
        i += 1
        if after_dashes or arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        elif arg == "--":
            after_dashes = True
        elif arg.startswith("--"):
            name, eq, value = arg.partition("=")
            name = _full_option(name)
            if name in _COMMIT_VALUE_OPTIONS and not eq:
                value = args[i] if i < len(args) else ""
                i += 1
            if name == "--cleanup":
                cleanup = value
            elif name == "--pathspec-from-file":
                pathspec.append(f"--pathspec-from-file={value}")
            elif name == "--pathspec-file-nul":
                pathspec.append(name)
            else:
                flags.add(name)
        else:
            for j, ch in enumerate(arg[1:], start=2):
                flags.add({"a": "--all", "i": "--include", "o": "--only"}.get(ch, "-" + ch))
                if ch in _COMMIT_SHORT_VALUES:
                    i += 1 if j == len(arg) else 0  # the value is the next argument, or the rest
                    break
                if ch in _COMMIT_SHORT_OPTIONAL:
                    break
    if "--all" in flags:
        mode = "all"
    elif paths or pathspec:
        mode = "include" if "--include" in flags else "only"
    elif "--only" in flags and "--amend" in flags:
        mode = "only"  # the amended commit's tree as it is, the index left out
    else:
        mode = "index"
    given = tuple(f for f in ("-m", "--message", "-F", "--file", "-C", "--reuse-message", "-c", "--reedit-message",
                              "--fixup", "--squash") if f in flags)
    return CommitArgs(mode, tuple(paths), tuple(pathspec), "--amend" in flags, "--allow-empty" in flags, cleanup,
                      given)


def _full_option(name: str) -> str:
    """``name`` or the one long option of git commit it is a prefix of, as git reads it."""
    if name in _COMMIT_LONG_OPTIONS:
        return name
    found = [o for o in _COMMIT_LONG_OPTIONS if o.startswith(name)]
    return found[0] if len(found) == 1 else name


@dataclass(frozen=True)
class PlannedCommit:
    """The tree ``git commit`` will record and what it goes on: ``parent_commit`` ("" for a
    root commit) and its tree (the empty tree then); ``ref`` is the change between them."""

    ref: "ChangeRef"
    tree: str
    parent_commit: str
    parent_tree: str

    @property
    def empty(self) -> bool:
        return self.tree == self.parent_tree


def planned_commit(repo: Repo, commit: CommitArgs, cwd: str | None = None) -> PlannedCommit:
    """The change ``git commit`` will record with ``commit``'s arguments, run in ``cwd`` (where
    its pathspecs are relative to): the index, or the index with the paths or every tracked
    change added, worked out in a temporary index (the real one is not touched); on the
    commit ``--amend`` replaces (its first parent), else on HEAD."""

    if repo.out("ls-files", "--unmerged"):
        raise GitError("there are unresolved conflicts: resolve them and git add the files first")
    head = has_head(repo)
    parent = ""
    if commit.amend and head:
        proc = repo.git("rev-parse", "--verify", "--quiet", "HEAD^1^{commit}", check=False)
        parent = proc.stdout.strip() if proc.returncode == 0 else ""
    elif head:
        parent = repo.rev_parse("HEAD")
    import shutil
    import tempfile

    # A copy of the index: even ``write-tree`` rewrites the index it reads (its cache tree).
    # In a private folder of the system's, so a killed run leaves nothing in the repository.
    work = Path(tempfile.mkdtemp(prefix="git-voice-index-"))
    index = work / "index"
    env = dict(os.environ, GIT_INDEX_FILE=str(index))
    try:
        if commit.mode == "only":
            run_git(["read-tree", "HEAD" if head else "--empty"], cwd=repo.cwd, env=env)
        else:
            real = repo.git_path("index")
            if real.is_file():
                index.write_bytes(real.read_bytes())
        if commit.mode == "all":
            run_git(["add", "-u", "--", ":/"], cwd=repo.cwd, env=env)
        elif commit.mode != "index" and (commit.paths or commit.pathspec_options):
            known = _known_paths(repo, commit, cwd or str(repo.cwd), head)
            listing = work / "paths"
            listing.write_bytes(b"".join(os.fsencode(p) + b"\0" for p in known))
            # The files git knows that the pathspecs name, each as it is in the work tree.
            run_git(["add", "-A", f"--pathspec-from-file={listing}", "--pathspec-file-nul"], cwd=repo.cwd,
                    env=dict(env, GIT_LITERAL_PATHSPECS="1"))
        tree = run_git(["write-tree"], cwd=repo.cwd, env=env).stdout.strip()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base_tree = repo.out("rev-parse", f"{parent}^{{tree}}") if parent else _empty_tree(repo)
    return PlannedCommit(ChangeRef.range(f"{parent or base_tree}..{tree}"), tree, parent, base_tree)


def _known_paths(repo: Repo, commit: CommitArgs, cwd: str, head: bool) -> list[str]:
    """The paths ``git commit PATHS`` records: files in the index or HEAD that the pathspecs
    match (from the top folder); never an untracked file, which git commit leaves out. None
    is a :class:`GitError`, as git commit says it, before anything is transcribed."""
    with_tree = ["--with-tree=HEAD"] if head else []
    paths = list(commit.paths)
    for option in commit.pathspec_options:  # ls-files takes no --pathspec-from-file: read it here
        if option.startswith("--pathspec-from-file="):
            name = option.split("=", 1)[1]
            try:
                data = (Path(cwd) / name).read_bytes()
            except OSError as exc:
                raise GitError(f"cannot read the pathspecs in {name}: {exc.strerror or exc}") from None
            sep = b"\0" if "--pathspec-file-nul" in commit.pathspec_options else b"\n"
            paths += [os.fsdecode(p.rstrip(b"\r")) for p in data.split(sep) if p.strip()]
    proc = run_git(["ls-files", "-z", "--full-name", *with_tree, "--", *paths], cwd=cwd) if paths else None
    known = [p for p in dict.fromkeys(proc.stdout.split("\0")) if p] if proc else []
    if not known:
        said = " ".join(commit.paths) or "the pathspecs given"
        raise GitError(f"pathspec {said} did not match any file(s) known to git")
    return known


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


def strips_comments(repo: Repo, cleanup: str | None) -> bool:
    """Whether ``git commit`` with the editor strips comment lines from the message it is
    given: its cleanup mode (``--cleanup``, else ``commit.cleanup``) is ``default`` or
    ``strip``, and the comment character is a fixed one (``auto`` picks one that no line
    of the message starts with, so ours would stay)."""
    if cleanup is None:
        cleanup = repo.git("config", "--get", "commit.cleanup", check=False).stdout.strip() or "default"
    char = repo.git("config", "--get", "core.commentChar", check=False).stdout.strip()
    return cleanup in ("default", "strip") and char != "auto"


def comment_char(repo: Repo) -> str:
    """``core.commentChar`` (``#`` when unset or ``auto``)."""
    proc = repo.git("config", "--get", "core.commentChar", check=False)
    value = proc.stdout.strip()
    return value if len(value) == 1 else "#"
