"""Diff → ranked code-term candidates (identifiers, paths, symbols)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..gitops.repo import Repo

MAX_CANDIDATES = 60
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:(?:\.|::)[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True)
class Candidate:
    term: str
    score: float


def _is_codey(word: str) -> bool:
    """An identifier that a plain English word would not be written as."""
    core = word.replace("::", ".").split(".")
    return any("_" in p or (p[:1].islower() and any(c.isupper() for c in p)) or (sum(c.isupper() for c in p) > 1 and len(p) > 2) for p in core) or len(core) > 1


def from_diff_text(diff: str) -> list[Candidate]:
    counts: Counter[str] = Counter()
    for line in diff.splitlines():
        if line.startswith(("+++ ", "--- ")):
            path = line[4:].removeprefix("a/").removeprefix("b/").strip()
            if path != "/dev/null":
                counts[path] += 3
            continue
        if line.startswith(("+", "-")) or line.startswith("@@"):
            for m in _IDENT.finditer(line[1:]):
                if _is_codey(m.group(0)):
                    counts[m.group(0)] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Candidate(t, float(c)) for t, c in ranked[:MAX_CANDIDATES]]


def from_range(repo: Repo, rev_range: str) -> list[Candidate]:
    return from_diff_text(repo.out("diff", "--no-color", "--no-ext-diff", "-U0", rev_range))
