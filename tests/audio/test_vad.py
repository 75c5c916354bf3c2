"""Silero VAD (the real model from the silero-vad wheel) on real speech (hibari), noise and silence."""

from __future__ import annotations

import numpy as np
import pytest

from git_voice.audio import vad
from git_voice.audio.load import SAMPLE_RATE
from git_voice.audio.slicer import PauseSlicer

from ..asr.spoken import with_pauses

BLOCK = SAMPLE_RATE // 10  # what the recorder hands on: 0.1 s


def test_speech_is_heard_noise_and_silence_are_not(speech):
    samples, _ = with_pauses(speech)
    assert vad.has_speech(samples)
    rng = np.random.default_rng(3)
    assert not vad.has_speech((0.05 * rng.standard_normal(SAMPLE_RATE * 3)).astype(np.float32))
    assert not vad.has_speech(np.zeros(SAMPLE_RATE, np.float32))


def _loud(samples: np.ndarray) -> tuple[float, float]:
    """First and last moment (s) of a 20 ms frame above -45 dBFS: where the voice is, by energy."""
    frames = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 10 ** (-45 / 20))
    return loud[0] * 0.02, (loud[-1] + 1) * 0.02


def _phrases(samples: np.ndarray) -> list[tuple[float, float]]:
    """Where the voice is (s), by energy: loud 20 ms frames, gaps under 0.35 s (inside a phrase) bridged."""
    frames = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 10 ** (-45 / 20)) * 0.02
    spans = [[loud[0], loud[0] + 0.02]]
    for t in loud[1:]:
        if t - spans[-1][1] < 0.35:
            spans[-1][1] = t + 0.02
        else:
            spans.append([t, t + 0.02])
    return [(a, b) for a, b in spans]


def test_bounds_trim_the_silence_around_the_speech(speech):
    samples, _ = with_pauses(speech)
    lead = np.zeros(2 * SAMPLE_RATE, np.float32)
    padded = np.concatenate([lead, samples, lead])
    start, end = vad.analyse(padded).bounds()
    first, last = _loud(padded)
    assert first - 0.6 <= start / SAMPLE_RATE <= first
    assert last <= end / SAMPLE_RATE <= last + 0.6
    assert vad.analyse(np.zeros(SAMPLE_RATE, np.float32)).bounds() == (0, 0)


def test_the_detector_imports_no_torch_and_agrees_with_the_torchscript_model(speech):
    """The ONNX sequence export scores many windows per call; its probabilities must be
    the TorchScript model's, whole or fed in pieces, and finding speech imports no torch."""
    import subprocess
    import sys

    samples, _ = with_pauses(speech)
    whole = vad.speech_probs(samples)
    detector = vad.load_model()
    n = len(samples) // vad.WINDOW * vad.WINDOW
    pieces = np.concatenate([detector.probs(samples[i : i + 7 * vad.WINDOW]) for i in range(0, n, 7 * vad.WINDOW)])
    import torch
    from silero_vad import load_silero_vad

    jit = load_silero_vad()
    padded = np.zeros(len(whole) * vad.WINDOW, np.float32)
    padded[: len(samples)] = samples
    with torch.inference_mode():
        reference = np.array([float(jit(torch.from_numpy(padded[i * vad.WINDOW : (i + 1) * vad.WINDOW]), SAMPLE_RATE))
                              for i in range(len(whole))])
    assert np.abs(whole - reference).max() < 1e-4 and np.abs(pieces - reference[: len(pieces)]).max() < 1e-4
    assert ((whole >= vad.THRESHOLD) != (reference >= vad.THRESHOLD)).sum() == 0
    code = ("import sys, numpy as np; from git_voice.audio import vad; "
            "x = np.sin(np.arange(32000) / 9).astype(np.float32) * 0.3; vad.analyse(x); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def _slices(samples: np.ndarray, slicer: PauseSlicer) -> list:
    out = []
    for i in range(0, len(samples), BLOCK):
        out.extend(slicer.feed(samples[i : i + BLOCK]))
    return out + [slicer.finish()]


def test_slicer_cuts_in_the_pauses_and_covers_the_take(speech):
    samples, _ = with_pauses(speech)
    phrases = _phrases(samples)
    assert len(phrases) == 4
    slicer = PauseSlicer(min_seconds=1.0)
    slicer._ready.wait()  # scored block by block, as once the model is up
    slices = _slices(samples, slicer)
    spoken = [s for s in slices if s.speech is not None]
    assert len(spoken) == len(phrases)  # one slice per phrase ...
    assert slices[-1] is spoken[-1] or slices[-1].speech is None  # ... and the silence after the last
    assert slices[0].start == 0 and slices[-1].end == len(samples) and slices[-1].last
    for a, b in zip(slices, slices[1:]):
        assert a.end == b.start and not a.last
        cut = a.end / SAMPLE_RATE
        assert not any(p0 - 0.1 <= cut <= p1 + 0.1 for p0, p1 in phrases), (cut, phrases)
    assert np.array_equal(np.concatenate([s.samples for s in slices]), samples)


def test_slicer_catches_up_when_its_model_comes_late(speech):
    """Blocks that arrive while the model loads are scored afterwards: same cuts."""
    samples, _ = with_pauses(speech)
    early = PauseSlicer(min_seconds=1.0)
    early._ready.wait()
    late = PauseSlicer(min_seconds=1.0)
    late._ready.wait()
    late._ready.clear()  # as if still loading for the first 4 s
    cut = 40 * BLOCK
    got = [s for i in range(0, cut, BLOCK) for s in late.feed(samples[i : i + BLOCK])]
    assert got == []
    late._ready.set()
    rest = _slices(samples[cut:], late)
    assert [s.start for s in rest] == [s.start for s in _slices(samples, early)]


@pytest.mark.parametrize("min_seconds", [1.0, 6.0])
def test_slices_are_at_least_min_seconds_but_the_last(speech, min_seconds):
    samples, _ = with_pauses(speech)
    slicer = PauseSlicer(min_seconds=min_seconds)
    slices = _slices(samples, slicer)
    assert all(len(s.samples) >= min_seconds * SAMPLE_RATE for s in slices[:-1])


def test_silence_is_counted_from_the_last_word(speech):
    samples, _ = with_pauses(speech)
    slicer = PauseSlicer()
    slicer._ready.wait()
    take = np.concatenate([samples, np.zeros(3 * SAMPLE_RATE, np.float32)])
    _slices(take, slicer)
    quiet = len(take) / SAMPLE_RATE - _loud(take)[1]  # from the last loud frame
    assert quiet - 0.2 <= slicer.silent_seconds <= quiet + 0.2
