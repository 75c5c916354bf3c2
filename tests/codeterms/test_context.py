"""Decisions in context (``codeterms/context.py``) through ``snap``: a verb-initial name
said as a predicate of its subject is English, even where the decoder wrote the name."""

from __future__ import annotations

import pytest

from git_voice.codeterms.snap import snap

TERMS = ["is_detached", "canRead", "hasServerProps", "isEnabled", "is_cursor_fixed", "ACCEPT_FLOAT_AS_INT",
         "is_valid", "load_config"]


@pytest.mark.parametrize("said, written", [
    # after a subject (a pronoun, a noun, another name): English, decoded as a name or not
    ("not only when it is_detached.", "not only when it is detached."),
    ("not only when it is detached.", "not only when it is detached."),
    ("The Jackson converter canRead JSON bodies too.", "The Jackson converter can read JSON bodies too."),
    ("even when they hasServerProps.", "even when they has server props."),
    ("when ACCEPT_FLOAT_AS_INT isEnabled.", "when ACCEPT_FLOAT_AS_INT is enabled."),
    # after a word that introduces a name, first in a clause, or before a head noun: the name
    ("Checked in can read.", "Checked in canRead."),
    ("It tracks that in is cursor fixed.", "It tracks that in is_cursor_fixed."),
    ("The check now calls is valid first.", "The check now calls is_valid first."),
    ("The is detached check was wrong.", "The is_detached check was wrong."),
    ("So, is valid returns false for an empty path.", "So, is_valid returns false for an empty path."),
    ("It stops when is valid says so.", "It stops when is_valid says so."),
    # names that do not open with a verb are not affected
    ("Then it load config twice.", "Then it load_config twice."),
])
def test_verb_initial_names_said_as_predicates_stay_words(said, written):
    assert snap(said, TERMS)[0] == written
