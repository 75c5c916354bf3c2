"""``git voice hook install|uninstall|run|attach``: the prepare-commit-msg and post-commit hooks.

``run`` is what the installed script calls. It acts only for a plain ``git
commit`` or a template (not ``-m``/``-F``, merges, squashes, amends, rebases),
takes the waiting take from ``.git/voice/pending`` or offers to record on
``/dev/tty`` (stdin is /dev/null in hooks), and fills the message by the
convention. Any failure prints one warning and leaves the message file exactly
as it was, so the commit goes on; with ``voice.hook.strict`` it stops the commit.

``run`` claims the pending takes for this ``git commit`` process and keeps the
transcript and the tree being committed with the claim (``takes.py``); ``attach``
(the post-commit hook of the same ``git commit``) stores them as the new commit's
voice notes when its tree is that tree, as ``git voice commit`` does, and warns
without failing anything when it cannot. A commit that is not made (aborted in
the editor, killed) never reaches post-commit: its takes go back to pending.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import ui

# prepare-commit-msg sources the hook acts on: none (plain commit) and template.
_ACT_ON = ("", "template")



@click.group()
def hook() -> None:
    """Install, remove or run the prepare-commit-msg and post-commit hooks."""


@hook.command()
def install() -> None:
    """Install the hooks where git looks for hooks (core.hooksPath, worktrees honoured).

    prepare-commit-msg fills the message from a spoken take; post-commit stores the
    transcript and recording as the commit's voice notes. A hook already there is
    moved to NAME.legacy and still runs first. Also sets notes.rewriteRef so amend
    and rebase keep voice notes.
    """
    from ..gitops import hooks, notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    result = hooks.install(repo)
    notes.ensure_rewrite_refs(repo)
    if result.moved_legacy:
        ui.info(f"kept the existing hook as {result.path.name}{hooks.LEGACY_SUFFIX}; it still runs first")
    ui.info(f"{'refreshed' if result.refreshed else 'installed'} {result.path}")


@hook.command()
def uninstall() -> None:
    """Remove the hooks (hooks that were moved aside come back)."""
    from ..gitops import hooks
    from ..gitops.repo import Repo

    if hooks.uninstall(Repo.discover()):
        ui.info("removed the git-voice hooks")
    else:
        ui.info("no git-voice hook was installed")


def _offer_to_record(repo, settings) -> list[Path]:
    """Ask on /dev/tty whether to record now (the take is filed as pending); [] when there is no
    terminal or the answer is no."""
    from ..audio.terminal import ask_tty

    answer = ask_tty("git voice: record a spoken note for this commit? [y/N] ")
    if answer is None:
        return []
    if answer not in ("y", "yes"):
        return []
    from ..audio.record import record_take

    return [record_take(repo, settings, pending=True)]


def _message_for(repo, settings, takes: list[Path]) -> tuple[str, str]:
    """Transcribe ``takes`` against the staged change → (transcript, rendered message)."""
    from ..compose.conventions import compose
    from ..compose.render import render
    from ..gitops import changes
    from . import _voice

    diff = changes.staged_diff(repo)

    def source():
        from ..codeterms import candidates

        return candidates.from_diff_text(diff)

    text = _voice.transcribe(takes, settings, source)
    msg = compose(text, changes.staged(repo), settings.convention, scope=settings.scope)
    return text, render(
        f"commit-{settings.convention}", settings.template_dir,
        header=msg.header, type=msg.type, scope=msg.scope, subject=msg.subject, body=msg.body, text=text,
    )


def _replace(msg_file: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``msg_file``, then rename it over: git sees
    the old message or the new one, never half (disk full, a kill); no temporary is left."""
    tmp = msg_file.with_name(msg_file.name + ".git-voice")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, msg_file)
    except BaseException:
        if tmp.is_file():
            tmp.unlink()
        raise


def fill_message_file(msg_file: Path, source: str) -> str:
    """Fill ``msg_file`` for a commit whose message source is ``source``; returns what happened.

    The pending takes are claimed for this ``git commit`` (one take, one commit); the
    claim keeps the transcript and tree for post-commit, and goes back to pending when
    this fails or the commit is never made (see ``takes.recover_stale_claims``).
    """
    from ..compose import msgfile
    from ..config import load_settings
    from ..gitops import changes
    from ..gitops.repo import Repo
    from ..takes import claim_pending, git_process, recording_for, release

    repo = Repo.discover()
    if source not in _ACT_ON:
        return f"left alone ({source} commit)"
    busy = changes.operation_in_progress(repo)
    if busy:
        return f"left alone ({busy} in progress)"
    settings = load_settings(repo.cwd)
    info = {"tree": repo.out("write-tree"), "parent": _head(repo), "cwd": str(repo.cwd)}
    claim = claim_pending(repo, git_process(), **info)
    if claim is None and _offer_to_record(repo, settings):
        claim = claim_pending(repo, git_process(), **info)
    if claim is None:
        return "no take waiting"
    try:
        existing = msg_file.read_bytes().decode("utf-8")
        text, message = _message_for(repo, settings, claim.takes)
        claim.info.update(text=text, audio=str(recording_for(claim.takes, claim.dir)))
        claim.save()
        char = changes.comment_char(repo)
        if not msgfile.already_filled(existing, message, char):
            _replace(msg_file, msgfile.fill(existing, message, char))
    except BaseException:
        release(repo, claim)  # the take waits for the next try
        raise
    return "filled"


def _head(repo) -> str:
    """HEAD's commit id, or "" before the first commit."""
    proc = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def attach_left_note() -> str:
    """Store the transcript and recording this ``git commit``'s prepare-commit-msg claimed as
    HEAD's voice notes; returns what happened. Claims of other commits are not touched."""
    from ..config import load_settings
    from ..gitops import notes
    from ..gitops.repo import Repo
    from ..takes import claims_of, consume, git_process, release
    from . import _voice

    repo = Repo.discover()
    mine = claims_of(repo, git_process())
    if not mine:
        return "nothing to attach"
    outcome = "nothing to attach"
    for claim in mine:
        if not claim.info.get("text"):
            release(repo, claim)  # the hook never filled the message from it
            continue
        try:
            if repo.out("rev-parse", "HEAD^{tree}") == claim.info.get("tree"):
                audio = Path(claim.info["audio"]) if claim.info.get("audio") else None
                notes.ensure_rewrite_refs(repo)
                _voice.attach(repo, "HEAD", claim.info["text"], audio if audio is not None and audio.is_file() else None,
                              load_settings(repo.cwd))
                outcome = "attached"
            else:
                outcome = "left alone (this commit is not the one the note was made for)"
        finally:
            consume(repo, claim)  # the message was made from it: used, whatever happens here
    return outcome


@hook.command("run", hidden=True)
@click.argument("msg_file", type=click.Path(path_type=Path))
@click.argument("source", required=False, default=None)
@click.argument("sha", required=False, default=None)
def run(msg_file, source, sha) -> None:
    """prepare-commit-msg MSG_FILE [SOURCE [SHA]] (also PRE_COMMIT_COMMIT_MSG_SOURCE)."""
    from ..config import load_settings
    from ..errors import GitVoiceError

    if source is None:
        source = os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    try:
        with ui.native_output_silenced():  # one warning line, never a native library's noise
            outcome = fill_message_file(msg_file, source or "")
        if os.environ.get("GIT_VOICE_DEBUG"):
            ui.info(f"hook: {outcome}")
    except BaseException as exc:  # noqa: BLE001 - the commit must go on whatever went wrong
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else (
            "out of memory" if isinstance(exc, MemoryError) else _first_line(exc)
        )
        try:
            strict = load_settings().hook_strict
        except GitVoiceError:
            strict = False
        if strict:
            raise GitVoiceError(f"hook: {reason} (voice.hook.strict is set: commit stopped)") from None
        ui.warn(f"hook: {reason}; commit message left as it was")
        _end_hook_process()


def _end_hook_process() -> None:
    """End a hook process that has said its one line, skipping the interpreter's teardown.

    After a failure under memory pressure, native libraries (libgomp, torch) can fail
    again while the interpreter shuts down and turn the exit status into 1, which the
    hook script would report as a second line. The message file is written atomically
    and nothing else is pending, so there is nothing left to tear down. Only in a process
    of its own (``python -m git_voice`` / ``git-voice``), never inside a caller's one.
    """
    import sys

    if os.environ.get("GIT_VOICE_GIT_PID") or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE") is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@hook.command("rewritten", hidden=True)
@click.argument("kind", required=False, default="")
def rewritten(kind) -> None:
    """post-rewrite: keep one whole recording on each commit that squashed several."""
    import sys

    from ..gitops import notes
    from ..gitops.repo import Repo

    try:
        pairs = [tuple(ln.split()[:2]) for ln in sys.stdin.read().splitlines() if len(ln.split()) >= 2]
        notes.keep_one_recording(Repo.discover(), pairs)
    except BaseException as exc:  # noqa: BLE001 - the rewrite is done; say what is wrong, exit 0
        ui.warn(f"hook: {_first_line(exc)}; a squashed commit's audio note may hold two recordings joined")


@hook.command("attach", hidden=True)
def attach() -> None:
    """post-commit: store the note the prepare-commit-msg hook left as the commit's voice notes."""
    try:
        outcome = attach_left_note()
        if os.environ.get("GIT_VOICE_DEBUG"):
            ui.info(f"hook: {outcome}")
    except BaseException as exc:  # noqa: BLE001 - the commit is made; say what is missing, exit 0
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else _first_line(exc)
        ui.warn(f"hook: {reason}; the commit has no voice note (git voice note add HEAD --audio TAKE adds it)")
