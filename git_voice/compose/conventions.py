"""Commit message conventions: ``conventional`` (default), ``kernel``, ``plain``.

The type of a conventional commit comes from the diff and the words (see
:mod:`kinds`); a change that removes a public name the note calls deprecated or
breaking gets ``!`` and a ``BREAKING CHANGE:`` footer. The scope comes from the
changed paths. Where words and diff disagree, :attr:`Message.comments` says which
won (for the editor's text, never the commit).

Every conventional header matches commitizen's ``cz check`` pattern and
commitlint's config-conventional rules (lower-case type and subject start, no
full stop, header ≤ 100; we keep it ≤ 72).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Sequence

from ..types import Change
from .body import wrap_body
from .change import ChangeFacts, read
from .kinds import _GENERIC_DIRS, classify, type_from_paths, type_from_speech  # noqa: F401 (re-exported)
from .speech import is_code
from .summary import Summary, summarise
from .wrap import WIDTH, truncate, width, wrap_paragraph

CONVENTIONS = ("conventional", "kernel", "plain")
HEADER_WIDTH = 72


@dataclass
class Message:
    """A commit message in parts; :attr:`text` joins them the way git expects."""

    header: str
    body: str
    type: str | None = None
    scope: str | None = None
    subject: str = ""
    footer: str = ""  # "BREAKING CHANGE: ..." (conventional only)
    comments: list[str] = field(default_factory=list)  # why the type is what it is, for the editor

    @property
    def text(self) -> str:
        """Header, body and footer, each after a blank line; no comment lines."""
        return "\n\n".join(p for p in (self.header, self.body, self.footer) if p) + "\n"

    def comment_lines(self, char: str = "#") -> str:
        """The comments as lines git strips when the editor opens (``char``: core.commentChar)."""
        return "".join(f"{char} git voice: {c}\n" for c in self.comments)


def type_from_diff(changes: Sequence[Change]) -> str | None:
    """The type the changed paths alone imply, or None when they are (also) code."""
    return type_from_paths([c.path for c in changes])


def commit_type(text: str, changes: Sequence[Change], subject: str = "", facts: ChangeFacts | None = None) -> str:
    """Diff first (it cannot be misheard), then the words (see :mod:`kinds`)."""
    any_added = any(c.status.startswith("A") for c in changes)
    return classify(text, [c.path for c in changes], subject, facts, any_added).type


def scope_from_paths(paths: Sequence[str]) -> str | None:
    """The directory all ``paths`` share, generic ones (src, lib) skipped; a lone file's stem otherwise."""
    if not paths:
        return None
    split = [PurePosixPath(p).parts for p in paths]
    common: list[str] = []
    for parts in zip(*[s[:-1] for s in split]):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    meaningful = [c for c in common if c.lower() not in _GENERIC_DIRS and not c.startswith(".")]
    if meaningful:
        name = meaningful[-1]
    elif len(set(paths)) == 1:
        name = PurePosixPath(paths[0]).stem
    else:
        return None
    # commitlint wants a lower-case scope; cz check wants no whitespace in it. Letters of
    # any script stay ("fïle", "解析"): only what is neither a letter, digit nor _.-/ goes.
    name = re.sub(r"[^\w.\-/]+", "-", name.lower()).strip("-")
    return name or None


def _lower_first(subject: str, terms: frozenset[str] = frozenset()) -> str:
    """A subject commitlint accepts: it rejects any that starts with a capital letter.

    A capitalised word or one in capitals ("Fix", "HTTP", a misheard "RANGO") is
    lower-cased; a code term (``TextModel``, ``LOGIN_TIMEOUT``) keeps its case inside
    backticks, as commit messages quote code.
    """
    first, sep, rest = subject.partition(" ")
    if not first[:1].isupper():
        return subject
    if is_code(first) or first.strip(",.:;") in terms:
        return f"`{first}`{sep}{rest}"
    return first.lower() + sep + rest


def _upper_first(subject: str) -> str:
    """Kernel and plain subjects start with a capital, unless they start with a code term."""
    first = subject.split(" ", 1)[0]
    return subject if is_code(first) else subject[:1].upper() + subject[1:]


def breaking_footer(removed: list[str], limit: int = WIDTH) -> str:
    """``BREAKING CHANGE: X and Y are removed.``, wrapped at ``limit``, continuation lines indented."""
    names = ", ".join(removed[:-1]) + (" and " if len(removed) > 1 else "") + removed[-1]
    text = f"BREAKING CHANGE: {names} {'are' if len(removed) > 1 else 'is'} removed."
    first, *rest = wrap_paragraph(text, limit)
    return "\n".join([first] + (wrap_paragraph(" ".join(rest), limit, " ") if rest else []))


# Line starts git reads as something other than message text: a comment ("#",
# stripped by `git commit`), a patch separator or diff ("---", "diff --git", "Index:",
# cut by `git am`), an mbox boundary ("From "), a scissors line, a trailer
# ("Token: value", "(cherry picked from commit ...)": `git interpret-trailers`).
_NOT_TEXT = re.compile(
    r"^(?:#|---|diff[ -]|Index: |From |-- ?>8|>8|[A-Za-z0-9][A-Za-z0-9-]*:(?: |$)|\(cherry picked from commit)"
)


def inert_lines(body: str) -> str:
    """``body`` with no line that git would read as a comment, separator, boundary or trailer.

    Such a line takes the last word of the line above ("issue" + "#42 ..." →
    "issue #42 ..."); a first line that cannot is indented by one space, which git
    treats as plain text everywhere. Words and their order never change.
    """
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not _NOT_TEXT.match(line):
            continue
        above = lines[i - 1] if i else ""
        head, _, last = above.rpartition(" ")
        if head.strip() and last and not _NOT_TEXT.match(last + " " + line) and not _NOT_TEXT.match(head):
            lines[i - 1], lines[i] = head, last + " " + line
        else:
            lines[i] = " " + line
    return "\n".join(lines)


def compose(
    text: str,
    changes: Sequence[Change] = (),
    convention: str = "conventional",
    *,
    scope: bool = True,
    body_width: int = WIDTH,
    diff: str | None = None,
) -> Message:
    """A spoken note and the change it describes → a :class:`Message` by ``convention``.

    ``diff`` (``git diff`` text of the change) lets the message name a change the note
    does not ("typo" → "fix typo in report"), see whitespace-only and breaking changes.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}")
    facts = read(diff) if diff else None
    paths = [c.path for c in changes]
    scope_name = scope_from_paths(paths) if scope else None
    kind = None
    prefix = ""
    if convention == "conventional":
        first = summarise(text, HEADER_WIDTH, facts).subject
        kind = classify(text, paths, first, facts, any(c.status.startswith("A") for c in changes))
        bang = "!" if kind.breaking else ""
        prefix = f"{kind.type}({scope_name}){bang}: " if scope_name else f"{kind.type}{bang}: "
    elif convention == "kernel":
        prefix = f"{scope_name}: " if scope_name else ""
    summary: Summary = summarise(text, HEADER_WIDTH - width(prefix), facts)
    # A header starting with "#" is a comment to git commit; one starting with "---"
    # ends the message for git interpret-trailers. Neither carries meaning in a subject.
    subject = re.sub(r"^[#\-\s]+", "", summary.subject).strip() or "update"
    subject = _lower_first(subject, facts.identifiers if facts else frozenset()) if convention == "conventional" else _upper_first(subject)
    subject = truncate(subject, HEADER_WIDTH - width(prefix))
    body = inert_lines(wrap_body(summary.body, body_width)) if summary.body else ""
    footer = breaking_footer(kind.breaking) if kind and kind.breaking else ""
    return Message(header=prefix + subject, body=body, type=kind.type if kind else None, scope=scope_name,
                   subject=subject, footer=footer, comments=kind.comments if kind else [])
