"""One spoken sentence → a subject line: imperative, hedges out, cut only between clauses.

"I fixed the off by one error in paginate that skipped the last item" becomes
"fix the off by one error in paginate": who did it goes, the verb takes its base
form, and a subject too wide for its columns loses a trailing clause ("that ...",
"because ...", "so that ...", "which ...", a "to ..." purpose, a parenthetical), a
trailing phrase after that, and never ends on a function word.
"""

from __future__ import annotations

import re

from .speech import HEDGE_RE, OPENER_RE, is_code, strip_opening
from .wrap import truncate, width

# A subject never ends on one of these.
FUNCTION_WORDS = frozenset(
    """the a an to of in on at by for with from into onto that which who and or but nor so
    because since than as if when while whose whom is are was were be been being has have had
    do does did will would can could should may might must its their our your his her my
    this these those there then also""".split()
)
# Boundaries to cut a long subject at, best first: a clause, then a phrase.
_CLAUSE_CUTS = (" because ", " since ", " so that ", ", so ", " so ", ", which ", " which ", " that ",
                " whenever ", " when ", " while ", " unless ", " if ", ", but ", " but ", " instead of ",
                " even ", " as ", " before ", " after ", " until ", " once ", " whether ", " (", " - ", "; ", ", ")
# Subjects past this many columns lose a trailing reason or result when one can go (git's advice: about 50).
SOFT_WIDTH = 50
_SOFT_CUTS = (" because ", " since ", " so that ", ", so ", " so ", ", which ", ", but ", ", it ", ", they ",
              " to prevent ", " to avoid ", " to stop ", " to make sure ", " in order to ", " instead of ")
_PURPOSE_CUTS = (" in order to ", " to ")
_PHRASE_CUTS = (" and ", " for ", " with ", " from ", " by ", " after ", " before ", " into ", " on ",
                " in ", " at ", " of ")

# Who did it, dropped before the verb: "I", "we've", "this commit", "in this patch I" ...
_SUBJECT_RE = re.compile(
    r"(?i)^(?:(?:in|with)\s+this\s+(?:commit|change|patch|series|pr|pull request)[,]?\s+)?"
    r"(?:(?:i|we|this\s+(?:commit|change|patch|series|pr|pull request)|it|here\s+(?:i|we)|the\s+patch)"
    r"(?:'ve|'m|'re|'ll|\s+have|\s+has|\s+am|\s+are|\s+will|\s+should|\s+can|\s+must|\s+could)?\s+)"
    r"(?:(?:just|basically|also|now|actually|finally|simply|then|quickly|mostly)\s+)*"
    r"(?:(?:want(?:ed)?\s+to|need(?:ed)?\s+to|tried\s+to|going\s+to|gonna|decided\s+to|had\s+to)\s+)?"
)
_LETS_RE = re.compile(r"(?i)^let'?s\s+")
# Time adverbials that open a statement but say nothing a subject needs.
_ADVERBIAL_RE = re.compile(r"(?i)^(?:(?:from\s+now\s+on|for\s+now|now|going\s+forward|in\s+the\s+end|anyway|"
                           r"after\s+that|this\s+time|at\s+last)\b,?\s+)+")
# Ordinals and "also" that open one of several changes ("Second, ..."): not part of the subject.
ENUM_RE = re.compile(r"(?i)^(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|also|plus|and\s+also|then|next|finally|"
                     r"(?:the\s+)?other\s+(?:thing|change)\s+is|another\s+thing\s+is|on\s+top\s+of\s+that)\b[,:]?\s+")

# Base forms of verbs that start commit subjects; used to undo tense ("fixed" → "fix").
VERBS = frozenset(
    """add allow avoid bump cache catch change check clean clear convert copy correct create
    debug delete deprecate disable document drop enable ensure expose extract fix format guard
    handle hide implement improve introduce keep let limit load log make merge move optimise
    optimize parse pass prevent raise read reduce refactor remove rename reorder replace
    reset restore retry return revert rewrite run set simplify skip sort speed split start
    stop store support teach test tidy track trim tweak unify update upgrade use validate
    wrap write bring build cut get give put show shorten speed-up increase lower speak
    record release report resolve respect reuse save send strip switch take tell try turn
    unwrap warn work escape sanitise sanitize mask honour honor reformat indent bump raise
    reserve compile default fall follow go lowercase lower-case accept call skip drop""".split()
)
_IRREGULAR = {
    "made": "make", "wrote": "write", "rewrote": "rewrite", "broke": "break", "took": "take",
    "ran": "run", "got": "get", "built": "build", "kept": "keep", "left": "leave", "brought": "bring",
    "gave": "give", "taught": "teach", "caught": "catch", "split": "split", "set": "set", "put": "put",
    "cut": "cut", "threw": "throw", "chose": "choose", "went": "go", "did": "do", "done": "do",
    "found": "find", "sped": "speed", "tidied": "tidy", "copied": "copy", "unified": "unify",
    "has": "have", "is": "be", "was": "be", "does": "do", "fell": "fall", "falls": "fall", "goes": "go",
}


def base_form(word: str) -> str:
    """``fixed``/``fixes``/``fixing`` → ``fix``; a word that is no inflected verb comes back as it was."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in VERBS:
        return w
    candidates: list[str] = []
    if w.endswith(("ied", "ies")):
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


def is_verb(word: str) -> bool:
    """True when ``word`` is (an inflection of) a verb that starts subjects."""
    return not is_code(word) and (word.lower() in VERBS or base_form(word) != word)


def _third_person_to_make(s: str, terms: frozenset[str]) -> str:
    """"paginate now returns every item" → "make paginate return every item" (a code term as the doer)."""
    m = re.match(r"^(\S+)\s+(?:now\s+|also\s+|only\s+)?(\w+s)\b(.*)$", s)
    if not m:
        return s
    doer = m.group(1)
    term = next((t for t in terms if t.lower() == doer.lower()), None)
    if not is_code(doer) and term is None:
        return s
    verb = base_form(m.group(2))
    if verb == m.group(2) or verb in ("be", "have"):
        return s
    return f"make {term or doer} {verb}{m.group(3)}"


def imperative(sentence: str, terms: frozenset[str] = frozenset()) -> str:
    """"I fixed the parser." → "fix the parser": drop who did it, base form of the verb, no full stop."""
    s = without_hedges(sentence.strip().rstrip(".!?。！？").strip())
    s = ENUM_RE.sub("", strip_opening(s))
    s = _ADVERBIAL_RE.sub("", _LETS_RE.sub("", s))
    # Who did it: "I fixed", "this commit makes", "this reverts", "it uses".
    forms = [_SUBJECT_RE.sub("", s, count=1)]
    m = re.match(r"(?i)^(?:this|that|it|which)\s+(?:now\s+|also\s+)?(.*)$", s)
    if m:
        forms.append(m.group(1))
    for form in forms + [s]:
        first, _, rest = form.partition(" ")
        if first.lower() in {t.lower() for t in terms} and re.match(r"^(?:now\s+|also\s+)?\w+s\b", rest):
            return _third_person_to_make(form, terms).strip(" ,;:")  # "save writes into ...": save is code
        if form and is_verb(first):
            return (base_form(first).lower() + (" " + rest if rest else "")).strip(" ,;:")
    return _third_person_to_make(s, terms).strip(" ,;:")


def without_hedges(subject: str) -> str:
    """``subject`` without "I think", "just", "really" and the like."""
    return " ".join(HEDGE_RE.sub(" ", subject).split()).strip(" ,;:")


def trim_end(subject: str) -> str:
    """Drop trailing function words, "now" and punctuation: a subject ends on a word that means something."""
    words = subject.rstrip(" ,;:-(").split()
    while len(words) > 1 and re.sub(r"[^\w']", "", words[-1]).lower() in FUNCTION_WORDS | {"now", "though"}:
        words.pop()
    return " ".join(words).rstrip(" ,;:-(")


def _heads(subject: str, markers: tuple[str, ...]) -> list[str]:
    heads = []
    for marker in markers:
        start = 0
        while (i := subject.find(marker, start)) > 0:
            heads.append(subject[:i])
            start = i + 1
    return heads


def shorten(subject: str, limit: int) -> tuple[str, bool]:
    """Fit ``subject`` into ``limit`` columns, cutting between clauses, then phrases; (text, cut)."""
    subject = trim_end(subject)
    if width(subject) <= limit:
        if width(subject) > SOFT_WIDTH:
            tight = [trim_end(h) for h in _heads(subject, _SOFT_CUTS)]
            tight = [h for h in tight if width(h) <= SOFT_WIDTH and len(h.split()) >= 3]
            if tight:
                return max(tight, key=len), True
        return subject, False
    for markers in (_CLAUSE_CUTS, _PURPOSE_CUTS, _PHRASE_CUTS):
        fitting = [trim_end(h) for h in _heads(subject, markers)]
        fitting = [h for h in fitting if width(h) <= limit and len(h.split()) >= 2]
        if fitting:
            return max(fitting, key=len), True
    return trim_end(truncate(subject, limit)), True


def has_action(sentence: str, terms: frozenset[str] = frozenset()) -> bool:
    """True when ``sentence`` says what was done: it opens (after who did it) with a verb."""
    s = imperative(sentence, terms)
    return bool(s) and (s.split()[0] in VERBS or s.split()[0] == "make") and not s.endswith("?")


def opens_as_talk(sentence: str) -> bool:
    """True when the sentence still starts with an opener after cleaning (used to rank candidates)."""
    return bool(OPENER_RE.match(sentence))
