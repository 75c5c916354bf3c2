"""A take cut at its pauses while it is recorded: the slices live transcription works on.

The recorder feeds each block of 16 kHz mono audio to a :class:`PauseSlicer`, which
scores it with Silero VAD (:mod:`.vad`) 32 ms at a time. Once a slice is long enough
and the speaker pauses, the slice is cut in the middle of the pause and handed out,
so it can be transcribed while the take goes on; a slice that grows past
:data:`MAX_SECONDS` without a pause is cut at its least speech-like point. When the
take ends, :meth:`PauseSlicer.finish` hands out the rest: the only audio still to
transcribe. The slicer also says how long the input has been without speech (for
``voice.record.stopAfterSilence``).

The VAD model loads on a thread of its own, so recording starts at once; blocks that
arrive meanwhile are scored when it is ready.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .. import ui
from ..util import first_line
from . import vad
from .load import SAMPLE_RATE

WINDOW = vad.WINDOW
# A slice is cut at the first pause after it is this long: long enough for the
# speech model to have context, short enough that little is left at the end.
MIN_SECONDS = 3.0
# Non-speech this long is a pause between phrases (not the gap inside a word).
PAUSE_SECONDS = 0.5
# No slice longer than this (Whisper's window is 30 s).
MAX_SECONDS = 25.0


@dataclass(frozen=True)
class Slice:
    """``samples`` of the take from sample ``start`` on; ``speech`` is the ``[start, end)``
    within ``samples`` that holds speech (with a little silence around it), None when it
    holds none. ``last``: the rest of the take, handed out when it ended."""

    index: int
    start: int
    samples: np.ndarray
    speech: tuple[int, int] | None
    last: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


class Listener(Protocol):
    """What follows a take as it is recorded (live transcription, from the application layer).

    Called on the recording thread: each method must return at once.
    """

    def slice(self, piece: Slice) -> None:
        """A finished slice of the take; the one with ``last`` set ends it."""

    def restart(self) -> None:
        """The take was discarded ("r" twice): forget every slice so far."""

    def caption(self) -> str:
        """The text heard so far, shown under the level meter."""


class PauseSlicer:
    """Feeds on a take's audio and hands out :class:`Slice` objects as pauses come."""

    def __init__(self, min_seconds: float = MIN_SECONDS, pause_seconds: float = PAUSE_SECONDS,
                 max_seconds: float = MAX_SECONDS) -> None:
        self.min_w = max(1, int(min_seconds * SAMPLE_RATE / WINDOW))
        self.pause_w = max(1, int(pause_seconds * SAMPLE_RATE / WINDOW))
        self.max_w = max(self.min_w + 1, int(max_seconds * SAMPLE_RATE / WINDOW))
        self.start = 0  # where the current slice starts in the take
        self.index = 0
        self._parts: list[np.ndarray] = []  # the current slice's audio
        self._unscored = np.zeros(0, np.float32)
        self._probs: list[float] = []  # one per scored window of the current slice
        self._quiet_run = 0  # non-speech windows since the last speech window
        self._scored = 0  # samples of the take scored so far
        self._last_speech = 0  # where the last speech window ended, in the take
        self._voiced = False  # the current slice holds a speech window before its pause
        self._model = None
        self.error: BaseException | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._load, name="git-voice-vad", daemon=True).start()

    def _load(self) -> None:
        try:
            self._model = vad.load_model()
        except BaseException as exc:  # noqa: BLE001 - the take goes on without it
            self.error = exc
            ui.warn(f"no voice activity detection ({first_line(exc)}): the take is transcribed when it ends")
        finally:
            self._ready.set()

    @property
    def silent_seconds(self) -> float:
        """How long the scored input has been without speech (from the start if none yet)."""
        return (self._scored - self._last_speech) / SAMPLE_RATE

    def feed(self, mono: np.ndarray) -> list[Slice]:
        """Take the next block of the take; the slices that are finished now."""
        if not len(mono):
            return []
        self._parts.append(mono.astype(np.float32, copy=False))
        self._unscored = np.concatenate([self._unscored, mono])
        if not self._ready.is_set() or self._model is None:
            return []
        return self._score(len(self._unscored) // WINDOW)

    def finish(self) -> Slice:
        """The rest of the take, once it has ended (waits for the VAD model if need be)."""
        self._ready.wait()
        if self._model is not None and len(self._unscored):
            pad = -len(self._unscored) % WINDOW
            self._unscored = np.concatenate([self._unscored, np.zeros(pad, np.float32)])
            done = self._score(len(self._unscored) // WINDOW, final=True)
            assert not done, "no slice is cut from the tail of a finished take"
        audio = np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)
        return self._make(audio, np.asarray(self._probs, np.float32), last=True)

    def _score(self, n: int, final: bool = False) -> list[Slice]:
        probs = vad.window_probs(self._model, self._unscored[: n * WINDOW])
        self._unscored = self._unscored[n * WINDOW :]
        out: list[Slice] = []
        for p in probs.tolist():
            self._probs.append(p)
            self._scored += WINDOW
            if p >= vad.THRESHOLD:
                self._quiet_run = 0
                self._last_speech = self._scored
                self._voiced = True
            else:
                self._quiet_run += 1
            cut = None if final else self._cut_point()
            if cut is not None:
                out.append(self._cut(cut))
        return out

    def _cut_point(self) -> int | None:
        """The window to cut the current slice at now, or None to keep going."""
        n = len(self._probs)
        if self._voiced and n >= self.min_w and self._quiet_run >= self.pause_w:
            return n - self._quiet_run // 2  # the middle of the pause so far
        if n >= self.max_w:
            probs = np.asarray(self._probs, np.float32)
            half = n // 2
            quiet = [(b - a, half + (a + b) // 2) for a, b in vad.runs(probs[half:] < vad.THRESHOLD)]
            return max(quiet)[1] if quiet else half + int(np.argmin(probs[half:]))
        return None

    def _cut(self, at: int) -> Slice:
        """Hand out the current slice's first ``at`` windows; the rest starts the next slice."""
        audio = np.concatenate(self._parts)
        head, tail = audio[: at * WINDOW], audio[at * WINDOW :]
        done = self._make(head, np.asarray(self._probs[:at], np.float32), last=False)
        self.start += len(head)
        self.index += 1
        self._parts = [tail] if len(tail) else []
        self._probs = self._probs[at:]
        self._voiced = any(p >= vad.THRESHOLD for p in self._probs)
        return done

    def _make(self, audio: np.ndarray, probs: np.ndarray, last: bool) -> Slice:
        if self._model is None:  # no VAD (it failed to load): all of it may be speech
            return Slice(self.index, self.start, audio, (0, len(audio)) if len(audio) else None, last)
        speech = vad.Speech(probs, vad.speech_mask(probs), len(audio))
        bounds = speech.bounds() if speech.any else None
        return Slice(self.index, self.start, audio, bounds, last)
