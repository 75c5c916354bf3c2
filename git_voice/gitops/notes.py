"""Spoken notes attached to commits.

``refs/notes/voice``        the transcript, as text: what ``git log --notes=voice``
                            and ``git format-patch --notes=voice`` show
``refs/notes/voice-audio``  the recording, as a blob. Kept on its own ref because a
                            binary note given to ``--notes`` lands raw in the email.
``refs/notes/voice-words``  the transcript's words with their times and confidences,
                            as JSON (``git_voice.voicewords``): made when a note is,
                            or on first view, and remade when text or audio change.

Clones do not copy ``refs/notes/*``; push them (``git push origin
'refs/notes/voice*'``) or hand a bundle over (``git bundle create --all``).
Amend and rebase keep notes only for refs named by ``notes.rewriteRef``
(:func:`ensure_rewrite_refs`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from ..errors import GitError
from ..util import file_lock
from .repo import Repo

TEXT_REF = "refs/notes/voice"
AUDIO_REF = "refs/notes/voice-audio"
WORDS_REF = "refs/notes/voice-words"


@contextlib.contextmanager
def _writing(repo: Repo) -> Iterator[None]:
    """Serialise note writes of concurrent git-voice processes on this repository.

    ``git notes add`` reads the notes tree and moves the ref without checking that
    it still points where it was read (git 2.39): two at once both "succeed" and
    one note is silently lost. A lock in ``.git/voice`` (shared by worktrees) makes
    the second writer wait instead.
    """
    with file_lock(repo.voice_dir / "notes.lock"):
        yield


def set_text(repo: Repo, rev: str, text: str) -> None:
    """Store ``text`` as the voice note of ``rev``, replacing any earlier one."""
    commit = repo.rev_parse(rev)
    with _writing(repo):
        repo.git("notes", f"--ref={TEXT_REF}", "add", "-f", "-F", "-", commit, input=text.encode("utf-8"))


def set_audio(repo: Repo, rev: str, audio: str | os.PathLike[str]) -> str:
    """Store the file ``audio`` as a blob noted on ``rev``; returns the blob id."""
    commit = repo.rev_parse(rev)
    blob = repo.out("hash-object", "-w", "--no-filters", "--", str(Path(audio).resolve()))
    # -C reuses the blob as it is: no stripspace, so the bytes stay the recording's.
    with _writing(repo):
        repo.git("notes", f"--ref={AUDIO_REF}", "add", "-f", "-C", blob, commit)
    return blob


def get_text(repo: Repo, rev: str) -> str | None:
    """The transcript noted on ``rev``, or None when it has none."""
    commit = repo.rev_parse(rev)
    proc = repo.git("notes", f"--ref={TEXT_REF}", "show", commit, check=False)
    return proc.stdout if proc.returncode == 0 else None


def get_audio(repo: Repo, rev: str) -> bytes | None:
    """The recording noted on ``rev`` (exact bytes), or None when it has none."""
    commit = repo.rev_parse(rev)
    proc = repo.git("notes", f"--ref={AUDIO_REF}", "list", commit, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return repo.git("cat-file", "blob", proc.stdout.strip(), text=False).stdout


def keep_one_recording(repo: Repo, rewritten: list[tuple[str, str]]) -> list[str]:
    """After amend or rebase (``OLD NEW`` pairs, as post-rewrite reads them): give each NEW
    the recording of its newest OLD that had one, whole; returns the NEWs rewritten.

    git copies notes of every ``notes.rewriteRef`` ref with one ``notes.rewriteMode``
    (``concatenate`` by default), and there is no per-ref mode: a squash of two commits
    with recordings joins the two binary blobs with a blank line, which no decoder
    reads past the first. Only NEWs made from two or more OLDs with recordings change.
    """
    sources: dict[str, list[str]] = {}
    for old, new in rewritten:
        blob = audio_blob(repo, old)
        if blob is not None:
            sources.setdefault(new, []).append(blob)
    fixed = []
    for new, blobs in sources.items():
        if len(blobs) < 2 or audio_blob(repo, new) == blobs[-1]:
            continue
        with _writing(repo):
            repo.git("notes", f"--ref={AUDIO_REF}", "add", "-f", "-C", blobs[-1], new)
        fixed.append(new)
    return fixed


def audio_blob(repo: Repo, rev: str) -> str | None:
    """The blob id of the recording noted on ``rev``, or None."""
    commit = repo.rev_parse(rev)
    proc = repo.git("notes", f"--ref={AUDIO_REF}", "list", commit, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def set_words(repo: Repo, rev: str, data: str) -> None:
    """Store ``data`` (JSON text) as the word timings of ``rev``'s note."""
    commit = repo.rev_parse(rev)
    with _writing(repo):
        repo.git("notes", f"--ref={WORDS_REF}", "add", "-f", "-F", "-", commit, input=data.encode("utf-8"))


def get_words(repo: Repo, rev: str) -> str | None:
    """The stored word timings (JSON text) of ``rev``'s note, or None."""
    commit = repo.rev_parse(rev)
    proc = repo.git("notes", f"--ref={WORDS_REF}", "show", commit, check=False)
    return proc.stdout if proc.returncode == 0 else None


def has_voice_note(repo: Repo, commit: str) -> bool:
    """Whether ``commit`` carries a transcript or a recording already."""
    return get_text(repo, commit) is not None or audio_blob(repo, commit) is not None


def has_notes(repo: Repo, ref: str = TEXT_REF) -> bool:
    return repo.git("rev-parse", "--verify", "--quiet", ref, check=False).returncode == 0


def ensure_rewrite_refs(repo: Repo) -> list[str]:
    """Add both voice refs to ``notes.rewriteRef`` (local config) if missing; returns those added.

    Without it ``git commit --amend`` and ``git rebase`` drop the notes of rewritten
    commits (git only copies notes for refs this multi-valued key names). Also puts
    the ``post-rewrite`` hook in place that keeps a squashed commit's recording whole.
    """
    from . import hooks

    with _writing(repo):  # two git-voice processes at once: one adds, the other sees it added
        try:
            hooks.ensure_rewrite_guard(repo)  # before the audio ref can be squashed
        except OSError:
            pass  # a hooks folder we cannot write: notes still follow; a squash may join recordings
        proc = repo.git("config", "--get-all", "notes.rewriteRef", check=False)
        present = set(proc.stdout.split()) if proc.returncode == 0 else set()
        added = []
        for ref in (TEXT_REF, AUDIO_REF):
            if ref not in present:
                _config_add(repo, "notes.rewriteRef", ref)
                added.append(ref)
    return added


def _config_add(repo: Repo, key: str, value: str) -> None:
    """``git config --add``, waiting out another git's brief lock on the config file."""
    import time

    for attempt in range(20):
        proc = repo.git("config", "--add", key, value, check=False)
        if proc.returncode == 0:
            return
        if "could not lock" not in (proc.stderr or "") or attempt == 19:
            repo.git("config", "--add", key, value)  # raises the error as git-voice reports git's
            return
        time.sleep(0.05)


def ensure_display_ref(repo: Repo) -> bool:
    """Make plain ``git log`` show the transcripts (``notes.displayRef``); True if it was added."""
    with _writing(repo):
        proc = repo.git("config", "--get-all", "notes.displayRef", check=False)
        if TEXT_REF in proc.stdout.split():
            return False
        _config_add(repo, "notes.displayRef", TEXT_REF)
    return True


def require_text(repo: Repo, rev: str) -> str:
    """Like :func:`get_text`, but a missing note is a :class:`GitError`."""
    text = get_text(repo, rev)
    if text is None:
        raise GitError(f"{rev} has no voice note (add one with `git voice note add {rev} --audio FILE`)")
    return text


# -- several commits' notes at once: all of them or none ------------------------------------


def _ref_value(repo: Repo, ref: str) -> str | None:
    proc = repo.git("rev-parse", "--verify", "--quiet", ref, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def prepare_batch(repo: Repo, texts: dict[str, str], audios: dict[str, str | os.PathLike[str] | None]) -> dict[str, tuple[str | None, str]]:
    """Build, without moving any voice ref, the notes that give each commit its text (and recording).

    ``texts`` maps commit ids to note text; ``audios`` to a recording, or None to drop
    the commit's old one (it would no longer match the text). The notes are written
    on scratch refs that are deleted again; returns ``{ref: (old id or None, new id)}``
    for :func:`apply_batch`.
    """
    scratch = f"refs/notes/voice-batch-{os.getpid()}"
    plan: dict[str, tuple[str | None, str]] = {}
    try:
        for ref, suffix in ((TEXT_REF, "text"), (AUDIO_REF, "audio")):
            old = _ref_value(repo, ref)
            tmp = f"{scratch}-{suffix}"
            if old:
                repo.git("update-ref", tmp, old)
            for commit, text in texts.items():
                if ref == TEXT_REF:
                    repo.git("notes", f"--ref={tmp}", "add", "-f", "-F", "-", commit, input=text.encode("utf-8"))
                elif audios.get(commit) is not None:
                    blob = repo.out("hash-object", "-w", "--no-filters", "--", str(Path(audios[commit]).resolve()))
                    repo.git("notes", f"--ref={tmp}", "add", "-f", "-C", blob, commit)
                elif old:
                    repo.git("notes", f"--ref={tmp}", "remove", "--ignore-missing", commit)
            new = _ref_value(repo, tmp)
            if new and new != old:
                plan[ref] = (old, new)
    finally:
        for suffix in ("text", "audio"):
            repo.git("update-ref", "-d", f"{scratch}-{suffix}", check=False)
    return plan


def _transaction(repo: Repo, moves: list[tuple[str, str | None, str | None]]) -> None:
    """Move every ``(ref, expected old, new)`` in one ``git update-ref --stdin`` transaction."""
    zero = "0" * 40
    lines = ["start"]
    for ref, old, new in moves:
        if new is None:
            lines.append(f"delete {ref} {old or ''}".rstrip())
        else:
            lines.append(f"update {ref} {new} {old or zero}")
    lines += ["prepare", "commit", ""]
    with _writing(repo):
        repo.git("update-ref", "--stdin", input="\n".join(lines).encode())


def apply_batch(repo: Repo, plan: dict[str, tuple[str | None, str]]) -> None:
    """Move the voice refs to the notes :func:`prepare_batch` built, all in one transaction.

    Fails, moving nothing, when another process changed a voice ref in between.
    """
    if plan:
        _transaction(repo, [(ref, old, new) for ref, (old, new) in plan.items()])


def undo_batch(repo: Repo, plan: dict[str, tuple[str | None, str]]) -> None:
    """Put the voice refs back where they were before :func:`apply_batch` (one transaction)."""
    if plan:
        _transaction(repo, [(ref, new, old) for ref, (old, new) in plan.items()])
