"""Decoding work of two checkouts side by side: CPU seconds of ``speed.py``'s git-voice worker.

    .venv/bin/python benchmarks/ab_cpu.py BASE_CHECKOUT NEW_CHECKOUT [--rounds 3] [--engine "git-voice mixed"]

Each round runs the worker (load the bundled model, transcribe speed.py's five files
greedy and with beam 5) once per checkout, interleaved, on one thread, and takes the CPU seconds (user + system)
of that process from the kernel. On a shared machine wall time swings with other
people's load; one thread's CPU time is the work itself. Also says whether both
checkouts wrote the same text. Use it to show that a change left speed alone. Both
checkouts need the shared recordings beside them (``../shared/speech``, a link will
do): it stops with one line when the two transcribed different files.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(checkout: Path, engine: str) -> tuple[float, list[str]]:
    """CPU seconds of one worker in ``checkout`` and the texts it wrote."""
    env = dict(os.environ, PYTHONPATH=str(checkout), HF_HUB_OFFLINE="1", GIT_VOICE_THREADS="1")
    env.setdefault("GIT_VOICE_CACHE", str(ROOT / ".cache" / "git-voice-test"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "benchmarks/speed.py", "--worker", engine, "--threads", "1"],
                          cwd=checkout, env=env, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    # The worker decodes greedy, then with beam search: the texts of both, in that order.
    modes = data["modes"] if "modes" in data else {"1": data}
    files = [(beam, f["file"]) for beam in sorted(modes, key=int) for f in modes[beam]["files"]]
    texts = [f["text"] for beam in sorted(modes, key=int) for f in modes[beam]["files"]]
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), files, texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--engine", default="git-voice mixed")
    args = ap.parse_args()
    cpu: dict[str, list[float]] = {"base": [], "new": []}
    texts: dict[str, list[str]] = {}
    files: dict[str, list] = {}
    for r in range(args.rounds):
        for side, checkout in (("base", args.base), ("new", args.new)):
            seconds, files[side], texts[side] = run(checkout.resolve(), args.engine)
            cpu[side].append(seconds)
        if files["base"] != files["new"]:
            # speed.py reads the shared recordings from ../shared/speech beside each checkout
            sys.exit("ab_cpu.py: the two checkouts transcribed different files (is ../shared beside both?)")
        print(f"round {r + 1}: base {cpu['base'][-1]:.2f} s, new {cpu['new'][-1]:.2f} s", file=sys.stderr)
    b, n = statistics.median(cpu["base"]), statistics.median(cpu["new"])
    print(f"{args.engine}, 1 thread, {args.rounds} rounds: CPU seconds median base {b:.2f} "
          f"(range {min(cpu['base']):.2f}-{max(cpu['base']):.2f}), new {n:.2f} "
          f"(range {min(cpu['new']):.2f}-{max(cpu['new']):.2f}), ratio {n / b:.3f}; same text: {texts['base'] == texts['new']}")


if __name__ == "__main__":
    main()
