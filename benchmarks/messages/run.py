"""Message benchmark: spoken notes over staged changes → the commit messages git-voice writes.

    .venv/bin/python benchmarks/messages/run.py                 # held-out half, then development half
    .venv/bin/python benchmarks/messages/run.py --split dev     # the half tuned on only
    .venv/bin/python benchmarks/messages/run.py --rescore benchmarks/messages/results.json

For each note (``notes.py``) a temporary repository commits the files' ``before``,
stages their ``after``, and ``git voice commit --audio NOTE --no-edit`` runs in it,
once per convention (conventional, kernel, plain), exactly as a user would run it,
against a warm ``git voice serve`` this script starts (nice'd) so the model loads
once. Each note is spoken by hibari's bundled voice at normal speed and 1.25×
faster (seeded); the faster take runs with the default convention only.

Printed per half (held-out first): cz check and commitlint (config-conventional,
installed by npm into ``.cache/commitlint``) pass rates, type and breaking-change
accuracy, scope agreement, subjects cut mid-phrase, opening with filler or framing,
that are questions, wider than 72 columns, code-term recall in the whole message,
and word F1 of the subject against the reference a person wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("GIT_VOICE_CACHE", str(ROOT / ".cache" / "git-voice-test"))
os.environ["HF_HUB_OFFLINE"] = "1"

import metrics as M  # noqa: E402
from notes import NOTES, split  # noqa: E402

CONVENTIONS = ("conventional", "kernel", "plain")
FAST_SPEED = 1.25
ROWS = (
    ("cz check pass", "cz"), ("commitlint pass", "commitlint"), ("type right", "type_ok"),
    ("breaking (!) right", "bang_ok"), ("scope as reference", "scope_ok"), ("cut mid-phrase", "cut"),
    ("opens with filler/framing", "framing"), ("question as subject", "question"),
    ("subject > 72 columns", "wide"), ("code-term recall", "terms"), ("subject word F1 vs reference", "f1"),
)


def _env(home: Path, server: str) -> dict[str, str]:
    """Environment for git and git-voice: a private global config naming the server and an identity."""
    cfg = home / "gitconfig"
    cfg.write_text(f"[user]\n\tname = Bench\n\temail = bench@example.com\n[voice]\n\tserver = {server}\n"
                   "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n")
    env = dict(os.environ, GIT_CONFIG_GLOBAL=str(cfg), GIT_CONFIG_NOSYSTEM="1", PYTHONPATH=str(ROOT))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def make_repo(path: Path, note: dict, env: dict) -> None:
    """``before`` committed, ``after`` staged (a None side: the file is new, or deleted)."""
    run = lambda *a: subprocess.run(["git", *a], cwd=path, env=env, check=True, capture_output=True)  # noqa: E731
    path.mkdir(parents=True)
    run("init", "-q")
    (path / ".keep").write_text("")
    for name, before, _ in note["files"]:
        if before is not None:
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(before)
    run("add", "-A")
    run("commit", "-q", "-m", "before")
    for name, _, after in note["files"]:
        f = path / name
        if after is None:
            f.unlink()
        else:
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(after)
    run("add", "-A")


def commit(repo: Path, wav: Path, convention: str, env: dict) -> tuple[str, str]:
    """Run ``git voice commit`` in ``repo``; (the commit's message, stderr or "")."""
    proc = subprocess.run(["nice", "-n", "10", "git", "voice", "commit", "--audio", str(wav), "--no-edit",
                           "--convention", convention], cwd=repo, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return "", proc.stderr.strip()
    msg = subprocess.run(["git", "log", "-1", "--format=%B"], cwd=repo, env=env, capture_output=True, text=True)
    return msg.stdout.strip("\n") + "\n", ""


def start_server(home: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """``git voice serve`` on a private socket, nice'd; returns it once it prints its address."""
    addr = f"unix:{home / 'serve.sock'}"
    proc = subprocess.Popen(["nice", "-n", "10", "git", "voice", "serve", "--listen", addr, "--print-address"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=home)
    line = proc.stdout.readline().strip()
    if not line:
        raise SystemExit("git voice serve did not start")
    return proc, addr


def takes(index: int, note: dict) -> dict[str, Path]:
    """The recordings of a note: hibari at normal speed and faster, seeded by position."""
    from tests.helpers import synth

    said = M.spoken_text(note["say"])
    return {"clean": synth(said, seed=index), "fast": synth(said, speed=FAST_SPEED, seed=index)}


def run_notes(indices: list[int], out: Path) -> list[dict]:
    """Every (note, voice, convention) through the CLI; the rows are written to ``out`` as they come."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="git-voice-messages-") as tmp:
        home = Path(tmp)
        env = _env(home, f"unix:{home / 'serve.sock'}")
        server, _ = start_server(home, env)
        try:
            for i in indices:
                note = NOTES[i]
                for voice, wav in takes(i, note).items():
                    for conv in CONVENTIONS if voice == "clean" else CONVENTIONS[:1]:
                        repo = home / f"n{i}-{voice}-{conv}"
                        make_repo(repo, note, env)
                        message, error = commit(repo, wav, conv, env)
                        rows.append({"note": i, "id": note["id"], "split": split(i), "voice": voice,
                                     "convention": conv, "message": message, "error": error})
                        print(f"[{i:2d} {voice:5} {conv[:4]}] {message.splitlines()[0] if message else 'ERROR ' + error}",
                              file=sys.stderr, flush=True)
                        shutil.rmtree(repo, ignore_errors=True)
                out.write_text(json.dumps(rows, indent=1))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def score(rows: list[dict], cache: Path) -> list[dict]:
    """Each row with its checks filled in (linters on the conventional messages)."""
    conv = [r for r in rows if r["convention"] == "conventional" and r["message"]]
    cz = shutil.which("cz", path=str(Path(sys.executable).parent)) or shutil.which("cz")
    cz_ok = M.cz_check([r["message"] for r in conv], cz) if cz else [None] * len(conv)
    lint = M.commitlint([r["message"] for r in conv], cache) or [None] * len(conv)
    for r, ok, cl in zip(conv, cz_ok, lint):
        r["cz"] = ok
        r["commitlint"] = None if cl is None else cl["valid"]
        r["commitlint_errors"] = None if cl is None else cl["errors"]
    for r in rows:
        note = NOTES[r["note"]]
        header = r["message"].splitlines()[0] if r["message"] else ""
        subject = M.subject_of(header, r["convention"])
        said = M.spoken_text(note["say"])
        r.update(subject=subject, cut=M.cut_mid_phrase(subject), framing=M.starts_with_framing(subject),
                 question=M.is_question(subject, said), wide=M.width(header) > 72,
                 terms=M.term_recall(r["message"], M.expected_terms(note["say"])),
                 f1=M.word_f1(subject, note["subject"]))
        if r["convention"] == "conventional":
            h = M.parse_header(header)
            r.update(type_ok=h["type"] == note["type"], bang_ok=h["bang"] == bool(note.get("breaking")),
                     scope_ok=(h["scope"] or "") == note["scope"])
    return rows


def _cell(rows: list[dict], key: str) -> str:
    vals = [r[key] for r in rows if r.get(key) is not None]
    if not vals:
        return "–"
    if key == "terms":
        found, total = sum(v[0] for v in vals), sum(v[1] for v in vals)
        return f"{100 * found / max(total, 1):.1f}% ({found}/{total})"
    if key == "f1":
        return f"{sum(vals) / len(vals):.2f}"
    hits = sum(bool(v) for v in vals)
    return f"{100 * hits / len(vals):.1f}% ({hits}/{len(vals)})"


def table(rows: list[dict], title: str) -> str:
    """A Markdown table: one column per (convention, voice), one row per check."""
    cols = [("conventional", "clean"), ("conventional", "fast"), ("kernel", "clean"), ("plain", "clean")]
    out = [f"{title}: {len({r['note'] for r in rows})} notes",
           "", "| check | " + " | ".join(f"{c} ({v})" for c, v in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for label, key in ROWS:
        cells = [_cell([r for r in rows if (r["convention"], r["voice"]) == col], key) for col in cols]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    failed = [r for r in rows if r["error"]]
    if failed:
        out.append(f"\n{len(failed)} commits failed: " + "; ".join(f"{r['id']}: {r['error'][:80]}" for r in failed[:5]))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("held-out", "dev", "both"), default="both")
    ap.add_argument("--notes", help="comma-separated note ids (development only)")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--rescore", type=Path, help="score this earlier results file instead of running")
    ap.add_argument("--commitlint-cache", type=Path, default=ROOT / ".cache" / "commitlint")
    args = ap.parse_args(argv)
    # A TERM (kill, timeout) unwinds like Ctrl-C, so the warm server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    halves = ("held-out", "dev") if args.split == "both" else (args.split,)
    indices = [i for i, n in enumerate(NOTES) if split(i) in halves and (not args.notes or n["id"] in args.notes.split(","))]
    t0 = time.time()
    rows = json.loads(args.rescore.read_text()) if args.rescore else run_notes(indices, args.out)
    rows = score([r for r in rows if r["note"] in indices], args.commitlint_cache)
    args.out.with_name(args.out.stem + "-scored.json").write_text(json.dumps(rows, indent=1))
    for half in halves:
        name = {"held-out": "Held-out half", "dev": "Development half"}[half]
        print(table([r for r in rows if r["split"] == half], name) + "\n")
    print(f"load average {os.getloadavg()[0]:.1f}; {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
