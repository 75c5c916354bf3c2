"""What the commit, note, format-patch and hook commands share: where the audio comes
from, transcribing it against the change, and the note texts. Heavy imports stay
inside the functions (this module is imported by commands that need no model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..errors import AudioError, ConfigError
from ..gitops.repo import Repo


@dataclass
class Takes:
    """The audio a command will transcribe; ``pending`` are takes to mark used afterwards."""

    paths: list[Path]
    pending: list[Path] = field(default_factory=list)
    claim: object | None = None  # takes.Claim when the pending takes were claimed for one commit


def choose_audio(repo: Repo, settings, audio: str | None, record: bool, *, use_pending: bool = True) -> Takes:
    """``--audio FILE``, ``--record`` (the microphone, now) or the pending takes, in that order."""
    if audio and record:
        raise ConfigError("give --audio FILE or --record, not both")
    if audio:
        return Takes([Path(audio)])
    if record:
        from ..audio.record import record_take

        return Takes([record_take(repo, settings)])
    if use_pending:
        from ..takes import pending_takes

        pending = pending_takes(repo)
        if pending:
            return Takes(list(pending), list(pending))
    raise AudioError("no audio: give --audio FILE or --record (or stage a take: git voice note stage FILE)")


def claim_audio(repo: Repo, settings, audio: str | None, record: bool) -> Takes:
    """Like :func:`choose_audio`, but pending takes are claimed for this process's commit
    (``takes.claim_pending``): a commit running at the same time cannot use them too."""
    if audio or record:
        return choose_audio(repo, settings, audio, record, use_pending=False)
    import os

    from ..takes import Owner, claim_pending

    claim = claim_pending(repo, Owner.of(os.getpid()), cwd=str(repo.cwd))
    if claim is None:
        raise AudioError("no audio: give --audio FILE or --record (or stage a take: git voice note stage FILE)")
    return Takes(list(claim.takes), claim=claim)


def transcribe(paths: Sequence[Path], settings, candidates: Callable[[], list] | None, model=None, device=None) -> str:
    """The spoken text of ``paths`` (several takes joined in order), code terms from ``candidates``."""
    from .. import pipeline

    request = pipeline.Request(settings=settings, model=model, device=device, hotwords=tuple(settings.hotwords), candidates=candidates)
    results = pipeline.transcribe_files(list(paths), request)
    text = " ".join(t.text.strip() for t in results if t.text.strip())
    if not text:
        raise AudioError("the recording holds no speech: nothing to write")
    return text


def note_text(text: str, settings) -> str:
    """What ``refs/notes/voice`` stores for a transcript (``templates/note.j2``)."""
    from ..compose.render import render
    from ..compose.wrap import wrap

    return render("note", settings.template_dir, text=text, body=wrap(text))


def attach(repo: Repo, rev: str, text: str, audio: Path | None, settings) -> None:
    """Store the transcript (and the recording) as the voice notes of ``rev``."""
    from ..gitops import notes

    notes.set_text(repo, rev, note_text(text, settings))
    if audio is not None:
        notes.set_audio(repo, rev, audio)
