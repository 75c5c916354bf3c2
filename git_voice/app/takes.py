"""Where a command's audio comes from: ``--audio FILE``, ``--record`` or the pending takes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import AudioError, ConfigError
from ..gitops.repo import Repo
from ..gitops.takes import JOINED, Claim, Owner, claim_pending, pending_takes, stage

NO_AUDIO = "no audio: give --audio FILE or --record (or stage a take: git voice note stage FILE)"

if TYPE_CHECKING:
    from ..types import Transcript
    from .transcribe import Request


@dataclass
class Takes:
    """The audio a command will transcribe; ``pending`` are takes to mark used afterwards."""

    paths: list[Path]
    pending: list[Path] = field(default_factory=list)
    # The takes' transcripts, when they were made while recording (live); else None.
    heard: list[Transcript] | None = None
    # The claim on the pending takes, when they were claimed for this process's commit.
    claim: Claim | None = None


def record_take(repo: Repo, settings: Settings, live: Request | None = None, **record_args) -> Takes:
    """A take from the microphone, now; with ``live`` (what to transcribe with), transcribed
    while it is recorded (see :mod:`.live`)."""
    if live is None:
        from ..audio.record import record

        return Takes([record(repo, settings, **record_args).path])
    from .live import record_live

    path, transcript = record_live(repo, settings, live, **record_args)
    return Takes([path], heard=[transcript] if transcript is not None else None)


def choose_audio(
    repo: Repo, settings: Settings, audio: str | None, record: bool, *, use_pending: bool = True,
    live: Request | None = None,
) -> Takes:
    """``--audio FILE``, ``--record`` (the microphone, now; transcribed as it is made when
    ``live`` says with what) or the pending takes, in that order."""
    if audio and record:
        raise ConfigError("give --audio FILE or --record, not both")
    if audio:
        return Takes([Path(audio)])
    if record:
        return record_take(repo, settings, live)
    if use_pending:
        pending = pending_takes(repo)
        if pending:
            return Takes(list(pending), list(pending))
    raise AudioError(NO_AUDIO)


def claim_audio(
    repo: Repo, settings: Settings, audio: str | None, record: bool, live: Request | None = None,
) -> Takes:
    """Like :func:`choose_audio`, but pending takes are claimed for this process's commit
    (``gitops.takes.claim_pending``): a commit running at the same time cannot use them too."""
    if audio or record:
        return choose_audio(repo, settings, audio, record, use_pending=False, live=live)
    claim = claim_pending(repo, Owner.of(os.getpid()), cwd=str(repo.cwd))
    if claim is None:
        raise AudioError(NO_AUDIO)
    return Takes(list(claim.takes), claim=claim)


def stage_take(repo: Repo, settings: Settings, source: str) -> Path:
    """``git voice note stage FILE``: refuse what does not decode as audio (empty, text, too
    long) now, not at every later commit; then copy it into the pending takes."""
    from ..audio.load import probe

    probe(Path(source), max_seconds=settings.max_seconds)
    return stage(repo, source)


def recording_for(takes: list[Path], folder: Path) -> Path:
    """The one recording a commit's audio note keeps: the take itself, byte for byte, or,
    for several takes, all of them joined in order (16 kHz mono FLAC written in ``folder``)."""
    if len(takes) == 1:
        return takes[0]
    import numpy as np
    import soundfile as sf

    from ..audio.load import load_audio

    parts = [load_audio(t).samples for t in takes]
    gap = np.zeros(16000 // 4, np.float32)  # a quarter second between takes
    joined = np.concatenate([x for part in parts for x in (part, gap)][:-1])
    out = folder / JOINED
    tmp = folder / (JOINED + ".tmp")
    sf.write(str(tmp), np.clip(joined, -1.0, 1.0), 16000, format="FLAC", subtype="PCM_16")
    os.chmod(tmp, 0o600)
    os.replace(tmp, out)
    return out
