"""Where the speech is: Silero VAD's speech probability for every 32 ms of audio.

The model ships inside the ``silero-vad`` wheel, so it works offline. It is the one
judge of "is anyone speaking" in git-voice: the all-silence check, trimming the
silence around a take, the pauses the audio-LLM families are cut at, and the live
slicer of a recording (:mod:`.slicer`) all read its probabilities.

It runs as the wheel's "sequence" ONNX export on ONNX Runtime: one call scores up to
512 windows, where the TorchScript model is called once per window from Python. Its
probabilities are the TorchScript model's (``tests/audio/test_vad.py``), it leaves
no Python loop per window, and it imports no torch, so a warm server's client
and the live slicer stay free of it.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AudioError
from .load import SAMPLE_RATE, is_silent as _energy_silent

WINDOW = 512  # samples per probability at 16 kHz (32 ms): the model's fixed input
CONTEXT = 64  # samples of the previous window the model sees before each one
BLOCK = 512  # windows per ONNX call (16 s of audio)
THRESHOLD = 0.5  # a window at or above this is speech
# Speech shorter than this is a click or a breath, not a word.
MIN_SPEECH_SECONDS = 0.25
# Silence kept before and after speech when trimming or cutting: the model hears a
# word's soft onset and fading end a few windows late or early (checked on hibari's
# speech), and Whisper wants a little room around the words.
PAD_BEFORE = 0.4
PAD_AFTER = 0.3
MODEL_FILE = "silero_vad_16k_sequence.onnx"

_lock = threading.Lock()
_session: Any = None


def _shared_session() -> Any:
    """The ONNX Runtime session, loaded once (0.05 s); ``run`` may be called from any thread."""
    global _session
    with _lock:
        if _session is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1  # small matrices: threads cost more than they give,
            options.inter_op_num_threads = 1  # and the speech model keeps the cores
            options.log_severity_level = 3
            _session = ort.InferenceSession(str(_model_path()), sess_options=options, providers=["CPUExecutionProvider"])
        return _session


def _model_path() -> Path:
    """The model file in the silero-vad wheel, found without importing the package (its
    ``__init__`` imports torch)."""
    spec = importlib.util.find_spec("silero_vad")
    path = Path(next(iter(spec.submodule_search_locations or []), "")) / "data" / MODEL_FILE if spec else None
    if path is None or not path.is_file():
        raise AudioError(f"the voice detector's model ({MODEL_FILE}) is missing: reinstall silero-vad>=6.2.3")
    return path


class Detector:
    """Silero VAD over one stream: each call continues where the last one ended (the
    recurrent state and the tail of the last window carry over)."""

    def __init__(self) -> None:
        self._session = _shared_session()
        self.reset_states()

    def reset_states(self) -> None:
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT, np.float32)

    def probs(self, samples: np.ndarray) -> np.ndarray:
        """Speech probability of each whole 512-sample window of ``samples``."""
        n = len(samples) // WINDOW
        out = []
        frames = np.ascontiguousarray(samples[: n * WINDOW], dtype=np.float32).reshape(n, WINDOW)
        for first in range(0, n, BLOCK):
            block = frames[first : first + BLOCK]
            contexts = np.empty((len(block), CONTEXT), np.float32)
            contexts[0] = self._context
            contexts[1:] = block[:-1, -CONTEXT:]
            self._context = block[-1, -CONTEXT:].copy()
            values, self._h, self._c = self._session.run(
                ["speech_probs", "hn", "cn"], {"input": np.concatenate([contexts, block], axis=1), "h": self._h, "c": self._c})
            out.append(np.asarray(values, np.float32).reshape(-1))
        return np.concatenate(out) if out else np.empty(0, np.float32)


def load_model() -> Detector:
    """A fresh detector with its own state (the model itself is loaded once)."""
    return Detector()


def window_probs(model: Detector, samples: np.ndarray) -> np.ndarray:
    """Speech probability of each whole 512-sample window of ``samples``, continuing
    ``model``'s state (so a stream may be fed piece by piece)."""
    return model.probs(samples)


def speech_probs(samples: np.ndarray) -> np.ndarray:
    """Speech probability of every 32 ms window of a whole recording (a partial last
    window is padded with silence)."""
    n = -(-len(samples) // WINDOW)
    padded = np.zeros(n * WINDOW, np.float32)
    padded[: len(samples)] = samples
    return Detector().probs(padded)


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
