"""How far decisions alone could take recall on transcripts already made.

    python3 benchmarks/codeterms/ceiling.py product-heldout-b3-98b2723.json product-heldout-b2-98b2723.json
    python3 benchmarks/codeterms/ceiling.py devsweep-1606ae5.json       # development records: their final text

Reads result files of ``product.py`` (the ``commit`` path's records; the three
commands give the same recall) or ``devsweep.py`` (each record's ``final``) and
sorts every code term the reference says into three kinds:

- **written**: the text has it in code form (as ``score_one`` counts it);
- **heard as words**: not written, but the words the note says for it are in the
  text, in order (``set cookie`` for ``set_cookie``; case, punctuation and a code
  form's separators ignored), so a rule choosing better on the same text could write it;
- **not heard**: neither: the model wrote other words there, and no choice made
  after decoding recovers it.

``written + heard as words`` over all terms is the recall that a perfect choice of
when to write code, on the same decoding, would reach: an upper bound for every rule of
``codeterms/`` with this model and this decoding. Nothing here decodes audio, and
it prints counts only, never transcripts (it reads held-out records without showing
them). No torch is imported.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import all_notes  # noqa: E402
from run import MARK, count_term  # noqa: E402

VOICES = ("clean", "fastnoise", "espeak")
KINDS = ("written", "heard as words", "not heard")


def words(text: str) -> list[str]:
    """Lower-case words, with code forms split where they join words (``snake_case``,
    ``camelCase``, ``kebab-case``, ``a.b``, ``a/b``)."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    return re.findall(r"[a-z0-9]+", text.lower())


def occurrences(seq: list[str], inside: list[str]) -> int:
    n = len(seq)
    return sum(inside[i:i + n] == seq for i in range(len(inside) - n + 1)) if n else 0


def sort_terms(say: str, hyp: str) -> dict[str, int]:
    """Counts of the three kinds over the code terms the note ``say`` marks."""
    out = dict.fromkeys(KINDS, 0)
    ref = MARK.sub(lambda m: m.group(2), say)
    spoken: dict[str, list[str]] = {}
    for m in MARK.finditer(say):
        spoken.setdefault(m.group(2), []).append(m.group(1))
    rest = hyp.replace("`", "")
    for term, saids in spoken.items():
        want = count_term(ref, term)
        got = min(want, count_term(rest, term))
        out["written"] += got
        # Take the written occurrences out, so their words are not counted again.
        rest = re.sub(r"(?<![\w.:/-])" + re.escape(term) + r"(?![\w]|[.:/-]\w)", " ", rest, count=got)
        left = want - got
        heard = 0
        hyp_words = words(rest)
        for said in dict.fromkeys(saids):
            heard += occurrences(words(said), hyp_words)
        heard = min(left, heard)
        out["heard as words"] += heard
        out["not heard"] += left - heard
    return out


def records_of(path: Path) -> list[tuple[str, str, str]]:
    """(note id, voice, text) of one result file."""
    data = json.loads(path.read_text())
    if isinstance(data, dict):  # product.py: one command's records
        return [(r["id"], r["voice"], r["hyp"]) for r in data["records"] if r["path"] == "commit"]
    return [(r["id"], r["voice"], r["final"]) for r in data]  # devsweep.py


def ceiling(path: Path) -> dict[str, dict[str, int]]:
    notes = {n["id"]: n for n in all_notes()}
    rows: dict[str, dict[str, int]] = {v: dict.fromkeys(KINDS, 0) for v in (*VOICES, "all voices")}
    for note_id, voice, text in records_of(path):
        for kind, n in sort_terms(notes[note_id]["say"], text).items():
            rows[voice][kind] += n
            rows["all voices"][kind] += n
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+", type=Path)
    args = ap.parse_args(argv)
    for path in args.results:
        path = path if path.exists() else HERE / path
        rows = ceiling(path)
        print(f"### {path.name}\n")
        print("| voice | terms | written | heard as words | not heard | decisions' ceiling |")
        print("|---|---:|---:|---:|---:|---:|")
        for voice, r in rows.items():
            total = sum(r.values())
            if total:
                print(f"| {voice} | {total} | {r['written']} ({100 * r['written'] / total:.1f}%) "
                      f"| {r['heard as words']} | {r['not heard']} "
                      f"| {100 * (r['written'] + r['heard as words']) / total:.1f}% |")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
