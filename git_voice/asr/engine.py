"""The one interface every model family implements: :class:`Engine`, what a caller may
ask of it (:class:`DecodeOptions`), what it returns (:class:`EngineResult`), and the
protocol through which code terms reach it (:class:`Biasing`).

The speech layer knows nothing of code terms: the application layer hands it an
object satisfying :class:`Biasing` (``codeterms.terms.CodeTermBias``). This module
imports no torch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from ..types import Reading, Reread, Segment


class Biasing(Protocol):
    """Terms to steer recognition toward, in the forms each family can use."""

    @property
    def terms(self) -> Sequence[str]:
        """The terms as written, best first (Qwen3-ASR's context, Fun-ASR-Nano's keywords)."""
        ...

    @property
    def strength(self) -> float:
        """How hard to steer (``voice.biasStrength`` of the caller's repository; 0: terms only).
        A warm server applies the caller's, not its own."""
        ...

    def logits_processors(self, tokenizer: Any) -> list:
        """Logits processors that bias token-by-token decoding (Whisper), for this tokenizer."""
        ...

    def reader(self) -> Callable[[str], Sequence[Reading]] | None:
        """Given a decoded segment's text, the spans worth re-reading against the audio
        with their other wordings; None: no re-reading."""
        ...


@dataclass
class DecodeOptions:
    """What a caller may ask of any engine."""

    language: str | None = None
    beam_size: int = 1
    # The change's code terms; None: plain decoding.
    biasing: Biasing | None = None
    progress: Callable[[str], None] | None = None
    # What was said just before this audio (a live take's earlier slices): an engine
    # that conditions on earlier text (Whisper, as between its 30 s windows) goes on
    # from it; the others ignore it.
    context: str = ""

    @property
    def terms(self) -> Sequence[str]:
        return tuple(self.biasing.terms) if self.biasing is not None else ()


@dataclass
class EngineResult:
    segments: list[Segment]
    language: str | None
    # The code terms the model was actually given, when the engine kept only some
    # of ``DecodeOptions.terms`` (None: all of them, or the engine does not say).
    hotwords: list[str] | None = None
    # What re-reading did, one entry per span scored.
    rereads: list[Reread] = field(default_factory=list)


class Engine(ABC):
    """A loaded model that turns 16 kHz mono float32 samples into segments."""

    # True where the user named this engine (a configured server): its failures are reported.
    explicit: bool = False

    def __init__(self, name: str, device: str) -> None:
        self.name = name
        self.device = device

    @abstractmethod
    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> EngineResult: ...

    def align(
        self, samples: np.ndarray, text: str, spans: Sequence[tuple[float, float, int]] = (), language: str | None = None
    ) -> list | None:
        """Word timings of ``text`` spoken in ``samples``: objects with ``text``, ``start``, ``end``
        (seconds) and ``prob``; ``spans`` are (start, end, word count) of known segments.
        None where the family cannot align words (callers fall back to segment times)."""
        return None

    def warm_up(self) -> None:
        """Pay one-off costs (kernel selection, allocations) before the first real request.

        ``git voice serve`` calls it before it says it is ready, so the first take
        a hook sends is as fast as the rest. The default does nothing.
        """
