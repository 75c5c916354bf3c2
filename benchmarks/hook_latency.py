"""What the hooks (prepare-commit-msg, post-commit) add to ``git commit`` for a 15 s take: cold and warm.

    .venv/bin/python benchmarks/hook_latency.py            # 5 rounds, interleaved

In a throwaway repository with ``git voice hook install``, each round times
three commits of the same small change:

- ``no take``: the hook runs but finds no pending take (what every commit pays);
- ``cold``: a pending 15 s take, no server (the hook loads the model itself);
- ``warm``: the same take with ``git voice serve`` running on a private socket.

"adds" is each median minus the median of ``git commit`` without the hook.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_header

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
# About 15 s when spoken by the test voice (checked below).
TAKE_TEXT = (
    "Cache the user lookup for ten minutes so the dashboard stops hitting the database on every "
    "request. The cache is cleared when a user changes their email address, and the timeout can "
    "be set in the configuration file for teams that need fresher data."
)


def git(repo: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def take_15s(workdir: Path) -> Path:
    """A take of at least 15 s: the synthesised note, padded with its own repeat if short."""
    import numpy as np
    import soundfile as sf

    from tests.helpers import synth

    samples, rate = sf.read(synth(TAKE_TEXT), dtype="float32")
    while len(samples) < 15 * rate:
        samples = np.concatenate([samples, samples])
    path = workdir / "take.wav"
    sf.write(path, samples[: 15 * rate], rate)
    return path


def commit_seconds(repo: Path, env: dict[str, str], take: Path | None, n: int) -> float:
    """Change a file, stage a take if given, and time ``git commit``."""
    (repo / "file.txt").write_text(f"change {n}\n")
    git(repo, "add", "file.txt", env=env)
    if take is not None:  # by the version under test (each keeps its takes its own way)
        subprocess.run([str(BIN / "git-voice"), "note", "stage", str(take)], cwd=repo, env=env, check=True,
                       capture_output=True)
    t0 = time.perf_counter()
    git(repo, "commit", "-q", "--allow-empty-message", env=env)
    seconds = time.perf_counter() - t0
    message = subprocess.run(["git", "log", "-1", "--format=%B"], cwd=repo, env=env, capture_output=True, text=True).stdout
    if take is not None and not message.strip():
        sys.exit("the hook left the message empty: this timing measured nothing")
    return seconds


def start_server(env: dict[str, str], sock: Path) -> subprocess.Popen:
    proc = subprocess.Popen([str(BIN / "git-voice"), "serve", "--listen", f"unix:{sock}", "--print-address"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if not proc.stdout.readline().strip():
        sys.exit("git voice serve did not start")
    return proc


def one_round(repo: Path, env: dict[str, str], sock: Path, take: Path, times: dict[str, list[float]], n: int) -> int:
    """The four commits of a round, timed into ``times``; the last commit number used."""
    subprocess.run([str(BIN / "git-voice"), "hook", "uninstall"], cwd=repo, env=env, capture_output=True)
    times["no hook"].append(commit_seconds(repo, env, None, n := n + 1))
    subprocess.run([str(BIN / "git-voice"), "hook", "install"], cwd=repo, env=env, capture_output=True, check=True)
    times["no take"].append(commit_seconds(repo, env, None, n := n + 1))
    times["cold"].append(commit_seconds(repo, env, take, n := n + 1))
    server = start_server(env, sock)
    try:
        times["warm"].append(commit_seconds(repo, env, take, n := n + 1))
    finally:
        server.terminate()
        server.wait()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--against", metavar="CHECKOUT",
                    help="another checkout of git-voice (e.g. a git worktree of an older commit): its rounds "
                         "alternate with this one's, in the same run, each in a repository of its own")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gv-hook-", dir="/tmp"))
    sock = work / "serve.sock"
    env = {**os.environ, "GIT_EDITOR": ":", "GIT_VOICE_SOCKET": str(sock), "HF_HUB_OFFLINE": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    versions = {"this": dict(env, PYTHONPATH=str(ROOT))}
    if args.against:
        versions["against"] = dict(env, PYTHONPATH=str(Path(args.against).resolve()))
    repos = {}
    for name, venv in versions.items():
        repo = repos[name] = work / f"repo-{name}"
        repo.mkdir()
        for args_ in (("init", "-q", "-b", "main"), ("config", "user.name", "Bench"),
                      ("config", "user.email", "bench@example.com"), ("commit", "-q", "--allow-empty", "-m", "root")):
            git(repo, *args_, env=venv)
    os.environ.update({k: env[k] for k in ("GIT_VOICE_SOCKET", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")})
    take = take_15s(work)
    times = {name: {"no hook": [], "no take": [], "cold": [], "warm": []} for name in versions}
    n = 0
    try:
        for r in range(args.rounds):
            order = list(versions) if r % 2 == 0 else list(reversed(versions))
            for name in order:
                n = one_round(repos[name], versions[name], sock, take, times[name], n)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(cpu_header()))
    print(f"15 s take, {args.rounds} rounds, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, by in times.items():
        if len(times) > 1:
            print(f"-- {name}: {versions[name]['PYTHONPATH']}")
        base = statistics.median(by["no hook"])
        for what, ts in by.items():
            med = statistics.median(ts)
            spread = f"{min(ts):.2f}-{max(ts):.2f}"
            print(f"git commit, {what:<8} median {med:6.2f} s   adds {med - base:6.2f} s   (rounds {spread})")


if __name__ == "__main__":
    main()
