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

Batch 1 is the modules of :data:`LANGUAGE_MODULES` (151 notes). Batch 2
(:data:`BATCH2_MODULES`, ids starting ``b2-``) was written later, by writers who
saw only this format and the issue's description of how developers talk, never
git-voice's rules or results; the same hash splits it. Its held-out half is
unseen by every tuning decision made before it was added.

Batch 3 (:data:`BATCH3_MODULES`, ids starting ``b3-``) was written the same way,
on 2026-12-02, after every rule of batch 2's rounds was chosen: no decision has
used its held-out half.
"""

from __future__ import annotations

import hashlib
from importlib import import_module

LANGUAGE_MODULES = ("python", "javascript", "go", "rust", "c_cpp", "java", "ruby", "shell")
BATCH2_MODULES = ("python_b2", "javascript_b2", "go_b2", "rust_b2", "c_cpp_b2", "java_b2", "ruby_b2",
                  "shell_b2", "other_b2")
BATCH3_MODULES = ("python_b3", "web_b3", "systems_b3", "jvm_b3", "other_b3")
BATCHES = (1, 2, 3)
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


def _check_later_batch(n: dict, batch: int) -> None:
    """A batch-2 or batch-3 note's code terms are each written somewhere in its change or path."""
    from run import expected_terms  # the benchmark's own reading of ``{spoken|code}``

    if not n["id"].startswith(f"b{batch}-"):
        raise ValueError(f"{n['id']}: batch-{batch} ids start with 'b{batch}-'")
    text = (n["before"] + n["after"] + n["path"]).replace("\\", "")
    for term in expected_terms(n["say"]):
        if term not in text:
            raise ValueError(f"{n['id']}: code term {term!r} is not in the change or its path")


def all_notes() -> list[dict]:
    """Every note of every language module, each with ``lang``, ``split`` and ``batch`` set."""
    out: list[dict] = []
    for batch, names in ((1, LANGUAGE_MODULES), (2, BATCH2_MODULES), (3, BATCH3_MODULES)):
        for name in names:
            mod = import_module(f"{__name__}.{name}")
            for n in mod.NOTES:
                if batch > 1:
                    _check_later_batch(n, batch)
                out.append(dict(n, lang=name.removesuffix(f"_b{batch}"), split=split_of(n["id"]), batch=batch))
    ids = [n["id"] for n in out]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate note ids")
    return out


def notes_of(split: str | None = None, batch: int | None = None) -> list[dict]:
    """The notes of one split (``dev``, ``heldout``) and batch (1, 2, 3); None for all."""
    return [n for n in all_notes() if split in (None, n["split"]) and batch in (None, n["batch"])]
