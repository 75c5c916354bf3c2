"""``git voice commit`` and the message both it and the hook write: a spoken note about
the staged change → a message by convention (``templates/commit-<convention>.j2``)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .. import ui
from ..compose.conventions import compose
from ..compose.render import render
from ..config import Settings
from ..errors import GitError
from ..gitops import changes
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from ..gitops.takes import consume, release
from .notes import attach
from .takes import Takes, claim_audio, recording_for
from .transcribe import Request, candidates_of, joined_text, transcribe_text


def message_for(
    repo: Repo, settings: Settings, text: str, convention: str | None = None, all_tracked: bool = False,
    editing: bool = False, ref: ChangeRef | None = None,
) -> str:
    """The commit message for the staged change (or every tracked change, or ``ref``) from
    transcript ``text``.

    The diff lets the message name what a short note does not and see whitespace-only
    and breaking changes; with ``editing``, comment lines say why the type is what it
    is (only when git strips them as the editor closes).
    """
    convention = convention or settings.convention
    ref = ref or ChangeRef.staged(all_tracked)
    msg = compose(text, changes.files(repo, ref), convention, scope=settings.scope, diff=changes.diff(repo, ref))
    out = render(
        f"commit-{convention}", settings.template_dir,
        header=msg.header, type=msg.type, scope=msg.scope, subject=msg.subject, body=msg.body, footer=msg.footer,
        text=text,
    )
    return out + ("\n" + msg.comment_lines(changes.comment_char(repo)) if editing and msg.comments else "")


def staged_request(
    repo: Repo, settings: Settings, all_tracked: bool = False, model: str | None = None, device: str | None = None,
    ref: ChangeRef | None = None,
) -> Request:
    """What to transcribe a note about the staged change (or ``ref``) with: its code terms."""
    return Request(settings=settings, model=model, device=device, hotwords=tuple(settings.hotwords),
                   candidates=candidates_of(repo, ref or ChangeRef.staged(all_tracked)))


def takes_text(takes: Takes, request: Request) -> str:
    """The spoken text of ``takes``: what was heard while recording, else transcribed now."""
    return joined_text(takes.heard) if takes.heard is not None else transcribe_text(takes.paths, request)


def commit(
    repo: Repo, settings: Settings, audio: str | None, record: bool, git_args: list[str], *,
    convention: str | None = None, edit: bool = True, model: str | None = None, device: str | None = None,
) -> None:
    """Transcribe the note, run ``git commit -F`` with the message, and attach the note to the new commit.

    Pending takes are claimed for this commit; when no commit is made they go back.
    """
    parsed = changes.parse_commit_args(list(git_args))
    _refuse_message_options(parsed)
    args = _pathspec_stdin_to_file(repo, list(git_args))
    try:
        parsed = changes.parse_commit_args(args)
        # git commit runs where the user is, so its pathspecs mean what they would there.
        cwd = _user_dir(repo)
        plan = changes.planned_commit(repo, parsed, cwd)
        if plan.empty and not (parsed.allow_empty or parsed.amend):
            raise GitError("nothing staged to commit (git add the change first)" if parsed.mode == "index"
                           else "nothing to commit: the change git commit would record is empty")
        request = staged_request(repo, settings, model=model, device=device, ref=plan.ref)
        takes = claim_audio(repo, settings, audio, record, live=request)
        try:
            _commit(repo, settings, takes, request, args, parsed, plan, cwd, convention, edit)
        except BaseException:
            if takes.claim is not None:
                release(repo, takes.claim)  # no commit was made: the takes wait for the next one
            raise
    finally:
        if args != list(git_args):  # the pathspecs read from stdin, kept in a file of ours
            Path(next(a for a in args if a.startswith("--pathspec-from-file="))[21:]).unlink(missing_ok=True)


def _pathspec_stdin_to_file(repo: Repo, args: list[str]) -> list[str]:
    """``--pathspec-from-file=-`` read once, into a file of this run's own: the change is
    worked out from it and git commit reads it again (stdin can be read only once)."""
    for i, arg in enumerate(args):
        split = arg == "--pathspec-from-file" and args[i + 1:i + 2] == ["-"]
        if arg == "--pathspec-from-file=-" or split:
            fd, name = tempfile.mkstemp(prefix="pathspec-", dir=repo.voice_tmp())
            with os.fdopen(fd, "wb") as fh:
                fh.write(sys.stdin.buffer.read())
            return [*args[:i], f"--pathspec-from-file={name}", *args[i + (2 if split else 1):]]
    return args


def _refuse_message_options(parsed: changes.CommitArgs) -> None:
    """git-voice writes the message: an option that gives git commit another one could only
    fail after the note was transcribed (``-m`` and ``-F`` together)."""
    if parsed.message_options:
        raise GitError(f"{parsed.message_options[0]} gives git commit a message; git voice commit writes it "
                       "from the note (use plain git commit for a typed one)")


def _user_dir(repo: Repo) -> str | None:
    """The directory git-voice was started in, when it is inside the work tree."""
    here = Path.cwd().resolve()
    root = repo.root.resolve() if repo.root else None
    return str(here) if root is not None and (here == root or root in here.parents) else None


def _commit(
    repo: Repo, settings: Settings, takes: Takes, request: Request, args: list[str], parsed: changes.CommitArgs,
    plan: changes.PlannedCommit, cwd: str | None, convention: str | None, edit: bool,
) -> None:
    """Transcribe, run ``git commit -F`` on a message file of this invocation's own, attach the
    notes to the commit it made (not ``--dry-run``) and mark claimed takes used."""
    text = takes_text(takes, request)
    editing = edit and changes.strips_comments(repo, parsed.cleanup)
    message = message_for(repo, settings, text, convention, editing=editing, ref=plan.ref)
    if takes.claim is not None:
        # Should this process die after git commits, the next claim sees the commit was made.
        takes.claim.info.update(text=text, tree=plan.tree, parent=plan.parent_commit)
        takes.claim.save()
    work = repo.voice_tmp()
    fd, name = tempfile.mkstemp(prefix="COMMIT_EDITMSG-", dir=work)  # two commits at once: a file each
    msg_file = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(message)
    before = _head(repo)
    try:
        rc = repo.git_passthrough("commit", "-F", str(msg_file), *(["--edit"] if edit else []), *args, cwd=cwd)
    except KeyboardInterrupt:  # Ctrl-C in the editor: no commit; say where the message is
        if _head(repo) == before:
            ui.warn(f"no commit made; the message is kept in {msg_file}")
        raise
    if rc != 0:
        raise GitError(f"git commit failed (exit status {rc}); the message is kept in {msg_file}")
    msg_file.unlink(missing_ok=True)
    if _head(repo) == before:  # --dry-run, or a commit that was not made for another reason
        ui.warn("git commit made no commit; no voice note attached")
        if takes.claim is not None:
            release(repo, takes.claim)
        return
    made = _made_commit(repo, plan.parent_commit)
    recording = recording_for(takes.paths, takes.claim.dir if takes.claim is not None else work)
    try:
        attach(repo, made, text, recording, settings)
    finally:
        if recording not in takes.paths:
            recording.unlink(missing_ok=True)
    if takes.claim is not None:
        consume(repo, takes.claim)


def _made_commit(repo: Repo, parent: str) -> str:
    """The commit ``git commit`` made on ``parent``: the first on HEAD's first-parent line
    after it, which HEAD is unless a post-commit hook committed again on top."""
    line = repo.out("rev-list", "--reverse", "--first-parent", *([f"{parent}..HEAD"] if parent else ["HEAD"]))
    made = line.split("\n", 1)[0].strip()
    return made or repo.rev_parse("HEAD")


def _head(repo: Repo) -> str:
    proc = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""
