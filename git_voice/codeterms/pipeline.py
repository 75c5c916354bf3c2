"""The seam between the transcription pipeline and the code-term machinery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..asr.engine import Rewrite
from .candidates import Candidate


@dataclass
class TermSet:
    candidates: list[Candidate] = field(default_factory=list)

    def written_forms(self) -> list[str]:
        return [c.term for c in self.candidates]


def collect(extra: Sequence[str], source: Callable[[], list[Candidate]] | None) -> TermSet:
    seen: dict[str, Candidate] = {}
    for term in extra:
        seen.setdefault(term, Candidate(term, float("inf")))
    for cand in source() if source else []:
        seen.setdefault(cand.term, cand)
    return TermSet(list(seen.values()))


def logits_processor_factory(terms: TermSet, settings: Any) -> Callable[[Any], list] | None:
    return None


def snap_text(text: str, terms: TermSet, settings: Any) -> tuple[str, list[Rewrite]]:
    return text, []
