"""The hook protocol: what prepare-commit-msg, post-commit and post-rewrite do.

:func:`prepare` acts only for a plain ``git commit`` or a template (not
``-m``/``-F``, merges, squashes, amends, rebases), claims the waiting takes in
``.git/voice/pending`` for this ``git commit`` (one take, one commit) or offers to
record on ``/dev/tty`` (stdin is /dev/null in hooks), and fills the message by the
convention. Any failure prints one warning, gives the takes back to pending and
leaves the message file exactly as it was, so the commit goes on; with
``voice.hook.strict`` it stops the commit.

The claim keeps the transcript, the recording and the tree being committed;
:func:`attach_left_note` (post-commit) stores them as the new commit's voice notes
when its tree is that tree, as ``git voice commit`` does. A claim whose commit is
never made goes back to pending (``gitops.takes.recover_stale_claims``).
:func:`rewritten` (post-rewrite) keeps one whole recording on a squashed commit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config, ui
from ..config import load_settings
from ..errors import GitVoiceError
from ..gitops import changes, notes
from ..gitops.repo import Repo
from ..gitops.takes import claim_pending, claims_of, consume, git_process, release
from ..util import atomic_write, first_line

if TYPE_CHECKING:
    from .takes import Takes

# Every commit runs the hook, most without a take: what transcribes and composes
# (numpy, the audio and model layers: a tenth of a second and more to import) is
# imported only once there is a take.

# prepare-commit-msg sources the hook acts on: none (plain commit) and template.
ACT_ON = ("", "template")


def _offer_to_record(repo: Repo, settings) -> Takes | None:
    """Ask on /dev/tty whether to record now; the take is filed as pending (transcribed while
    it is recorded, ``voice.record.live``). None when there is no terminal or the answer is no."""
    from ..audio.terminal import ask_tty

    answer = ask_tty("git voice: record a spoken note for this commit? [y/N] ")
    if answer not in ("y", "yes"):
        return None
    from .commit import staged_request
    from .takes import record_take

    return record_take(repo, settings, staged_request(repo, settings), pending=True)


def _head(repo: Repo) -> str:
    """HEAD's commit id, or "" before the first commit."""
    proc = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def fill_message_file(msg_file: Path, source: str) -> str:
    """Fill ``msg_file`` for a commit whose message source is ``source``; returns what happened."""
    if source not in ACT_ON:
        return f"left alone ({source} commit)"
    repo = Repo.discover()
    busy = changes.operation_in_progress(repo)
    if busy:
        return f"left alone ({busy} in progress)"
    settings = load_settings(repo.cwd)
    info = {"tree": repo.out("write-tree"), "parent": _head(repo), "cwd": str(repo.cwd)}
    claim = claim_pending(repo, git_process(), **info)
    recorded = None
    if claim is None:
        recorded = _offer_to_record(repo, settings)
        claim = claim_pending(repo, git_process(), **info) if recorded is not None else None
    if claim is None:
        return "no take waiting"
    from ..compose import msgfile
    from .commit import message_for, staged_request, takes_text
    from .takes import Takes, recording_for

    try:
        existing = msg_file.read_bytes().decode("utf-8")
        heard = recorded.heard if recorded is not None and len(claim.takes) == 1 else None
        text = takes_text(Takes(list(claim.takes), heard=heard), staged_request(repo, settings))
        message = message_for(repo, settings, text)
        claim.info.update(text=text, audio=str(recording_for(claim.takes, claim.dir)))
        claim.save()
        char = changes.comment_char(repo)
        if not msgfile.already_filled(existing, message, char):
            # The temporary goes in git-voice's own folder, not among git's files.
            atomic_write(msg_file, msgfile.fill(existing, message, char), tmp_dir=repo.voice_tmp())
    except BaseException:
        release(repo, claim)  # the take waits for the next try
        raise
    return "filled"


def _commit_made_from(repo: Repo, claim) -> str | None:
    """The commit this claim's message was filled for: HEAD, or, when a hook that ran before
    ours made a commit of its own, the nearest commit with the claim's tree and parent."""
    tree, parent = claim.info.get("tree"), claim.info.get("parent")
    if not tree:
        return None
    proc = repo.git("log", "-n", "20", "--format=%H %T %P", "HEAD", check=False)
    for line in proc.stdout.splitlines() if proc.returncode == 0 else []:
        commit, commit_tree, *parents = line.split()
        if commit_tree == tree and (parent is None or parents[:1] == ([parent] if parent else [])):
            return commit
    return None


def attach_left_note() -> str:
    """Store the transcript and recording this ``git commit``'s prepare-commit-msg claimed as
    the new commit's voice notes; returns what happened. Claims of other commits are not
    touched. When the commit cannot be found (a hook moved HEAD far away), one warning and
    the take is pending again."""
    from .notes import attach

    repo = Repo.discover()
    outcome = "nothing to attach"
    for claim in claims_of(repo, git_process()):
        if not claim.info.get("text"):
            release(repo, claim)  # the hook never filled the message from it
            continue
        commit = _commit_made_from(repo, claim)
        if commit is None:
            release(repo, claim)
            ui.warn("hook: the commit the spoken note was made for is not HEAD (a hook moved it?); "
                    "the take is pending again: git voice note add COMMIT --audio TAKE attaches it")
            outcome = "left alone (this commit is not the one the note was made for)"
            continue
        try:
            audio = Path(claim.info["audio"]) if claim.info.get("audio") else None
            attach(repo, commit, claim.info["text"], audio if audio is not None and audio.is_file() else None,
                   load_settings(repo.cwd))
            outcome = "attached"
        finally:
            consume(repo, claim)  # the message was made from it: used, whatever happens here
    return outcome


def rewritten(pairs: list[tuple[str, str]]) -> None:
    """post-rewrite (``OLD NEW`` pairs): one whole recording on each commit that squashed several;
    on failure one warning (the rewrite is done)."""
    try:
        notes.keep_one_recording(Repo.discover(), pairs)
    except BaseException as exc:  # noqa: BLE001 - the rewrite is done; say what is wrong, exit 0
        ui.warn(f"hook: {first_line(exc)}; a squashed commit's audio note may hold two recordings joined")


def prepare(msg_file: Path, source: str) -> None:
    """prepare-commit-msg: fill the message; on any failure warn once and leave it (strict: stop the commit)."""
    try:
        with ui.native_output_silenced():  # one warning line, never a native library's noise
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
        _end_hook_process()


def _end_hook_process() -> None:
    """End a hook process that has said its one line, skipping the interpreter's teardown.

    After a failure under memory pressure, native libraries (libgomp, torch) can fail
    again while the interpreter shuts down and turn the exit status into 1, which the
    hook script would report as a second line. The message file is written atomically
    and nothing else is pending, so there is nothing left to tear down. Only in a process
    of its own (the installed hook or the pre-commit framework), never inside a caller's.
    """
    # Our hook scripts always export GIT_VOICE_GIT_PID (empty when pre-commit runs them).
    if os.environ.get("GIT_VOICE_GIT_PID") is not None or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE") is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def post_commit() -> None:
    """post-commit: attach the note; on any failure warn once (the commit is made)."""
    try:
        outcome = attach_left_note()
        if config.env("GIT_VOICE_DEBUG"):
            ui.info(f"hook: {outcome}")
    except BaseException as exc:  # noqa: BLE001 - the commit is made; say what is missing, exit 0
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else first_line(exc)
        ui.warn(f"hook: {reason}; the commit has no voice note (git voice note add HEAD --audio TAKE adds it)")
