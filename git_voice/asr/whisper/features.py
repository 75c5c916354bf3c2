"""Whisper's log-mel features, without transformers.

The same arithmetic as transformers' ``WhisperFeatureExtractor`` on the torch path
(``_torch_extract_fbank_features``): a 400-point STFT with a Hann window every 160
samples, the power of each bin, Slaney-style mel filters from 0 to 8 kHz, log10,
floored 8 below the loudest value, then ``(x + 4) / 4``. Audio up to 30 s is
padded with zeros to 30 s (3000 frames); with ``padding="longest"`` and no
truncation a longer input keeps its length, and the attention mask says which
frames hold audio. ``tests/asr/whisper/test_plain.py`` checks features, masks and
filters against transformers' to float rounding.

:class:`LogMel` answers the subset of the feature extractor's call that git-voice
uses, so the engine, word timing and re-reading take either.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
CHUNK_SAMPLES = 30 * SAMPLE_RATE


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_region = hz >= 1000.0
    mel[log_region] = 15.0 + np.log(hz[log_region] / 1000.0) / (math.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_region = mel >= 15.0
    hz[log_region] = 1000.0 * np.exp((math.log(6.4) / 27.0) * (mel[log_region] - 15.0))
    return hz


def mel_filters(n_mels: int, n_fft: int = N_FFT, sample_rate: int = SAMPLE_RATE, fmax: float = 8000.0) -> np.ndarray:
    """Triangular mel filters, area-normalised (Slaney), shape (n_fft // 2 + 1, n_mels), float64."""
    bins = n_fft // 2 + 1
    centres = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([fmax]))[0], n_mels + 2))
    freqs = np.linspace(0, sample_rate // 2, bins)
    widths = np.diff(centres)
    slopes = centres[None, :] - freqs[:, None]  # (bins, n_mels + 2)
    rising = -slopes[:, :-2] / widths[:-1]
    falling = slopes[:, 2:] / widths[1:]
    filters = np.maximum(0.0, np.minimum(rising, falling))
    return filters * (2.0 / (centres[2 : n_mels + 2] - centres[:n_mels]))


class LogMel:
    """Whisper's feature extractor for one mono 16 kHz input; see the module docstring."""

    nb_max_frames = CHUNK_SAMPLES // HOP
    sampling_rate = SAMPLE_RATE
    hop_length = HOP

    def __init__(self, n_mels: int = 80) -> None:
        import torch

        self.torch = torch
        self.n_mels = n_mels
        self.filters = torch.from_numpy(mel_filters(n_mels)).to(torch.float32).T.contiguous()
        self.window = torch.hann_window(N_FFT)

    def __call__(self, samples: Any, sampling_rate: int = SAMPLE_RATE, return_tensors: str = "pt",
                 truncation: bool = True, padding: str = "max_length", return_attention_mask: bool = False) -> dict:
        if sampling_rate != SAMPLE_RATE:
            raise ValueError(f"features need {SAMPLE_RATE} Hz audio, not {sampling_rate}")
        torch = self.torch
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        n = len(x)
        if padding == "longest" and not truncation:
            target = n
        else:
            target = CHUNK_SAMPLES
            x = x[:target]
        if len(x) < target:
            x = np.pad(x, (0, target - len(x)))
        wave = torch.from_numpy(np.ascontiguousarray(x))
        stft = torch.stft(wave, N_FFT, HOP, window=self.window, return_complex=True)
        power = (stft[..., :-1].abs() ** 2).contiguous()
        log_spec = torch.clamp(self.filters @ power, min=1e-10).log10()
        log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
        out = {"input_features": ((log_spec + 4.0) / 4.0).unsqueeze(0)}
        if return_attention_mask:
            mask = np.zeros(target, dtype=np.int32)
            mask[: min(n, target)] = 1
            frames = mask[::HOP]
            if target % HOP:
                frames = frames[:-1]
            out["attention_mask"] = torch.from_numpy(np.ascontiguousarray(frames)).unsqueeze(0)
        return out
