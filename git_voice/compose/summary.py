"""Speech → a subject line and a body.

Spoken notes start the way people talk ("Um, so basically, what I did here is, the
login page was timing out, so I bumped the timeout"). The subject is the sentence
(or clause) that states what was done, in the imperative, never a framing sentence
("two things in this one") or a question (those stay in the body, as said). Two
changes said ("First, ... Second, ...") give a subject naming both when it fits, the
first otherwise, and a body that lists them. A note too short to say what changed
("typo", "fix") takes its object from the change. The body is the whole note,
cleaned of fillers, in paragraphs (see :mod:`body`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .body import paragraphs
from .change import ChangeFacts
from .speech import clean, is_framing, remove_fillers, split_sentences, strip_opening
from .subject import (
    ENUM_RE,
    FUNCTION_WORDS,
    base_form,
    has_action,
    imperative,
    shorten,
    trim_end,
    without_hedges,
)

__all__ = ["Summary", "summarise", "clean", "split_sentences", "base_form", "imperative"]

# Clause boundaries inside a sentence where the statement of what was done may start.
_CLAUSE_SPLIT = re.compile(r"(?i),\s+(?=(?:so|and|but)\s+(?:i|we|now)\b)|,\s+(?=and\s+(?:also|then)\b)|\s+(?=so\s+(?:i|we)\b)|;\s+|,\s+(?=(?:i|we)\s+\w+ed\b)")
# Words that say nothing of the change on their own ("Typo.", "Fixed it.", "More tests.").
_GENERIC = frozenset(
    """fix fixes fixed fixing typo typos cleanup clean cleaned up tidy tidied update updated tweak tweaks
    change changes stuff minor small wip tests test more docs format formatting refactor misc it this
    things thing some few bits""".split()
)
# "I added X because ..., is zero the right default though?": a statement with a question on its tail.
_TAG_QUESTION = re.compile(r"(?i),\s+(?=(?:is|are|do|does|did|should|can|could|would|will|what|why|how|or)\b[^,]*\?$)")
# A question the recogniser wrote without its "?" ("Should we really log the body here.").
_QUESTION_START = re.compile(r"(?i)^(?:(?:should|shall|is|are|was|were|do|does|did|can|could|would|will|why|how|who|where)"
                             r"\s+(?:we|i|you|it|this|that|there|anyone|anybody|they|the|he|she)\b|what\s+(?:happens|if|about)\b)")
_PRONOUN_RE = re.compile(r"(?i)^(?:it|this|they|that)\s+(?:now\s+)?(?=\w+s\b)")
_ALSO_RE = re.compile(r"(?i)\b(?:i|we)\s+(?:have\s+)?also\b|^also\b")


@dataclass
class Summary:
    """``subject``: imperative, no full stop (case left to the convention); ``body``: the cleaned
    note in paragraphs ("- " items for several changes); ``changes``: each change's subject."""

    subject: str
    body: str
    truncated: bool = False
    changes: list[str] = field(default_factory=list)


def _clauses(sentence: str) -> list[str]:
    """The sentence, then the clauses after each boundary ("..., so I bumped X" → "I bumped X")."""
    parts = _CLAUSE_SPLIT.split(sentence)
    out = [sentence]
    for i in range(1, len(parts)):
        out.append(re.sub(r"(?i)^(?:so|and|but)\s+", "", " ".join(parts[i:])))
    return out


def _statement(sentence: str) -> str | None:
    """The sentence as a statement: a question → None, a tag question's statement part → that part."""
    if not sentence.rstrip().endswith("?"):
        return None if _QUESTION_START.match(strip_opening(sentence)) else sentence
    parts = _TAG_QUESTION.split(sentence, maxsplit=1)
    return parts[0] if len(parts) == 2 else None


def _resolve(part: str, before: str, terms: frozenset[str]) -> str:
    """"It returns ..." after a sentence naming ``read_config`` → "read_config returns ..."."""
    if not _PRONOUN_RE.match(part):
        return part
    named = [w.strip(",.;:") for w in before.split() if w.strip(",.;:") in terms]
    return _PRONOUN_RE.sub(named[0] + " ", part, count=1) if named else part


def actions(sentences: list[str], terms: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(sentence index, the text that states a change) for each change a sentence states.

    A sentence gives its first clause that states one, and a later clause that adds
    another ("..., and also save writes into ...").
    """
    found = []
    for i, s in enumerate(sentences):
        s = _statement(s)
        if s is None or is_framing(s):
            continue
        s = _resolve(s, sentences[i - 1] if i else "", terms)
        taken = False
        for n, part in enumerate(_clauses(s)):
            if (not taken or (n and _ALSO_RE.search(part))) and has_action(part, terms):
                found.append((i, part))
                if taken:
                    break
                taken = True
    return found


def several(sentences: list[str], found: list[tuple[int, str]]) -> bool:
    """True when the note lists more than one change ("First ... Second ...", "I also ...")."""
    if len(found) < 2:
        return False
    announced = any(is_framing(s) and not re.search(r"(?i)\b(?:quick|small|tiny|short)\b", s) for s in sentences)
    enumerated = any(ENUM_RE.match(strip_opening(part)) or _ALSO_RE.search(part) for _, part in found[1:])
    return announced or enumerated


def too_short(subject: str) -> bool:
    """True when ``subject`` names no object ("typo", "fix it", "more tests")."""
    words = [w.lower().strip(".,!?") for w in subject.split()]
    return bool(words) and len(words) <= 3 and all(w in _GENERIC or w in FUNCTION_WORDS for w in words)


def object_subject(said: str, facts: ChangeFacts | None) -> str | None:
    """A subject for a note too short to have one, its object taken from the change; None without one."""
    target = facts.object() if facts else None
    if not target:
        return None
    words = set(re.findall(r"[a-z]+", said.lower()))
    if words & {"typo", "typos"}:
        return f"fix typo in {target}"
    if words & {"test", "tests"} and facts and facts.added_defs:
        return f"add {target}"
    if words & {"cleanup", "clean", "tidy", "tidied", "cleaned"}:
        return f"clean up {target}"
    if words & {"fix", "fixes", "fixed"}:
        return f"fix {target}"
    if words & {"format", "formatting"}:
        return f"format {target}"
    return f"update {target}"


def _subject(sentences: list[str], found: list[tuple[int, str]], limit: int, terms: frozenset[str]) -> tuple[str, bool]:
    """The subject from the first stated change (two joined when both fit); (subject, cut)."""
    if not found:
        plain = [s for s in sentences if _statement(s) == s and not is_framing(s)]
        if not plain:
            return "", False
        return shorten(without_hedges(imperative(plain[0], terms)), limit)
    first = without_hedges(imperative(found[0][1], terms))
    if several(sentences, found):
        second = without_hedges(imperative(found[1][1], terms))
        both = f"{shorten(first, limit)[0]} and {shorten(second, limit)[0]}"
        if len(both) <= limit and not shorten(both, limit)[1]:
            return both, False
    return shorten(first, limit)


def summarise(text: str, limit: int = 72, facts: ChangeFacts | None = None) -> Summary:
    """A spoken note (and the change it is about) → :class:`Summary` whose subject fits ``limit`` columns.

    The body is the whole cleaned note, or empty when the subject already says all of it.
    """
    terms = facts.identifiers if facts else frozenset()
    cleaned = clean(text, terms)
    sentences = split_sentences(cleaned)
    if not sentences:
        return Summary(subject="", body="")
    found = actions(sentences, terms)
    subject, cut = _subject(sentences, found, limit, terms)
    subject = re.sub(r"[.。!！?？]+$", "", subject)
    if not subject or too_short(subject):
        subject = object_subject(remove_fillers(text), facts) or subject
    listed = several(sentences, found)
    items = sorted({i for i, _ in found}) if listed else []
    whole = len(sentences) == 1 and not cut and not listed and trim_end(without_hedges(imperative(sentences[0], terms))) == subject
    body = "" if whole or too_short(cleaned) else paragraphs(sentences, items)
    changes = [without_hedges(imperative(part, terms)) for _, part in found] if listed else []
    return Summary(subject=subject, body=body, truncated=cut, changes=changes)
