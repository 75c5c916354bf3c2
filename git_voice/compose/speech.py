"""Talk → text: fillers out with the punctuation around them repaired, sentences, framing.

What a speaker says to fill a pause ("um", "you know", "basically") carries nothing
in writing and goes everywhere (subject and body). Openers ("so", "okay") and
framing ("what I did here is") go at the start of a sentence. Hedges ("I think",
"just") go from the subject only: in the body they are part of what was said.
A sentence that starts with a code term keeps it as written (``load_config now ...``).
"""

from __future__ import annotations

import re

# Fillers removed wherever they stand. Multi-word ones first.
_FILLERS = (r"you know", r"i mean", r"sort of", r"kind of", r"basically", r"um+", r"uh+", r"erm?",
            r"ah+", r"hmm+", r"mm+")
# A filler with the commas that set it off: ", uh, " is one pause, not two commas.
_FILLER_RE = re.compile(r"(?i)(?P<l>,\s*)?(?<![\w'])(?:" + "|".join(_FILLERS) + r")(?![\w'])(?P<r>\s*,)?")
# "like" is a filler only when set off by commas ("it drops, like, all the time").
_LIKE_RE = re.compile(r"(?i),\s*like\s*,")
# Discourse openers dropped at the start of a sentence ("So I fixed" → "I fixed").
OPENER_RE = re.compile(r"(?i)^(?:(?:so|okay|ok|well|right|alright|yeah|now|and|like|oh)\b[,.]?\s+)+")
# Framing before the statement: "what I did (here) is", "the thing is", "so the idea is".
_FRAMING_PREFIX_RE = re.compile(
    r"(?i)^(?:(?:so\s+)?what\s+(?:i|we)(?:'ve)?\s+(?:did|done|changed|have\s+done)(?:\s+here)?\s+(?:is|was)"
    r"|the\s+(?:thing|idea|change)\s+(?:here\s+)?is|the\s+gist\s+is)\b[,:]?\s*"
)
# Whole sentences that only announce what follows.
_FRAMING_SENTENCE_RE = re.compile(
    r"(?i)^(?:(?:two|three|a\s+couple\s+of|a\s+few|several)\s+(?:things|changes|fixes)(?:\s+(?:in\s+this\s+one|here|in\s+this\s+(?:commit|patch|change)))?"
    r"|(?:this|it)\s+(?:does|is)\s+(?:a\s+couple\s+of|a\s+few|two|several)\s+things"
    r"|(?:this\s+is\s+)?(?:a\s+)?(?:quick|small|tiny|short)\s+(?:one|fix|change|commit)"
    r"|this\s+is\s+(?:just\s+)?(?:a\s+)?(?:small|quick|tiny)\s+one"
    r"|okay|ok|so|right|here\s+goes|here\s+we\s+go)\W*$"
)
# Hedges dropped from the subject only.
HEDGE_RE = re.compile(r"(?i)(?<![\w'])(?:i\s+think|i\s+guess|i\s+believe|just|really|actually|simply|kind\s+of)(?![\w'])\s*,?\s*")
_REPEAT_RE = re.compile(r"(?i)\b(\w+(?:'\w+)?)(?:[\s,]+\1\b)+")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
# A word written the way code is: snake_case, dotted.path, camelCase, call(), `quoted`.
_CODE_SHAPE = re.compile(r"[_./:`()\[\]]|^[a-z]+[A-Z]|^[A-Z][a-z0-9]+[A-Z]|^[a-z].*\d")


def _drop_filler(m: re.Match) -> str:
    """A filler and the commas around it → what is left between the words on either side."""
    left, right = m.group("l"), m.group("r")
    if left and not right:
        return ","  # "it drops, um and" → "it drops, and"
    return " "


def remove_fillers(text: str) -> str:
    """``text`` without fillers, stutters ("the the") and the stray commas they leave."""
    text = " ".join(text.split())
    text = _LIKE_RE.sub(" ", text)
    text = _FILLER_RE.sub(_drop_filler, text)
    previous = None
    while previous != text:
        previous = text
        text = _REPEAT_RE.sub(r"\1", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]+\s*([.!?])", r"\1", text)  # "parser, you know." → "parser."
    text = re.sub(r"(^|[.!?]\s+)[,;:]\s*", r"\1", text)  # a sentence no longer starts with a comma
    return " ".join(text.split())


def is_code(word: str) -> bool:
    """True when ``word`` is written as code (``load_config``, ``os.path``, ``getUser``)."""
    return bool(_CODE_SHAPE.search(word.strip(",;:!?.\"'")))


def capitalise(sentence: str, terms: frozenset[str] = frozenset()) -> str:
    """Upper-case the first letter, unless the sentence opens with a code term (or one of ``terms``)."""
    first = sentence.split(" ", 1)[0].strip(",;:!?.")
    if not sentence[:1].islower() or is_code(first) or first in terms:
        return sentence
    return sentence[:1].upper() + sentence[1:]


def strip_opening(sentence: str) -> str:
    """``sentence`` without openers ("so", "okay") and framing ("what I did here is")."""
    previous = None
    while previous != sentence:
        previous = sentence
        sentence = OPENER_RE.sub("", sentence)
        sentence = _FRAMING_PREFIX_RE.sub("", sentence)
    return sentence.lstrip(" ,;:")


def is_framing(sentence: str) -> bool:
    """True for a sentence that only announces ("Two things in this one.", "Quick one.")."""
    return bool(_FRAMING_SENTENCE_RE.match(strip_opening(sentence.strip()).strip()))


def split_sentences(text: str) -> list[str]:
    """Sentences, ending punctuation kept (Chinese full stops included)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s and s.strip()]


def clean(text: str, terms: frozenset[str] = frozenset()) -> str:
    """The note as written text: fillers, stutters, openers and framing out; everything else kept."""
    out = ""
    for s in split_sentences(remove_fillers(text)):
        s = strip_opening(s)
        if not s.strip(" ,.;:!?"):
            continue
        # Chinese and Japanese sentences follow each other without a space.
        out += ("" if not out or out[-1] in "。！？" else " ") + capitalise(s, terms)
    return out
