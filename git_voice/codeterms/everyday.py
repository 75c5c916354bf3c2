"""Which words are everyday English, without loading a frequency table on every run.

Snapping asks whether a word is common in general English (its Zipf frequency in
wordfreq at least a threshold). wordfreq answers by loading its whole English
table, 0.2 to 0.6 s, which a prepare-commit-msg hook would pay on every commit.
So the first call writes the words at or above the threshold (about 54,000 for
2.5) to a text file in git-voice's cache, named after the wordfreq version and
the threshold, and later runs read that file (under 10 ms). Words the table would
treat specially (anything but plain ASCII letters) still go to wordfreq itself.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from ..config import cache_dir
from ..util import atomic_write


def _wordfreq_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("wordfreq")
    except Exception:  # not installed
        return None


def list_path(threshold: float) -> Path | None:
    """Where the word list for ``threshold`` is cached, or None without wordfreq."""
    ver = _wordfreq_version()
    if ver is None:
        return None
    return cache_dir() / "wordfreq" / f"en-{ver}-zipf{threshold:g}.txt"


def _build(threshold: float) -> list[str]:
    from wordfreq import get_frequency_dict

    # zipf_frequency rounds to two decimals before comparing; so does this.
    return sorted(w for w, f in get_frequency_dict("en", wordlist="best").items()
                  if f > 0 and round(math.log10(f) + 9, 2) >= threshold)


@lru_cache(maxsize=4)
def everyday_words(threshold: float) -> frozenset[str] | None:
    """The English words with a Zipf frequency of at least ``threshold``, or None without wordfreq."""
    path = list_path(threshold)
    if path is None:
        return None
    try:
        return frozenset(path.read_text(encoding="utf-8").split("\n"))
    except OSError:
        pass
    words = _build(threshold)
    try:  # written whole or not at all: a reader never sees half a list
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, "\n".join(words), mode=0o644)
    except OSError:  # a read-only cache: answer from memory this time
        pass
    return frozenset(words)


def is_everyday(word: str, threshold: float) -> bool:
    """True when ``word`` (any case) is at least that common; False without wordfreq.

    A word with a digit is a number or a code, never everyday English; a word with an
    apostrophe ("header's", "don't") is as common as the letters before it. Both are
    answered from the cached list, like plain words.
    """
    w = word.lower().replace("\u2019", "'")
    if any(c.isdigit() for c in w):
        return False
    stem = w.split("'")[0] if "'" in w else w
    if stem.isascii() and stem.isalpha():
        words = everyday_words(threshold)
        return words is not None and stem in words
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return False
    return zipf_frequency(w, "en") >= threshold
