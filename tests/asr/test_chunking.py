"""The pause splitter (Silero VAD) on real speech (hibari) with known pauses between phrases."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from git_voice.asr.chunking import SAMPLE_RATE, split_at_pauses

from .spoken import HIBARI_PAD, PAUSE, PHRASES, with_pauses


def _check_cover(chunks, total: int, max_seconds: float, speech: bool = True) -> None:
    assert chunks[0].start == 0 and chunks[-1].end == total
    for a, b in zip(chunks, chunks[1:]):
        assert a.end == b.start
        assert a.speech_end <= b.speech_start
    for c in chunks:
        assert c.start <= c.speech_start < c.speech_end <= c.end
        assert c.speech or not speech
        assert (c.end - c.start) / SAMPLE_RATE <= max_seconds + 0.02


# -30 dBFS of noise is louder than the quiet end of the speech itself: only a
# voice detector, not an energy threshold, still finds the pauses in it.
@pytest.mark.parametrize("noise_db", [None, -55.0, -30.0])
def test_cuts_fall_in_the_pauses(speech, noise_db):
    samples, pauses = with_pauses(speech, noise_db=noise_db)
    longest_phrase = 4.0
    chunks = split_at_pauses(samples, max_seconds=longest_phrase + PAUSE + 0.8)
    _check_cover(chunks, len(samples), longest_phrase + PAUSE + 0.8)
    assert len(chunks) >= 2
    for c in chunks[1:]:
        cut = c.start / SAMPLE_RATE
        assert any(a <= cut <= b for a, b in pauses), (cut, pauses)


def test_speech_spans_are_inside_the_phrases(speech):
    samples, pauses = with_pauses(speech)
    chunks = split_at_pauses(samples, max_seconds=5.0)
    for c in chunks:
        start, end = c.seconds
        # Speech never starts or ends in the middle of a pause's silent core.
        for a, b in pauses:
            assert not (a + 0.35 < start < b - 0.35)
            assert not (a + 0.35 < end < b - 0.35)


def test_short_audio_is_one_chunk(speech):
    samples, _ = with_pauses(speech)
    chunks = split_at_pauses(samples)
    assert len(chunks) == 1
    assert chunks[0].start == 0 and chunks[0].end == len(samples)
    assert chunks[0].speech_start > 0  # the leading silence is not counted as speech


def test_no_pause_still_respects_the_limit(speech):
    # The phrases run into each other: hibari's own silence around each is cut off.
    pad = int(HIBARI_PAD * SAMPLE_RATE)
    parts = [sf.read(speech(p), dtype="float32")[0][pad:-pad] for p in PHRASES]
    samples = np.concatenate(parts)
    chunks = split_at_pauses(samples, max_seconds=2.5)
    _check_cover(chunks, len(samples), 2.5)
    assert len(chunks) >= len(samples) / SAMPLE_RATE / 2.5
    assert all(c.speech for c in chunks)


def test_noise_alone_is_no_speech():
    rng = np.random.default_rng(1)
    samples = (0.1 * rng.standard_normal(SAMPLE_RATE * 12)).astype(np.float32)
    chunks = split_at_pauses(samples, max_seconds=5.0)
    _check_cover(chunks, len(samples), 5.0, speech=False)
    assert not any(c.speech for c in chunks)


def test_empty_audio_has_no_chunks():
    assert split_at_pauses(np.zeros(0, dtype=np.float32)) == []
