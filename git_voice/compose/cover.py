"""A spoken note → the texts of a patch series: the cover letter's subject and blurb, and
the note a one-patch series carries below its ``---`` line.

The blurb is the whole note, cleaned, in paragraphs, wrapped at 72; no line of it
starts with "From " (an mbox reader would split the letter there: git's own
``format-patch --stdout`` escapes no line of a cover letter).
"""

from __future__ import annotations

import re
from pathlib import Path

from .body import mbox_safe, paragraphs, wrap_body
from .render import render
from .speech import capitalise, clean, split_sentences
from .summary import summarise
from .wrap import truncate


def cover_texts(text: str, template_dir: Path | None = None) -> tuple[str, str, str]:
    """(subject, blurb, patch note) for a spoken note: subject ≤ 72 columns, texts wrapped at 72."""
    # Never empty (a note of one long word, or only dashes): git would leave "[PATCH 0/N] ".
    subject = re.sub(r"^[#\-\s]+", "", summarise(text, 72).subject).strip()
    subject = capitalise(subject or truncate(re.sub(r"^[#\-\s]+", "", clean(text)), 72) or "Update")
    body = paragraphs(split_sentences(clean(text)))
    blurb = render("cover-letter", template_dir, subject=subject, text=text, blurb=wrap_body(body))
    patch_note = render("patch-note", template_dir, subject=subject, text=text, blurb=wrap_body(body, 68))
    # A template of the user's own may put "From " at a line start: carried or indented here too.
    return subject, mbox_safe(blurb), mbox_safe(patch_note)
