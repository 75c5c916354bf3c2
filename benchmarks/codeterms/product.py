"""Code terms through the product path, on the generalisation corpus (``corpus/``).

    .venv/bin/python benchmarks/codeterms/product.py --split heldout     # the figures the README quotes
    .venv/bin/python benchmarks/codeterms/product.py --split dev --quick # tuning: every third dev note, clean voice
    .venv/bin/python benchmarks/codeterms/product.py --rescore results-product-dev.json  # re-print a run's tables

For each note a temporary repository has the note's ``before`` file committed and
its ``after`` file staged. The note is spoken by three voices (hibari clean;
hibari 1.25x faster with white noise at 10 dB; espeak-ng) and each recording goes
through the commands a user runs:

    commit  ``git voice commit --audio NOTE.wav --no-edit``; scored on the message body
            (the header when the body is empty), and on the note it attaches (``transcript``)
    note    ``git voice note add HEAD --audio NOTE.wav`` on that commit; scored on the
            note (``git notes --ref=voice show HEAD``)

A warm ``git voice serve`` started here answers both (the commands find it through
``GIT_VOICE_SOCKET``), so the model loads once. Scores per split, voice and
command: exact code-term recall, false code terms per 20 notes (a term of the
change written in code form more often than the reference has it) and WER. The
mismatched-change check speaks each note against another note's staged change
(``git voice commit``) and counts notes whose transcript differs from plain
decoding (``git voice transcribe --no-bias``). Audio is cached by content hash
under ``.cache/speech``. Results go to ``results-product-<split>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import notes_of  # noqa: E402

_NOTES = {n["id"]: n for n in notes_of(None)}
from run import count_term, espeak, expected_terms, reference_text, spoken_text, wer_tokens, with_noise  # noqa: E402

VOICES = ("clean", "fastnoise", "espeak")
# ``transcript``: the note ``git voice commit`` attaches (the transcript before the
# message is composed, which capitalises a sentence's first word).
PATHS = ("commit", "transcript", "note")
FAST_SPEED = 1.25
# The change another note is spoken against: seven notes on (another project).
MISMATCH_OFFSET = 7


def voice_audio(text: str, voice: str, seed: int, cache: Path) -> Path | None:
    """The recording of ``text`` in ``voice`` (cached by content), or None without espeak-ng."""
    from tests.helpers import synth

    if voice == "clean":
        return synth(text)
    if voice == "fastnoise":
        return with_noise(synth(text, speed=FAST_SPEED), seed)
    return espeak(text, cache)


class Bench:
    """The environment commands run in and the warm server they use."""

    def __init__(self, tmp: Path, threads: int) -> None:
        self.tmp = tmp
        self.env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            # `git voice` is this interpreter's git-voice, found by git on PATH.
            PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
            GIT_VOICE_SOCKET=str(tmp / "serve.sock"),
            GIT_VOICE_CACHE=os.environ.get("GIT_VOICE_CACHE", str(ROOT / ".cache" / "git-voice-test")),
            HF_HUB_OFFLINE="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_CONFIG_NOSYSTEM="1",
            GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@example.com",
            GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@example.com",
            OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
        )
        self.server: subprocess.Popen | None = None

    def start(self) -> None:
        """Start ``git voice serve`` and wait until it prints its address."""
        self.log = open(self.tmp / "serve.log", "w+")
        self.server = subprocess.Popen(
            ["git", "voice", "serve", "--print-address"], cwd=self.tmp, env=self.env,
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        line = self.server.stdout.readline()
        if not line:
            self.log.seek(0)
            said = self.log.read().strip().splitlines()
            raise SystemExit("git voice serve did not start" + (f": {said[-1]}" if said else ""))

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=60)

    def run(self, cwd: Path, *args: str, check: bool = True) -> str:
        """``args`` run in ``cwd``; stdout, or SystemExit with stderr on failure when ``check``."""
        proc = subprocess.run(list(args), cwd=cwd, env=self.env, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed in {cwd}: {proc.stderr.strip()[-500:]}")
        return proc.stdout

    def staged_repo(self, name: str, note: dict) -> Path:
        """A repository with ``note``'s before file committed and its after file staged."""
        repo = self.tmp / name
        repo.mkdir()
        self.run(repo, "git", "init", "-q", "-b", "main")
        f = repo / note["path"]
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(note["before"])
        self.run(repo, "git", "add", "-A")
        self.run(repo, "git", "commit", "-q", "-m", "before")
        f.write_text(note["after"])
        self.run(repo, "git", "add", "-A")
        return repo

    def commit_and_note(self, repo: Path, wav: Path) -> dict[str, str]:
        """Commit the staged change with the note, then ``note add`` it; the texts, then undone."""
        self.run(repo, "git", "voice", "commit", "--audio", str(wav), "--no-edit")
        message = self.run(repo, "git", "log", "-1", "--format=%B")
        head, _, body = message.strip().partition("\n\n")
        committed = self.run(repo, "git", "notes", "--ref=voice", "show", "HEAD")
        self.run(repo, "git", "voice", "note", "add", "HEAD", "--force", "--audio", str(wav))  # replaces commit's note
        noted = self.run(repo, "git", "notes", "--ref=voice", "show", "HEAD")
        self.run(repo, "git", "reset", "-q", "--soft", "HEAD~1")  # staged again for the next voice
        return {"commit": " ".join((body or head).split()), "note": " ".join(noted.split()),
                "transcript": " ".join(committed.split())}

    def commit_only(self, repo: Path, wav: Path) -> str:
        """The transcript ``git voice commit`` attaches to the commit of the staged change."""
        self.run(repo, "git", "voice", "commit", "--audio", str(wav), "--no-edit")
        return " ".join(self.run(repo, "git", "notes", "--ref=voice", "show", "HEAD").split())

    def plain(self, wav: Path) -> str:
        """Plain decoding of ``wav`` (no terms), outside any repository."""
        return " ".join(self.run(self.tmp, "git", "voice", "transcribe", str(wav), "--no-bias").split())


@lru_cache(maxsize=None)
def change_terms(note_id: str) -> frozenset[str]:
    """The change's candidates (all of them, not only the 60 used): the terms whose code
    form, written where the reference does not have it, counts as a false term."""
    from git_voice.codeterms import candidates
    from git_voice.gitops import changes

    with tempfile.TemporaryDirectory(prefix="gv-terms-") as tmp:
        diff = _git(staged_change(Path(tmp), _NOTES[note_id]), *changes.DIFF_ARGS, "--cached")
    return frozenset(c.term for c in candidates.from_diff_text(diff, limit=1000))


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_AUTHOR_NAME="B", GIT_AUTHOR_EMAIL="b@x",
               GIT_COMMITTER_NAME="B", GIT_COMMITTER_EMAIL="b@x")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def staged_change(repo: Path, note: dict) -> Path:
    """``repo`` (an empty folder) made a repository with ``note``'s before file committed
    and its after file staged, outside any runner: for candidates and in-process runs."""
    _git(repo, "init", "-q", "-b", "main")
    f = repo / note["path"]
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(note["before"])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "before")
    f.write_text(note["after"])
    _git(repo, "add", "-A")
    return repo


def score_one(note: dict, hyp: str) -> dict:
    """Recall counts, false terms and word errors of one hypothesis against the note's reference."""
    import jiwer

    ref = reference_text(note["say"])
    want = expected_terms(note["say"])
    found = sum(min(count_term(ref, t), count_term(hyp, t)) for t in set(want))
    expected = sum(count_term(ref, t) for t in set(want))
    false = []
    for term in sorted(change_terms(note["id"]) | set(want)):
        extra = count_term(hyp, term) - count_term(ref, term)
        # A longer term written over a shorter one is one false term, not two.
        if extra > 0 and not any(term != f and term in f for f in false):
            false.append(term)
    r, h = wer_tokens(ref), wer_tokens(hyp)
    out = jiwer.process_words(" ".join(r), " ".join(h) or "<empty>")
    return {"expected": expected, "found": found, "false": false,
            "errors": out.substitutions + out.deletions + out.insertions, "ref_words": len(r)}


def summarise(records: list[dict]) -> dict:
    """Rows per voice and path, and over all voices."""
    rows: dict[str, dict[str, dict]] = {}
    for voice in (*VOICES, "all voices"):
        for path in PATHS:
            rs = [r for r in records if r["path"] == path and voice in (r["voice"], "all voices")]
            if not rs:
                continue
            exp = sum(r["expected"] for r in rs)
            rows.setdefault(voice, {})[path] = {
                "recall": sum(r["found"] for r in rs) / max(1, exp), "terms": exp, "notes": len(rs),
                "false_per_20": 20 * sum(len(r["false"]) for r in rs) / len(rs),
                "wer": sum(r["errors"] for r in rs) / max(1, sum(r["ref_words"] for r in rs)),
            }
    return rows


def table(title: str, rows: dict, mismatch: dict | None) -> str:
    lines = [f"### {title}", "", "| voice | command | code-term recall | false terms / 20 notes | WER |", "|---|---|---:|---:|---:|"]
    for voice, paths in rows.items():
        for path, r in paths.items():
            lines.append(f"| {voice} | {path} | {100 * r['recall']:.1f}% ({r['terms']} terms, {r['notes']} notes) "
                         f"| {r['false_per_20']:.2f} | {100 * r['wer']:.1f}% |")
    if mismatch:
        lines.append(f"\nmismatched change: {mismatch['differ']} of {mismatch['notes']} transcripts differ from plain decoding")
    return "\n".join(lines)


def tables(records: list[dict], mismatch: dict | None, quick: bool) -> str:
    """One table per split present in ``records``, held-out first."""
    out = []
    for split in ("heldout", "dev"):
        rs = [r for r in records if r["split"] == split]
        if rs:
            m = None
            if mismatch and split in mismatch.get("by_split", {}):
                total, differ = mismatch["by_split"][split]
                m = {"notes": total, "differ": differ}
            out.append(table(f"{split}{' (quick)' if quick else ''}", summarise(rs), m))
            batches = sorted({r.get("batch", 1) for r in rs})
            for batch in batches if len(batches) > 1 else ():
                out.append(table(f"{split}, batch {batch}{' (quick)' if quick else ''}",
                                 summarise([r for r in rs if r.get("batch", 1) == batch]), None))
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("dev", "heldout", "all"), default="heldout")
    ap.add_argument("--batch", type=int, choices=(1, 2, 3), help="only the notes of corpus batch 1, 2 or 3 (default: all)")
    ap.add_argument("--quick", action="store_true", help="every third note of the split, clean voice only")
    ap.add_argument("--voices", help="comma-separated subset of " + ",".join(VOICES))
    ap.add_argument("--notes", type=int, help="only the first N notes (after --quick's choice)")
    ap.add_argument("--no-mismatch", action="store_true", help="skip the mismatched-change check")
    ap.add_argument("--threads", type=int, default=1, help="the server's torch threads")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--rescore", type=Path, help="re-score and print an earlier results file")
    args = ap.parse_args(argv)
    out = args.out or HERE / (f"results-product-{args.split}{f'-b{args.batch}' if args.batch else ''}"
                              f"{'-quick' if args.quick else ''}.json")
    if args.rescore:
        old = json.loads(args.rescore.read_text())
        notes = {n["id"]: n for n in notes_of(None)}
        records = [dict(r, **score_one(notes[r["id"]], r["hyp"])) for r in old["records"] if r["path"] in PATHS]
        print(tables(records, old.get("mismatch"), old["quick"]))
        return 0
    notes = notes_of(None if args.split == "all" else args.split)
    # A note's voice seed is its place in its split over both batches (batch 1 first),
    # so a batch run and a whole-split run speak each note with the same noise.
    seeds = {note["id"]: n for n, note in enumerate(notes)}
    notes = [note for note in notes if args.batch in (None, note["batch"])]
    if args.quick:
        notes = notes[::3]
    notes = notes[: args.notes or len(notes)]
    voices = args.voices.split(",") if args.voices else (["clean"] if args.quick else list(VOICES))
    cache = ROOT / ".cache" / "speech"
    cache.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    mismatch = {"notes": 0, "differ": 0, "examples": []}
    started = time.time()
    # A SIGTERM (kill) unwinds like Ctrl-C, so the server is stopped, not orphaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="gv-product-") as tmp:
        bench = Bench(Path(tmp), args.threads)
        bench.start()
        try:
            for n, note in enumerate(notes):
                repo = bench.staged_repo(f"note{n}", note)
                for voice in voices:
                    wav = voice_audio(spoken_text(note["say"]), voice, seeds[note["id"]], cache)
                    if wav is None:
                        continue
                    texts = bench.commit_and_note(repo, wav)
                    for path in PATHS:
                        rec = {"id": note["id"], "split": note["split"], "batch": note["batch"], "voice": voice, "path": path, "hyp": texts[path]}
                        rec.update(score_one(note, texts[path]))
                        records.append(rec)
                    print(f"[{n:3d} {voice:9}] {texts['note']}", file=sys.stderr, flush=True)
                if not args.no_mismatch:
                    other = notes[(n + MISMATCH_OFFSET) % len(notes)]
                    wav = voice_audio(spoken_text(note["say"]), "clean", seeds[note["id"]], cache)
                    mrepo = bench.staged_repo(f"mismatch{n}", other)
                    got = bench.commit_only(mrepo, wav)
                    plain = bench.plain(wav)
                    mismatch["notes"] += 1
                    mismatch.setdefault("by_split", {}).setdefault(note["split"], [0, 0])[0] += 1
                    if got != plain:
                        mismatch["by_split"][note["split"]][1] += 1
                        mismatch["differ"] += 1
                        mismatch["examples"].append({"id": note["id"], "against": other["id"], "got": got, "plain": plain})
                result = {"split": args.split, "batch": args.batch, "quick": args.quick, "voices": voices, "seconds": round(time.time() - started),
                          "results": summarise(records), "mismatch": mismatch if not args.no_mismatch else None,
                          "records": records}
                out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        finally:
            bench.stop()
    print(tables(records, result["mismatch"], args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
