"""Audio the reliability tests attack git-voice with, generated on the spot (never checked in)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000


def write(path: Path, samples: np.ndarray, rate: int = RATE, **kwargs) -> Path:
    sf.write(str(path), samples, rate, **kwargs)
    return path


def noise(seconds: float = 5.0, level: float = 0.3, seed: int = 0) -> np.ndarray:
    """White noise at ``level`` (RMS), clipped to [-1, 1]."""
    rng = np.random.default_rng(seed)
    return np.clip(rng.standard_normal(int(seconds * RATE)) * level, -1, 1).astype(np.float32)


def chords(seconds: float = 6.0) -> np.ndarray:
    """Music without words: C, F and G major triads with a decaying envelope, half a second each."""
    t = np.arange(int(seconds * RATE)) / RATE
    out = np.zeros_like(t)
    triads = ((261.63, 329.63, 392.0), (349.23, 440.0, 523.25), (392.0, 493.88, 587.33))
    beat = RATE // 2
    for i in range(0, len(t), beat):
        seg = slice(i, i + beat)
        envelope = np.linspace(1.0, 0.2, len(t[seg]))
        out[seg] = sum(np.sin(2 * np.pi * f * t[seg]) for f in triads[(i // beat) % 3]) * 0.2 * envelope
    return out.astype(np.float32)


def resampled(samples: np.ndarray, rate: int) -> np.ndarray:
    import soxr

    return soxr.resample(samples, RATE, rate).astype(np.float32)
