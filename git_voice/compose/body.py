"""The body of a message: the cleaned note in paragraphs, wrapped at 72, safe in an mbox.

Paragraphs start where the speaker changes topic, read from the words that mark it
("Also, ...", "Second, ...", "Separately, ...", "Unrelated, ..."): the transcript
the compose step receives is text, without the pauses' timing. When the note lists
several changes each becomes a "- " item, the sentences after it joining it.

No line of a body starts with "From ": an mbox reader (Python's ``mailbox``, b4)
takes such a line for the start of the next message. Wrapping carries the word
before it onto its line; a paragraph that opens with it is indented by a space.
"""

from __future__ import annotations

import re

from ..util import mbox_safe, no_from_start  # noqa: F401 (mbox_safe: part of this module's interface)
from .wrap import WIDTH, width, wrap_paragraph

# A sentence opening with one of these starts a new paragraph.
TOPIC_RE = re.compile(
    r"(?i)^(?:also|second(?:ly)?|third(?:ly)?|finally|next|separately|unrelated(?:ly)?|besides|"
    r"(?:the\s+)?other\s+(?:thing|change)|another\s+thing|on\s+top\s+of\s+that|apart\s+from\s+that|"
    r"oh\s+and|while\s+i\s+was\s+(?:at\s+it|there|in\s+there)|in\s+addition|plus)\b"
)


def paragraphs(sentences: list[str], items: list[int] | None = None) -> str:
    """Sentences → paragraphs separated by blank lines; ``items`` (sentence indices) become a list."""
    if items and len(items) > 1:
        intro = " ".join(sentences[: items[0]])
        bullets = []
        for n, start in enumerate(items):
            end = items[n + 1] if n + 1 < len(items) else len(sentences)
            bullets.append("- " + " ".join(sentences[start:end]))
        return (intro + "\n\n" if intro else "") + "\n".join(bullets)
    out: list[list[str]] = []
    for s in sentences:
        if not out or (TOPIC_RE.match(s) and out[-1]):
            out.append([])
        out[-1].append(s)
    return "\n\n".join(" ".join(p) for p in out if p)


def wrap_body(text: str, limit: int = WIDTH) -> str:
    """Wrap each paragraph at ``limit`` columns ("- " items with a hanging indent); no line starts "From "."""
    blocks = []
    for para in (p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()):
        lines: list[str] = []
        if para.lstrip().startswith("- "):
            for item in re.split(r"\n(?=- )", para.strip()):
                wrapped = wrap_paragraph(item[2:], limit - 2)
                lines += ["- " + wrapped[0]] + ["  " + ln for ln in wrapped[1:]]
        else:
            lines = wrap_paragraph(para, limit)
        blocks.append("\n".join(_fit(no_from_start(lines), limit)))
    return "\n\n".join(blocks)


def _fit(lines: list[str], limit: int) -> list[str]:
    """Lines a carried word pushed past ``limit`` are wrapped again (rare: a long last word)."""
    out = []
    for ln in lines:
        if width(ln) <= limit:
            out.append(ln)
            continue
        indent = " " * (len(ln) - len(ln.lstrip(" ")))
        out += no_from_start(wrap_paragraph(ln.strip(), limit, indent))
    return out
