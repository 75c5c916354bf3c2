"""Spans of a decoded segment that may be a code term misheard, and the wordings to re-read them with.

Snapping (:mod:`.snap`) rewrites what the speech model wrote when it is close
enough, in spelling or sound, to a candidate's spoken form. On a voice that is
hard to hear, tiny.en gets more wrong than snapping may safely correct from the
text alone, often the first sound of a term: "shadow ref" for ``shallowRef``,
"short bind with" for ``ShouldBindWith``, "birge file" for ``purgeFile``. Text
alone cannot tell those from ordinary speech near a term's sound; the audio can.

So this module only proposes: word spans whose sound key is within a lenient
distance of a candidate's spoken form become :class:`~git_voice.asr.engine.Reading`
objects, with the term's likeliest spoken forms as the wordings. The engine scores
each wording against the audio (``WhisperEngine._reread``) and keeps it only when
the audio supports it about as well as what it decoded; snapping then writes the
code form of a kept wording as of any exact spoken form. Only the change's
candidates are ever proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..types import Reading
from .context import is_everyday_word
from .spoken import FUNCTION_WORDS, compact, compact_forms, is_codey, phonetic, spoken_forms

# A span's sound key may be this many sound edits per sound of the form's key away
# (rounded; at least one): "follow siblings" (flsblngs) for "follow symlinks"
# (flsmlnks) is two edits in eight.
SOUND_EDITS_PER_SOUND = 0.35
# Forms with fewer sounds than this are too short to find by sound.
MIN_FORM_SOUNDS = 4
# A span has at most one word more or fewer than the form ("is summoned" for "is some and").
WORD_SLACK = 1
# The wordings scored for each span: a term's likeliest spoken forms.
WORDINGS_PER_TERM = 2
# The most spans proposed for one segment, the closest in sound first.
MAX_READINGS = 8
# How far below what was heard, in nats of log-probability given the audio, a term's
# wording may score and still replace it, at bias strength 1.0 (``voice.biasStrength``
# scales it): the bonus biased decoding gives three matched tokens (``bias.BASE_BONUS``).
# The words of a change are likelier in a note about it than the model's own language
# model knows. Calibration note (development runs of benchmarks/codeterms with every
# wording scored and none taken, scoring then read to the segment's end): wordings of
# terms that were said scored +3.7 to -11 nats, most above -7; those of an unrelated
# change (``--mismatched``) -23 and below.
MARGIN_BONUSES = 3

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
# A span never crosses a sentence end or a bracket; it may cross a comma or a
# hyphen, which a model unsure of the words writes freely ("take smacks, new tokens").
_BREAK = re.compile(r"[.!?]\s|[()\[\]{}\"`;:]")
_DIGITS = re.compile(r"[0-9]")


@dataclass(frozen=True)
class _Form:
    sound: str
    words: int
    term: str
    term_words: frozenset[str]


class Rereader:
    """Proposes re-readings of a segment's text toward the candidates' spoken forms."""

    def __init__(self, terms: Sequence[str], strength: float = 1.0) -> None:
        """Takes the candidate terms (those without a spoken code form are left out) and
        the bias strength, which scales how readily a wording is taken (``margin``).

        The sound index is built on the first call, where the model runs: a client
        whose server does the decoding never pays for it."""
        from .bias import BASE_BONUS

        self.margin = MARGIN_BONUSES * BASE_BONUS * strength
        self.terms = list(terms)
        self.forms: list[_Form] | None = None

    def _build(self) -> None:
        self.forms = []
        self.keys: dict[str, frozenset[str]] = {}
        self.wordings: dict[str, tuple[str, ...]] = {}
        seen: set[tuple[str, str]] = set()
        for term in self.terms:
            if not is_codey(term):
                continue
            forms = spoken_forms(term)
            self.keys[term] = compact_forms(term)
            # Spoken separators ("underscore", "colon colon") are rare in speech: scored
            # only when the span says them too (see ``_wordings``).
            self.wordings[term] = forms
            for form in forms:
                sound = phonetic(compact(form))
                if len(sound) >= MIN_FORM_SOUNDS and (sound, term) not in seen:
                    seen.add((sound, term))
                    self.forms.append(_Form(sound, len(form.split()), term, frozenset(form.split())))
        self.sounds = [f.sound for f in self.forms]
        self.max_words = max((f.words for f in self.forms), default=0) + WORD_SLACK

    def __call__(self, text: str) -> list[Reading]:
        """Spans of ``text`` that sound near a term's spoken form but are not one, closest first."""
        if self.forms is None:
            self._build()
        if not self.forms:
            return []
        found: dict[tuple[int, int, str], float] = {}
        for run in _runs(text):
            for first in range(len(run)):
                for last in range(first, min(len(run), first + self.max_words)):
                    self._match(run[first : last + 1], found)
        chosen: list[tuple[float, int, int, str]] = []
        for (start, end, term), closeness in sorted(found.items(), key=lambda kv: (kv[1], kv[0][0] - kv[0][1])):
            # One span per term where spans of the same term overlap: the closest.
            if any(t == term and start < e and end > s for _, s, e, t in chosen):
                continue
            chosen.append((closeness, start, end, term))
        return [
            Reading(s, e, _cased(text[s:e], _wordings(text[s:e], self.wordings[t])), self.margin)
            for _, s, e, t in chosen[:MAX_READINGS]
        ]

    def _match(self, span: list[re.Match], found: dict) -> None:
        """Record in ``found`` each term whose form ``span`` sounds near, with how near."""
        said = [m.group(0) for m in span]
        if all(w.lower() in FUNCTION_WORDS for w in said):
            return
        if len(said) == 1 and is_everyday_word(said[0]):
            return  # one ordinary word is what was said, whatever it sounds near
        key = compact(" ".join(said))
        sound = phonetic(key)
        if not sound:
            return
        limit = max(1, round(len(sound) * SOUND_EDITS_PER_SOUND)) + 1
        for _, dist, i in process.extract(sound, self.sounds, scorer=Levenshtein.distance, score_cutoff=limit, limit=None):
            form = self.forms[i]
            if dist > max(1, round(len(form.sound) * SOUND_EDITS_PER_SOUND)):
                continue
            if abs(len(said) - form.words) > WORD_SLACK or key in self.keys[form.term]:
                continue
            if sound[0] != form.sound[0] and sound[-1] != form.sound[-1]:
                continue  # a mishearing blurs one end of a name, not both
            if said[-1].lower() in FUNCTION_WORDS - form.term_words:
                continue  # "which takes a", "js and": a name does not end on "a" or "and"
            if _DIGITS.findall(key) != _DIGITS.findall(compact(form.term)):
                continue  # numbers are heard or not (as in snapping)
            if len(said) > 1 and (self._as_close(said[1:], said[0], form, dist) or self._as_close(said[:-1], said[-1], form, dist)):
                continue  # "a line number", "max redirects set": the word at the edge was said too
            where = (span[0].start(), span[-1].end(), form.term)
            closeness = dist / len(form.sound)
            if closeness < found.get(where, 2.0):
                found[where] = closeness

    def _as_close(self, said: list[str], dropped: str, form: _Form, dist: float) -> bool:
        """Whether a span less its edge word ``dropped`` is a form of the term, or, when
        ``dropped`` is a function word, sounds at least as close to ``form``."""
        key = compact(" ".join(said))
        if key in self.keys[form.term]:
            return True
        return dropped.lower() in FUNCTION_WORDS and Levenshtein.distance(phonetic(key), form.sound) <= dist


def _runs(text: str) -> list[list[re.Match]]:
    """The words of ``text`` in runs no span crosses (see ``_BREAK``)."""
    runs: list[list[re.Match]] = [[]]
    prev = 0
    for m in _WORD.finditer(text):
        if _BREAK.search(text[prev : m.start()]) and runs[-1]:
            runs.append([])
        runs[-1].append(m)
        prev = m.end()
    return [r for r in runs if r]


_SPOKEN_SEPARATORS = frozenset({"underscore", "colon", "dash", "hyphen"})


def _wordings(heard: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    """The likeliest forms to score: without spoken separators unless the span says one."""
    says = {w.lower() for w in _WORD.findall(heard)} & _SPOKEN_SEPARATORS
    kept = [f for f in forms if says or not _SPOKEN_SEPARATORS & set(f.split())]
    return tuple((kept or list(forms))[:WORDINGS_PER_TERM])


def _cased(heard: str, wordings: tuple[str, ...]) -> tuple[str, ...]:
    """The wordings cased as the span was: a word said there keeps its case ("HTML"),
    Title Case spans stay so, and a capital first letter stays."""
    said = _WORD.findall(heard)
    as_said = {w.lower(): w for w in said}
    title = len(said) > 1 and all(w[:1].isupper() for w in said)
    out = []
    for wording in wordings:
        ws = [as_said.get(w, w.title() if title else w) for w in wording.split()]
        if ws and said and said[0][:1].isupper():
            ws[0] = ws[0][:1].upper() + ws[0][1:]
        out.append(" ".join(ws))
    return tuple(out)
