"""``git voice hook install|uninstall|run|attach``: the prepare-commit-msg and post-commit hooks.

``run`` is what the installed script calls. It acts only for a plain ``git
commit`` or a template (not ``-m``/``-F``, merges, squashes, amends, rebases),
takes the waiting take from ``.git/voice/pending`` or offers to record on
``/dev/tty`` (stdin is /dev/null in hooks), and fills the message by the
convention. Any failure prints one warning and leaves the message file exactly
as it was, so the commit goes on; with ``voice.hook.strict`` it stops the commit.

``run`` also leaves the transcript, the take's path and the tree being committed in
``.git/voice/hook-note.json``; ``attach`` (the post-commit hook) stores them as
the new commit's voice notes when its tree is that tree, as ``git voice commit``
does, and warns without failing anything when it cannot.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .. import ui

# prepare-commit-msg sources the hook acts on: none (plain commit) and template.
_ACT_ON = ("", "template")


NOTE_FILE = "hook-note.json"


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
    """Ask on /dev/tty whether to record now; [] when there is no terminal or the answer is no."""
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8", errors="replace")
    except OSError:
        return []
    with tty:
        tty.write("git voice: record a spoken note for this commit? [y/N] ")
        tty.flush()
        answer = tty.readline().strip().lower()
    if answer not in ("y", "yes"):
        return []
    from ..audio.record import record_take

    return [record_take(repo, settings, pending=False)]


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
    """Fill ``msg_file`` for a commit whose message source is ``source``; returns what happened."""
    from ..compose import msgfile
    from ..config import load_settings
    from ..gitops import changes
    from ..errors import GitVoiceError
    from ..gitops.repo import Repo
    from ..takes import mark_used, pending_takes

    if source not in _ACT_ON:
        return f"left alone ({source} commit)"
    repo = Repo.discover()
    busy = changes.operation_in_progress(repo)
    if busy:
        return f"left alone ({busy} in progress)"
    settings = load_settings(repo.cwd)
    pending = pending_takes(repo)
    takes = pending or _offer_to_record(repo, settings)
    if not takes:
        return "no take waiting"
    existing = msg_file.read_bytes().decode("utf-8")
    text, message = _message_for(repo, settings, takes)
    char = changes.comment_char(repo)
    if not msgfile.already_filled(existing, message, char):
        _replace(msg_file, msgfile.fill(existing, message, char))
    # Used now, so the next commit (or a rebase re-running hooks) does not reuse it.
    moved = mark_used(repo, pending)
    try:
        _leave_note(repo, text, (moved or takes)[0])
    except (OSError, GitVoiceError) as exc:  # the message is filled; only the note is lost
        ui.warn(f"hook: cannot keep the note for post-commit ({_first_line(exc)}); the commit will have no voice note")
    return "filled"


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _leave_note(repo, text: str, audio: Path | None) -> None:
    """What the post-commit hook attaches, with the tree this commit will have (its index's)."""
    tree = repo.out("write-tree")
    note = {"tree": tree, "text": text, "audio": str(audio) if audio is not None else None}
    path = repo.voice_dir / NOTE_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(note), "utf-8")
    os.replace(tmp, path)


def attach_left_note() -> str:
    """Store the note ``run`` left as HEAD's voice notes when HEAD has its tree; returns what happened."""
    from ..config import load_settings
    from ..gitops import notes
    from ..gitops.repo import Repo
    from . import _voice

    repo = Repo.discover()
    path = repo.voice_dir / NOTE_FILE
    try:
        note = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return "nothing to attach"
    finally:
        path.unlink(missing_ok=True)  # one commit's note, whatever happens next
    if repo.out("rev-parse", "HEAD^{tree}") != note.get("tree"):
        return "left alone (this commit is not the one the note was made for)"
    audio = Path(note["audio"]) if note.get("audio") else None
    notes.ensure_rewrite_refs(repo)
    _voice.attach(repo, "HEAD", note["text"], audio if audio is not None and audio.is_file() else None,
                  load_settings(repo.cwd))
    return "attached"


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
