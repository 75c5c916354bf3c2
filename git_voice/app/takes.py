"""Where a command's audio comes from: ``--audio FILE``, ``--record`` or the pending takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import AudioError, ConfigError
from ..gitops.repo import Repo
from ..gitops.takes import pending_takes

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
    raise AudioError("no audio: give --audio FILE or --record (or stage a take: git voice note stage FILE)")
