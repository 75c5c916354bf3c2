"""The cover letter's subject from a spoken note (``compose.cover``)."""

from __future__ import annotations


def test_the_cover_subject_is_never_empty_nor_starts_with_dashes():
    """hypothesis found it: a note of one 200-letter word gave an empty subject ("[PATCH 0/2] ")."""
    from git_voice.compose.cover import cover_texts

    for text in ("--- " + "a" * 200, "--- --- From 1234 Mon Sep 17", "# ---", "a" * 300):
        subject = cover_texts(text)[0]
        assert subject.strip() and not subject.startswith(("-", "#")), (text, subject)
