"""The seam between the transcription pipeline and the code-term machinery.

``git_voice.pipeline`` calls, in order: :func:`collect` (extra terms and the
change's candidates → a :class:`TermSet`), :meth:`TermSet.written_forms` (the
prompt and the JSON ``hotwords``), :func:`logits_processor_factory` (biased
decoding for Whisper), :func:`readings` (spans Whisper re-reads against the
audio) and :func:`snap_text` (spoken spans → code form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..asr.engine import Rewrite
from .candidates import MAX_CANDIDATES, Candidate

# Whisper's text prompt is left off when biasing: on tiny.en, a list of
# identifiers as the prompt makes it hyphenate words ("parse-header"), loop into
# temperature fallbacks (several times slower) and hallucinate; the prefix tree
# and snapping do its job without those costs (benchmarks/codeterms).
USE_PROMPT = False
# Extra terms (``--hotword``, ``voice.hotwords``) rank above every candidate.
EXTRA_SCORE = 1e9


@dataclass
class TermSet:
    """The code terms of one transcription: extra terms first, then the change's, best first."""

    candidates: list[Candidate] = field(default_factory=list)
    _snapper: Any = field(default=None, repr=False, compare=False)
    _rereader: Any = field(default=None, repr=False, compare=False)
    # Bias processors built per (tokenizer, strength): building tokenizes every
    # form, which would otherwise be paid again for each file.
    _processors: dict = field(default_factory=dict, repr=False, compare=False)

    def written_forms(self) -> list[str]:
        """The terms as written in code, best first."""
        return [c.term for c in self.candidates]

    def snapper(self) -> Any:
        """The snapping index of these terms, built once."""
        if self._snapper is None:
            from .snap import Snapper

            self._snapper = Snapper(self.written_forms(), {c.term: c.kind for c in self.candidates})
        return self._snapper


def readings(terms: TermSet, settings: Any) -> Callable[[str], list] | None:
    """What to re-read in a decoded segment (``DecodeOptions.readings``, see :mod:`.reread`).

    None when there is nothing to bias toward; built once per term set (and strength).
    """
    if not terms.candidates or _strength(settings) <= 0:
        return None
    if terms._rereader is None:
        from .reread import Rereader

        terms._rereader = Rereader(terms.written_forms(), _strength(settings))
    return terms._rereader


def collect(
    extra: Sequence[str], source: Callable[[], list[Candidate]] | None, limit: int = MAX_CANDIDATES
) -> TermSet:
    """Merge extra terms and the candidates ``source()`` gives into at most ``limit`` terms.

    Takes extra terms (kept in their order, ahead of the rest) and an optional
    callable returning ranked candidates; duplicates keep their first place.
    """
    seen: dict[str, Candidate] = {}
    for term in extra:
        term = term.strip()
        if term:
            seen.setdefault(term, Candidate(term, EXTRA_SCORE))
    for cand in source() if source else []:
        seen.setdefault(cand.term, cand)
    return TermSet(list(seen.values())[: max(limit, len(extra))])


def _strength(settings: Any) -> float:
    return float(getattr(settings, "bias_strength", 1.0) if settings is not None else 1.0)


def logits_processor_factory(terms: TermSet, settings: Any) -> Callable[[Any], list] | None:
    """A callable that, given a loaded Whisper engine, returns its bias processors.

    None when there is nothing to bias toward. The engine provides
    ``processor.tokenizer``; torch is imported only when a processor is built.
    """
    if not terms.candidates or _strength(settings) <= 0:
        return None

    def build(engine: Any) -> list:
        from .bias import make_processor

        tokenizer = getattr(getattr(engine, "processor", None), "tokenizer", None)
        if tokenizer is None:  # a family without token-level decoding hooks
            return []
        key = (id(tokenizer), _strength(settings))
        if key not in terms._processors:
            terms._processors[key] = make_processor(terms.written_forms(), tokenizer, _strength(settings))
        proc = terms._processors[key]
        return [proc] if proc is not None else []

    return build


def snap_text(text: str, terms: TermSet, settings: Any) -> tuple[str, list[Rewrite]]:
    """Rewrite spoken code terms in ``text`` to their code form (see :mod:`.snap`).

    Returns the new text and the rewrites, whose offsets index ``text``.
    """
    if not terms.candidates or not text:
        return text, []
    from .snap import snap

    style = getattr(settings, "code_style", "plain") if settings is not None else "plain"
    return snap(text, terms.written_forms(), style, terms.snapper())
