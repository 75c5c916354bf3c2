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
    # a sentence-opening adverb is no subject: the name
    ("It was wrong. Now is valid looks at the kinds.", "It was wrong. Now is_valid looks at the kinds."),
    ("The path now is valid.", "The path now is valid."),
])
def test_verb_initial_names_said_as_predicates_stay_words(said, written):
    assert snap(said, TERMS)[0] == written


@pytest.mark.parametrize("said, written", [
    ("now with a warning naming the VERSION_FILE.", "now with a warning naming the version file."),
    ("now with a warning naming the version_file.", "now with a warning naming the version file."),
    ("assign defaults on the user_config", "assign defaults on the user config"),
    # a head noun or a written sibling makes it a name; so does its own kind (not a local)
    ("the version file variable", "the version_file variable"),
    ("the user_config and version_file values", "the user_config and version_file values"),
])
def test_a_local_the_decoder_wrote_in_an_everyday_noun_phrase_goes_back_to_words(said, written):
    kinds = {"version_file": "local", "VERSION_FILE": "local", "user_config": "local"}
    assert snap(said, list(kinds), kinds=kinds)[0] == written


def test_a_name_the_change_defines_stays_written_in_a_noun_phrase():
    assert snap("naming the version_file now", ["version_file"], kinds={"version_file": "defined"})[0] == \
        "naming the version_file now"


def test_a_header_after_the_words_picks_the_header_name():
    kinds = {"$retryAfter": "local", "Retry-After": "local"}
    assert snap("When the server sends a retry after header we wait", list(kinds), kinds=kinds)[0] == \
        "When the server sends a Retry-After header we wait"
    # without "header", the ranking decides as before
    assert snap("we wait for retry after to pass", list(kinds), kinds=kinds)[0] == "we wait for $retryAfter to pass"


def test_a_lower_case_file_stem_said_as_a_noun_phrase_stays_words():
    kinds = {"env-file": "path", "env-file.c": "path", "SplitChunksPlugin": "path"}
    assert snap("Lines in an env file that start with a semicolon", list(kinds), kinds=kinds)[0] == \
        "Lines in an env file that start with a semicolon"
    # without an article or determiner, with a head noun, or a class's file: the name
    assert snap("Lines read by env file now skip comments", list(kinds), kinds=kinds)[0] == \
        "Lines read by env-file now skip comments"
    assert snap("the env file module is gone", list(kinds), kinds=kinds)[0] == "the env-file module is gone"
    assert snap("The split chunks plugin numbers every chunk", list(kinds), kinds=kinds)[0] == \
        "The SplitChunksPlugin numbers every chunk"


def test_a_name_said_right_after_a_modal_verb_is_the_verb_phrase():
    kinds = {"AllowAny": "used", "AllowAmount": "used", "load_config": "defined"}
    assert snap("so you can allow any number of issues", list(kinds), kinds=kinds)[0] == \
        "so you can allow any number of issues"
    assert snap("it will load config twice", list(kinds), kinds=kinds)[0] == "it will load config twice"
    # introduced by a verb, or without the modal, or with a head noun: the name
    assert snap("so you can pass allow any to it", list(kinds), kinds=kinds)[0] == "so you can pass AllowAny to it"
    assert snap("or a fixed limit through allow amount", list(kinds), kinds=kinds)[0] == \
        "or a fixed limit through AllowAmount"
    assert snap("you can allow any option", list(kinds), kinds=kinds)[0] == "you can AllowAny option"


def test_a_long_flag_said_with_its_dashes():
    kinds = {"no_ignore_parent": "used", "--no-ignore-parent": "used"}  # ranked in this order
    assert snap("it appends dash dash no ignore parent to the command", list(kinds), kinds=kinds)[0] == \
        "it appends --no-ignore-parent to the command"
    assert snap("I added no ignore parent to the options", list(kinds), kinds=kinds)[0] == \
        "I added no_ignore_parent to the options"


def test_a_reading_that_is_english_hides_no_other_reading_of_its_words():
    # "says transfer encoding" sounds like ``hasTransferEncoding`` said of a subject
    # (English); the words are still the header's name
    kinds = {"hasTransferEncoding": "local", "transfer-encoding": "local"}
    assert snap("when the request also says transfer encoding", list(kinds), kinds=kinds)[0] == \
        "when the request also says transfer-encoding"
    assert snap("when the request has transfer encoding", list(kinds), kinds=kinds)[0] == \
        "when the request has transfer-encoding"
