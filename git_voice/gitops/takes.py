"""Takes: recordings kept under ``.git/voice/`` (never the working tree, user-only).

``.git/voice/takes/``    every recorded take, named by time
``.git/voice/pending/``  takes waiting for the next commit or format-patch
                         (``git voice record --pending``, ``git voice note stage FILE``)
``.git/voice/used/``     pending takes moved here once a commit or series used them
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import AudioError
from ..util import atomic_write
from .repo import Repo

AUDIO_SUFFIXES = {".flac", ".wav", ".ogg", ".mp3", ".oga", ".opus"}


def _dir(repo: Repo, name: str) -> Path:
    d = repo.voice_dir / name
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def takes_dir(repo: Repo) -> Path:
    return _dir(repo, "takes")


def pending_dir(repo: Repo) -> Path:
    return _dir(repo, "pending")


def new_take_path(repo: Repo, pending: bool = False, suffix: str = ".flac") -> Path:
    """A fresh, unused file name for a take (``take-YYYYmmdd-HHMMSS[-N].flac``)."""
    d = pending_dir(repo) if pending else takes_dir(repo)
    stem = time.strftime("take-%Y%m%d-%H%M%S")
    path, n = d / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = d / f"{stem}-{n}{suffix}"
    return path


def pending_takes(repo: Repo) -> list[Path]:
    """Pending takes, oldest first (the order they were spoken in)."""
    d = repo.voice_dir / "pending"
    if not d.is_dir():
        return []
    files = [p for p in d.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def stage(repo: Repo, source: str | os.PathLike[str]) -> Path:
    """Copy an audio file into the pending takes (``git voice note stage FILE``)."""
    src = Path(source)
    if not src.is_file():
        raise AudioError(f"no such audio file: {source}")
    dest = new_take_path(repo, pending=True, suffix=src.suffix.lower() or ".flac")
    return atomic_write(dest, src.read_bytes(), mode=0o600)


def mark_used(repo: Repo, takes: list[Path]) -> list[Path]:
    """Move consumed pending takes to ``used/`` (kept, in case the user wants them back); where they went."""
    used = _dir(repo, "used")
    moved = []
    for take in takes:
        if take.exists():
            os.replace(take, used / take.name)
            moved.append(used / take.name)
    return moved