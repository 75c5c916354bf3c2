"""Where the speech is: Silero VAD's speech probability for every 32 ms of audio.

The model ships inside the ``silero-vad`` wheel, so it works offline. It is the one
judge of "is anyone speaking" in git-voice: the all-silence check, trimming the
silence around a take, the pauses the audio-LLM families are cut at, and the live
slicer of a recording (:mod:`.slicer`) all read its probabilities.

torch is imported only when a model is first needed (``git voice --help`` and the
commands that need no model stay free of it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .load import SAMPLE_RATE, is_silent as _energy_silent

WINDOW = 512  # samples per probability at 16 kHz (32 ms): the model's fixed input
THRESHOLD = 0.5  # a window at or above this is speech
# Speech shorter than this is a click or a breath, not a word.
MIN_SPEECH_SECONDS = 0.25
# Silence kept before and after speech when trimming or cutting: the model hears a
# word's soft onset and fading end a few windows late or early (checked on hibari's
# speech), and Whisper wants a little room around the words.
PAD_BEFORE = 0.4
PAD_AFTER = 0.3

_lock = threading.Lock()
_shared: Any = None


def load_model() -> Any:
    """A fresh Silero VAD model (TorchScript, CPU), with its own recurrent state.

    Importing ``silero_vad`` sets torch to one thread for the whole process; that
    would slow the speech model down, so the thread count is put back.
    """
    import warnings

    import torch

    threads = torch.get_num_threads()
    try:
        from silero_vad import load_silero_vad

        with warnings.catch_warnings():  # its loader uses APIs torch and importlib deprecate
            warnings.simplefilter("ignore", DeprecationWarning)
            return load_silero_vad()
    finally:
        torch.set_num_threads(threads)


def window_probs(model: Any, samples: np.ndarray) -> np.ndarray:
    """Speech probability of each whole 512-sample window of ``samples``, continuing
    ``model``'s state (so a stream may be fed piece by piece)."""
    import torch

    n = len(samples) // WINDOW
    out = np.empty(n, np.float32)
    if n == 0:
        return out
    x = torch.from_numpy(np.ascontiguousarray(samples[: n * WINDOW], dtype=np.float32))
    with torch.inference_mode():
        for i in range(n):
            out[i] = float(model(x[i * WINDOW : (i + 1) * WINDOW], SAMPLE_RATE))
    return out


def speech_probs(samples: np.ndarray) -> np.ndarray:
    """Speech probability of every 32 ms window of a whole recording (a partial last
    window is padded with silence)."""
    global _shared
    n = -(-len(samples) // WINDOW)
    padded = np.zeros(n * WINDOW, np.float32)
    padded[: len(samples)] = samples
    with _lock:  # one shared model, one recurrent state: one caller at a time
        if _shared is None:
            _shared = load_model()
        _shared.reset_states()
        return window_probs(_shared, padded)


def speech_mask(probs: np.ndarray, min_speech: float = MIN_SPEECH_SECONDS) -> np.ndarray:
    """Which windows are speech: at or above :data:`THRESHOLD`, in runs of at least ``min_speech`` seconds."""
    mask = probs >= THRESHOLD
    shortest = max(1, round(min_speech * SAMPLE_RATE / WINDOW))
    for a, b in runs(mask):
        if b - a < shortest:
            mask[a:b] = False
    return mask


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` index ranges where ``mask`` is True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


@dataclass(frozen=True)
class Speech:
    """A recording's speech map: one probability and one speech flag per window."""

    probs: np.ndarray
    mask: np.ndarray
    length: int  # samples in the recording

    @property
    def any(self) -> bool:
        return bool(self.mask.any())

    def bounds(self, before: float = PAD_BEFORE, after: float = PAD_AFTER) -> tuple[int, int]:
        """Samples ``[start, end)`` from the first word to the last, with ``before`` and
        ``after`` seconds around; ``(0, 0)`` when there is no speech."""
        voiced = np.flatnonzero(self.mask)
        if not len(voiced):
            return 0, 0
        start = max(0, int(voiced[0]) * WINDOW - int(before * SAMPLE_RATE))
        end = min(self.length, (int(voiced[-1]) + 1) * WINDOW + int(after * SAMPLE_RATE))
        return start, end


def analyse(samples: np.ndarray) -> Speech:
    """The :class:`Speech` map of 16 kHz mono ``samples``. Audio whose every 20 ms frame
    is below -50 dBFS is silent without running the model."""
    n = -(-len(samples) // WINDOW)
    if _energy_silent(samples):
        return Speech(np.zeros(n, np.float32), np.zeros(n, bool), len(samples))
    probs = speech_probs(samples)
    return Speech(probs, speech_mask(probs), len(samples))


def loudness_map(samples: np.ndarray) -> Speech:
    """A :class:`Speech` map from loudness alone, no model: no speech when every frame is
    below -50 dBFS, else all of it may be speech (for a caller that sends the audio to a
    warm server, which skips silence itself, and must not import torch to find it)."""
    n = -(-len(samples) // WINDOW)
    loud = not _energy_silent(samples)
    return Speech(np.full(n, float(loud), np.float32), np.full(n, loud, bool), len(samples))


def has_speech(samples: np.ndarray) -> bool:
    """True when Silero VAD hears speech anywhere in ``samples`` (not just sound)."""
    return analyse(samples).any
