"""Fifty commits through the hook with the warm server: plain, aborted and retried, amended,
two at once in two worktrees, and one aborted for good. Afterwards every take was used by
exactly one commit or is still pending, and every note's audio is its own take."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from ..helpers import git, normalise, wer

GV = [sys.executable, "-m", "git_voice"]
SAID = [
    "I fixed the crash in the config loader when the file is empty.",
    "The cache now expires entries after an hour instead of keeping them forever.",
    "Move the retry loop into the upload client and log each failed attempt.",
    "The parser now rejects empty headers instead of crashing on them.",
]
ITERATIONS = 40  # with retries and pairs: 50 commits


def make_takes(speech, folder: Path, n: int) -> list[tuple[Path, str]]:
    """``n`` distinct takes: one of four sentences, each with its own seeded hush at the end."""
    takes = []
    for i in range(n):
        samples, rate = sf.read(str(speech(SAID[i % len(SAID)])), dtype="float32")
        hush = np.random.default_rng(i).normal(0, 1e-3, rate // 5).astype(np.float32)
        path = folder / f"take{i:02d}.wav"
        sf.write(str(path), np.concatenate([samples, hush]), rate, subtype="PCM_16")
        takes.append((path, SAID[i % len(SAID)]))
    return takes


def editor(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_fifty_commits_through_the_hook_each_take_used_once(repo, gv, speech, tmp_path, bundled_model):
    short = Path(tempfile.mkdtemp(prefix="gv-", dir="/tmp"))
    env = dict(os.environ, GIT_VOICE_SOCKET=str(short / "serve.sock"))
    server = subprocess.Popen([*GV, "serve", "--device", "cpu", "--print-address"], cwd=repo, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == f"unix:{short / 'serve.sock'}"
        _run_commits(repo, gv, speech, tmp_path, env)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(short, ignore_errors=True)


def _run_commits(repo: Path, gv, speech, tmp_path: Path, env: dict) -> None:
    assert gv("hook", "install").code == 0
    other = repo.parent / "second"
    git(repo, "worktree", "add", "-q", "-b", "second", str(other))
    takes = make_takes(speech, tmp_path, ITERATIONS)
    typing = editor(tmp_path, "type.sh", 'grep -q "^[^#]" "$1" || echo "Typed by hand" > "$1"')
    empty = editor(tmp_path, "empty.sh", ': > "$1"')
    commits = 0

    def change(where: Path, i: int, tag: str) -> None:
        (where / f"f{i}_{tag}.py").write_text(f"def handler_{i}_{tag}():\n    return {i}\n")
        git(where, "add", "-A")

    def commit(where: Path, ed: str, *args: str, check: bool = True) -> subprocess.Popen:
        nonlocal commits
        commits += 1
        return subprocess.Popen(["git", "commit", *args], cwd=where, env=dict(env, GIT_EDITOR=ed),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def done(proc: subprocess.Popen, ok: bool = True) -> None:
        out, err = proc.communicate(timeout=600)
        assert (proc.returncode == 0) == ok, (out, err)
        assert "Traceback" not in err and "warning" not in err, err

    for i, (take, _) in enumerate(takes):
        kind = i % 4 if i < len(takes) - 1 else "abort-for-good"
        assert gv("note", "stage", str(take)).code == 0
        change(repo, i, "a")
        if kind == 0:
            done(commit(repo, typing))
        elif kind == 1:  # aborted in the editor, then retried
            done(commit(repo, empty), ok=False)
            done(commit(repo, typing))
        elif kind == 2:  # then amended without an edit
            done(commit(repo, typing))
            done(commit(repo, typing, "--amend", "--no-edit"))
        elif kind == 3:  # two commits at once, one in each worktree: one of them gets the take
            change(other, i, "b")
            pair = [commit(repo, typing), commit(other, typing)]
            for proc in pair:
                done(proc)
        else:
            done(commit(repo, empty), ok=False)
    assert commits >= 50

    by_bytes = {take.read_bytes(): (take, said) for take, said in takes}
    used: dict[str, str] = {}
    for rev in git(repo, "rev-list", "main", "second").split():
        blob = git(repo, "notes", "--ref=voice-audio", "list", rev, check=False).strip()
        if not blob:
            continue
        audio = subprocess.run(["git", "cat-file", "blob", blob], cwd=repo, capture_output=True).stdout
        assert audio in by_bytes, f"{rev}: its audio note is no take (joined or damaged)"
        take, said = by_bytes[audio]
        assert take.name not in used, f"{take.name} used by {used[take.name]} and {rev}"
        used[take.name] = rev
        assert wer(said, git(repo, "notes", "--ref=voice", "show", rev)) < 0.3
        subject = git(repo, "log", "-1", "--format=%s", rev).split(": ", 1)[-1]  # made from the same take
        words = normalise(subject).split()
        assert sum(w in normalise(said).split() for w in words) >= 0.7 * len(words), (subject, said)
    voice = repo / ".git" / "voice"
    pending = sorted(p.name for p in (voice / "pending").iterdir())
    claimed = [p for p in (voice / "claims").rglob("*") if p.is_file()] if (voice / "claims").exists() else []
    # The last take's commit was aborted for good: its take is still claimed by a dead commit
    # or back in pending; every other take was used exactly once.
    assert len(used) == len(takes) - 1, sorted(used)
    assert takes[-1][0].name not in used and len(pending) + len([c for c in claimed if c.suffix == ".wav"]) == 1
    assert gv("note", "unstage").code == 0  # settles the dead claim and takes the last take back
    assert not list((voice / "pending").iterdir()) and not any((voice / "claims").iterdir())
