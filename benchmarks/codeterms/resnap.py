"""Snapping rules screened in seconds: the raw transcripts of a devsweep run, snapped again.

    .venv/bin/python benchmarks/codeterms/resnap.py devsweep-b526e00.json --out resnap.json
    .venv/bin/python benchmarks/codeterms/devsweep.py --compare devsweep-b526e00.json resnap.json

``devsweep.py`` decodes every development note's audio (minutes). A change to what
happens after decoding (snapping, the plain-phrase rules) leaves the raw transcript
as it was, so this takes each record's ``raw`` and the note's candidates as the
current code draws them, snaps again, and scores as devsweep does. A change to the
candidates also changes biased decoding, which this does not redo: for those it is a
screen, and devsweep gives the figure. Development notes only, like devsweep.
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

from corpus import notes_of  # noqa: E402
from devsweep import note_terms, totals  # noqa: E402
from product import score_one  # noqa: E402


def resnap(records: list[dict]) -> list[dict]:
    from git_voice.codeterms import terms
    from git_voice.config import Settings

    style = Settings().code_style
    dev = {n["id"]: n for n in notes_of("dev")}
    out = []
    with tempfile.TemporaryDirectory(prefix="gv-resnap-") as tmp:
        term_sets: dict[str, object] = {}
        for r in records:
            note = dev[r["id"]]  # a held-out id is a KeyError: never scored here
            if r["id"] not in term_sets:
                where = Path(tmp) / f"note{len(term_sets)}"
                where.mkdir()
                term_sets[r["id"]] = note_terms(where, note)
            term_set = term_sets[r["id"]]
            text, _ = terms.snap_text(r["raw"], term_set, style)
            out.append({**r, "final": text, "kinds": {c.term: c.kind for c in term_set.candidates},
                        **score_one(note, text)})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sweep", type=Path, help="a devsweep.py --out file")
    ap.add_argument("--out", type=Path, default=HERE / "results-resnap.json")
    args = ap.parse_args(argv)
    records = resnap(json.loads(args.sweep.read_text()))
    args.out.write_text(json.dumps(records, indent=1))
    print(totals(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
