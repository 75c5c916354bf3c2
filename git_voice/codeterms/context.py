"""Decisions in context: the words around a spoken span say whether it names a code
term or is ordinary English.

"I print the first line" is English; "the first line variable" names
``first_line``. Snapping (:mod:`.snap`) asks this module two things about a span
that matches a candidate's spoken form:

- :func:`context_preference`: among terms said alike (``UserStore``,
  ``user_store``, ``user_store.py``), which one the next word or an article
  points to ("the user store class", "a value parser").
- :func:`predicate_phrase`: whether a verb-initial name ("is detached", ``canRead``)
  is said of a subject, as English ("when it is detached"), so it is written as words
  even where the decoder already wrote the name.
- :func:`plain_phrase`: whether to leave the span as spoken because it reads as
  an everyday noun phrase ("the content type", "the first line") rather than a
  name. A span is English when it is a local or parameter of the change (not
  something the change defines), said as two everyday words after a determiner,
  and nothing around it says "code": no head noun after it ("the snip left
  widths", "the seek clips list", "the dry run flag"), and no sibling term (one
  sharing a word with it) written as code in the same sentence ("the snip left
  and snip right widths", "built from the seek points" after ``seek_clips``).
  A name only on an unchanged line next to the change, and a lower-case file stem
  said without its ending ("lines in an env file"), is English after any
  determiner or article; a dotted member after a determiner, its dot unsaid, is
  a subject and its verb ("whenever the request accepts JSON"). Everyday words
  right after a modal verb are a verb phrase ("you can allow any number"), not
  ``AllowAny``.

Spans are duck-typed: ``run`` is a sequence of words with ``.text``; a match has
``first``, ``last`` (word indexes in ``run``) and ``term``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from .spoken import EXTENSION_WORDS, pieces

# A word is everyday English when its Zipf frequency (log10 of uses per billion
# words, wordfreq) is at least this: about once in three million words, which
# takes in "config" or "label" and leaves out jargon such as "async", "logits",
# "kwargs" or "stdin".
PLAIN_ZIPF = 2.5
# Words that open a noun phrase: what follows is a thing ("the user config",
# "some user config", "its content type").
DETERMINERS = frozenset("the this that these those its their our your his her my some any each every".split())
# After "a"/"an" a name is a noun, so a type rather than a function or variable of
# the same spoken form ("takes a value parser": ``ValueParser``, not ``value_parser``).
INDEFINITE = frozenset({"a", "an"})
# The word after a name often says what kind of name it is: "the user store class".
TYPE_WORDS = frozenset("class struct type trait interface enum component".split())
FUNC_WORDS = frozenset("function method func helper variable field flag argument parameter".split())
FILE_WORDS = frozenset("file module header script".split())
# Head nouns after a span that make it a name, not English ("the snip left widths",
# "the seek clips list"), besides the kind words above.
HEAD_NOUNS = TYPE_WORDS | FUNC_WORDS | FILE_WORDS | frozenset(
    "functions methods variables fields flags arguments parameters option options setting settings "
    "value values list lists map dict array set widths width key keys constant constants attribute "
    "attributes property properties param params arg args var vars macro call calls check".split()
)
# How far after a span a head noun may come: past a coordinated sibling
# ("snip left and snip right widths").
HEAD_REACH = 4
# Names that open with a verb (``is_detached``, ``canRead``, ``hasServerProps``) are
# also what a sentence says of its subject: "when it is detached", "the converter can
# read", "when they has server props" (a decoder's slip for "have").
PREDICATE_VERBS = frozenset("is are was were has have had can could should would will does did must may might needs".split())
# After these a verb-initial name is still a name: "checked in canRead", "calls
# is_valid", "the is_detached check", and a conjunction opening a clause whose
# subject it is ("when is pod termination requested says so").
NAME_OPENERS = DETERMINERS | INDEFINITE | frozenset(
    "in of to from by via with into inside on onto for through at as than calls call called calling named "
    "renamed rename renames use uses using when if unless while because since until whether once where "
    "then so but".split()
)
# After a modal verb comes a verb phrase: "so you can allow any number of issues" is
# English, not ``AllowAny``; a name is introduced by a verb ("can call allow any").
MODALS = frozenset("can could will would should may might must shall cannot".split())
# Adverbs that open a sentence: a verb-initial name right after one has no subject
# to be said of ("Now is comment only looks at the kinds").
SENTENCE_ADVERBS = frozenset("now also still instead here".split())
_COORDINATORS = frozenset({"and", "or", "nor"})
_EXTENSION = re.compile(r"\.([A-Za-z]{1,4})$")


def _is_constant(term: str) -> bool:
    """SCREAMING_CASE: a constant, which like a local names a value (``VERSION_FILE``)."""
    return "_" in term and not any(c.islower() for c in term) and any(c.isalpha() for c in term)


def _is_header_name(term: str) -> bool:
    """An HTTP header's name: capitalised words joined by hyphens (``Retry-After``)."""
    parts = term.split("-")
    return len(parts) > 1 and all(p[:1].isupper() and p.replace("_", "").isalnum() for p in parts)


def _is_type(term: str) -> bool:
    return term[:1].isupper() and any(c.islower() for c in term) and "_" not in term and "." not in term


def context_preference(run: Sequence[Any], first: int, last: int, term: str) -> int:
    """How much to move ``term`` up the ranking given the words around its span.

    Among terms that sound alike (``UserStore``, ``user_store``, ``user_store.py``),
    a following "class" favours the type, "function" the lower-case name,
    "file" the path and "header" an HTTP header's name (``Retry-After``); a
    preceding "a" or "an" favours the type ("takes a value parser"); other words
    change nothing.
    """
    is_type = _is_type(term)
    is_path = "/" in term or bool(_EXTENSION.search(term))
    if last + 1 < len(run):
        nxt = run[last + 1].text.lower()
        if nxt in ("header", "headers") and _is_header_name(term):
            return 10_000  # "a retry after header": ``Retry-After``, not ``$retryAfter``
        if (nxt in TYPE_WORDS and is_type) or (nxt in FILE_WORDS and is_path):
            return 10_000
        if nxt in FUNC_WORDS and not is_type and not is_path:
            return 10_000
        if nxt in TYPE_WORDS | FUNC_WORDS | FILE_WORDS:
            return 0
    if first > 0 and run[first - 1].text.lower() in INDEFINITE and is_type:
        return 10_000
    return 0


@lru_cache(maxsize=4096)
def is_everyday_word(word: str) -> bool:
    """True when ``word`` is common in general English text (``PLAIN_ZIPF``); False
    when it is not, or when no word-frequency data is installed (snap as before)."""
    from .everyday import is_everyday

    return is_everyday(word, PLAIN_ZIPF)


def head_noun_after(run: Sequence[Any], last: int) -> bool:
    """Whether a head noun (``HEAD_NOUNS``) follows word ``last``: next, or within
    ``HEAD_REACH`` words when a coordinator ("and", "or") joins a sibling first."""
    words = [w.text.lower() for w in run[last + 1 : last + 1 + HEAD_REACH]]
    if words and words[0] in HEAD_NOUNS:
        return True
    if words and words[0] in _COORDINATORS:
        return any(w in HEAD_NOUNS for w in words[1:])
    return False


def has_written_sibling(m: Any, written: Sequence[Any]) -> bool:
    """Whether another match written as code in the same run starts with the same word
    as ``m``'s term (``snip_right`` for ``snip_left``, ``seek_clips`` for ``seek_points``):
    names of one family. A shared last word is common to unrelated names
    (``loadConfig``, ``userConfig``) and does not count."""
    head = pieces(m.term)[0].text.lower()
    return any(o is not m and o.term != m.term and pieces(o.term)[0].text.lower() == head for o in written)


def predicate_phrase(run: Sequence[Any], m: Any) -> bool:
    """True when match ``m`` is a verb-initial name (``is_detached``, ``canRead``) said
    as a predicate: right after its subject (a pronoun, a noun, another name) rather
    than after a word that introduces a name (:data:`NAME_OPENERS`) or at the start of
    the run. "only when it is detached" and "the converter can read" are English;
    "checked in canRead" and "calls is valid" name the function."""
    words = pieces(m.term)
    if len(words) < 2 or words[0].text.lower() not in PREDICATE_VERBS or m.first == 0:
        return False
    if head_noun_after(run, m.last):
        return False
    before = run[m.first - 1].text.lower()
    if m.first == 1 and before in SENTENCE_ADVERBS:
        return False  # "Now is comment only looks at ...": no subject before it
    return before not in NAME_OPENERS


def _member_after_determiner(run: Sequence[Any], m: Any) -> bool:
    """A dotted member (``request.accepts``, ``node.equal``) right after a determiner,
    its dot not said: "whenever the request accepts JSON" is a subject and its verb,
    not the member, whether or not the decoder wrote the dot."""
    term = m.term
    ending = _EXTENSION.search(term)
    if "." not in term or "/" in term or (ending and ending.group(1).lower() in EXTENSION_WORDS):
        return False  # a file name: "the config dot py file"
    if m.first == 0 or run[m.first - 1].text.lower() not in DETERMINERS:
        return False
    return not any(w.text.lower() == "dot" for w in run[m.first : m.last + 1])


def _everyday_words(run: Sequence[Any], m: Any, decoded: bool) -> bool:
    """Whether ``m``'s span is everyday English words, in lower case unless ``decoded``
    (the decoder wrote the name, so its words may be in any case)."""
    return all(w.text.isalpha() and (w.text.islower() or decoded) and is_everyday_word(w.text.lower())
               for w in run[m.first : m.last + 1])


def _after_modal(run: Sequence[Any], m: Any, decoded: bool) -> bool:
    """A span said right after a modal verb ("you can allow any number"), in everyday
    lower-case words and no head noun after it: the verb phrase, not a name."""
    if m.first == 0 or run[m.first - 1].text.lower() not in MODALS or head_noun_after(run, m.last):
        return False
    return _everyday_words(run, m, decoded)


def plain_phrase(run: Sequence[Any], m: Any, kind: str, written: Sequence[Any] = (), decoded: bool = False) -> bool:
    """True when match ``m`` reads as an everyday noun phrase and stays as spoken.

    That is: a local or parameter of the change (``kind`` "local"), or a constant
    it only uses (``kind`` "used", SCREAMING_CASE: "naming the version file" with
    ``VERSION_FILE``): names of a value, which a note talks about as the thing; said as a
    determiner ("the", "some", "its", ...) and then two lower-case everyday words,
    with no head noun after them (:func:`head_noun_after`) and no sibling term
    among ``written``, the other matches of the run that are written as code.
    "assign defaults on the user config" keeps "user config" even when a local
    ``userConfig`` is a candidate. Jargon ("the logits processor"), longer names
    ("the async exit stack": English compounds are mostly two words, longer runs
    that spell an identifier rarely happen by chance) and names the change
    defines ("the text model" for a class ``TextModel`` it edits) still snap.
    So is a lower-case file stem said without its ending (``kind`` "path": "lines in
    an env file" with ``env-file.c``; a CamelCase stem names its class). A name only
    on an unchanged line next to the change (``kind`` "nearby") is the
    thing whenever a determiner or "a"/"an" comes right before it, at any length and
    in any words ("complains about the wrong type of return value"), unless a head
    noun or a sibling says otherwise.
    With ``decoded`` the decoder already wrote the name (``version_file``,
    ``VERSION_FILE``): its words may be in any case, and the caller writes it back as
    the words.
    """
    if _member_after_determiner(run, m) and not head_noun_after(run, m.last):
        return True
    if _after_modal(run, m, decoded):
        return True
    if kind == "nearby":
        # A name only next to the change, said as a noun phrase ("a hash without braces",
        # "the wrong type of return value"), is the thing, at any length.
        return (m.first > 0 and run[m.first - 1].text.lower() in DETERMINERS | INDEFINITE
                and not head_noun_after(run, m.last) and not has_written_sibling(m, written))
    if kind == "path" and not _EXTENSION.search(m.term) and m.term.islower():
        # A lower-case file stem said without its ending, as a noun phrase ("lines in an
        # env file" with ``env-file.c``): the thing. ``SplitChunksPlugin`` names its class.
        return (m.first > 0 and run[m.first - 1].text.lower() in DETERMINERS | INDEFINITE
                and not head_noun_after(run, m.last) and not has_written_sibling(m, written))
    if not (kind == "local" or (kind == "used" and _is_constant(m.term))):
        return False
    if m.last - m.first != 1 or m.first == 0 or len(pieces(m.term)) != 2:
        return False
    if run[m.first - 1].text.lower() not in DETERMINERS:
        return False
    if head_noun_after(run, m.last) or has_written_sibling(m, written):
        return False
    return _everyday_words(run, m, decoded)
