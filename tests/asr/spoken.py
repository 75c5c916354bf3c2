"""Real speech (hibari) with known pauses between phrases, for chunking tests."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import soundfile as sf

from git_voice.asr.chunking import SAMPLE_RATE

PHRASES = [
    "The parser now reads the config once.",
    "It keeps the user cache between requests.",
    "Tests cover the empty file case.",
    "The old flag is gone.",
]
PAUSE = 0.8  # seconds of digital silence between phrases
HIBARI_PAD = 0.3  # hibari's silence before and after each phrase (tests/helpers.py)


def with_pauses(
    speech: Callable[..., Path], phrases: list[str] = PHRASES, noise_db: float | None = None
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The phrases one after the other with pauses, and each pause's (start, end) in seconds."""
    parts: list[np.ndarray] = []
    pauses: list[tuple[float, float]] = []
    t = 0
    for i, text in enumerate(phrases):
        audio, rate = sf.read(speech(text), dtype="float32")
        assert rate == SAMPLE_RATE
        parts.append(audio)
        t += len(audio)
        if i < len(phrases) - 1:
            gap = np.zeros(int(PAUSE * SAMPLE_RATE), dtype=np.float32)
            parts.append(gap)
            pauses.append(((t - HIBARI_PAD * SAMPLE_RATE) / SAMPLE_RATE, (t + len(gap) + HIBARI_PAD * SAMPLE_RATE) / SAMPLE_RATE))
            t += len(gap)
    samples = np.concatenate(parts)
    if noise_db is not None:
        rng = np.random.default_rng(0)
        samples = samples + (10 ** (noise_db / 20) * rng.standard_normal(len(samples))).astype(np.float32)
    return samples, pauses


def write_wav(path: Path, samples: np.ndarray) -> Path:
    sf.write(path, samples, SAMPLE_RATE, subtype="PCM_16")
    return path
