"""What each candidate and context rule of issue 14 gains and costs, from a product run.

    .venv/bin/python benchmarks/codeterms/rules.py results-product-heldout.json

Attributes every exact code term found and every false code term of a
``product.py`` run (all voices, the commit's attached transcript and the message)
to the rule without which it could not have been written:

    enclosing  the term is a candidate only as a definition enclosing a change
               (function context), not from the changed lines or the hunk header
    calls      a one-word called name (``slugify``), a candidate only by that rule
    prose      written like code inside a string or comment (snake_case, a path, a MIME type)
    context    a local said after a determiner as two everyday words, kept a name
               because a head noun follows or a sibling term is written nearby
    other      any other candidate

The counts are per 20 notes of the run, as the benchmark's false terms are. It is an
attribution by construction, not an ablation run: a term a rule made a candidate
may also change how the bias decodes the words around it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from product import _NOTES, change_terms, score_one  # noqa: E402
from run import count_term, expected_terms, reference_text  # noqa: E402

RULES = ("enclosing", "calls", "prose", "context", "other")


@lru_cache(maxsize=None)
def _without(note_id: str, rule: str) -> frozenset[str]:
    """The note's candidates with one candidate rule switched off."""
    from git_voice.codeterms import candidates

    target = {"enclosing": "_scan_enclosing", "calls": "_scan_calls", "prose": "code_in_prose"}[rule]
    with mock.patch.object(candidates, target, lambda *a, **k: [] if rule == "prose" else None):
        change_terms.cache_clear()
        try:
            return change_terms(note_id)
        finally:
            change_terms.cache_clear()


def _context_kept(hyp: str, term: str) -> bool:
    """Whether ``term`` is written in ``hyp`` right after a determiner and followed by a
    head noun or next to a sibling of its family: the shape the context rule keeps."""
    from git_voice.codeterms import context
    from git_voice.codeterms.spoken import pieces

    if len(pieces(term)) != 2:
        return False
    for m in re.finditer(r"(\w+)\s+" + re.escape(term) + r"\b", hyp):
        if m.group(1).lower() not in context.DETERMINERS:
            continue
        after = hyp[m.end():].split()
        head = pieces(term)[0].text.lower()
        if after and after[0].strip(".,;").lower() in context.HEAD_NOUNS:
            return True
        if any(w != term and w.lower().startswith(head) and ("_" in w or any(c.isupper() for c in w[1:])) for w in hyp.split()):
            return True
    return False


def attribute(note_id: str, term: str, hyp: str) -> str:
    """The rule without which ``term`` would not be a candidate (or "context"/"other")."""
    for rule in ("enclosing", "calls", "prose"):
        if term not in _without(note_id, rule):
            return rule
    return "context" if _context_kept(hyp, term) else "other"


def main(argv: list[str]) -> int:
    data = json.loads(Path(argv[0]).read_text())
    gains: Counter[str] = Counter()
    costs: Counter[str] = Counter()
    notes = Counter()
    for r in data["records"]:
        if r["path"] not in ("commit", "transcript"):
            continue
        note = _NOTES[r["id"]]
        notes[r["path"]] += 1
        s = score_one(note, r["hyp"])
        for term in s["false"]:
            costs[(r["path"], attribute(r["id"], term, r["hyp"]))] += 1
        ref = reference_text(note["say"])
        for term in set(expected_terms(note["say"])):
            found = min(count_term(ref, term), count_term(r["hyp"], term))
            if found:
                gains[(r["path"], attribute(r["id"], term, r["hyp"]))] += found
    print("| rule | path | code terms found | false code terms / 20 notes |")
    print("|---|---|---:|---:|")
    for path in ("transcript", "commit"):
        for rule in RULES:
            print(f"| {rule} | {path} | {gains[(path, rule)]} | {20 * costs[(path, rule)] / max(1, notes[path]):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
