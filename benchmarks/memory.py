"""Where git-voice's memory goes: resident memory after each step of the Whisper engine.

    .venv/bin/python benchmarks/memory.py

One fresh process, steps in the order the engine takes them: numpy, torch, the
engine loaded with the default compute type (plain torch modules for the
bundled English-only model: ``asr/whisper/plain.py``), warmed up, then a 35 s
recording transcribed greedy and with beam 5. Prints RSS (anonymous and
file-backed) after each step and the peak so far. Then, for comparison, what
importing transformers' Whisper model module would add on top (the engine
builds that model only when ``generate`` is needed), which top-level
packages it pulls in, and what building that model on the first fallback costs. faster-whisper's figure is in benchmarks/speed.py's
output (it imports no torch).
"""

from __future__ import annotations

import collections
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    """Resident memory now, MB (Linux: /proc/self/statm)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_parts() -> tuple[float, float]:
    """(anonymous, file-backed) resident memory now, MB (Linux: /proc/self/status)."""
    parts = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile"):
            parts[key] = int(value.split()[0]) / 1024
    return parts.get("RssAnon", float("nan")), parts.get("RssFile", float("nan"))


def main() -> None:
    from machine import cpu_header

    rows: list[tuple[str, float, float, float, float]] = []

    def step(name: str) -> None:
        anon, file = rss_parts()
        rows.append((name, rss_mb(), anon, file, peak_mb()))

    step("python")
    import numpy  # noqa: F401

    from git_voice.audio.load import load_audio

    recording = ROOT.parent / "shared" / "speech" / "harvard_list72_8k.wav"
    if not recording.exists():
        raise SystemExit(f"{recording} is needed (the shared human recordings)")
    samples = load_audio(recording).samples
    step("numpy, audio loading, a 35 s recording")
    import torch

    torch.set_num_threads(2)
    step("import torch")
    from git_voice.asr.bundled import ensure_bundled_model
    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.whisper import WhisperEngine

    engine = WhisperEngine(ensure_bundled_model(), "tiny.en", "cpu", torch.float32)
    step(f"engine loaded ({engine.compute_type}, {type(engine.model).__module__.rsplit('.', 1)[-1]} modules)")
    engine.warm_up()
    step("engine warmed up")
    engine.transcribe(samples, DecodeOptions())
    step("35 s transcribed, greedy")
    engine.transcribe(samples, DecodeOptions(beam_size=5))
    step("35 s transcribed, beam 5")
    before = set(sys.modules)
    import time

    start = time.perf_counter()
    from transformers.models.whisper import modeling_whisper  # noqa: F401

    took = time.perf_counter() - start

    pulled = collections.Counter(m.split(".")[0] if not m.startswith("torch.") else ".".join(m.split(".")[:2])
                                 for m in set(sys.modules) - before)
    step(f"(for comparison) transformers' Whisper module ({took:.1f} s)")
    start = time.perf_counter()
    engine.generator()
    step(f"transformers' model for generate ({time.perf_counter() - start:.1f} s)")
    print("\n".join(cpu_header()))
    print(f"{'step':<52}{'RSS MB':>8}{'anon':>7}{'file':>7}{'peak MB':>9}{'added':>7}")
    last = 0.0
    for name, rss, anon, file, peak in rows:
        print(f"{name:<52}{rss:>8.0f}{anon:>7.0f}{file:>7.0f}{peak:>9.0f}{rss - last:>+7.0f}")
        last = rss
    print("packages transformers' Whisper module imports (modules):",
          ", ".join(f"{k} {v}" for k, v in pulled.most_common(8)))


if __name__ == "__main__":
    main()
