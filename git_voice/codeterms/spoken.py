"""How people say a code term: ``get_user_by_id`` → "get user by id", "get underscore user ...".

A term is split into *pieces* (words) joined by *separators* (``_``, ``.``, ``/``,
``::``, ``-`` or a case/digit boundary). Its spoken forms vary in whether the
separators are said, how acronyms, numbers and file endings are said. Snapping
compares *compact keys* (letters and digits only, lower case) so that a speech
model's word boundaries ("userstore.py" for "user store dot py") do not matter.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

# A separator and the words people say for it ("" = not said).
SEPARATOR_WORDS: dict[str, tuple[str, ...]] = {
    "_": ("", "underscore"),
    ".": ("", "dot"),
    "/": ("", "slash"),
    "::": ("", "colon colon"),
    "-": ("", "dash", "hyphen"),
    ":": ("", "colon"),
    "+": ("", "plus"),  # a MIME type's suffix: application/problem+json
}
# File endings said as a word or letter by letter; Whisper writes the letters
# together ("dot py"), spaced ("dot j s") or as a sounds-like word ("dot pie").
EXTENSION_WORDS: dict[str, tuple[str, ...]] = {
    "py": ("py", "pie", "pi", "pye"),
    "js": ("js", "jay ess", "jays"),
    "ts": ("ts", "tee ess", "tease"),
    "jsx": ("jsx",),
    "tsx": ("tsx",),
    "rs": ("rs", "are ess", "ross"),
    "go": ("go",),
    "c": ("c", "see"),
    "h": ("h", "age", "each"),
    "md": ("md", "em dee"),
    "json": ("json", "jason", "jay son"),
    "toml": ("toml", "tom", "tommel"),
    "yaml": ("yaml", "yamel", "yemel"),
    "yml": ("yml", "yaml", "yamel"),
    "cfg": ("cfg", "config"),
    "txt": ("txt", "text"),
    "sh": ("sh", "shell"),
    "rb": ("rb",),
    "cpp": ("cpp", "c plus plus", "see plus plus"),
    "hpp": ("hpp",),
}
# Short parts a speaker usually spells out ("u r l") or says as written ("url");
# the compact key is the same, so only sounds-like spellings need listing.
ACRONYM_SOUNDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "i d", "eye dee"),
    "ids": ("ids", "i ds"),
    "sql": ("sql", "sequel"),
    "gui": ("gui", "gooey"),
    "ascii": ("ascii", "asky"),
    "jwt": ("jwt", "jot"),
    "oauth": ("oauth", "o auth"),
    "wasm": ("wasm", "wasum"),
    "cpu": ("cpu",),
}
# Abbreviations said as the full word ("prepare commit message" for ``-msg``).
ABBREVIATIONS: dict[str, str] = {
    "msg": "message", "cfg": "config", "ctx": "context", "str": "string", "fn": "function",
    "args": "arguments", "arg": "argument", "dir": "directory", "len": "length", "num": "number",
    "buf": "buffer", "err": "error", "req": "request", "res": "response", "init": "initialize",
    "env": "environment", "repo": "repository", "auth": "authentication", "db": "database",
    "tmp": "temp", "max": "maximum", "min": "minimum", "idx": "index", "pos": "position",
}
# Words that alone never make a code term worth writing ("is_a", "to_do"), and that a
# spoken name seldom starts or ends on.
FUNCTION_WORDS = frozenset("a an the is are be to of in on at by for and or not it if as do so no up we i".split())
_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_CHUNK = re.compile(r"(::|[_./:+\-])|([A-Za-z0-9]+)")
MAX_FORMS = 24


@dataclass(frozen=True)
class Piece:
    """One word of a term and the separator written after it ("" for a case boundary)."""

    text: str
    sep: str = ""


def pieces(term: str) -> list[Piece]:
    """Split any identifier, path or symbol into words, language-agnostically.

    ``parseHTTPHeader`` → parse, HTTP, Header; ``std::fs::File`` → std, fs, File;
    ``src/user_store.py`` → src, user, store, py. Separators are kept on the
    word before them. Characters that are neither word nor separator are dropped.
    """
    out: list[Piece] = []
    for m in _CHUNK.finditer(term):
        sep, chunk = m.group(1), m.group(2)
        if sep:
            if out:
                out[-1] = Piece(out[-1].text, out[-1].sep + sep)
            continue
        for part in _PIECE.findall(chunk):
            out.append(Piece(part))
    if out and out[-1].sep:
        out[-1] = Piece(out[-1].text)
    return out


def words(term: str) -> list[str]:
    """The lower-case words of a term: ``getUserByID`` → ["get", "user", "by", "id"]."""
    return [p.text.lower() for p in pieces(term)]


def is_codey(term: str) -> bool:
    """True when ``term`` is written unlike a plain word, so it has a code form to restore.

    Two or more words (``parse_header``, ``parseHeader``, ``os.path``, ``a/b``) or
    letters mixed with digits (``utf8``, ``sha256``) qualify; ``user``, ``URL``,
    ``Config`` and ``__init__`` do not.
    """
    ps = pieces(term)
    if len(ps) >= 2:
        return True
    return bool(ps) and any(c.isdigit() for c in term) and any(c.isalpha() for c in term)


def compact(text: str) -> str:
    """Letters and digits only, lower case: the key snapping compares."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def number_words(digits: str) -> tuple[str, ...]:
    """A number as written and, up to twelve, as a word ("2" → "2", "two")."""
    n = int(digits)
    return (digits, _NUMBERS[n]) if n < len(_NUMBERS) and digits == str(n) else (digits,)


def _word_variants(piece: Piece, is_extension: bool, screaming: bool) -> tuple[str, ...]:
    low = piece.text.lower()
    if is_extension and low in EXTENSION_WORDS:
        return EXTENSION_WORDS[low]
    if low.isdigit():
        return number_words(low)
    if low in ACRONYM_SOUNDS:
        return ACRONYM_SOUNDS[low]
    if low in ABBREVIATIONS:
        return (low, ABBREVIATIONS[low])
    if piece.text.isupper() and len(low) <= 5 and not screaming:
        # An acronym inside a mixed-case term (``parseHTTPHeader``) is spelt out, letter by letter; the compact key is the same as the word's.
        return (low, " ".join(low))
    return (low,)


def _sep_variants(sep: str, before_extension: bool) -> tuple[str, ...]:
    if not sep:
        return ("",)
    if sep in SEPARATOR_WORDS:
        opts = SEPARATOR_WORDS[sep]
        # A file ending is nearly always said with its "dot".
        return ("dot", "") if before_extension and sep == "." else opts
    # Several separators in a row ("__", "./"): said as their parts or not at all.
    said = " ".join(w for ch in sep for w in SEPARATOR_WORDS.get(ch, ("",))[1:2])
    return ("", said) if said else ("",)


@lru_cache(maxsize=4096)
def spoken_forms(term: str) -> tuple[str, ...]:
    """The ways a person says ``term``, most likely first, as lower-case word strings.

    ``user_store.py`` → "user store dot py", "user store py", "user underscore
    store dot py", "user store dot pie", ... Separators are said all together or
    not at all, which keeps the list short (at most ``MAX_FORMS``).
    """
    ps = pieces(term)
    if not ps:
        return ()
    ext_index = len(ps) - 1 if len(ps) > 1 and ps[-2].sep.endswith(".") and ps[-1].text.lower() in EXTENSION_WORDS else -1
    # SCREAMING_CASE words are ordinary words said aloud, not acronyms.
    screaming = not any(c.islower() for c in term)
    word_opts = [_word_variants(p, i == ext_index, screaming) for i, p in enumerate(ps)]
    forms: list[str] = []
    for say_seps in (False, True):
        seps = [_sep_variants(p.sep, i == ext_index - 1) for i, p in enumerate(ps)]
        chosen_seps = [s[1] if say_seps and len(s) > 1 and s[0] == "" else s[0] for s in seps]
        for combo in itertools.product(*word_opts):
            parts: list[str] = []
            for w, s in zip(combo, chosen_seps):
                parts.append(w)
                if s:
                    parts.append(s)
            form = " ".join(parts)
            if form not in forms:
                forms.append(form)
                if term.startswith("--") and len(forms) == 1:
                    # A long flag is said with its dashes as often as without: "dash dash dry run".
                    forms.append("dash dash " + form)
            if len(forms) >= MAX_FORMS:
                return tuple(forms)
    return tuple(forms)


# Spellings that sound alike, rewritten before vowels are dropped ("weight" ~ "wait").
_SOUNDS = (
    ("ght", "t"), ("ph", "f"), ("ck", "k"), ("sch", "sk"), ("sh", "x"), ("ch", "x"), ("th", "0"),
    ("wh", "w"), ("qu", "kw"), ("q", "k"), ("x", "ks"), ("z", "s"), ("ce", "se"), ("ci", "si"),
    ("cy", "sy"), ("c", "k"), ("dg", "j"), ("v", "f"),
)


def phonetic(word: str) -> str:
    """A rough sound key of one word: consonant skeleton, vowels after the first letter dropped.

    "rows" and "rose" → "rs"; "wait" and "weight" → "wt". Crude next to Metaphone,
    but enough to catch the homophones speech models write for identifier words.
    """
    w = re.sub(r"[^a-z0-9]", "", word.lower())
    if not w:
        return ""
    for a, b in _SOUNDS:
        w = w.replace(a, b)
    if w.startswith(("kn", "wr", "gn")):
        w = w[1:]
    head, tail = w[0], re.sub(r"[aeiouyhw]", "", w[1:])
    key = head + tail
    return re.sub(r"(.)\1+", r"\1", key)


def phonetic_forms(term: str) -> frozenset[str]:
    """Sound keys of every spoken form of ``term`` (word keys joined with spaces)."""
    return frozenset(" ".join(phonetic(w) for w in f.split()) for f in spoken_forms(term))


def compact_forms(term: str) -> frozenset[str]:
    """The compact keys of every spoken form and of the written form itself."""
    keys = {compact(f) for f in spoken_forms(term)}
    keys.add(compact(term))
    keys.discard("")
    return frozenset(keys)
