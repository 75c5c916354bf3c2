"""Spoken spans of a transcript → the code form of the change's terms.

"I renamed parse header to parse headers in user store dot py" becomes "I renamed
parse_header to parse_headers in user_store.py" when those three are candidates.

Matching compares *compact keys* (letters and digits, lower case) of word
n-grams against the compact keys of each candidate's spoken forms, so word
boundaries the speech model got wrong ("userstore.py", "parse-header") do not
matter, and tolerates a few letter edits ("get user by it") on longer terms,
words that sound like a form's words ("max rose") and, on long terms, spans
whose whole sound key is a sound or two from a form's ("you sink external
store"). It is conservative on purpose: only candidates are ever written, short
terms must match exactly, a single ordinary word is never rewritten, a span never
crosses a comma or a sentence end, no edit touches a digit, a near-missed file
name must have its ending said, and where terms sound alike, the words around
the span and the terms' kinds choose. A one-word name that runs words together
matches when said as exactly those words ("truncate words" for ``truncatewords``),
and a name also when said without a namespace prefix other candidates share ("parse
header line" for ``ngx_http_parse_header_line``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..types import Rewrite
from .candidates import DEFINED, LOCAL, NEARBY, PATH, USED
from .context import PLAIN_ZIPF, context_preference, is_everyday_word, plain_phrase, predicate_phrase  # noqa: F401
from .spoken import EXTENSION_WORDS, FUNCTION_WORDS, compact, compact_forms, is_codey, number_words, phonetic, phonetic_forms, pieces, spoken_forms, words

_WORD = re.compile(r"[A-Za-z0-9]+")
_DIGITS = re.compile(r"[0-9]+")
# Between two words, any of these ends a span: clause punctuation, a sentence
# end (a full stop followed by a space), quotes and brackets. An apostrophe
# inside a word ("header's", "don't") is part of the word, not a quote.
_HARD_GAP = re.compile(r"[,;!?()\[\]{}\"'`]|[.:]\s|\s[.:]|\s-\s")
_IN_WORD = frozenset({"'", "\u2019"})
# A single word is rewritten only when this long (``userstore`` → ``user_store``):
# shorter ones are too often ordinary English ("setup", "username").
MIN_SINGLE_WORD = 10
MAX_EXTRA_WORDS = 2
# Sound-alike matches ("max rose" for ``max_rows``): multi-word spans only, with
# a sound key of at least this many letters and at most this many letter edits.
MIN_SOUND_KEY = 4
MAX_SOUND_EDITS = 3
# Loose sound-alike matches ("you sink external store" for ``useSyncExternalStore``,
# "counterops" for ``CounterOpts``): the sound key of the whole span, word
# boundaries ignored, within a few sound edits of a form's, for forms whose key
# has at least this many sounds; and at most one letter edit in three.
MIN_LOOSE_SOUND = 6
LONG_LOOSE_SOUND = 12  # from this many sounds on, two sound edits; below, one
LOOSE_LETTERS_PER_EDIT = 3
# English endings that make a near match English words rather than the name (``_inflected``).
_VERB_ENDINGS = ("ed", "d", "ing")
_PLURAL_ENDINGS = ("s", "es")
# Letters of coverage one edit costs when choosing between overlapping matches.
EDIT_COST = 2
_EXTENSION = re.compile(r"\.([A-Za-z]{1,4})$")
# A one-word name that runs words together (``truncatewords``, ``GOTOOLCHAIN``) is
# matched when at least this long, said as its words exactly.
MIN_JOINED = 8
# A name said without its namespace prefix (``_unprefixed_keys``): how many other terms
# must share the prefix, and how many words must be left.
MIN_PREFIX_SHARERS = 2
MIN_UNPREFIXED_WORDS = 3
# Among terms said alike, a local variable or parameter is the least likely to be
# named: it is usually a copy of the thing a speaker means
# (``generateConfigOut := c.Meta.GenerateConfigOut``).
LOCAL_DEMOTION = 1_000


@dataclass(frozen=True)
class Word:
    """A word of the raw transcript and its character offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Match:
    """A span of words [first, last] that is a spoken form of ``term``."""

    first: int
    last: int
    term: str
    distance: int
    rank: int
    covered: int = 0  # letters and digits of the span
    loose: bool = False  # matched by sound alone (see ``Snapper._match_loose``)


def split_words(text: str) -> list[list[Word]]:
    """The transcript's words, in runs that no span may cross (see ``_HARD_GAP``)."""
    runs: list[list[Word]] = [[]]
    prev_end = None
    for m in _WORD.finditer(text):
        gap = text[prev_end : m.start()] if prev_end is not None else ""
        if gap and gap not in _IN_WORD and _HARD_GAP.search(gap):
            runs.append([])
        runs[-1].append(Word(m.group(0), m.start(), m.end()))
        prev_end = m.end()
    return [r for r in runs if r]


def allowed_edits(key_length: int) -> int:
    """How many letter edits a candidate's compact key tolerates: none for short terms."""
    if key_length <= 6:
        return 0
    if key_length <= 11:
        return 1
    if key_length <= 17:
        return 2
    return 3


class Snapper:
    """The candidates' compact keys, indexed once, and the matching of transcripts to them."""

    def __init__(self, terms: Sequence[str], kinds: Mapping[str, str] | None = None) -> None:
        """Takes candidate terms, best first; terms without a spoken code form are skipped.

        ``kinds`` maps a term to what the change does with it (``candidates.DEFINED``, ``LOCAL``, ``NEARBY``,
        ``PATH`` or ``USED``); terms left out are trusted like defined ones.
        """
        self.kinds: dict[str, str] = dict(kinds or {})
        self.keys: list[str] = []
        self.owner: list[int] = []
        self.terms: list[str] = []
        self.max_words: list[int] = []
        self.term_words: list[frozenset[str]] = []
        # Sound keys of multi-word forms ("mks rs") → (term index, written compact key).
        self.sounds: dict[str, list[tuple[int, str]]] = {}
        # Sound keys of whole forms, word boundaries ignored ("nkntrfk"), and the
        # (term index, compact key, number of words) of the form each comes from.
        self.loose: list[str] = []
        self.loose_owner: list[tuple[int, str, int]] = []
        self.joined: set[int] = set()
        for term in terms:
            joined = not is_codey(term) and _joined(term, self.kinds.get(term, DEFINED))
            if not (is_codey(term) or joined) or _only_function_words(term):
                continue
            index = len(self.terms)
            if joined:
                self.joined.add(index)
            self.terms.append(term)
            self.max_words.append(len(pieces(term)) * 2 + MAX_EXTRA_WORDS)
            self.term_words.append(frozenset(words(term)))
            for key in sorted(compact_forms(term)):
                self.keys.append(key)
                self.owner.append(index)
            for form in (*spoken_forms(term), " ".join(p.text for p in pieces(term))):
                sound, key = phonetic(compact(form)), compact(form)
                if len(sound) >= MIN_LOOSE_SOUND:
                    self.loose.append(sound)
                    self.loose_owner.append((index, key, len(form.split())))
            for sound in phonetic_forms(term):
                if " " in sound and len(sound.replace(" ", "")) >= MIN_SOUND_KEY:
                    self.sounds.setdefault(sound, []).append((index, compact(term)))
        for index, key in _unprefixed_keys(self.terms, self.kinds):
            self.keys.append(key)
            self.owner.append(index)
        self.known = frozenset(self.terms)
        self.longest = max((len(k) for k in self.keys), default=0)
        self.span_words = max(self.max_words, default=0)

    def matches(self, run: Sequence[Word]) -> list[Match]:
        """Every (span, term) pair of one run of words within its edit allowance."""
        found: list[Match] = []
        if not self.keys:
            return found
        for first in range(len(run)):
            key = spelled = ""
            for last in range(first, min(len(run), first + self.span_words)):
                key += run[last].text.lower()
                # A number the model wrote in digits is also read as its word: "curl E2
                # many redirects" is "curl e two many redirects".
                spelled += _DIGITS.sub(lambda d: number_words(d.group(0))[-1], run[last].text.lower())
                if len(key) > self.longest + 3:
                    break
                found.extend(self._match_span(run, first, last, key))
                if spelled != key:
                    found.extend(self._match_span(run, first, last, spelled))
        return found

    def _rank(self, run: Sequence[Word], first: int, last: int, term_i: int) -> int:
        """Where a term stands among those matching one span: lower is preferred."""
        term = self.terms[term_i]
        demote = LOCAL_DEMOTION if self.kinds.get(term) in (LOCAL, NEARBY) else 0
        return term_i + demote - context_preference(run, first, last, term)

    def _match_sound(self, run: Sequence[Word], first: int, last: int, key: str) -> list[Match]:
        """Multi-word spans whose words sound like a form's words, one for one."""
        if first == last or not self.sounds:
            return []
        sound = " ".join(phonetic(w.text) for w in run[first : last + 1])
        out: list[Match] = []
        for term_i, written_key in self.sounds.get(sound, ()):
            dist = _sound_distance(key, written_key)
            if (dist is not None and _edits_ok(run, last, key, written_key, self.terms[term_i])
                    and not self._stray_function_word(run, first, last, written_key, dist, term_i)
                    and not _inflected(run, first, last, written_key)):
                out.append(Match(first, last, self.terms[term_i], max(1, dist), self._rank(run, first, last, term_i), len(key)))
        return out

    def _match_loose(self, run: Sequence[Word], first: int, last: int, key: str) -> list[Match]:
        """Spans whose sound key, word boundaries ignored, is a few sound edits from a
        long form's: several words, or one word that is not English ("counterops")."""
        if not self.loose or len(key) < MIN_LOOSE_SOUND:
            return []
        if first == last and (len(key) < MIN_SINGLE_WORD or is_everyday_word(run[first].text)):
            return []
        sound = phonetic(key)
        out: list[Match] = []
        hits = process.extract(sound, self.loose, scorer=Levenshtein.distance, score_cutoff=2, limit=None)
        for _, sound_dist, i in hits:
            term_i, form_key, form_words = self.loose_owner[i]
            if sound_dist > (1 if len(self.loose[i]) < LONG_LOOSE_SOUND else 2):
                continue
            if last - first + 1 > form_words + 1 or not _same_edges(sound, self.loose[i]):
                continue
            if any(w.text.lower() in FUNCTION_WORDS - self.term_words[term_i] for w in run[first : last + 1]):
                continue  # "context with a background" is not ``context.Background``
            if _part_of(key, self.terms[term_i]) or _inflected(run, first, last, form_key):
                continue  # "invalid object name" says three of ``ErrInvalidObjectName``'s four words
            letters = Levenshtein.distance(key, form_key)
            if letters > len(form_key) // LOOSE_LETTERS_PER_EDIT or not _edits_ok(run, last, key, form_key, self.terms[term_i]):
                continue
            rank = self._rank(run, first, last, term_i)
            out.append(Match(first, last, self.terms[term_i], int(sound_dist) + 1, rank, len(key), loose=True))
        return out

    def _stray_function_word(self, run: Sequence[Word], first: int, last: int, form_key: str, dist: int, term_i: int) -> bool:
        """Whether a near-miss span has a function word the term lacks, anywhere but at its
        end, whose edits stand in for a word said around the name rather than for a part of
        it: the span without that word is at least as close to the form. "as an invalid
        object name" is not ``ErrInvalidObjectName`` nor "the meta as generate config out"
        ``Meta.GenerateConfigOut``; "in scale x" still is ``inv_scale_x`` ("in" is most of
        "inv"). The last word may be one: a name's short last part is often heard as one
        ("get user by it")."""
        stray = FUNCTION_WORDS - self.term_words[term_i]
        for at in range(first, last):
            if run[at].text.lower() in stray:
                rest = "".join(w.text.lower() for i, w in enumerate(run[first : last + 1], first) if i != at)
                if Levenshtein.distance(rest, form_key) <= dist:
                    return True
        return False

    def _near_ok(self, term_i: int) -> bool:
        """Whether a term may be matched with edits: not a file's name without its ending
        (``template-literal`` of ``template-literal.js``), which is English words more
        often than not ("inside template literals"), nor a name only on the unchanged
        lines next to the change (``nearby``), which must be said as it is written, nor
        a one-word name that runs words together (``_joined``), whose word boundaries
        nothing in the name confirms."""
        term = self.terms[term_i]
        kind = self.kinds.get(term)
        return not ((kind == PATH and not _EXTENSION.search(term)) or kind == NEARBY or term_i in self.joined)

    def _match_span(self, run: Sequence[Word], first: int, last: int, key: str) -> list[Match]:
        out = [m for m in self._match_sound(run, first, last, key) + self._match_loose(run, first, last, key)
               if self._near_ok(self.terms.index(m.term))]
        hits = process.extract(key, self.keys, scorer=Levenshtein.distance, score_cutoff=3, limit=None)
        for cand_key, dist, i in hits:
            term_i = self.owner[i]
            dist = int(dist)
            if dist > allowed_edits(len(cand_key)) or abs(len(key) - len(cand_key)) > 1 + (dist > 1):
                continue
            if last - first + 1 > self.max_words[term_i]:
                continue
            if first == last and not _single_word_ok(run[first].text, dist):
                continue
            if dist and not (self._near_ok(term_i) and _edits_ok(run, last, key, cand_key, self.terms[term_i])):
                continue
            if dist and (self._stray_function_word(run, first, last, cand_key, dist, term_i) or _inflected(run, first, last, cand_key)):
                continue
            out.append(Match(first, last, self.terms[term_i], dist, self._rank(run, first, last, term_i), len(key)))
        return out


def _unprefixed_keys(terms: Sequence[str], kinds: Mapping[str, str]) -> list[tuple[int, str]]:
    """Compact keys of names said without their namespace prefix: ``ngx_http_parse_header_line``
    as "parse header line" when ``ngx_`` and ``ngx_http_`` open other candidates of the change
    too (C's way of namespacing: ``ngx_``, ``curl_``, ``git_``). A prefix counts when at least
    ``MIN_PREFIX_SHARERS`` other terms open with it and an underscore; what is left must be at
    least ``MIN_UNPREFIXED_WORDS`` words, so a name is never reduced to an English pair. Defined
    and used names only, never a local's or a path's."""
    out: list[tuple[int, str]] = []
    for index, term in enumerate(terms):
        parts = term.split("_")
        if kinds.get(term, DEFINED) not in (DEFINED, USED) or len(parts) < 2 + MIN_UNPREFIXED_WORDS:
            continue
        if not all(p.isalnum() and p.islower() for p in parts):
            continue
        for k in range(1, len(parts) - MIN_UNPREFIXED_WORDS + 1):
            prefix = "_".join(parts[:k]) + "_"
            if sum(1 for t in terms if t != term and t.startswith(prefix)) >= MIN_PREFIX_SHARERS:
                out.append((index, "".join(parts[k:])))
    return out


def _joined(term: str, kind: str) -> bool:
    """A one-word name written as several words run together, that a note says as those
    words: ``truncatewords`` ("in truncate words the split stops"), ``GOTOOLCHAIN``
    ("sets go toolchain to local"). Letters only, all lower or all upper case, at least
    ``MIN_JOINED`` long and not itself an English word (``namespace``, ``filename``
    are). The change must define it, or it must be all capitals (an environment
    variable or constant): a called ``startswith`` is English too often ("a line that
    starts with a hash"), a bound ``wordlist`` ("a huge word list") likewise."""
    if len(term) < MIN_JOINED or not term.isalpha() or not (term.islower() or term.isupper()):
        return False
    if not (kind == DEFINED or term.isupper()):
        return False
    return not is_everyday_word(term.lower())


def _sound_distance(key: str, written_key: str) -> int | None:
    """Letter edits between a span and a term that sound alike, if few enough to trust."""
    dist = Levenshtein.distance(key, written_key)
    # Long terms may differ more in spelling ("right headers title case"), never by half.
    limit = min(max(MAX_SOUND_EDITS, len(written_key) // 4), len(written_key) // 2)
    return dist if dist <= limit else None


def _same_edges(sound: str, form_sound: str) -> bool:
    """Whether two sound keys start and end alike: a mishearing blurs the middle of a
    name more than its edges. An initial vowel, h, w or y counts as one sound ("you
    sink" ~ "use sync", "his pod" ~ "is pod")."""
    head = lambda k: "_" if k[0] in "aeiouyhw" else k[0]  # noqa: E731
    return head(sound) == head(form_sound) and sound[-1] == form_sound[-1]


def _edits_ok(run: Sequence[Word], last: int, key: str, form_key: str, term: str) -> bool:
    """Whether a near-miss span ``key`` ending at word ``last`` of ``run`` may stand for
    ``term`` (``form_key``: the compact key of the form it was matched to).

    Numbers are heard or not: no edit may add, drop or change a digit
    ("SQLite open" is not ``sqlite3_open``). A file name must end with its file
    ending said as a word of its own ("built in" is not ``builtin.c``, "text
    model gets" is not ``textModel.ts``).
    """
    for op in Levenshtein.editops(key, form_key):
        if key[op.src_pos : op.src_pos + 1].isdigit() and op.tag != "insert":
            return False
        if form_key[op.dest_pos : op.dest_pos + 1].isdigit() and op.tag != "delete":
            return False
    ext = _EXTENSION.search(term)
    if ext:
        said = EXTENSION_WORDS.get(ext.group(1).lower(), (ext.group(1).lower(),))
        tail = " ".join(w.text.lower() for w in run[max(0, last - 1) : last + 1])
        if not any(tail == e or tail.endswith(" " + e) for e in said):
            return False
    return True


def _inflected(run: Sequence[Word], first: int, last: int, form_key: str) -> bool:
    """Whether the span is the form with an English ending on one of its words: a verb
    ending (-ed, -d, -ing) anywhere ("the allowed headers list" is not ``allowHeaders``,
    "the sorted keys" not ``sort_keys``), or a plural or possessive -s on a word
    before the last ("the node's equal function", heard "nodes equal", is not
    ``node.equal``). A name is pluralised at its end, so a last word's -s still
    matches ("both parse headers calls").
    """
    said = [w.text.lower() for w in run[first : last + 1]]
    for at, w in enumerate(said):
        inside = at < len(said) - 1
        if inside and w == "s" and "".join(said[:at] + said[at + 1 :]) == form_key:
            return True  # "node's": the possessive's "s" is a word of its own here
        for end in _VERB_ENDINGS + (_PLURAL_ENDINGS if inside else ()):
            if w.endswith(end) and len(w) > len(end) + 2:
                if "".join(said[:at]) + w[: -len(end)] + "".join(said[at + 1 :]) == form_key:
                    return True
    return False


def _part_of(key: str, term: str) -> bool:
    """Whether ``key`` is the term's words less its first or last one, run together."""
    ws = words(term)
    return len(ws) > 2 and key in ("".join(ws[1:]), "".join(ws[:-1]))


def _only_function_words(term: str) -> bool:
    return all(p.text.lower() in FUNCTION_WORDS for p in pieces(term))


def _single_word_ok(word: str, distance: int) -> bool:
    """A lone word is snapped only when it exactly is the term run together and is long,
    or is itself written in code form (``getUserById``, ``utf8``)."""
    if distance:
        return False
    return len(word) >= MIN_SINGLE_WORD or len(pieces(word)) > 1


def choose(matches: list[Match]) -> list[Match]:
    """Non-overlapping matches, the most letters covered (less ``EDIT_COST`` per edit) first.

    So an exact "parse headers" beats a one-edit ``parse_header``, but a one-edit
    "NewCounter-vek" (``NewCounterVec``) beats the exact ``NewCounter`` inside it.
    Matches by sound alone come last: they only take words no spelling matched.
    """
    taken: set[int] = set()
    chosen: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.loose, -(m.covered - EDIT_COST * m.distance), m.rank, m.first)):
        span = set(range(m.first, m.last + 1))
        if span & taken:
            continue
        taken |= span
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.first)


def written(term: str, style: str) -> str:
    """A term as it goes into the text: as is (``plain``) or in backticks (``backticks``)."""
    return f"`{term}`" if style == "backticks" else term


def snap(
    raw: str,
    terms: Sequence[str],
    style: str = "plain",
    snapper: Snapper | None = None,
    kinds: Mapping[str, str] | None = None,
) -> tuple[str, list[Rewrite]]:
    """Rewrite the spoken spans of ``raw`` that are candidates' spoken forms.

    Takes the raw transcript, the candidate terms (best first), the code style
    and optionally each term's kind (see :class:`Snapper`); returns the new text
    and the rewrites made, whose offsets index ``raw``.
    """
    snapper = snapper or Snapper(terms, kinds)
    rewrites: list[Rewrite] = []
    for run in split_words(raw):
        # A reading that is English as a predicate ("also says transfer encoding" heard
        # near ``hasTransferEncoding``) gives way before choosing, so it hides no other
        # reading of its words (``transfer-encoding``); one the decoder wrote as a name
        # stays, to be written back as words below.
        chosen = choose([m for m in snapper.matches(run)
                         if _decoded(raw, run, m, snapper.known) or not predicate_phrase(run, m)])
        # Decided in two passes: a span that reads as English on its own is still a
        # name when a sibling term is written next to it ("snip left and snip right").
        decoded = [_decoded(raw, run, m, snapper.known) for m in chosen]
        plain = [plain_phrase(run, m, snapper.kinds.get(m.term, ""), decoded=d) for m, d in zip(chosen, decoded)]
        written_matches = [m for m, p in zip(chosen, plain) if not p]
        for m, p, d in zip(chosen, plain, decoded):
            start, end = run[m.first].start, run[m.last].end
            if p and plain_phrase(run, m, snapper.kinds.get(m.term, ""), written_matches, decoded=d):
                if d:  # the decoder wrote the name: back to the words ("the version file")
                    rewrites.append(Rewrite(raw[start:end], _said(raw[start:end]), start, end))
                continue
            # A span already written as a candidate is that candidate, whatever the
            # ranking among terms said alike ("ValueParser" next to ``value_parser``).
            term = raw[start:end] if d else m.term
            start, end = _widen_backticks(raw, start, end)
            to = written(term, style)
            if predicate_phrase(run, m):  # "when it is detached": English, even if decoded as a name
                to = _said(term) if d else raw[start:end]
            else:
                start, end, to = _unglue(raw, start, end, to)
            if raw[start:end] != to:
                rewrites.append(Rewrite(raw[start:end], to, start, end))
    return apply(raw, rewrites), rewrites


def _decoded(raw: str, run: Sequence[Word], m: Match, known: frozenset[str]) -> bool:
    """Whether the decoder already wrote ``m``'s span as a candidate (one of ``known``)."""
    return raw[run[m.first].start : run[m.last].end] in known


def _said(name: str) -> str:
    """A name as the words it is said with: ``canRead`` → "can read"."""
    return " ".join(w.text.lower() for w in pieces(name))


def _unglue(raw: str, start: int, end: int, to: str) -> tuple[int, int, str]:
    """A code term the model joined to the word before or after it with a hyphen, as it
    does with words it is unsure of ("through-serde path to error", "try from
    uri-deserializes"), is set apart by a space: the hyphen is part of neither."""
    if start >= 2 and raw[start - 1] == "-" and raw[start - 2].isalnum():
        start, to = start - 1, " " + to
    if end + 1 < len(raw) and raw[end] == "-" and raw[end + 1].isalnum():
        end, to = end + 1, to + " "
    return start, end, to


def _widen_backticks(raw: str, start: int, end: int) -> tuple[int, int]:
    """Take in backticks the model already wrote around the span, so none are doubled."""
    if start > 0 and end < len(raw) and raw[start - 1] == "`" and raw[end] == "`":
        return start - 1, end + 1
    return start, end


def apply(raw: str, rewrites: Sequence[Rewrite]) -> str:
    """``raw`` with each rewrite's span replaced (rewrites sorted, non-overlapping)."""
    out: list[str] = []
    pos = 0
    for r in sorted(rewrites, key=lambda r: r.start):
        out.append(raw[pos : r.start])
        out.append(r.to)
        pos = r.end
    out.append(raw[pos:])
    return "".join(out)
