"""What every view of ``git voice web`` shares: the site's state, where its files are,
and the plain not-found answer."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.responses import PlainTextResponse, Response

from ..gitops.repo import Repo

HERE = Path(__file__).resolve().parent


@dataclass
class Site:
    """What the views need: the repository, settings, the range shown and the launch token."""

    repo: Repo
    settings: Any
    rev_range: str | None
    token: str
    port: int = 0
    # One model at a time: transcription and alignment share the loaded engine.
    model_lock: threading.Lock = field(default_factory=threading.Lock)
    # The takes the page's recorder is streaming in (app.livestream.LiveStreams).
    live: Any = field(default_factory=lambda: _live_streams())


def _live_streams() -> Any:
    from ..app.livestream import LiveStreams

    return LiveStreams()


def not_found(what: str = "not found") -> Response:
    return PlainTextResponse(what + "\n", status_code=404)
