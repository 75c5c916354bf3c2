"""Where git-voice keeps what it builds once per machine (the converted model)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$GIT_VOICE_CACHE``, else ``$XDG_CACHE_HOME/git-voice``, else ``~/.cache/git-voice``."""
    explicit = os.environ.get("GIT_VOICE_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "git-voice"
