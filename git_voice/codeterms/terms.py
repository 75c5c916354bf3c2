"""The code terms of one transcription, and what the other layers get from them.

The application layer calls :func:`collect` (extra terms and the change's
candidates → a :class:`TermSet`), hands the engine :func:`biasing` (a
:class:`CodeTermBias`, which satisfies ``asr.engine.Biasing``: prefix-tree biased
decoding and re-reading for Whisper, the terms themselves for the audio-LLM
families), then :func:`snap_text` (spoken spans → code form) on what came back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from ..types import Reading, Rewrite
from .candidates import MAX_CANDIDATES, Candidate

# Extra terms (``--hotword``, ``voice.hotwords``) rank above every candidate.
EXTRA_SCORE = 1e9
# No one says a name longer than this, and biasing toward one costs memory in step
# with its length (a 200 000-character "term" took gigabytes); nor more extra terms
# than this (a warm server's request names them in its prompt).
MAX_TERM_CHARS = 120
MAX_EXTRA_TERMS = 500


@dataclass
class TermSet:
    """The code terms of one transcription: extra terms first, then the change's, best first."""

    candidates: list[Candidate] = field(default_factory=list)
    _snapper: Any = field(default=None, repr=False, compare=False)

    def written_forms(self) -> list[str]:
        """The terms as written in code, best first."""
        return [c.term for c in self.candidates]

    def snapper(self) -> Any:
        """The snapping index of these terms, built once."""
        if self._snapper is None:
            from .snap import Snapper

            self._snapper = Snapper(self.written_forms(), {c.term: c.kind for c in self.candidates})
        return self._snapper


def collect(extra: Sequence[str], candidates: Iterable[Candidate] = (), limit: int = MAX_CANDIDATES) -> TermSet:
    """Merge extra terms and ranked ``candidates`` into at most ``limit`` terms (more if the extras are more).

    Extra terms keep their order, ahead of the rest; duplicates keep their first place.
    """
    seen: dict[str, Candidate] = {}
    for term in extra:
        term = term.strip()
        if term and len(term) <= MAX_TERM_CHARS and len(seen) < MAX_EXTRA_TERMS:
            seen.setdefault(term, Candidate(term, EXTRA_SCORE))
    extras = len(seen)
    for cand in candidates:
        if len(cand.term) <= MAX_TERM_CHARS:
            seen.setdefault(cand.term, cand)
    return TermSet(list(seen.values())[: max(limit, extras)])


class CodeTermBias:
    """A :class:`TermSet` as ``asr.engine.Biasing``, at a strength (``voice.biasStrength``; 0: terms only).

    The bias processors and the re-reader are built on first use and kept: building
    tokenizes every spoken form, which would otherwise be paid again for each file.
    """

    def __init__(self, terms: TermSet, strength: float = 1.0) -> None:
        self.term_set = terms
        self.strength = float(strength)
        self._processors: dict[int, list] = {}
        self._rereader: Any = None

    @property
    def terms(self) -> list[str]:
        return self.term_set.written_forms()

    def logits_processors(self, tokenizer: Any) -> list:
        if self.strength <= 0 or tokenizer is None:
            return []
        key = id(tokenizer)
        if key not in self._processors:
            from .bias import make_processor

            proc = make_processor(self.terms, tokenizer, self.strength)
            self._processors[key] = [proc] if proc is not None else []
        return self._processors[key]

    def reader(self) -> Callable[[str], Sequence[Reading]] | None:
        if self.strength <= 0:
            return None
        if self._rereader is None:
            from .reread import Rereader

            self._rereader = Rereader(self.terms, self.strength)
        return self._rereader


def biasing(terms: TermSet, strength: float = 1.0) -> CodeTermBias | None:
    """The bias for ``terms``, or None when there is no term to bias toward."""
    return CodeTermBias(terms, strength) if terms.candidates else None


def snap_text(text: str, terms: TermSet, style: str = "plain") -> tuple[str, list[Rewrite]]:
    """Rewrite spoken code terms in ``text`` to their code form (see :mod:`.snap`), in ``style``.

    Returns the new text and the rewrites, whose offsets index ``text``.
    """
    if not terms.candidates or not text:
        return text, []
    from .snap import snap

    return snap(text, terms.written_forms(), style, terms.snapper())
