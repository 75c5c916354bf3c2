"""One walk-through of a patch series → an overview and one part per commit.

Pure text: no git, no audio. Each sentence is given to a commit, or to the
overview (the cover letter), by

1. an explicit order word naming a patch ("the second patch", "patch three",
   "the last commit"): that patch;
2. words about the series as a whole ("this series", "these patches", "thanks"):
   the overview; a loose one ("together", "overall") not in a sentence that
   carries on from the patch before ("It also ...", "That way ...");
3. what the sentence names: each commit's code terms, file names and the words
   of its subject (and of its code terms), matched as words, weighed down when
   several commits share them; a clear winner takes the sentence;
4. a sentence-initial order word ("First", "Finally", "Secondly"): that patch,
   unless what the sentence names says otherwise;
5. "then", "next", "after that": the patch after the one spoken about last;
6. anything else continues the patch spoken about last ("It also ..."); before
   any patch was spoken about, it is the overview, and so it is once every patch
   had its say when it points back at nothing ("So old data still loads.").

Then, when an order word naming the first patch ("First, ...") opens the walk
through the patches after sentences that named no patch by order, those were the
introduction: the overview.

:func:`render` and :func:`parse` turn a split into the text the author edits
(one sentence a line, a marker line per commit) and back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import PurePosixPath
from typing import Sequence

from .summary import split_sentences

OVERVIEW = -1

_ORD = {
    "first": 0, "one": 0, "1": 0, "1st": 0,
    "second": 1, "two": 1, "2": 1, "2nd": 1,
    "third": 2, "three": 2, "3": 2, "3rd": 2,
    "fourth": 3, "four": 3, "4": 3, "4th": 3,
    "fifth": 4, "five": 4, "5": 4, "5th": 4,
    "sixth": 5, "six": 5, "6": 5, "6th": 5,
    "seventh": 6, "seven": 6, "7": 6, "7th": 6,
    "eighth": 7, "eight": 7, "8": 7, "8th": 7,
}
_LAST = {"last", "final", "closing"}
_NOUN = r"(?:patch|commit|change|step|one|part)"
_ORD_WORD = r"(first|second|third|fourth|fifth|sixth|seventh|eighth|1st|2nd|3rd|4th|5th|6th|7th|8th|last|final|closing)"
_NUM_WORD = r"(one|two|three|four|five|six|seven|eight|[1-8])"
# "the second patch", "the last one", "in the third commit"
_STRONG_ORD = re.compile(rf"\b(?:the|this|my)\s+{_ORD_WORD}\s+{_NOUN}\b")
# "patch three", "commit 2", "patch number four"
_STRONG_NUM = re.compile(rf"\b(?:patch|commit)\s+(?:number\s+)?{_NUM_WORD}\b")
# "First, ...", "Secondly ...", "Finally ...", "And lastly ..."
_WEAK_ORD = re.compile(
    r"^(?:(?:and|so|now|okay|ok|then)[,]?\s+)?(first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|"
    r"sixth(?:ly)?|finally|lastly|last(?:\s+of\s+all)?|to\s+finish|to\s+start|to\s+begin(?:\s+with)?)\b"
)
_NEXT = re.compile(
    r"^(?:(?:and|so|now|okay|ok)[,]?\s+)?(?:then|next|after\s+that|afterwards|following\s+that|on\s+top\s+of\s+that)\b"
    r"|\b(?:the|a)\s+(?:next|following)\s+(?:patch|commit|change|one|step)\b"
)
_SERIES = (
    r"\b(?:(?:this|the|whole|entire|my)\s+(?:patch\s*)?(?:series|patchset|patch\s+set|set\s+of\s+(?:patches|commits|changes))"
    r"|(?:these|all\s+(?:the\s+)?|both|the\s+(?:two|three|four|five|six))\s*(?:patches|commits)\b"
    r"|all\s+in\s+all|in\s+short|to\s+sum\s+up|thanks|thank\s+you)"
)
# Words that speak of the series only loosely: "together", "overall", "reviewers".
_LOOSE = r"\b(?:together|overall|(?:please\s+)?review(?:ers|ing)?\b(?!\s+of))"
_OVERVIEW, _STRONG_SERIES = re.compile(f"{_SERIES}|{_LOOSE}"), re.compile(_SERIES)
# A sentence that carries on from the one before: "It also ...", "That way ...", "They ...".
_CONTINUES = re.compile(r"^(?:(?:and|so)[,]?\s+)?(?:it|its|it's|they|their|that\s+way|this\s+way|in\s+that\s+case)\b")
# Words that tie a sentence to the one before: "It also ...", "That way ...", "... as well".
_POINTS_BACK = re.compile(
    r"^(?:this|that|these|those|here|the\s+same|which|and|plus|but)\b"
    r"|\b(?:it|its|it's|they|them|their|he|she|his|her|also|too|instead|as\s+well|there)\b"
)
_STOP = frozenset(
    """a an the and or of to in on for with from by at as is are was were be been it its this that these those
    i we you he she they my our your me us not no so then than also just now only very when where which what who
    how why do does did done has have had will would can could should may might must into onto over under about
    after before again more most some any all each every both few other such own same too here there out up down
    add adds added adding fix fixes fixed fixing make makes made change changes changed use uses used using new
    patch commit series one two three four five six first second third last final next file files code
    instead because now get gets set sets way thing things call calls called return returns value values""".split()
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[./:-][A-Za-z0-9_]+)*")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


@dataclass(frozen=True)
class CommitInfo:
    """What a sentence may name of one commit: its subject, code terms (best first) and paths."""

    subject: str
    terms: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


def stem(word: str) -> str:
    """A light English stem, enough to match "renamed"/"rename", "retries"/"retry", "loader"/"loading"."""
    w = word.lower()
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("er", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    return w.rstrip("e") if len(w) > 4 else w


def subwords(term: str) -> list[str]:
    """The words inside an identifier or path: ``get_user_by_id`` → get, user, by, id."""
    return [p.lower() for chunk in re.split(r"[^A-Za-z0-9]+", term) for p in _CAMEL.findall(chunk)]


@dataclass
class _Keys:
    """One commit's evidence: whole code forms (lower case) and word stems, each with a weight."""

    forms: dict[str, float] = field(default_factory=dict)
    stems: dict[str, float] = field(default_factory=dict)


def squash(text: str) -> str:
    """A code form or spoken phrase with case and separators gone: ``get_user_by_id``,
    "get user by id" and "Get-User-By-Id" all become ``getuserbyid``."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _keys(commit: CommitInfo) -> _Keys:
    keys = _Keys()
    for rank, term in enumerate(commit.terms):
        keys.forms.setdefault(squash(term), 3.0 if rank < 20 else 2.0)
    for path in commit.paths:
        p = PurePosixPath(path)
        keys.forms.setdefault(squash(p.name), 3.0)
        keys.forms.setdefault(squash(path), 3.0)
        if len(p.stem) >= 4:
            keys.stems.setdefault(stem(p.stem), 1.5)
    for word in _WORD.findall(commit.subject):
        if "_" in word or re.search(r"[a-z][A-Z]|[./]", word):
            # A code term in the subject is what the commit is about: more than a term it only uses.
            keys.forms[squash(word)] = keys.forms.get(squash(word), 0.0) + 3.0
        for w in subwords(word):
            if len(w) >= 3 and w not in _STOP:
                keys.stems[stem(w)] = max(keys.stems.get(stem(w), 0.0), 1.0)
    for term in list(commit.terms[:20]) + list(commit.paths):
        for w in subwords(term):
            if len(w) >= 4 and w not in _STOP:
                keys.stems.setdefault(stem(w), 0.5)
    keys.forms.pop("", None)
    return keys


def _tokens(sentence: str) -> tuple[set[str], set[str]]:
    """(each word and run of two to four words, squashed; the stems of every word, subword and squashed run).

    Runs catch a term snapping wrote another way or left as said ("quote-char",
    "max rows"); only runs of four letters or more count.
    """
    found = _WORD.findall(sentence.replace("`", " "))
    forms = {squash(w) for w in found}
    for n in (2, 3, 4):
        for i in range(len(found) - n + 1):
            joined = squash("".join(found[i: i + n]))
            if len(joined) >= 4:
                forms.add(joined)
    stems = {stem(s) for w in found for s in subwords(w) if s not in _STOP}
    # A subject word said in parts ("quote-char", "quote char" for quotechar) is still that word.
    stems |= {stem(f) for f in forms if len(f) >= 6}
    return forms, stems


def name_scores(sentence: str, commits: Sequence[CommitInfo]) -> list[float]:
    """How strongly ``sentence`` names each commit; evidence shared by k commits counts 1/k."""
    keys = [_keys(c) for c in commits]
    return _scores(sentence, keys)


def _scores(sentence: str, keys: Sequence[_Keys]) -> list[float]:
    words, stems = _tokens(sentence)
    form_hits = [{f: w for f, w in k.forms.items() if f in words} for k in keys]
    stem_hits = [{s: w for s, w in k.stems.items() if s in stems} for k in keys]
    out = []
    for i in range(len(keys)):
        score = 0.0
        for hits, owners in ((form_hits, "forms"), (stem_hits, "stems")):
            for key, weight in hits[i].items():
                shared = sum(1 for k in keys if key in getattr(k, owners))
                score += weight / shared
        out.append(score)
    return out


def _order_word(text: str, n: int) -> int | None:
    word = text.split()[0] if text.split() else ""
    word = re.sub(r"ly$", "", word) if word not in ("only",) else word
    if word in _LAST or text.startswith(("finally", "lastly", "to finish", "last of all")):
        return n - 1
    if text.startswith(("to start", "to begin")):
        return 0
    return _ORD.get(word)


def explicit_patch(sentence: str, n: int) -> int | None:
    """The patch an explicit phrase names ("the second patch", "patch three", "the last one"), or None."""
    low = sentence.lower()
    m = _STRONG_ORD.search(low) or _STRONG_NUM.search(low)
    return _patch_of(m.group(1), n) if m else None


def initial_order(sentence: str, n: int) -> int | None:
    """The patch a sentence-initial order word points at ("First, ...", "Finally ..."), or None."""
    m = _WEAK_ORD.match(sentence.lower().lstrip())
    return _patch_of(m.group(1), n) if m else None


def _patch_of(word: str, n: int) -> int | None:
    k = _order_word(word, n)
    return k if k is not None and 0 <= k < n else None


def assign(sentences: Sequence[str], commits: Sequence[CommitInfo]) -> list[int]:
    """The commit (index into ``commits``) or :data:`OVERVIEW` of each sentence, in order."""
    keys = [_keys(c) for c in commits]
    out = _walk(sentences, keys, 0, [])
    # Where the speaker starts on the patches, what came before was the introduction.
    start = _first_patch_opens(sentences, out, len(commits))
    return _walk(sentences, keys, start, [OVERVIEW] * start) if start else out


def _walk(sentences: Sequence[str], keys: Sequence[_Keys], begin: int, out: list[int]) -> list[int]:
    """``out`` (the choices for ``sentences[:begin]``) extended by the rules above, sentence by sentence."""
    n, out = len(keys), list(out)
    current: int | None = next((k for k in reversed(out) if k != OVERVIEW), None)
    for sentence in sentences[begin:]:
        low = sentence.lower().strip()
        scores = _scores(sentence, keys)
        named = _clear_winner(scores, current)
        explicit = explicit_patch(sentence, n)
        if explicit is not None:
            choice = explicit
        elif _about_series(low, current) and (named is None or scores[named] < 4.0):
            choice = OVERVIEW
        elif named is not None and (scores[named] >= 2.0 or initial_order(sentence, n) is None):
            choice = named
        elif (k := initial_order(sentence, n)) is not None:
            choice = k
        elif _NEXT.search(low):
            choice = 0 if current is None else min(current + 1, n - 1)
        elif current is None or (len(set(out) - {OVERVIEW}) == n and not _POINTS_BACK.search(low)):
            # Once every patch had its say, a sentence that names none and points back at
            # nothing ("So old data still loads.") sums up the series.
            choice = OVERVIEW
        else:
            choice = current
        out.append(choice)
        if choice != OVERVIEW:
            current = choice
    return out


def _about_series(low: str, current: int | None) -> bool:
    """Does a (lower-cased) sentence speak of the series as a whole? A loose word ("together",
    "overall") does not make a sentence that carries on from a patch ("It also ...") one."""
    if _STRONG_SERIES.search(low):
        return True
    return bool(_OVERVIEW.search(low)) and (current is None or not _CONTINUES.match(low))


def _first_patch_opens(sentences: Sequence[str], out: Sequence[int], n: int) -> int:
    """The index of the sentence that opens the walk through the patches with an order word
    naming the first one ("First, ...", "The first patch ...") and is given to it, when the
    sentences before it named no patch by order; else 0."""
    for i, sentence in enumerate(sentences):
        first = explicit_patch(sentence, n)
        first = initial_order(sentence, n) if first is None else first
        if first == 0 and out[i] == 0:
            return i
        if first is not None:
            return 0
    return 0


def _clear_winner(scores: Sequence[float], current: int | None) -> int | None:
    """The commit whose score is at least 1 (1.5 before any patch was spoken about: a
    walk-through opens with the series as a whole) and half as much again as any other's.

    Near ties go to the patch spoken about last, else to the earliest one after it
    (people tell a series in order): a term a later patch only reuses does not pull
    a sentence away from the patch that introduced it.
    """
    if not scores:
        return None
    best = max(scores)
    if best < (1.5 if current is None else 1.0):
        return None
    top = [i for i, s in enumerate(scores) if s >= best / 1.5]
    if len(top) == 1:
        return top[0]
    if current is not None and current in top:
        return current
    after = [i for i in top if current is None or i > current]
    return after[0] if after else None


# -- the text the author edits ------------------------------------------------------------

MARKER = re.compile(r"^# --- (\d+)/(\d+) ([0-9a-f]{4,40})\b")
HELP = (
    "# The walk-through, split: the overview (the cover letter) first, then what\n"
    "# each commit gets, below its marker line. Move sentences between parts;\n"
    "# keep the marker lines. Other lines starting with '#' are ignored. A commit\n"
    "# left empty gets no note. Save and close to write; empty the file to abort.\n"
)


def render(overview: Sequence[str], parts: Sequence[Sequence[str]], markers: Sequence[tuple[str, str]]) -> str:
    """The editable text: help, overview sentences, then per commit ``# --- k/N sha subject`` and its sentences.

    ``markers`` are (short id, subject) per commit, in series order.
    """
    n = len(markers)
    lines = [HELP, *overview, ""]
    for k, ((short, subject), part) in enumerate(zip(markers, parts), 1):
        lines.append(f"# --- {k}/{n} {short} {' '.join(subject.split())}")
        lines.extend(part)
        lines.append("")
    return "\n".join(lines)


class SplitTextError(ValueError):
    """The edited split cannot be read back (a marker lost, moved or changed)."""


def parse(text: str, markers: Sequence[tuple[str, str]]) -> tuple[list[str], list[list[str]]] | None:
    """(overview lines, lines per commit) from the edited text; None when nothing is left (abort).

    Raises :class:`SplitTextError` when the markers are not the ones written, in order.
    """
    n = len(markers)
    overview: list[str] = []
    parts: list[list[str]] = []
    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            k = int(m.group(1))
            if k != len(parts) + 1 or int(m.group(2)) != n or not markers[k - 1][0].startswith(m.group(3)[:7]):
                raise SplitTextError(f"marker line out of place: {line.strip()!r}")
            parts.append([])
            continue
        if line.startswith("#") or not line.strip():
            continue
        (parts[-1] if parts else overview).append(line.strip())
    if not overview and not any(parts):
        return None
    if len(parts) != n:
        raise SplitTextError(f"{n - len(parts)} of the {n} marker lines are missing")
    return overview, parts


def match_sentences(lines: Sequence[str], originals: Sequence[str]) -> list[int | None]:
    """For each edited line, the index of the original sentence it is (or was edited from), or None.

    Exact text first (each original used once), then the most similar unused original
    when at least 60% alike (difflib's ratio); a line written anew matches nothing.
    """
    norm = [" ".join(o.split()) for o in originals]
    used: set[int] = set()
    out: list[int | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        text = " ".join(line.split())
        j = next((j for j, o in enumerate(norm) if o == text and j not in used), None)
        if j is not None:
            used.add(j)
            out[i] = j
    for i, line in enumerate(lines):
        if out[i] is not None:
            continue
        best, best_ratio = None, 0.6
        for j, o in enumerate(norm):
            if j not in used:
                r = SequenceMatcher(None, " ".join(line.split()).lower(), o.lower()).ratio()
                if r >= best_ratio:
                    best, best_ratio = j, r
        if best is not None:
            used.add(best)
            out[i] = best
    return out


__all__ = [
    "OVERVIEW", "CommitInfo", "assign", "explicit_patch", "initial_order", "name_scores", "render", "parse",
    "match_sentences", "split_sentences", "SplitTextError", "subwords", "stem",
]
