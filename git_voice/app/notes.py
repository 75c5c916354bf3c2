"""Voice notes on commits: the text stored for a transcript, attaching it, and ``note add``."""

from __future__ import annotations

from pathlib import Path

from ..compose.render import render
from ..compose.wrap import wrap
from ..config import Settings
from ..gitops import notes
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from .takes import choose_audio
from .transcribe import Request, candidates_of, transcribe_text


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
    model: str | None = None, device: str | None = None,
) -> str:
    """``git voice note add``: transcribe a note about commit ``rev`` against its change and attach it; the text."""
    commit = repo.rev_parse(rev)
    takes = choose_audio(repo, settings, audio, record, use_pending=False)
    request = Request(settings=settings, model=model, device=device, hotwords=tuple(settings.hotwords),
                      candidates=candidates_of(repo, ChangeRef.commit(commit)))
    text = transcribe_text(takes.paths, request)
    attach(repo, commit, text, takes.paths[0], settings)
    return text
