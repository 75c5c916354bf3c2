"""Cold start of the paths that need no model: wall time, and proof that torch stays out.

    .venv/bin/python benchmarks/cold_start.py            # 15 runs each, interleaved

Runs ``git voice --help`` (the installed entry point) beside a bare
``python -c pass`` so the figure can be read against the interpreter's own
start on the same machine at the same moment, then checks with ``-X importtime``
that neither torch nor transformers is imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "git voice --help": [str(BIN / "git-voice"), "--help"],
    "git voice hook --help": [str(BIN / "git-voice"), "hook", "--help"],
}
HEAVY = ("torch", "transformers")


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def heavy_imports(args: list[str]) -> list[str]:
    """Top-level heavy packages imported by ``git voice ARGS`` (from -X importtime)."""
    code = f"import sys; sys.argv = ['git-voice', *{args!r}]; from git_voice.cli import main; main()"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    return sorted(n for n in names if n in HEAVY)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for cmd in COMMANDS.values():
        timed(cmd)  # page cache warm, as on a developer's machine
    for _ in range(args.runs):
        for name, cmd in COMMANDS.items():
            times[name].append(timed(cmd))
    load = os.getloadavg()[0]
    print(f"{args.runs} runs each, interleaved; load average {load:.1f} on {os.cpu_count()} CPUs")
    base = statistics.median(times["python -c pass"])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<24} median {med * 1000:6.0f} ms  min {min(ts) * 1000:6.0f} ms  ({med / base:.1f}x bare python)")
    for argv in (["--help"], ["hook", "--help"], ["show", "--help"]):
        heavy = heavy_imports(argv)
        print(f"git voice {' '.join(argv)} imports: {', '.join(heavy) if heavy else 'no torch, no transformers'}")


if __name__ == "__main__":
    main()
