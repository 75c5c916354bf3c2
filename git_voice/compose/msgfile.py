"""The commit message file git hands prepare-commit-msg: our text in, git's text kept.

git writes the message file as: what the message already holds (a template, a
``Signed-off-by`` from ``-s``), then its comment lines (``# Please enter ...``,
status, and with ``-v`` a scissors line followed by the diff). A filled file is
our message, then the earlier non-comment text, then everything from the first
comment line on, byte for byte.
"""

from __future__ import annotations


def split(existing: str, comment_char: str = "#") -> tuple[str, str]:
    """(the text above git's first comment line, the rest from that line on)."""
    lines = existing.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(comment_char):
            return "".join(lines[:i]), "".join(lines[i:])
    return existing, ""


def already_filled(existing: str, message: str, comment_char: str = "#") -> bool:
    """True when the first line of ``message`` is already at the top of the file (a second run)."""
    top, _ = split(existing, comment_char)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return bool(first) and top.lstrip().startswith(first)


def fill(existing: str, message: str, comment_char: str = "#") -> str:
    """The message file with ``message`` on top, earlier text and git's comments kept."""
    top, rest = split(existing, comment_char)
    out = message.strip("\n") + "\n"
    if top.strip():
        out += "\n" + top.strip("\n") + "\n"
    if rest:
        out += "\n" + rest
    return out
