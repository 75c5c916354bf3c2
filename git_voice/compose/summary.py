"""Speech → a subject line and a body.

Spoken notes start the way people talk ("So, um, I fixed the the parser because
..."); a subject line is imperative ("fix the parser"), has no filler words,
repeats or trailing full stop, and fits its column budget. The body keeps the
whole explanation (the *why*), cleaned of fillers only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .wrap import truncate, width

# Words and phrases that carry nothing in writing. Multi-word ones first.
_FILLERS = (
    r"you know",
    r"i mean",
    r"sort of",
    r"kind of",
    r"um+",
    r"uh+",
    r"erm?",
    r"ah+",
    r"hmm+",
    r"mm+",
)
_FILLER_RE = re.compile(r"(?i)(?<![\w'])(?:" + "|".join(_FILLERS) + r")(?![\w']),?\s*")
# Discourse openers dropped at the start of a sentence only ("So I fixed" → "I fixed").
_OPENER_RE = re.compile(r"(?i)^(?:(?:so|okay|ok|well|right|alright|yeah|basically|now|and|like)\b[,.]?\s+)+")
_REPEAT_RE = re.compile(r"(?i)\b(\w+(?:'\w+)?)(?:[\s,]+\1\b)+")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")

# Who did it, dropped before the verb: "I", "we've", "this commit", "in this patch I" ...
_SUBJECT_RE = re.compile(
    r"(?i)^(?:(?:in|with)\s+this\s+(?:commit|change|patch|series|pr|pull request)[,]?\s+)?"
    r"(?:(?:i|we|this\s+(?:commit|change|patch|series|pr|pull request)|it|here\s+(?:i|we)|the\s+patch)"
    r"(?:'ve|'m|'re|'ll|\s+have|\s+has|\s+am|\s+are|\s+will)?\s+)"
    r"(?:(?:just|basically|also|now|actually|finally|simply|then|quickly|mostly)\s+)*"
    r"(?:(?:want(?:ed)?\s+to|need(?:ed)?\s+to|tried\s+to|going\s+to|gonna|decided\s+to|had\s+to)\s+)?"
)
_LETS_RE = re.compile(r"(?i)^let'?s\s+")

# Base forms of verbs that start commit subjects; used to undo tense ("fixed" → "fix").
VERBS = frozenset(
    """add allow avoid bump cache catch change check clean clear convert copy correct create
    debug delete deprecate disable document drop enable ensure expose extract fix format guard
    handle hide implement improve introduce keep let limit load log make merge move optimise
    optimize parse pass prevent raise read reduce refactor remove rename reorder replace
    reset restore retry return revert rewrite run set simplify skip sort speed split start
    stop store support teach test tidy track trim tweak unify update upgrade use validate
    wrap write bring build cut get give put show shorten speed-up increase lower read speak
    record release report resolve respect reuse save send strip switch take tell try turn
    unwrap warn work""".split()
)
_IRREGULAR = {
    "made": "make", "wrote": "write", "rewrote": "rewrite", "broke": "break", "took": "take",
    "ran": "run", "got": "get", "built": "build", "kept": "keep", "left": "leave", "brought": "bring",
    "gave": "give", "taught": "teach", "caught": "catch", "split": "split", "set": "set", "put": "put",
    "cut": "cut", "threw": "throw", "chose": "choose", "went": "go", "did": "do", "done": "do",
    "found": "find", "sped": "speed", "tidied": "tidy", "copied": "copy", "unified": "unify",
    "has": "have", "is": "be", "was": "be", "does": "do",
}


@dataclass
class Summary:
    """``subject``: imperative, no full stop (case left to the convention); ``body``: the cleaned note."""

    subject: str
    body: str
    truncated: bool = False


def clean(text: str) -> str:
    """Remove filler words and stutters ("the the"), collapse whitespace; keep everything else."""
    text = " ".join(text.split())
    text = _FILLER_RE.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _REPEAT_RE.sub(r"\1", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]+\s*([.!?])", r"\1", text)  # "parser, you know." → "parser."
    sentences = [_OPENER_RE.sub("", s).strip() for s in split_sentences(text)]
    out = ""
    for s in (s for s in sentences if s.strip(" ,.;:")):
        # Chinese and Japanese sentences follow each other without a space.
        out += ("" if not out or out[-1] in "。！？" else " ") + _capitalise(s)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences, ending punctuation kept (Chinese full stops included)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s and s.strip()]


_CODE_WORD = re.compile(r"[_./:()`\[\]<>\d]|^\S+?[a-z][A-Z]")


def is_code_word(word: str) -> bool:
    """``load_config``, ``parse_headers_1``, ``os.path``, ``getUser``, ``src/x.py``: a word whose
    case is part of its name, so a sentence may not change it."""
    return bool(_CODE_WORD.search(word))


def capitalise_first(s: str) -> str:
    """Sentence case: the first letter upper-cased, unless the first word is code (``load_config``)."""
    first = s.split(" ", 1)[0]
    return s[:1].upper() + s[1:] if s[:1].islower() and not is_code_word(first) else s


def lower_first(s: str) -> str:
    """The first letter lower-cased, unless the first word is code (``ValueParser``) or an acronym."""
    first = s.split(" ", 1)[0]
    if (len(first) > 1 and first.isupper()) or is_code_word(first):
        return s
    return s[:1].lower() + s[1:]


def _capitalise(s: str) -> str:
    return capitalise_first(s)


def base_form(word: str) -> str:
    """``fixed``/``fixes``/``fixing`` → ``fix``; a word that is no inflected verb comes back as it was."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in VERBS:
        return w
    candidates: list[str] = []
    if w.endswith("ied"):
        candidates.append(w[:-3] + "y")
    if w.endswith("ies"):
        candidates.append(w[:-3] + "y")
    if w.endswith("ed"):
        candidates += [w[:-2], w[:-1], w[:-3]]
    if w.endswith("ing"):
        candidates += [w[:-3], w[:-3] + "e", w[:-4]]
    if w.endswith("es"):
        candidates.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        candidates.append(w[:-1])
    for c in candidates:
        if c in VERBS:
            return c
    return word


def imperative(sentence: str) -> str:
    """"I fixed the parser." → "fix the parser": drop who did it, base form of the verb, no full stop."""
    s = sentence.strip().rstrip(".!?。！？").strip()
    s = _OPENER_RE.sub("", s)
    s = _LETS_RE.sub("", s)
    stripped = _SUBJECT_RE.sub("", s, count=1)
    if stripped and stripped != s:
        s = stripped
    first, _, rest = s.partition(" ")
    verb = base_form(first)
    if verb != first or first.lower() in VERBS:
        s = verb.lower() + (" " + rest if rest else "")
    return s.strip(" ,;:")


def _shorten(subject: str, limit: int) -> tuple[str, bool]:
    """Fit ``subject`` into ``limit`` columns: first at a clause boundary, else at a word."""
    if width(subject) <= limit:
        return subject, False
    for marker in (" because ", " so that ", " since ", " which ", "; ", ", ", " and ", " so "):
        head = subject.split(marker, 1)[0]
        if head != subject and 3 <= len(head.split()) and width(head) <= limit:
            return head.rstrip(" ,;:"), True
    return truncate(subject, limit), True


def summarise(text: str, limit: int = 72) -> Summary:
    """A spoken note → :class:`Summary` whose subject fits ``limit`` columns.

    The subject comes from the first sentence; the body is the whole cleaned note,
    or empty when the subject already says all of it.
    """
    cleaned = clean(text)
    sentences = split_sentences(cleaned)
    if not sentences:
        return Summary(subject="", body="")
    subject = imperative(sentences[0])
    subject = re.sub(r"[.。!！?？]+$", "", subject)
    subject, cut = _shorten(subject, limit)
    whole = len(sentences) == 1 and not cut
    return Summary(subject=subject, body="" if whole else cleaned, truncated=cut)
