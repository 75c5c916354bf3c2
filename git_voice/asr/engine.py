"""The one interface every model family implements, and the types it returns.

``Transcript`` is also the stable JSON interface of ``git voice transcribe
--format json`` (see :meth:`Transcript.to_dict`). This module imports no torch:
device choice and engine loading import it lazily.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import DeviceError


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
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
    text: str
    language: str | None
    duration: float
    model: str
    device: str
    segments: list[Segment] = field(default_factory=list)
    hotwords: list[str] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    # Spans the model re-read as a code term's wording, the audio agreeing:
    # {"heard", "read", "gain"} (see ``EngineResult.rereads``); ``raw_text`` has them.
    rereads: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    source: str | None = None
    raw_text: str | None = None  # before code-term snapping

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
                          "text": s.text} for s in self.segments],
            "hotwords": list(self.hotwords),
            "rewrites": [r.to_dict() for r in self.rewrites],
            "rereads": [dict(r) for r in self.rereads],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Transcript":
        return cls(
            text=d.get("text", ""),
            language=d.get("language"),
            duration=float(d.get("duration", 0.0)),
            model=d.get("model", ""),
            device=d.get("device", ""),
            segments=[Segment(float(s["start"]), float(s["end"]), s["text"]) for s in d.get("segments", [])],
            hotwords=list(d.get("hotwords", [])),
            rewrites=[Rewrite(r["from"], r["to"], int(r["start"]), int(r["end"])) for r in d.get("rewrites", [])],
            rereads=[dict(r) for r in d.get("rereads", [])],
            timings=dict(d.get("timings", {})),
        )


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


@dataclass
class DecodeOptions:
    """What a caller may ask of any engine."""

    language: str | None = None
    # Code terms of the change, best first. Each family passes them the way it was
    # trained to take them (Whisper: prompt and biased decoding; Qwen3-ASR: context;
    # Fun-ASR-Nano: keywords).
    hotwords: Sequence[str] = ()
    # Extra per-family decoding hooks (Whisper: a callable returning logits processors).
    logits_processors: Callable[[Any], list] | None = None
    beam_size: int = 1
    # voice.biasStrength of the caller's repository (a warm server applies the caller's, not its own).
    bias_strength: float = 1.0
    prompt: bool = True
    # Given a segment's text, the spans worth re-reading and their other wordings
    # (the code terms' spoken forms, see ``codeterms.reread``). Whisper's greedy
    # decoding scores each against the window's audio; other paths ignore them.
    readings: Callable[[str], Sequence[Reading]] | None = None
    progress: Callable[[str], None] | None = None


@dataclass
class EngineResult:
    segments: list[Segment]
    language: str | None
    # The code terms the model was actually given, when the engine kept only some
    # of ``DecodeOptions.hotwords`` (None: all of them, or the engine does not say).
    hotwords: list[str] | None = None
    # What re-reading did, one entry per span scored: {"heard", "read", "gain", "kept"}
    # (``gain``: log-probability of the wording minus that of what was heard, in nats).
    rereads: list[dict[str, Any]] = field(default_factory=list)


class Engine(ABC):
    """A loaded model that turns 16 kHz mono float32 samples into segments."""

    family: str = "?"

    def __init__(self, name: str, device: str) -> None:
        self.name = name
        self.device = device

    @abstractmethod
    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> EngineResult: ...

    def warm_up(self) -> None:
        """Pay one-off costs (kernel selection, allocations) before the first real request.

        ``git voice serve`` calls it before it says it is ready, so the first take
        a hook sends is as fast as the rest. The default does nothing.
        """


def resolve_device(requested: str = "auto") -> tuple[str, Any]:
    """Pick the device and dtype: CUDA (float16) over MPS over CPU (float32).

    An explicit device that is not there is an error, never a silent fallback.
    """
    import torch

    req = (requested or "auto").strip().lower()
    cuda_ok = torch.cuda.is_available()
    mps_ok = bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    if req == "auto":
        if cuda_ok:
            return "cuda", torch.float16
        if mps_ok:
            return "mps", torch.float32
        return "cpu", torch.float32
    if req.startswith("cuda"):
        if not cuda_ok:
            raise DeviceError(f"--device {requested}: no CUDA GPU is available to torch {torch.__version__}")
        if ":" in req:
            idx = req.split(":", 1)[1]
            if not idx.isdigit() or int(idx) >= torch.cuda.device_count():
                raise DeviceError(f"--device {requested}: there is no such CUDA device")
        return req, torch.float16
    if req == "mps":
        if not mps_ok:
            raise DeviceError("--device mps: Apple's MPS backend is not available here")
        return "mps", torch.float32
    if req == "cpu":
        return "cpu", torch.float32
    raise DeviceError(f"unknown device {requested!r}: use auto, cpu, cuda, cuda:N or mps")


_ENGINES: dict[tuple[str, str], Engine] = {}


def load_engine(
    model: str | None, device: str = "auto", progress: Callable[[str], None] | None = None
) -> tuple[Engine, float]:
    """Resolve, load (once per process) and return the engine and the seconds it took."""
    from . import models

    start = time.perf_counter()
    ref = models.resolve(model)
    dev, dtype = resolve_device(device)
    key = (ref.key, dev)
    if key in _ENGINES:
        return _ENGINES[key], 0.0
    path = models.materialize(ref, progress)
    family = models.detect_family(path)
    if progress:
        progress(f"loading {ref.display} on {dev}...")
    engine = models.engine_class(family)(path, ref.display, dev, dtype)
    _ENGINES[key] = engine
    return engine, time.perf_counter() - start
