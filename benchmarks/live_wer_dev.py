"""Live against post-hoc WER on development text (never the takes `live_latency.py` quotes).

    .venv/bin/python benchmarks/live_wer_dev.py --source notes --takes 8            # long sentences
    .venv/bin/python benchmarks/live_wer_dev.py --source split --takes 6 --seed 5   # short ones

Takes of about 60 s are joined from the development half of the code-term corpus
(``--source notes``: one spoken note after another) or of the series-split
benchmark (``--source split``: the walk-throughs' sentences), spoken by hibari
(seeded) with seeded pauses of 0.4 to 1.2 s. Each take is fed to the pause slicer
block by block without waiting in real time (the text does not depend on timing),
each slice transcribed by ``LiveTranscriber``; the same take is transcribed whole
(post-hoc). Prints the WER of both per take and the mean.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "codeterms"))
sys.path.insert(0, str(HERE / "split"))
sys.path.insert(0, str(HERE))

RATE = 16000


MARK = re.compile(r"\{([^|{}]+)\|([^{}]+)\}")  # {spoken|code}, as both corpora mark terms


def spoken_text(say: str) -> str:
    return MARK.sub(lambda m: m.group(1), say)


def sentences(source: str) -> list[str]:
    if source == "split":
        from series import SERIES

        return [spoken_text(t) for s in SERIES[0::2] for _, t in s["say"]]  # even positions: the dev half
    from corpus import notes_of

    return [spoken_text(n["say"]) for n in notes_of("dev")]


def takes(texts: list[str], n: int, seed: int, seconds: float = 60.0) -> list[tuple[np.ndarray, str]]:
    from tests.helpers import synth

    rng, out, i = random.Random(seed), [], 0
    for _ in range(n):
        parts, said, total = [np.zeros(RATE // 2, np.float32)], [], RATE // 2
        while total < (seconds - 1) * RATE:
            text = texts[i % len(texts)]
            i += 1
            audio, _ = sf.read(synth(text), dtype="float32")
            gap = np.zeros(int(rng.uniform(0.4, 1.2) * RATE), np.float32)
            parts += [audio, gap]
            total += len(audio) + len(gap)
            said.append(text)
        parts.append(np.zeros(RATE, np.float32))
        out.append((np.concatenate(parts), " ".join(said)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", choices=("notes", "split"), default="notes")
    ap.add_argument("--takes", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from git_voice.app.live import LiveTranscriber
    from git_voice.app.transcribe import Request, candidates_of, transcribe_files
    from git_voice.audio.slicer import PauseSlicer
    from git_voice.config import load_settings
    from git_voice.gitops.changes import ChangeRef
    from git_voice.gitops.repo import Repo
    from live_latency import make_repo
    from tests.helpers import wer

    work = Path(tempfile.mkdtemp(prefix="gv-livewer-"))
    repo = make_repo(work / "repo")
    request = Request(settings=load_settings(repo), candidates=candidates_of(Repo.discover(repo), ChangeRef.staged()),
                      progress=None)
    live_w, post_w = [], []
    for j, (samples, said) in enumerate(takes(sentences(args.source), args.takes, args.seed)):
        path = work / f"take{j}.wav"
        sf.write(path, samples, RATE)
        post_w.append(wer(said, transcribe_files([path], request)[0].text))
        slicer, live = PauseSlicer(), LiveTranscriber(request)
        slicer._ready.wait()  # scored block by block, as once the model is up
        for i in range(0, len(samples), RATE // 10):
            for piece in slicer.feed(samples[i : i + RATE // 10]):
                live.slice(piece)
        live.slice(slicer.finish())
        heard = live.finish(path)
        live_w.append(wer(said, heard.text) if heard is not None else float("nan"))
        print(f"take {j}: WER live {100 * live_w[-1]:.1f} %, post-hoc {100 * post_w[-1]:.1f} %", flush=True)
    print(f"mean over {len(live_w)} takes ({args.source}): live {100 * np.mean(live_w):.2f} %, "
          f"post-hoc {100 * np.mean(post_w):.2f} %")


if __name__ == "__main__":
    main()
