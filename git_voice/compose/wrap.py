"""Wrapping by display width, so CJK text (two columns a character) wraps right.

``textwrap`` counts code points: a line of 72 Chinese characters is 144 columns
wide. Here a line is measured with ``wcwidth`` and text without spaces (Chinese,
Japanese) may break between any two wide characters.
"""

from __future__ import annotations

import re

WIDTH = 72
# A run of wide characters is split into single characters (breakable anywhere);
# anything else is split at whitespace.
_NO_LINE_START = set("。，、．！？；：）」』》】〉”’")


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (control characters count as 0)."""
    if text.isascii():  # a column each, but controls (wcwidth, slow to import, only for the rest)
        return sum(" " <= c <= "~" for c in text)
    from wcwidth import wcswidth, wcwidth

    w = wcswidth(text)
    if w >= 0:
        return w
    return sum(max(wcwidth(c), 0) for c in text)


def _is_wide(ch: str) -> bool:
    if ch.isascii():
        return False
    from wcwidth import wcwidth

    return wcwidth(ch) == 2


def _words(paragraph: str) -> list[str]:
    """Split into breakable pieces: words between spaces, and each wide character alone.

    Each piece carries whether a space preceded it (as a leading space).
    """
    pieces: list[str] = []
    current = ""
    space_before = False
    for ch in paragraph:
        if ch.isspace():
            if current:
                pieces.append((" " if space_before else "") + current)
                current = ""
            space_before = bool(pieces)
            continue
        if _is_wide(ch) or (current and _is_wide(current[-1])):
            # Wide characters break anywhere; an ASCII word right after one starts a piece.
            if current:
                pieces.append((" " if space_before else "") + current)
                space_before = False
            current = ch
            continue
        current += ch
    if current:
        pieces.append((" " if space_before else "") + current)
    return pieces


def _break_long(word: str, limit: int) -> list[str]:
    """Cut a single piece wider than ``limit`` into chunks (a URL, a long identifier)."""
    chunks, current = [], ""
    for ch in word:
        if current and width(current + ch) > limit:
            chunks.append(current)
            current = ""
        current += ch
    return chunks + ([current] if current else [])


def wrap_paragraph(paragraph: str, limit: int = WIDTH, indent: str = "") -> list[str]:
    """One paragraph (whitespace collapsed) → lines no wider than ``limit`` columns, indent included."""
    room = max(limit - width(indent), 8)
    lines: list[str] = []
    line = ""
    for piece in _words(paragraph):
        bare = piece.lstrip(" ")
        candidate = (line + piece) if line else bare
        if width(candidate) <= room:
            line = candidate
            continue
        if line and bare[:1] in _NO_LINE_START and _is_wide(line[-1]) and len(line) > 1:
            # Kinsoku: closing punctuation never starts a line; carry the character before it along.
            lines.append(line[:-1])
            line = line[-1] + bare
            continue
        if line:
            lines.append(line)
        line = ""
        for chunk in _break_long(bare, room) if width(bare) > room else [bare]:
            if line:
                lines.append(line)
            line = chunk
    if line:
        lines.append(line)
    return [indent + ln for ln in lines]


def wrap(text: str, limit: int = WIDTH, indent: str = "") -> str:
    """Wrap each paragraph (separated by blank lines) of ``text``; returns the lines joined by newlines."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n\n".join("\n".join(wrap_paragraph(p, limit, indent)) for p in paragraphs)


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` columns, cut at a word boundary when there is one."""
    if width(text) <= limit:
        return text
    lines = wrap_paragraph(text, limit)
    return lines[0].rstrip(" ,;:-") if lines else ""
