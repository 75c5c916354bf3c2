"""The machine a benchmark ran on: every figure is quoted with this header."""

from __future__ import annotations

import os
from pathlib import Path

# The CPU features that decide git-voice's compute type (asr/whisper/runtime.py).
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


def cpu_header() -> list[str]:
    """The CPU model and the flags that decide the compute type, from /proc/cpuinfo."""
    model, flags = "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown CPU":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    have = " ".join(f"{f}{'+' if f in flags else '-'}" for f in FLAGS)
    return [f"CPU: {model}, {os.cpu_count()} logical CPUs", f"flags: {have}"]
