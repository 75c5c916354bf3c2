"""Where a command's audio comes from: ``--audio FILE``, ``--record`` or the pending takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import AudioError, ConfigError
from ..gitops.repo import Repo
from ..gitops.takes import pending_takes


@dataclass
class Takes:
    """The audio a command will transcribe; ``pending`` are takes to mark used afterwards."""

    paths: list[Path]
    pending: list[Path] = field(default_factory=list)


def choose_audio(repo: Repo, settings: Settings, audio: str | None, record: bool, *, use_pending: bool = True) -> Takes:
    """``--audio FILE``, ``--record`` (the microphone, now) or the pending takes, in that order."""
    if audio and record:
        raise ConfigError("give --audio FILE or --record, not both")
    if audio:
        return Takes([Path(audio)])
    if record:
        from ..audio.record import record

        return Takes([record(repo, settings).path])
    if use_pending:
        pending = pending_takes(repo)
        if pending:
            return Takes(list(pending), list(pending))
    raise AudioError("no audio: give --audio FILE or --record (or stage a take: git voice note stage FILE)")
