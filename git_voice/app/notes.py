"""Voice notes on commits: the text stored for a transcript, attaching it, and ``note add``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .. import ui

from ..compose.render import render
from ..compose.wrap import wrap
from ..config import Settings
from ..errors import GitError
from ..gitops import notes
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from ..types import Transcript
from ..util import first_line
from .takes import choose_audio


def note_text(text: str, settings: Settings) -> str:
    """What ``refs/notes/voice`` stores for a transcript (``templates/note.j2``)."""
    return render("note", settings.template_dir, text=text, body=wrap(text))


def attach(repo: Repo, rev: str, text: str, audio: Path | None, settings: Settings) -> None:
    """Store the transcript (and the recording) as the voice notes of ``rev``."""
    notes.ensure_rewrite_refs(repo)
    notes.set_text(repo, rev, note_text(text, settings))
    if audio is not None:
        notes.set_audio(repo, rev, audio)


def add_note(
    repo: Repo, settings: Settings, rev: str, audio: str | None, record: bool,
    model: str | None = None, device: str | None = None, *, force: bool = False,
) -> str:
    """``git voice note add``: transcribe a note about commit ``rev`` against its change and attach it; the text.

    A note ``rev`` already has is replaced only with ``force`` (refused before any recording).
    """
    # Here, not at the top: post-commit imports this module to attach a note, and the
    # transcription stack (numpy and the engine types) is most of its start-up.
    from .transcribe import Request, candidates_of, joined_text, transcribe_files

    commit = repo.rev_parse(rev)
    if not force and notes.has_voice_note(repo, commit):
        raise GitError(f"{rev} already has a voice note (git voice show {rev}); --force replaces it")
    takes = choose_audio(repo, settings, audio, record, use_pending=False)
    request = Request(settings=settings, model=model, device=device, hotwords=tuple(settings.hotwords),
                      candidates=candidates_of(repo, ChangeRef.commit(commit)))
    results = transcribe_files(takes.paths, request)
    text = joined_text(results)
    attach(repo, commit, text, takes.paths[0], settings)
    time_words(repo, commit, settings, results[0], model, device)
    return text


def time_words(repo: Repo, rev: str, settings: Settings, transcript: Transcript,
               model: str | None = None, device: str | None = None) -> None:
    """Store the note's word timings (:mod:`.voicewords`) so nothing transcribes it again to play it.

    A failure here costs only the timings (made again on first view): a warning.
    """
    from . import voicewords

    try:
        chosen = dataclasses.replace(settings, model=model or settings.model, device=device or settings.device)
        segments = [(s.start, s.end, s.text) for s in transcript.segments]
        voicewords.make(repo, rev, chosen, segments=segments, terms=transcript.hotwords)
    except Exception as exc:  # noqa: BLE001 (the note itself is stored)
        ui.warn(f"word timings not stored: {first_line(exc)}")
