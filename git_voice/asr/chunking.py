"""Long audio → chunks cut at pauses, for models that are not windowed like Whisper.

Qwen3-ASR and Fun-ASR-Nano take one stretch of audio per prompt; their own
toolkits feed them voice-activity segments of at most 30 s. This module cuts where
Silero VAD (:mod:`git_voice.audio.vad`) hears no speech: a pause is a run of
non-speech windows, whatever its loudness (a fan or a hum is not speech).

The cut points cover the whole recording (nothing is dropped), each chunk carries
the span of its speech for segment times and says whether it holds any, and times
only grow from one chunk to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..audio import vad

SAMPLE_RATE = 16000
WINDOW = vad.WINDOW  # 32 ms
# Both models' toolkits use voice segments of at most 30 s.
MAX_SECONDS = 30.0
# A chunk shorter than this is merged into its neighbour unless it is all there is.
MIN_SECONDS = 1.0


@dataclass(frozen=True)
class Chunk:
    """Samples ``[start, end)`` of the recording; ``[speech_start, speech_end)`` holds its
    speech (the whole chunk when it holds none: ``speech`` is then False)."""

    start: int
    end: int
    speech_start: int
    speech_end: int
    speech: bool = True

    @property
    def seconds(self) -> tuple[float, float]:
        """Start and end of the speech in the chunk, in seconds from the recording's start."""
        return self.speech_start / SAMPLE_RATE, self.speech_end / SAMPLE_RATE


def _cut_window(probs: np.ndarray, mask: np.ndarray, lo: int, hi: int) -> int:
    """The window in ``[lo, hi)`` to cut at: the middle of the longest pause there,
    the later one on ties; with no pause, the least speech-like window of the second half."""
    best: tuple[int, int] | None = None
    for a, b in vad.runs(~mask[lo:hi]):
        if best is None or b - a >= best[0]:
            best = (b - a, lo + (a + b) // 2)
    if best is not None:
        return best[1]
    mid = lo + (hi - lo) // 2
    return mid + int(np.argmin(probs[mid:hi]))


def _chunk(speech: vad.Speech, a: int, b: int, total: int) -> Chunk:
    """Windows ``[a, b)`` as a :class:`Chunk` of samples, with its speech span."""
    start, end = a * WINDOW, min(b * WINDOW, total)
    voiced = np.flatnonzero(speech.mask[a:b])
    if not len(voiced):
        return Chunk(start, end, start, end, speech=False)
    sa, sb = (a + int(voiced[0])) * WINDOW, (a + int(voiced[-1]) + 1) * WINDOW
    return Chunk(start, end, min(sa, end), min(sb, end))


def split_at_pauses(
    samples: np.ndarray, max_seconds: float = MAX_SECONDS, min_seconds: float = MIN_SECONDS,
    speech: vad.Speech | None = None,
) -> list[Chunk]:
    """Cut 16 kHz mono ``samples`` into chunks of at most ``max_seconds``, at pauses.

    Audio no longer than ``max_seconds`` stays one chunk. Chunks are contiguous and
    cover every sample, in order. ``speech`` is the recording's VAD map when the caller
    already has it.
    """
    total = len(samples)
    if total == 0:
        return []
    speech = speech if speech is not None else vad.analyse(samples)
    n = len(speech.probs)
    max_w = max(2, int(max_seconds * SAMPLE_RATE / WINDOW))
    min_w = max(1, min(int(min_seconds * SAMPLE_RATE / WINDOW), max_w // 2))
    bounds = [0]
    while n - bounds[-1] > max_w:
        start = bounds[-1]
        bounds.append(_cut_window(speech.probs, speech.mask, start + min_w, start + max_w))
    bounds.append(n)
    # A tail shorter than min_seconds joins the chunk before it when that still fits.
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < min_w and bounds[-1] - bounds[-3] <= max_w:
        del bounds[-2]
    return [_chunk(speech, a, b, total) for a, b in zip(bounds, bounds[1:])]
