"""Word timings of the bundled model on speech whose phrase boundaries are known.

Phrases are synthesised one by one with hibari (seeded), trimmed to their speech
(first and last 10 ms frame within 40 dB of the phrase's loudest), and joined with
known gaps of silence (seeded, 0.3 to 1.5 s), so each phrase's first word starts
exactly where its audio was placed. The text of the take is aligned to its audio
(``git_voice.asr.wordtimes.align_text``, as for a note) and each phrase-initial
word's start is compared with the truth. One take runs over 30 s, so the windowed
path is measured too: as when a note is made, the take is transcribed first and
its segments say which words fall in which 30 s window. A take's first phrase
starts where the aligner's own onset detector (35 dB, a different threshold from
the trimming's) puts the window's start, so the figure is also given without them.

    .venv/bin/python benchmarks/word_times.py            # prints the figure
    .venv/bin/python benchmarks/word_times.py --quick    # two short takes (the test's)
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATE = 16000
TOLERANCE = 0.3
TAKES = [
    ["Move the parser into its own module.", "The old code read the whole file twice.",
     "Now it streams the lines once.", "Errors name the line they came from."],
    ["Retry the upload three times.", "Wait a little longer after each failure.",
     "Give up with a clear message.", "The tests cover a flaky server."],
    ["This change renames the config loader.", "Nothing else calls the old name.",
     "I kept a shim for one release.", "Remove it in the next version."],
    ["Cache the rendered templates.", "Pages load about twice as fast.", "The cache is cleared on every deploy.",
     "Memory stays under fifty megabytes.", "Logging shows each miss.", "A setting turns the cache off.",
     "Old entries expire after an hour.", "The admin page lists what is cached.",
     "Metrics count hits and misses.", "The dashboard graphs them per minute.", "Alerts fire when the hit rate drops.",
     "I tested it with a week of traffic."],
]


@dataclass
class Case:
    samples: np.ndarray
    text: str
    onsets: list[float]  # true start of each phrase, seconds
    first_word: list[int]  # index of each phrase's first word in ``text.split()``


def trim(samples: np.ndarray, db: float = 40.0) -> np.ndarray:
    """``samples`` without the silence before the first and after the last loud 10 ms frame."""
    frames = len(samples) // 160
    energy = np.array([np.sqrt(np.mean(samples[i * 160 : (i + 1) * 160] ** 2)) + 1e-10 for i in range(frames)])
    loud = np.nonzero(20 * np.log10(energy / energy.max()) > -db)[0]
    return samples[loud[0] * 160 : (loud[-1] + 1) * 160]


def build(phrases: list[str], seed: int) -> Case:
    """One take: the phrases synthesised (voice seed ``seed``), trimmed and joined with random gaps."""
    import soundfile as sf

    from tests.helpers import synth

    rng = random.Random(seed)
    parts = [np.zeros(int(rng.uniform(0.3, 1.0) * RATE), dtype=np.float32)]
    onsets, first_word, words = [], [], 0
    for phrase in phrases:
        audio, rate = sf.read(synth(phrase, seed=seed), dtype="float32")
        assert rate == RATE
        onsets.append(sum(len(p) for p in parts) / RATE)
        first_word.append(words)
        words += len(phrase.split())
        parts += [trim(audio), np.zeros(int(rng.uniform(0.3, 1.5) * RATE), dtype=np.float32)]
    return Case(np.concatenate(parts), " ".join(phrases), onsets, first_word)


def errors(engine, case: Case) -> list[float]:
    """|aligned start - true start| of each phrase's first word, seconds."""
    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.whisper.wordtimes import align_text

    spans = []
    if len(case.samples) > 30 * RATE:
        segments = engine.transcribe(case.samples, DecodeOptions()).segments
        spans = [(s.start, s.end, len(s.text.split())) for s in segments]
    words = align_text(engine.model, engine.processor, case.samples, case.text, spans)
    return [abs(words[i].start - t) for i, t in zip(case.first_word, case.onsets)]


def measure(quick: bool = False) -> list[list[float]]:
    """Each take's phrase-initial errors in seconds (two short takes when ``quick``)."""
    from git_voice.asr.registry import load_engine

    engine, _ = load_engine(None, "cpu")
    takes = TAKES[:2] if quick else TAKES
    return [errors(engine, build(phrases, seed)) for seed, phrases in enumerate(takes)]


def share_within(errs: list[float]) -> tuple[int, int]:
    """(how many of ``errs`` are within the tolerance, how many there are)."""
    return sum(e <= TOLERANCE for e in errs), len(errs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two short takes only")
    args = parser.parse_args()
    per_take = measure(args.quick)
    for label, errs in (("all phrases", [e for t in per_take for e in t]),
                        ("phrases after a gap (each take's first left out)", [e for t in per_take for e in t[1:]])):
        within, total = share_within(errs)
        print(f"{label}: phrase-initial word starts within {TOLERANCE} s of the truth: {within}/{total} = {100 * within / total:.1f}%;"
              f" error median {np.median(errs):.3f} s, 90th percentile {np.percentile(errs, 90):.3f} s, max {max(errs):.3f} s")


if __name__ == "__main__":
    main()
