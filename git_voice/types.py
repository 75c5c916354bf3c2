"""The records every layer passes around: what a model heard (segments, re-reads), what
code-term snapping rewrote, the finished transcript, and the paths a change touches.

Plain dataclasses, standard library only: any layer may import this module.
``Transcript.to_dict`` is the stable JSON of ``git voice transcribe --format json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Segment:
    """A stretch of speech and its text; times in seconds from the start of the audio."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Reading:
    """Other wordings of one span of a segment's text (``start``/``end``: character
    offsets), which an engine that can score text against audio checks: a wording whose
    log-probability given the audio is at most ``margin`` nats below that of what the
    model wrote replaces it."""

    start: int
    end: int
    texts: tuple[str, ...]
    margin: float = 0.0


@dataclass(frozen=True)
class Reread:
    """One span the model re-read against the audio: what it heard, the wording it
    scored, the wording's log-probability minus that of what was heard (nats), and
    whether the wording replaced what was heard."""

    heard: str
    read: str
    gain: float
    kept: bool

    def to_dict(self) -> dict[str, Any]:
        return {"heard": self.heard, "read": self.read, "gain": self.gain, "kept": self.kept}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Reread":
        """From a server's JSON; raises KeyError/TypeError/ValueError on a malformed entry."""
        return cls(str(d["heard"]), str(d["read"]), float(d["gain"]), bool(d.get("kept", True)))


@dataclass(frozen=True)
class Rewrite:
    """A span of the raw transcript replaced by a code term (offsets into the raw text)."""

    from_: str
    to: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_, "to": self.to, "start": self.start, "end": self.end}


@dataclass
class Transcript:
    """One audio file's transcript, code terms in code form, and how it was made."""

    text: str
    language: str | None
    duration: float
    model: str
    device: str
    segments: list[Segment] = field(default_factory=list)
    hotwords: list[str] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    # Wordings the model re-read and kept (the audio agreeing); ``raw_text`` has them.
    rereads: list[Reread] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    source: str | None = None
    raw_text: str | None = None  # before code-term snapping

    def snapped_segments(self) -> list[Segment]:
        """The segments with the code-term rewrites applied, so that subtitles and JSON
        segments say what ``text`` says. A rewrite that runs over a segment's end goes,
        whole, to the segment it starts in. The segments as heard when they are not the
        pieces of ``raw_text`` (a transcript built by hand)."""
        joined = " ".join(s.text for s in self.segments)
        if not self.rewrites or self.raw_text is None or joined.strip() != self.raw_text:
            return [Segment(s.start, s.end, " ".join(s.text.split())) for s in self.segments]
        lead = len(joined) - len(joined.lstrip())
        bounds, pos = [], -lead  # each segment's end in raw_text, its joining space included
        for s in self.segments:
            pos += len(s.text) + 1
            bounds.append(pos)
        pieces: list[list[str]] = [[] for _ in self.segments]

        def owner(at: int) -> int:
            return next((i for i, b in enumerate(bounds) if at < b), len(bounds) - 1)

        def emit(a: int, b: int) -> None:
            while a < b:
                i = owner(a)
                cut = min(b, bounds[i])
                pieces[i].append(self.raw_text[a:cut])
                a = cut

        cursor = 0
        for r in sorted(self.rewrites, key=lambda r: r.start):
            emit(cursor, r.start)
            pieces[owner(r.start)].append(r.to)
            cursor = r.end
        emit(cursor, len(self.raw_text))
        return [Segment(s.start, s.end, " ".join("".join(p).split())) for s, p in zip(self.segments, pieces)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "duration": round(self.duration, 3),
            "model": self.model,
            "device": self.device,
            # A segment never starts or ends past the audio (Whisper's last timestamp can).
            "segments": [{"start": round(min(s.start, self.duration), 2),
                          "end": round(max(min(s.start, self.duration), min(s.end, self.duration)), 2),
                          "text": s.text} for s in self.snapped_segments()],
            "hotwords": list(self.hotwords),
            "rewrites": [r.to_dict() for r in self.rewrites],
            "rereads": [{"heard": r.heard, "read": r.read, "gain": r.gain} for r in self.rereads],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


@dataclass(frozen=True)
class Change:
    """A changed path and its git status letter (A, M, D, R, ...)."""

    path: str
    status: str = "M"
