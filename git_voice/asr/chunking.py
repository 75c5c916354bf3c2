"""Long audio → chunks cut at pauses, for models that are not windowed like Whisper.

Qwen3-ASR and Fun-ASR-Nano take one stretch of audio per prompt; their own
toolkits feed them voice-activity segments of at most 30 s. This module does
the same with frame energy, which needs no model and no extra package: a
spoken commit note is one close-miked voice, where the quiet between phrases
sits far below the speech.

The cut points cover the whole recording (nothing is dropped), each chunk
carries the span of its speech for segment times, and times only grow from
one chunk to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000
FRAME = SAMPLE_RATE // 50  # 20 ms
# Both models' toolkits use voice segments of at most 30 s.
MAX_SECONDS = 30.0
# A chunk shorter than this is merged into its neighbour unless it is all there is.
MIN_SECONDS = 1.0
# A frame is quiet when it is within this of the noise floor (the recording's
# 10th-percentile frame) ...
QUIET_ABOVE_FLOOR_DB = 8.0
# ... or this far below its loud speech (the 95th-percentile frame), whichever
# is higher: in a clean recording the floor is digital silence, far below any voice.
QUIET_BELOW_LOUD_DB = 45.0
# Never call a frame quiet that is within this of the loud speech.
SPEECH_MARGIN_DB = 10.0


@dataclass(frozen=True)
class Chunk:
    """Samples ``[start, end)`` of the recording; ``[speech_start, speech_end)`` holds its speech."""

    start: int
    end: int
    speech_start: int
    speech_end: int

    @property
    def seconds(self) -> tuple[float, float]:
        """Start and end of the speech in the chunk, in seconds from the recording's start."""
        return self.speech_start / SAMPLE_RATE, self.speech_end / SAMPLE_RATE


def frame_db(samples: np.ndarray) -> np.ndarray:
    """Energy of each 20 ms frame in dBFS (a partial last frame counts as a frame)."""
    n = -(-len(samples) // FRAME)
    padded = np.zeros(n * FRAME, dtype=np.float64)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean(padded.reshape(n, FRAME) ** 2, axis=1))
    return 20.0 * np.log10(np.maximum(rms, 1e-10))


def quiet_frames(db: np.ndarray) -> np.ndarray:
    """Boolean mask of the frames that are pauses rather than speech."""
    if len(db) == 0:
        return np.zeros(0, dtype=bool)
    loud, floor = np.percentile(db, 95), np.percentile(db, 10)
    threshold = min(max(floor + QUIET_ABOVE_FLOOR_DB, loud - QUIET_BELOW_LOUD_DB), loud - SPEECH_MARGIN_DB)
    return db < threshold


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` frame ranges where ``mask`` is True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _cut_frame(db: np.ndarray, quiet: np.ndarray, lo: int, hi: int) -> int:
    """The frame in ``[lo, hi)`` to cut at: the middle of the longest pause there,
    the later one on ties; with no pause, the quietest frame of the window's second half."""
    best: tuple[int, int] | None = None
    for a, b in _runs(quiet[lo:hi]):
        length = b - a
        if best is None or length >= best[0]:
            best = (length, lo + (a + b) // 2)
    if best is not None:
        return best[1]
    mid = lo + (hi - lo) // 2
    return mid + int(np.argmin(db[mid:hi]))


def _speech_span(quiet: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """First and one-past-last non-quiet frame in ``[a, b)``; the whole range if all is quiet."""
    voiced = np.flatnonzero(~quiet[a:b])
    if len(voiced) == 0:
        return a, b
    return a + int(voiced[0]), a + int(voiced[-1]) + 1


def split_at_pauses(
    samples: np.ndarray, max_seconds: float = MAX_SECONDS, min_seconds: float = MIN_SECONDS
) -> list[Chunk]:
    """Cut 16 kHz mono ``samples`` into chunks of at most ``max_seconds``, at pauses.

    Audio no longer than ``max_seconds`` stays one chunk. Chunks are contiguous and
    cover every sample, in order.
    """
    total = len(samples)
    if total == 0:
        return []
    db = frame_db(samples)
    quiet = quiet_frames(db)
    n = len(db)
    max_frames = max(2, int(max_seconds * 50))
    min_frames = max(1, min(int(min_seconds * 50), max_frames // 2))
    bounds = [0]
    while n - bounds[-1] > max_frames:
        start = bounds[-1]
        bounds.append(_cut_frame(db, quiet, start + min_frames, start + max_frames))
    bounds.append(n)
    # A tail shorter than min_seconds joins the chunk before it when that still fits.
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < min_frames and bounds[-1] - bounds[-3] <= max_frames:
        del bounds[-2]
    chunks = []
    for a, b in zip(bounds, bounds[1:]):
        sa, sb = _speech_span(quiet, a, b)
        start, end = a * FRAME, min(b * FRAME, total)
        chunks.append(Chunk(start, end, min(sa * FRAME, end), min(sb * FRAME, end)))
    return chunks
