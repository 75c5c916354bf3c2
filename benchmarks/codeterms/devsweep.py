"""Tuning on the development half, in process: fast enough to run after each change.

    .venv/bin/python benchmarks/codeterms/devsweep.py --out sweep.json          # about 5 minutes here
    .venv/bin/python benchmarks/codeterms/devsweep.py --compare OLD.json NEW.json

Each development note of ``corpus/`` (never the held-out half: no option runs
it) gets a repository with its ``before`` committed and its ``after``
staged; the change's candidates come from ``app.transcribe.candidates_of`` on the
staged change, as ``git voice commit`` draws them. Each of the three voices of
``product.py`` (same audio, same seeds) is transcribed by the bundled tiny.en with
biased decoding, re-reading and snapping, as the engine does for every command,
but without the commands' composing of the message. Written per note and voice:
the raw and final text, every re-reading scored (``rereads``), each candidate's
kind, and the scores of ``product.score_one``. ``--compare`` prints recall and
false terms per 20 notes per voice for two runs, then each note whose text changed.
The held-out figures the README quotes come from ``product.py``; this is the tool
for finding what to change (the README quotes its development figures as such).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("GIT_VOICE_CACHE", str(ROOT / ".cache" / "git-voice-test"))
os.environ["HF_HUB_OFFLINE"] = "1"

from corpus import notes_of  # noqa: E402
from product import VOICES, score_one, staged_change, voice_audio  # noqa: E402
from run import spoken_text, transcribe  # noqa: E402


def note_terms(where: Path, note: dict):
    """The candidates of ``note``'s change, staged in a new repository at ``where`` (an
    empty folder), as ``git voice commit`` draws them."""
    from git_voice.app.transcribe import candidates_of
    from git_voice.codeterms import terms
    from git_voice.gitops.changes import ChangeRef
    from git_voice.gitops.repo import Repo

    repo = Repo.discover(staged_change(where, note))
    return terms.collect((), candidates_of(repo, ChangeRef.staged()))


def sweep(out: Path, voices: list[str], strength: float | None = None, beam: int | None = None,
          batch: int | None = None, model: str | None = None, language: str | None = None) -> None:
    from git_voice.asr.registry import load_engine
    from git_voice.audio.load import load_audio
    from git_voice.config import Settings

    engine, _ = load_engine(model, "cpu")
    settings = Settings()
    settings.language = language  # as voice.language would (a multilingual model detects it otherwise)
    if strength is not None:
        settings.bias_strength = strength  # as voice.biasStrength would
    if beam is not None:
        settings.beam_size = beam  # as voice.beamSize would
    cache = ROOT / ".cache" / "speech"
    records = []
    with tempfile.TemporaryDirectory(prefix="gv-sweep-") as tmp:
        for n, note in enumerate(notes_of("dev")):
            if batch not in (None, note["batch"]):
                continue
            where = Path(tmp) / f"note{n}"
            where.mkdir()
            term_set = note_terms(where, note)
            for voice in voices:
                wav = voice_audio(spoken_text(note["say"]), voice, n, cache)  # the seeds product.py uses
                if wav is None:
                    continue
                text, raw, _, rereads = transcribe(engine, load_audio(wav).samples, "full", term_set, settings)
                records.append(dict(id=note["id"], batch=note["batch"], voice=voice, raw=raw, final=text, rereads=rereads,
                                    kinds={c.term: c.kind for c in term_set.candidates}, **score_one(note, text)))
            print(f"[{n:3d}] {note['id']}", file=sys.stderr, flush=True)
    out.write_text(json.dumps(records, indent=1))
    print(totals(records))


def totals(records: list[dict], label: str = "") -> str:
    """Recall and false terms per voice; then the same per corpus batch when both are present."""
    lines = []
    for voice in (*VOICES, "all voices"):
        rs = [r for r in records if voice in (r["voice"], "all voices")]
        found, expected = sum(r["found"] for r in rs), sum(r["expected"] for r in rs)
        false = 20 * sum(len(r["false"]) for r in rs) / max(1, len(rs))
        lines.append(f"{label}{voice:10} recall {100 * found / max(1, expected):5.1f}%  false terms / 20 notes {false:4.2f}")
    batches = sorted({r.get("batch", 1) for r in records})
    for batch in batches if not label and len(batches) > 1 else ():
        lines.append(totals([r for r in records if r.get("batch", 1) == batch], f"batch {batch}: "))
    return "\n".join(lines)


def compare(old: list[dict], new: list[dict]) -> str:
    lines = [f"{a}  ->  {b}" for a, b in zip(totals(old).splitlines(), totals(new).splitlines())]
    before = {(r["id"], r["voice"]): r for r in old}
    for r in new:
        o = before.get((r["id"], r["voice"]))
        if o and o["final"] != r["final"]:
            lines += [f"-- {r['id']} {r['voice']}: found {o['found']} -> {r['found']}, false {o['false']} -> {r['false']}",
                      f"   {o['final']}", f"   {r['final']}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "results-devsweep.json")
    ap.add_argument("--voices", default=",".join(VOICES))
    ap.add_argument("--bias-strength", type=float, help="voice.biasStrength for this run (default: the default)")
    ap.add_argument("--beam-size", type=int, help="voice.beamSize for this run (default: the default)")
    ap.add_argument("--batch", type=int, choices=(1, 2, 3), help="only the development notes of corpus batch 1, 2 or 3")
    ap.add_argument("--model", help="a model as --model takes it (default: the bundled tiny.en); "
                    "ct2_whisper.py makes a folder of a faster-whisper download")
    ap.add_argument("--language", help="voice.language for this run, for a multilingual model (en)")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = ap.parse_args(argv)
    if args.compare:
        print(compare(*(json.loads(p.read_text()) for p in args.compare)))
        return 0
    sweep(args.out, args.voices.split(","), args.bias_strength, args.beam_size, args.batch, args.model, args.language)
    return 0


if __name__ == "__main__":
    sys.exit(main())
