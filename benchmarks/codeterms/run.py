"""Code-term benchmark: spoken notes about real commits → how many code terms come out right.

    .venv/bin/python benchmarks/codeterms/run.py            # all notes, all voices
    .venv/bin/python benchmarks/codeterms/run.py --quick    # 12 notes, clean voice
    .venv/bin/python benchmarks/codeterms/run.py --resnap results.json [--quick]
        # re-snap a run's raw "full" transcripts with the current code and re-score
        # (decoding is unchanged; RTF is the run's)

For each note (see ``notes.py``) a tiny repository recreates the change, the
candidates come from its last commit (``app.transcribe.candidates_of``),
and the note is spoken by hibari (normal speed, faster, with noise) and by
espeak-ng when installed. Each recording is transcribed by the bundled tiny.en
on CPU three ways, interleaved so machine load hits them alike:

    none    plain decoding, no terms
    prompt  the candidates as a Whisper prompt (what faster-whisper's hotwords do),
            given to transformers' generate here: git-voice itself has no prompt path
    full    git-voice: prefix-tree biased decoding and snapping

Reported per voice and mode: exact code-term recall, false code terms (a
candidate written that the reference does not have) per 20 notes, word error
rate against the reference with code terms in code form, and real-time factor.
The table is printed and written with the raw numbers to ``results.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("GIT_VOICE_CACHE", str(ROOT / ".cache" / "git-voice-test"))
os.environ["HF_HUB_OFFLINE"] = "1"

from notes import NOTES  # noqa: E402

MARK = re.compile(r"\{([^|{}]+)\|([^{}]+)\}")
MODES = ("none", "prompt", "full")
NOISE_SNR_DB = 10.0
FAST_SPEED = 1.25


def spoken_text(say: str) -> str:
    """The words the voice says: the left side of each ``{spoken|code}`` mark."""
    return MARK.sub(lambda m: m.group(1), say)


def reference_text(say: str) -> str:
    """The reference transcript: code terms in code form."""
    return MARK.sub(lambda m: m.group(2), say)


def expected_terms(say: str) -> list[str]:
    return [m.group(2) for m in MARK.finditer(say)]


def wer_tokens(text: str) -> list[str]:
    """Lower-case tokens with edge punctuation stripped; code terms stay one token."""
    out = []
    for tok in text.replace("`", "").lower().split():
        tok = tok.strip(".,;:!?\"'()")
        if tok:
            out.append(tok)
    return out


def count_term(text: str, term: str) -> int:
    """Occurrences of ``term`` written verbatim, not as part of a longer word."""
    return len(re.findall(r"(?<![\w.:/-])" + re.escape(term) + r"(?![\w]|[.:/-]\w)", text.replace("`", "")))


def make_repo(path: Path, note: dict) -> Path:
    """A repository with the note's file before, then after, its change (two commits)."""
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@example.com", GIT_CONFIG_GLOBAL=os.devnull)
    path.mkdir(parents=True)
    run = lambda *a: subprocess.run(["git", *a], cwd=path, env=env, check=True, capture_output=True)  # noqa: E731
    run("init", "-q", "-b", "main")
    f = path / note["path"]
    f.parent.mkdir(parents=True, exist_ok=True)
    for i, body in enumerate((note["before"], note["after"])):
        f.write_text(body)
        run("add", "-A")
        run("commit", "-q", "-m", f"step {i}")
    return path


def with_noise(path: Path, seed: int) -> Path:
    """The recording with white noise mixed in at ``NOISE_SNR_DB``."""
    import soundfile as sf

    out = path.with_name(path.stem + f"-noise{int(NOISE_SNR_DB)}.wav")
    if out.exists():
        return out
    audio, rate = sf.read(path, dtype="float32")
    rng = np.random.default_rng(seed)
    power = float(np.mean(audio**2))
    noise = rng.standard_normal(len(audio)).astype(np.float32) * np.sqrt(power / 10 ** (NOISE_SNR_DB / 10))
    sf.write(out, np.clip(audio + noise, -1, 1), rate, subtype="PCM_16")
    return out


def espeak(text: str, cache: Path) -> Path | None:
    exe = shutil.which("espeak-ng")
    if not exe:
        return None
    out = cache / f"espeak-{hashlib.sha256(text.encode()).hexdigest()[:16]}.wav"
    if not out.exists():
        subprocess.run([exe, "-v", "en-us", "-w", str(out), text], check=True, capture_output=True)
    return out


def voices(text: str, seed: int, quick: bool, cache: Path) -> dict[str, Path]:
    from tests.helpers import synth

    clean = synth(text)
    out = {"clean": clean}
    if not quick:
        out["fast"] = synth(text, speed=FAST_SPEED)
        out["noisy"] = with_noise(clean, seed)
        robot = espeak(text, cache)
        if robot:
            out["espeak"] = robot
    return out


@dataclass
class Tally:
    expected: int = 0
    found: int = 0
    false_terms: int = 0
    notes: int = 0
    errors: int = 0
    ref_words: int = 0
    audio: float = 0.0
    seconds: float = 0.0
    examples: list = field(default_factory=list)

    def row(self) -> dict:
        return {
            "recall": self.found / max(1, self.expected),
            "false_per_20": 20 * self.false_terms / max(1, self.notes),
            "wer": self.errors / max(1, self.ref_words),
            "rtf": self.seconds / max(1e-9, self.audio),
            "notes": self.notes,
            "terms": self.expected,
        }


def transcribe(engine, samples, mode: str, term_set, settings) -> tuple[str, str, float, list]:
    """One recording in one mode: (final text, raw text before snapping, seconds, re-readings)."""
    from git_voice.app.transcribe import decode_options
    from git_voice.asr.engine import DecodeOptions
    from git_voice.codeterms import terms

    t0 = time.perf_counter()
    if mode == "prompt":
        raw = text = prompted(engine, samples, term_set.written_forms())
        return text, raw, time.perf_counter() - t0, []
    opts = DecodeOptions() if mode == "none" else decode_options(settings, None, term_set)
    result = engine.transcribe(samples, opts)
    raw = text = " ".join(s.text for s in result.segments).strip()
    if mode == "full":
        text, _ = terms.snap_text(raw, term_set, settings.code_style)
    return text, raw, time.perf_counter() - t0, [r.to_dict() for r in result.rereads]


def prompted(engine, samples, hotwords: list[str]) -> str:
    """Whisper's text prompt: the terms after ``<|startofprev|>`` (at most 223 tokens), through generate."""
    import torch

    tok = engine.processor.tokenizer
    kept, used = [], 1
    for term in hotwords:
        n = len(tok.encode(" " + term + ",", add_special_tokens=False))
        if used + n > 223:
            break
        kept.append(term)
        used += n
    feats = engine.processor.feature_extractor(samples, sampling_rate=16000, return_tensors="pt")
    kwargs = {}
    if kept:
        # as transformers' get_prompt_ids: <|startofprev|>, then the text after a space
        prompt = ", ".join(kept) + "."
        kwargs["prompt_ids"] = torch.tensor([engine.vocab.prev_sot] + tok.encode(" " + prompt, add_special_tokens=False))
    with torch.inference_mode():
        out = engine.generator().generate(feats["input_features"], return_timestamps=True, **kwargs)
    return tok.decode(out[0], skip_special_tokens=True).strip()


def score(tally: Tally, note: dict, hyp: str, candidates: list[str]) -> None:
    import jiwer

    ref = reference_text(note["say"])
    tally.notes += 1
    for term in set(expected_terms(note["say"])):
        want = count_term(ref, term)
        tally.expected += want
        tally.found += min(want, count_term(hyp, term))
    for term in candidates:
        extra = count_term(hyp, term) - count_term(ref, term)
        tally.false_terms += max(0, extra)
    r, h = wer_tokens(ref), wer_tokens(hyp)
    out = jiwer.process_words(" ".join(r), " ".join(h) or "<empty>")
    tally.errors += out.substitutions + out.deletions + out.insertions
    tally.ref_words += len(r)


def table(results: dict[str, dict[str, dict]]) -> str:
    lines = [
        "| voice | mode | code-term recall | false terms / 20 notes | WER | RTF |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for voice, modes in results.items():
        for mode, r in modes.items():
            lines.append(
                f"| {voice} | {mode} | {100 * r['recall']:.1f}% ({r['terms']} terms) | {r['false_per_20']:.2f} "
                f"| {100 * r['wer']:.1f}% | {r['rtf']:.3f} |"
            )
    return "\n".join(lines)


def summarise(tallies: dict[str, dict[str, Tally]], notes: int, out: Path) -> dict:
    """Rows per voice and over all voices; also written (with every hypothesis) to ``out``."""
    results = {v: {m: t.row() for m, t in modes.items()} for v, modes in tallies.items()}
    overall = {}
    for mode in MODES:
        if not any(mode in modes for modes in tallies.values()):
            continue
        total = Tally()
        for modes in tallies.values():
            t = modes.get(mode, Tally())
            for name in ("expected", "found", "false_terms", "notes", "errors", "ref_words", "audio", "seconds"):
                setattr(total, name, getattr(total, name) + getattr(t, name))
        overall[mode] = total.row()
    results["all voices"] = overall
    hyps = {v: {m: t.examples for m, t in ms.items()} for v, ms in tallies.items()}
    out.write_text(json.dumps({"results": results, "notes": notes, "hypotheses": hyps}, indent=1))
    return results


def resnap(path: Path, notes: list[dict], out: Path) -> dict:
    """Re-score a previous run after snapping its raw ``full`` transcripts again."""
    from git_voice.app.transcribe import candidates_of
    from git_voice.codeterms import terms
    from git_voice.config import Settings
    from git_voice.gitops.changes import ChangeRef
    from git_voice.gitops.repo import Repo

    old = json.loads(path.read_text())
    done = old["notes"]
    settings = Settings()
    tallies: dict[str, dict[str, Tally]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sets = []
        for n, note in enumerate(notes[:done]):
            repo = Repo.discover(make_repo(Path(tmp) / f"note{n}", note))
            sets.append(terms.collect((), candidates_of(repo, ChangeRef.range("HEAD"))))
        for voice, modes in old["hypotheses"].items():
            for mode, examples in modes.items():
                t = tallies.setdefault(voice, {}).setdefault(mode, Tally())
                for e in examples:
                    if e["note"] >= done:
                        continue
                    hyp = terms.snap_text(e["raw"], sets[e["note"]], settings.code_style)[0] if mode == "full" else e["hyp"]
                    score(t, notes[e["note"]], hyp, sets[e["note"]].written_forms())
                    t.seconds += e["seconds"]
                    t.examples.append(dict(e, hyp=hyp))
                # Decoding is unchanged: the run's audio length, from its real-time factor.
                t.audio = t.seconds / max(1e-9, old["results"][voice][mode]["rtf"])
    return summarise(tallies, done, out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="12 notes (every third), clean voice only")
    ap.add_argument("--notes", type=int, help="only the first N notes")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (1: no spin-waiting on a shared machine)")
    ap.add_argument("--voices", help="comma-separated subset of clean,fast,noisy,espeak")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of " + ",".join(MODES))
    ap.add_argument("--mismatched", action="store_true",
                    help="give each note the candidates of another note's change: every code term written is false")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--resnap", type=Path, help="re-snap and re-score this earlier results file instead of transcribing")
    args = ap.parse_args(argv)
    if args.resnap:
        notes = NOTES[::3][:12] if args.quick else NOTES[: args.notes or len(NOTES)]
        print(table(resnap(args.resnap, notes, args.out)))
        return 0

    import torch

    from git_voice.asr.registry import load_engine
    from git_voice.audio.load import load_audio
    from git_voice.app.transcribe import candidates_of
    from git_voice.codeterms import terms
    from git_voice.config import Settings
    from git_voice.gitops.changes import ChangeRef
    from git_voice.gitops.repo import Repo

    torch.set_num_threads(args.threads)
    wanted_voices = set(args.voices.split(",")) if args.voices else None
    modes = [m for m in MODES if m in args.modes.split(",")]
    # --quick: every third note, so each language is in it.
    notes = NOTES[::3][:12] if args.quick else NOTES[: args.notes or len(NOTES)]
    engine, _ = load_engine(None, "cpu")
    settings = Settings()
    tallies: dict[str, dict[str, Tally]] = {}
    cache = ROOT / ".cache" / "speech"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n, note in enumerate(notes):
            # --mismatched: a change about something else (seven notes on: another project).
            change = notes[(n + 7) % len(notes)] if args.mismatched else note
            repo = Repo.discover(make_repo(Path(tmp) / f"note{n}", change))
            term_set = terms.collect((), candidates_of(repo, ChangeRef.range("HEAD")))
            for voice, wav in voices(spoken_text(note["say"]), n, args.quick, cache).items():
                if wanted_voices and voice not in wanted_voices:
                    continue
                audio = load_audio(wav)
                for mode in modes:
                    hyp, raw, secs, rereads = transcribe(engine, audio.samples, mode, term_set, settings)
                    t = tallies.setdefault(voice, {}).setdefault(mode, Tally())
                    score(t, note, hyp, term_set.written_forms())
                    t.audio += audio.duration
                    t.seconds += secs
                    t.examples.append({"note": n, "hyp": hyp, "raw": raw, "seconds": round(secs, 2), "rereads": rereads})
                    print(f"[{n:2d} {voice:6} {mode:6}] {hyp}", file=sys.stderr, flush=True)
            results = summarise(tallies, n + 1, args.out)  # partial results survive an interrupted run
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
