"""Where git-voice's memory goes: resident memory after each import and loading step.

    .venv/bin/python benchmarks/memory.py

One fresh process, steps in the order the Whisper engine takes them: numpy,
torch, transformers' Whisper configuration (the package's base), the generation
stack that transformers' Whisper model imports, the model module, the processor
(feature extractor and tokenizer), the float32 model, then the engine as it runs
(default compute type). Prints RSS after each step, the peak so far, and which
top-level packages the generation stack pulls in. faster-whisper's figure for
comparison is in benchmarks/speed.py's output (it imports no torch).
"""

from __future__ import annotations

import collections
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Resident memory now, MB (Linux: /proc/self/statm)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    rows: list[tuple[str, float, float]] = []

    def step(name: str) -> None:
        rows.append((name, rss_mb(), peak_mb()))

    step("python")
    import numpy  # noqa: F401

    step("import numpy")
    import torch

    step("import torch")
    from transformers.models.whisper.configuration_whisper import WhisperConfig  # noqa: F401

    step("transformers + Whisper config")
    before = set(sys.modules)
    import transformers.generation.utils  # noqa: F401

    pulled = collections.Counter(m.split(".")[0] if not m.startswith("torch.") else ".".join(m.split(".")[:2])
                                 for m in set(sys.modules) - before)
    step("transformers' generation stack")
    from transformers.models.whisper import modeling_whisper  # noqa: F401

    step("transformers' Whisper model module")
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    from git_voice.asr.bundled import ensure_bundled_model

    path = str(ensure_bundled_model())
    WhisperProcessor.from_pretrained(path)
    step("processor loaded")
    model = WhisperForConditionalGeneration.from_pretrained(path, dtype=torch.float32, attn_implementation="sdpa")
    step("float32 model loaded")
    del model
    from git_voice.asr.whisper import WhisperEngine

    engine = WhisperEngine(ensure_bundled_model(), "tiny.en", "cpu", torch.float32)
    step(f"engine ({engine.compute_type}) loaded, first model freed")
    engine.warm_up()
    step("engine warmed up")
    print(f"{'step':<44}{'RSS MB':>8}{'peak MB':>9}{'added':>7}")
    last = 0.0
    for name, rss, peak in rows:
        print(f"{name:<44}{rss:>8.0f}{peak:>9.0f}{rss - last:>+7.0f}")
        last = rss
    print("packages the generation stack imports (modules):",
          ", ".join(f"{k} {v}" for k, v in pulled.most_common(8)))


if __name__ == "__main__":
    main()
