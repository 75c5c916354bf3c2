from __future__ import annotations

import pytest

from git_voice.compose.speech import capitalise, clean, is_framing, remove_fillers


@pytest.mark.parametrize(
    "said, written",
    [
        ("the login page was, uh, timing out", "the login page was timing out"),
        ("I made it so that, um, we checked", "I made it so that we checked"),
        ("it drops, like, all the time", "it drops all the time"),
        ("So, um, I fixed the parser, you know.", "So I fixed the parser."),
        ("we fixed it, um and then left", "we fixed it, and then left"),
        ("this is kind of a small one", "this is a small one"),
    ],
)
def test_fillers_go_with_the_commas_around_them(said, written):
    assert remove_fillers(said) == written


def test_clean_drops_openers_and_framing_but_keeps_the_words():
    said = "Um, so basically, what I did here is, uh, the login page was timing out, so I bumped the timeout."
    assert clean(said) == "The login page was timing out, so I bumped the timeout."


def test_code_term_starting_a_sentence_is_not_capitalised():
    assert clean("It was slow. load_config now caches. getUser too.") == "It was slow. load_config now caches. getUser too."
    assert capitalise("paginate returns all", frozenset({"paginate"})) == "paginate returns all"
    assert capitalise("paginate returns all") == "Paginate returns all"


@pytest.mark.parametrize("sentence", ["Two things in this one.", "Quick one.", "This does a couple of things.",
                                      "Okay, so, uh, this is kind of a small one."])
def test_framing_sentences(sentence):
    assert is_framing(remove_fillers(sentence))


def test_a_statement_is_not_framing():
    assert not is_framing("Two tests were flaky, so I fixed them.")
