"""Word timings from Whisper's alignment heads (``git_voice.asr.wordtimes``)."""

from __future__ import annotations

import sys

import numpy as np

from git_voice.asr.whisper.wordtimes import dtw_path, plan_windows, speech_onset

from ...helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import word_times  # noqa: E402  (the benchmark: phrases joined with known gaps)


def test_dtw_follows_the_cheap_cells():
    cost = np.ones((3, 6))
    for row, cols in enumerate([(0, 1), (2, 3), (4, 5)]):
        cost[row, list(cols)] = -1
    rows, cols = dtw_path(cost)
    starts = [int(cols[list(rows).index(r)]) for r in range(3)]
    assert starts == [0, 2, 4]
    assert rows[0] == 0 and cols[0] == 0 and rows[-1] == 2 and cols[-1] == 5


def test_windows_share_words_by_segments():
    spans = [(0.0, 12.0, 20), (12.0, 25.0, 20), (25.0, 40.0, 20), (40.0, 50.0, 20)]
    windows = plan_windows(["w"] * 80, 50.0, spans)
    assert [(a, b) for _, _, a, b in windows] == [(0, 40), (40, 80)]
    assert all(end - start <= 30.0 for start, end, _, _ in windows)
    assert plan_windows(["w"] * 5, 10.0) == [(0.0, 10.0, 0, 5)]


def test_onset_skips_leading_silence():
    samples = np.zeros(16000 * 2, dtype=np.float32)
    samples[16000:] = 0.3 * np.sin(np.arange(16000) / 5.0)
    assert abs(speech_onset(samples) - 1.0) < 0.011
    assert speech_onset(np.zeros(1600, dtype=np.float32)) == 0.0


def test_phrase_starts_within_tolerance(bundled_model):
    """The benchmark's two short takes: phrase-initial words within 0.3 s, at least 90% of them."""
    errs = [e for take in word_times.measure(quick=True) for e in take]
    within, total = word_times.share_within(errs)
    assert total == 8
    assert within / total >= 0.9, errs
