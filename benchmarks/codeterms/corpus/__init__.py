"""The generalisation corpus: spoken notes about kinds of changes made in public projects.

Each language module lists notes made with :func:`note`. A note's ``code`` is a
snippet we wrote, modelled on a kind of change made in the named project (our own
words and code, never theirs), written like a diff: a line starting with ``-``
is in the file before the change only, ``+`` after it only, a space in both.
Snippets are long enough that the change sits inside a function, method or impl
whose header is further from it than a hunk's few context lines.

``say`` is what a developer would say, each code term marked ``{spoken|code}``.

The split is fixed by a hash of the note's id (:func:`split_of`), decided before
any result was seen: tune on ``dev``, report ``heldout``.
"""

from __future__ import annotations

import hashlib
from importlib import import_module

LANGUAGE_MODULES = ("python", "javascript", "go", "rust", "c_cpp", "java", "ruby", "shell")
SPLITS = ("dev", "heldout")


def note(id: str, project: str, path: str, code: str, say: str) -> dict:
    """A note: ``id`` (unique, stable), the project it is modelled on, the changed
    file's path, the diff-like ``code`` (see the module docstring) and the ``say`` text.

    Returns the dict the benchmark runners use (``before``/``after`` file texts added).
    """
    before, after = [], []
    for line in code.strip("\n").split("\n"):
        mark, rest = line[:1], line[1:]
        if mark == "-":
            before.append(rest)
        elif mark == "+":
            after.append(rest)
        elif mark in (" ", ""):
            before.append(rest)
            after.append(rest)
        else:
            raise ValueError(f"{id}: a code line must start with ' ', '-' or '+': {line!r}")
    if before == after:
        raise ValueError(f"{id}: the code changes nothing")
    return dict(id=id, project=project, path=path, say=say,
                before="\n".join(before) + "\n", after="\n".join(after) + "\n")


def split_of(note_id: str) -> str:
    """``dev`` or ``heldout``, from the first byte of the SHA-256 of the note's id."""
    return SPLITS[hashlib.sha256(note_id.encode()).digest()[0] % 2]


def all_notes() -> list[dict]:
    """Every note of every language module, each with ``lang`` and ``split`` set."""
    out: list[dict] = []
    for name in LANGUAGE_MODULES:
        mod = import_module(f"{__name__}.{name}")
        for n in mod.NOTES:
            out.append(dict(n, lang=name, split=split_of(n["id"])))
    ids = [n["id"] for n in out]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate note ids")
    return out


def notes_of(split: str | None = None) -> list[dict]:
    """The notes of one split (``dev``, ``heldout``), or all of them for None."""
    return [n for n in all_notes() if split in (None, n["split"])]
