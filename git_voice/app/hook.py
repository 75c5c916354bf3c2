"""The hook protocol: what prepare-commit-msg and post-commit do.

:func:`prepare` acts only for a plain ``git commit`` or a template (not
``-m``/``-F``, merges, squashes, amends, rebases), takes the waiting take from
``.git/voice/pending`` or offers to record on ``/dev/tty`` (stdin is /dev/null in
hooks), and fills the message by the convention. Any failure prints one warning and
leaves the message file exactly as it was, so the commit goes on; with
``voice.hook.strict`` it stops the commit.

:func:`prepare` also leaves the transcript, the take's path and the tree being
committed in ``.git/voice/hook-note.json``; :func:`attach_left_note` (post-commit)
stores them as the new commit's voice notes when its tree is that tree, as
``git voice commit`` does, and warns without failing anything when it cannot.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import config, ui
from ..compose import msgfile
from ..config import Settings, load_settings
from ..errors import GitVoiceError
from ..gitops import changes
from ..gitops.repo import Repo
from ..gitops.takes import mark_used, pending_takes
from ..util import atomic_write, first_line
from .commit import message_for, staged_request, takes_text
from .notes import attach
from .takes import Takes, record_take

# prepare-commit-msg sources the hook acts on: none (plain commit) and template.
ACT_ON = ("", "template")
NOTE_FILE = "hook-note.json"


def _offer_to_record(repo: Repo, settings: Settings) -> Takes | None:
    """Ask on /dev/tty whether to record now; None when there is no terminal or the answer is no.

    The take is transcribed as it is recorded (``voice.record.live``).
    """
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8", errors="replace")
    except OSError:
        return None
    with tty:
        tty.write("git voice: record a spoken note for this commit? [y/N] ")
        tty.flush()
        answer = tty.readline().strip().lower()
    if answer not in ("y", "yes"):
        return None
    return record_take(repo, settings, staged_request(repo, settings), pending=False)


def fill_message_file(msg_file: Path, source: str) -> str:
    """Fill ``msg_file`` for a commit whose message source is ``source``; returns what happened."""
    if source not in ACT_ON:
        return f"left alone ({source} commit)"
    repo = Repo.discover()
    busy = changes.operation_in_progress(repo)
    if busy:
        return f"left alone ({busy} in progress)"
    settings = load_settings(repo.cwd)
    pending = pending_takes(repo)
    takes = Takes(list(pending), list(pending)) if pending else _offer_to_record(repo, settings)
    if takes is None:
        return "no take waiting"
    existing = msg_file.read_bytes().decode("utf-8")
    text = takes_text(takes, staged_request(repo, settings))
    message = message_for(repo, settings, text)
    char = changes.comment_char(repo)
    if not msgfile.already_filled(existing, message, char):
        # The temporary goes in git-voice's own folder, not among git's files.
        atomic_write(msg_file, msgfile.fill(existing, message, char), tmp_dir=repo.voice_tmp())
    # Used now, so the next commit (or a rebase re-running hooks) does not reuse it.
    moved = mark_used(repo, pending)
    try:
        _leave_note(repo, text, (moved or takes.paths)[0])
    except (OSError, GitVoiceError) as exc:  # the message is filled; only the note is lost
        ui.warn(f"hook: cannot keep the note for post-commit ({first_line(exc)}); the commit will have no voice note")
    return "filled"


def _leave_note(repo: Repo, text: str, audio: Path | None) -> None:
    """What the post-commit hook attaches, with the tree this commit will have (its index's)."""
    tree = repo.out("write-tree")
    note = {"tree": tree, "text": text, "audio": str(audio) if audio is not None else None}
    atomic_write(repo.voice_dir / NOTE_FILE, json.dumps(note))


def attach_left_note() -> str:
    """Store the note :func:`fill_message_file` left as HEAD's voice notes when HEAD has its tree; what happened."""
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
    attach(repo, "HEAD", note["text"], audio if audio is not None and audio.is_file() else None, load_settings(repo.cwd))
    return "attached"


def prepare(msg_file: Path, source: str) -> None:
    """prepare-commit-msg: fill the message; on any failure warn once and leave it (strict: stop the commit)."""
    try:
        outcome = fill_message_file(msg_file, source)
        if config.env("GIT_VOICE_DEBUG"):
            ui.info(f"hook: {outcome}")
    except BaseException as exc:  # noqa: BLE001 - the commit must go on whatever went wrong
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else (
            "out of memory" if isinstance(exc, MemoryError) else first_line(exc)
        )
        try:
            strict = load_settings().hook_strict
        except GitVoiceError:
            strict = False
        if strict:
            raise GitVoiceError(f"hook: {reason} (voice.hook.strict is set: commit stopped)") from None
        ui.warn(f"hook: {reason}; commit message left as it was")


def post_commit() -> None:
    """post-commit: attach the note; on any failure warn once (the commit is made)."""
    try:
        outcome = attach_left_note()
        if config.env("GIT_VOICE_DEBUG"):
            ui.info(f"hook: {outcome}")
    except BaseException as exc:  # noqa: BLE001 - the commit is made; say what is missing, exit 0
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else first_line(exc)
        ui.warn(f"hook: {reason}; the commit has no voice note (git voice note add HEAD --audio TAKE adds it)")
