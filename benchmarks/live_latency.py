"""How long after the end of a take its transcript is ready: live against post-hoc.

A take of about 15 s, 60 s or 180 s is built from sentences about a code change
(written for this benchmark), synthesised with hibari (seeded) and joined with
seeded pauses of 0.4 to 1.2 s, ending in 1 s of silence before the speaker stops.
It is replayed through the fake input device (tests/audio/fakedevice.py) at real
speed, 0.1 s blocks, into the real recorder (``git_voice.audio.record.record``),
which stops at the take's length (as if Enter was pressed then).

- **live**: the recorder cuts the take at pauses (Silero VAD) and a
  ``LiveTranscriber`` transcribes each slice while the take goes on; the figure is
  the time from ``record`` returning to ``LiveTranscriber.finish`` returning.
- **post-hoc**: the finished take file transcribed as ``git voice commit --audio``
  does (``transcribe_files``), with the model already loaded in the process (as
  with ``git voice serve``); the one-off model load is printed apart.

Each length gets ``--takes`` different takes (other pauses, starting at another
sentence; default 3), and the WER is pooled over them: one 60 s take is some 150
words, where two words make a point of WER.

Both use the same code-term candidates (from a small staged change) and the same
engine. WER is against the text the take was synthesised from, after the
normalisation the tests use (lower case, no punctuation).

    nice -n 10 .venv/bin/python benchmarks/live_latency.py                 # 15, 60, 180 s
    nice -n 10 .venv/bin/python benchmarks/live_latency.py --lengths 15 60 --rounds 2
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_header

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATE = 16000
SENTENCES = [
    "This change makes loading the config file safe.",
    "Before it, a missing file crashed the whole command.",
    "Now load config returns the defaults and logs a warning.",
    "The parser reads the file once instead of twice.",
    "I renamed get user to get user by id.",
    "Every caller was updated in the same commit.",
    "The cache of users now lives between requests.",
    "It is cleared when the settings change.",
    "A lock keeps two writers from racing each other.",
    "The retry loop waits a little longer after each failure.",
    "After three tries it gives up with a clear message.",
    "The old flag is gone because nothing used it.",
    "Tests cover the empty file and the missing file.",
    "One test starts a fake server that fails twice.",
    "The timeout is now a setting with a default of ten seconds.",
    "Errors name the line of the file they came from.",
    "The log lines are shorter and easier to search.",
    "I moved the helpers into their own module.",
    "Nothing else in the package imports the old path.",
    "A shim keeps the old name working for one release.",
    "The documentation explains the new setting.",
    "The changelog has an entry for this fix.",
    "Memory stays flat even with a large file.",
    "The benchmark shows the start is twice as fast.",
    "Windows paths are handled by the same code.",
    "The command line help mentions the new option.",
    "I checked it on a repository with ten thousand files.",
    "Nothing changes for users who never set the option.",
    "The next step is to cache the parsed result.",
    "That can wait for a separate patch.",
]


def build_take(seconds: float, seed: int, start: int = 0) -> tuple[np.ndarray, str]:
    """About ``seconds`` of speech: sentences in order from ``start`` (voice seed varies on
    each pass), seeded pauses between them, 1 s of silence at the end; and the text spoken."""
    import soundfile as sf

    from tests.helpers import synth

    rng = random.Random(seed)
    parts = [np.zeros(int(0.5 * RATE), np.float32)]
    said: list[str] = []
    total = len(parts[0])
    i = start
    while total < (seconds - 1.0) * RATE:
        sentence = SENTENCES[i % len(SENTENCES)]
        audio, rate = sf.read(synth(sentence, seed=(i - start) // len(SENTENCES)), dtype="float32")
        assert rate == RATE
        gap = np.zeros(int(rng.uniform(0.4, 1.2) * RATE), np.float32)
        parts += [audio, gap]
        total += len(audio) + len(gap)
        said.append(sentence)
        i += 1
    parts.append(np.zeros(RATE, np.float32))
    return np.concatenate(parts), " ".join(said)


def make_repo(path: Path) -> Path:
    """A repository with a staged change, for the code-term candidates."""
    from tests.helpers import git, make_repo as make

    make(path, commits=1)
    (path / "src" / "config.py").write_text(
        "def load_config(path):\n    try:\n        return read(path)\n    except FileNotFoundError:\n"
        "        return DEFAULTS\n\n\ndef get_user_by_id(user_id):\n    return USERS[user_id]\n"
    )
    git(path, "add", "-A")
    return path


def run_one(repo: Path, samples: np.ndarray, settings, request) -> dict:
    """One take replayed live; then the same file post-hoc. Seconds after the take, and texts."""
    from git_voice.app.live import LiveTranscriber
    from git_voice.app.transcribe import transcribe_files
    from git_voice.audio.record import record
    from git_voice.gitops.repo import Repo
    from tests.audio.fakedevice import FakeSoundDevice

    sys.modules["sounddevice"] = FakeSoundDevice(samples, pace=0.1)  # 0.1 s blocks at real speed
    live = LiveTranscriber(request)
    take = record(Repo.discover(repo), settings, require_terminal=False, max_seconds=len(samples) / RATE,
                  listener=live)
    t0 = time.perf_counter()
    heard = live.finish(take.path)
    live_s = time.perf_counter() - t0
    assert heard is not None, f"live transcription failed: {live.error!r}"
    t0 = time.perf_counter()
    after = transcribe_files([take.path], request)[0]
    post_s = time.perf_counter() - t0
    take.path.unlink()
    return {"seconds": take.seconds, "live": live_s, "post": post_s, "live_text": heard.text,
            "post_text": after.text, "slices": len(live.ready_at)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=float, nargs="+", default=[15.0, 60.0, 180.0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--takes", type=int, default=3,
                        help="different takes per length (other pauses, starting at another sentence); "
                             "WER is pooled over them, as one take is few words")
    args = parser.parse_args()
    os.environ.setdefault("GIT_VOICE_CACHE", str(Path(__file__).resolve().parent.parent / ".cache" / "git-voice-test"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["GIT_CONFIG_NOSYSTEM"], os.environ["GIT_CONFIG_GLOBAL"] = "1", os.devnull
    from git_voice.app.transcribe import Request, _load, candidates_of
    from git_voice.config import load_settings
    from git_voice.gitops.changes import ChangeRef
    from git_voice.gitops.repo import Repo
    from tests.helpers import wer

    takes = {(L, k): build_take(L, seed=int(L) + 1000 * k, start=7 * k) for L in args.lengths for k in range(args.takes)}
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "repo")
        settings = load_settings(repo)
        request = Request(settings=settings, candidates=candidates_of(Repo.discover(repo), ChangeRef.staged()),
                          progress=None)
        _, load_s = _load(request)
        print("\n".join(cpu_header()))
        print(f"model load (once): {load_s:.2f} s; "
              f"GIT_VOICE_THREADS={os.environ.get('GIT_VOICE_THREADS', 'unset')}")
        rows = []
        for r in range(args.rounds):
            for (L, _k), (samples, said) in takes.items():
                before = os.getloadavg()[0]
                res = run_one(repo, samples, settings, request)
                res.update(length=L, round=r, said=said, load=(before, os.getloadavg()[0]))
                rows.append(res)
                print(f"  {res['seconds']:6.1f} s take, round {r + 1}: live {res['live']:.2f} s after the take "
                      f"({res['slices']} slices), post-hoc {res['post']:.2f} s; WER live "
                      f"{100 * wer(said, res['live_text']):.1f} %, post-hoc {100 * wer(said, res['post_text']):.1f} %, "
                      f"live vs post-hoc {100 * wer(res['post_text'], res['live_text']):.1f} %; "
                      f"load {res['load'][0]:.1f}->{res['load'][1]:.1f}", flush=True)
    print("\n| take | takes x rounds | live: s after the take (median) | post-hoc: s after the take | WER live | WER post-hoc | load avg |")
    print("|---|---|---|---|---|---|---|")
    for L in args.lengths:
        mine = [x for x in rows if x["length"] == L]
        live = statistics.median(x["live"] for x in mine)
        post = statistics.median(x["post"] for x in mine)
        words = sum(len(x["said"].split()) for x in mine)  # pooled: errors over all the words said
        wl = sum(wer(x["said"], x["live_text"]) * len(x["said"].split()) for x in mine) / words
        wp = sum(wer(x["said"], x["post_text"]) * len(x["said"].split()) for x in mine) / words
        loads = [v for x in mine for v in x["load"]]
        print(f"| {mine[0]['seconds']:.0f} s | {args.takes} x {args.rounds} | {live:.2f} | {post:.2f} | {100 * wl:.1f} % | {100 * wp:.1f} % | "
              f"{min(loads):.1f}-{max(loads):.1f} |")
    print(f"\n{platform.python_version()}, {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
