"""Series-split benchmark: one spoken walk-through per series → does each sentence reach its commit?

    .venv/bin/python benchmarks/split/run.py                 # every series, both halves
    .venv/bin/python benchmarks/split/run.py --half dev      # the development half only
    .venv/bin/python benchmarks/split/run.py --only config-crash,flask-json
    .venv/bin/python benchmarks/split/run.py --half dev --text-only   # the splitter alone, no speech, seconds

For each series of ``series.py`` a temporary repository gets a base commit and the
series' commits; the walk-through is spoken by hibari (seeded) as one recording;
the product path runs in this process (so the model loads once):

    git voice note split HEAD~N.. --audio WALK --no-edit

Each commit's part is read back from its ``refs/notes/voice`` note, the overview
from what the command prints above the first marker line. A reference sentence
counts as right when the part it truly belongs to holds it better than any other
part does (rapidfuzz partial ratio over lower-cased words). Reported per half
(held-out first): sentence accuracy and the share of series whose every sentence
is right, for the speech path and, as a check on the splitter alone, for the
reference text given straight to ``compose.split.assign`` with the same commits.
Results go to ``results.json`` beside this file (or ``--out``). ``--text-only``
skips speech (no synthesis, no model): it prints the reference-text figures and each
missed sentence with its true and chosen part, and writes nothing unless ``--out``
is given.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
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
os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = "2026-11-21T12:00:00+00:00"

from series import SERIES  # noqa: E402

MARK = re.compile(r"\{([^|{}]+)\|([^{}]+)\}")


def spoken(sentence: str) -> str:
    return MARK.sub(lambda m: m.group(1), sentence)


def reference(sentence: str) -> str:
    return MARK.sub(lambda m: m.group(2), sentence)


def half_of(index: int) -> str:
    """Fixed before any run (see series.py): odd positions are held out."""
    return "held-out" if index % 2 else "dev"


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=input)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def build(path: Path, series: dict) -> list[str]:
    """The series' repository: a base commit, then its commits; their ids, oldest first."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for k, v in (("user.name", "Ada Tester"), ("user.email", "ada@example.com"), ("commit.gpgsign", "false")):
        git(path, "config", k, v)

    def put(files: dict[str, str]) -> None:
        for name, text in files.items():
            f = path / name
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text)
        git(path, "add", "-A")

    put(series["base"])
    git(path, "commit", "-q", "-m", "Base")
    for c in series["commits"]:
        put(c["files"])
        git(path, "commit", "-q", "-m", c["subject"])
    return git(path, "rev-list", "--reverse", f"HEAD~{len(series['commits'])}..HEAD").split()


def words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("`", "")).split())


def judge(sentences: list[tuple[int, str]], parts: list[str]) -> list[bool]:
    """Per reference sentence: does its true part (0 overview, k commit) hold it best?"""
    from rapidfuzz import fuzz

    out = []
    for label, sentence in sentences:
        ref = words(reference(sentence))
        scores = [fuzz.partial_ratio(ref, words(p)) if p.strip() else 0.0 for p in parts]
        out.append(all(scores[label] > s for i, s in enumerate(scores) if i != label))
    return out


def run_cli(repo: Path, args: list[str]) -> tuple[int, str, str]:
    """``git voice ARGS`` in this process, in ``repo``: (exit status, stdout, stderr)."""
    from git_voice.cli import main

    here = os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def overview_of(printed: str) -> str:
    """The overview from the split ``note split`` prints: the lines above the first marker."""
    lines = []
    for line in printed.splitlines():
        if line.startswith("# --- "):
            break
        if not line.startswith("#"):
            lines.append(line)
    return " ".join(lines)


def text_only(repo: Path, series: dict) -> list[int]:
    """The splitter alone on the reference sentences, with the commits as the product reads them."""
    from git_voice.app.split import series_commits
    from git_voice.compose.split import CommitInfo, OVERVIEW, assign
    from git_voice.gitops.repo import Repo

    commits = series_commits(Repo.discover(repo), f"HEAD~{len(series['commits'])}..HEAD")
    labels = assign([reference(s) for _, s in series["say"]], [CommitInfo(c.subject, c.terms, c.paths) for c in commits])
    return [0 if k == OVERVIEW else k + 1 for k in labels]


def one(index: int, series: dict, tmp: Path) -> dict:
    from tests.helpers import synth

    repo = tmp / series["name"]
    shas = build(repo, series)
    walk = synth(" ".join(spoken(s) for _, s in series["say"]))
    t0 = time.perf_counter()
    code, out, err = run_cli(repo, ["note", "split", f"HEAD~{len(shas)}..", "--audio", str(walk), "--no-edit"])
    seconds = time.perf_counter() - t0
    parts = [overview_of(out)] if code == 0 else [""]
    audio_notes = 0
    for sha in shas:
        proc = subprocess.run(["git", "notes", "--ref=voice", "show", sha], cwd=repo, capture_output=True, text=True)
        parts.append(proc.stdout if code == 0 and proc.returncode == 0 else "")
        audio_notes += subprocess.run(["git", "notes", "--ref=voice-audio", "list", sha], cwd=repo,
                                      capture_output=True).returncode == 0
    right = judge(series["say"], parts)
    truth = [label for label, _ in series["say"]]
    text_labels = text_only(repo, series)
    return {
        "name": series["name"], "project": series["project"], "style": series["style"], "half": half_of(index),
        "commits": len(shas), "exit": code, "stderr": err.strip().splitlines()[-1:] if code else [],
        "sentences": len(right), "right": sum(right), "exact": all(right) and code == 0,
        "per_sentence": [{"label": t, "right": r, "text": reference(s)} for (t, s), r in zip(series["say"], right)],
        "parts": parts, "audio_notes": audio_notes, "seconds": round(seconds, 2),
        "text_labels": text_labels, "text_right": sum(a == b for a, b in zip(text_labels, truth)),
        "text_exact": text_labels == truth,
    }


def one_text(index: int, series: dict, tmp: Path) -> dict:
    """The reference-text check alone for one series: no speech, no model."""
    repo = tmp / series["name"]
    build(repo, series)
    truth = [label for label, _ in series["say"]]
    labels = text_only(repo, series)
    return {
        "name": series["name"], "project": series["project"], "style": series["style"], "half": half_of(index),
        "commits": len(series["commits"]), "sentences": len(truth), "text_labels": labels,
        "text_right": sum(a == b for a, b in zip(labels, truth)), "text_exact": labels == truth,
        "misses": [{"true": t, "chose": c, "text": reference(s)}
                   for (t, s), c in zip(series["say"], labels) if t != c],
    }


def text_table(results: list[dict]) -> str:
    rows = ["| half | series | sentences | reference text: sentence accuracy | series exact |", "|---|---:|---:|---:|---:|"]
    for half in ("held-out", "dev", "all"):
        rs = [r for r in results if half == "all" or r["half"] == half]
        if not rs:
            continue
        n = sum(r["sentences"] for r in rs)
        right = sum(r["text_right"] for r in rs)
        exact = sum(r["text_exact"] for r in rs)
        rows.append(f"| {half} | {len(rs)} | {n} | {right / n:.1%} ({right}/{n}) | {exact / len(rs):.1%} ({exact}/{len(rs)}) |")
    return "\n".join(rows)


def table(results: list[dict]) -> str:
    rows = ["| half | series | sentences | sentence accuracy | series split exactly right | reference text: sentence accuracy / exact |",
            "|---|---:|---:|---:|---:|---:|"]
    for half in ("held-out", "dev", "all"):
        rs = [r for r in results if half == "all" or r["half"] == half]
        if not rs:
            continue
        n = sum(r["sentences"] for r in rs)
        acc = sum(r["right"] for r in rs) / n
        exact = sum(r["exact"] for r in rs) / len(rs)
        t_acc = sum(r["text_right"] for r in rs) / n
        t_exact = sum(r["text_exact"] for r in rs) / len(rs)
        rows.append(f"| {half} | {len(rs)} | {n} | {acc:.1%} | {exact:.1%} ({sum(r['exact'] for r in rs)}/{len(rs)}) "
                    f"| {t_acc:.1%} / {t_exact:.1%} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("dev", "held-out", "all"), default="all")
    ap.add_argument("--only", help="comma-separated series names")
    ap.add_argument("--out", type=Path, default=None, help="results file (default results.json; none with --text-only)")
    ap.add_argument("--text-only", action="store_true", help="the splitter alone on the reference text: no speech, no model")
    args = ap.parse_args(argv)
    chosen = [(i, s) for i, s in enumerate(SERIES)
              if (args.half == "all" or half_of(i) == args.half) and (not args.only or s["name"] in args.only.split(","))]
    if args.text_only:
        return main_text(chosen, args.out)
    results = []
    with tempfile.TemporaryDirectory(prefix="split-bench-") as tmp:
        for i, s in chosen:
            r = one(i, s, Path(tmp))
            results.append(r)
            wrong = [p["text"] for p in r["per_sentence"] if not p["right"]]
            print(f"{r['half']:8} {r['name']:24} {r['right']}/{r['sentences']} text {r['text_right']}/{r['sentences']}"
                  f"{'' if r['exit'] == 0 else ' exit ' + str(r['exit'])} {wrong}", flush=True)
    print(table(results))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    (args.out or HERE / "results.json").write_text(json.dumps({"table": table(results), "series": results}, indent=1) + "\n")
    return 0


def main_text(chosen: list[tuple[int, dict]], out: Path | None) -> int:
    """``--text-only``: the reference-text figures and each miss (true part → chosen part; 0 is the overview)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="split-bench-") as tmp:
        for i, s in chosen:
            r = one_text(i, s, Path(tmp))
            results.append(r)
            print(f"{r['half']:8} {r['name']:24} text {r['text_right']}/{r['sentences']}", flush=True)
            for m in r["misses"]:
                print(f"    true {m['true']} chose {m['chose']}: {m['text']}")
    print(text_table(results))
    if out is not None:
        out.write_text(json.dumps({"table": text_table(results), "series": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
