from __future__ import annotations

import pytest

from git_voice.compose.summary import base_form, clean, imperative, summarise
from git_voice.compose.wrap import width


@pytest.mark.parametrize(
    "spoken, subject",
    [
        ("I fixed the parser.", "fix the parser"),
        ("So, um, we've added support for tabs", "add support for tabs"),
        ("This commit renames the config loader.", "rename the config loader"),
        ("Uh I basically sped up the tokenizer", "speed up the tokenizer"),
        ("Let's move the cache into its own module.", "move the cache into its own module"),
        ("I'm removing the dead code", "remove the dead code"),
    ],
)
def test_subject_is_imperative_without_fillers_or_full_stop(spoken, subject):
    assert summarise(spoken).subject == subject


def test_repeats_and_fillers_removed_from_body():
    s = summarise("So I fixed the the parser, you know. It crashed on on empty input.")
    assert s.subject == "fix the parser"
    assert s.body == "I fixed the parser. It crashed on empty input."


def test_long_first_sentence_is_cut_to_budget():
    s = summarise("I rewrote the configuration loader because the old one read every file twice and nobody noticed for years")
    assert width(s.subject) <= 72 and s.truncated
    assert s.subject == "rewrite the configuration loader"
    assert "nobody noticed" in s.body


def test_base_forms():
    assert [base_form(w) for w in ("fixed", "copies", "stopped", "handling", "parser")] == ["fix", "copy", "stop", "handle", "parser"]
    assert imperative("The parser is faster now.") == "The parser is faster now"


def test_chinese_sentences_keep_no_space():
    assert clean("修复了崩溃。 空输入会崩溃。") == "修复了崩溃。空输入会崩溃。"


@pytest.mark.parametrize(
    "spoken, subject",
    [
        ("Um, so basically, what I did here is, uh, the login page was timing out, so I bumped the timeout to thirty seconds.",
         "bump the timeout to thirty seconds"),
        ("Two things in this one. First, I raised the pool size to twenty. Second, I turned on pre ping.",
         "raise the pool size to twenty and turn on pre ping"),
        ("Should we really be logging the full request body here? For now I've masked the password field.",
         "mask the password field"),
        ("I added a min length argument to generate, is zero the right default though?",
         "add a min length argument to generate"),
        ("Quick one. This commit raises the probe timeout to five seconds.", "raise the probe timeout to five seconds"),
        ("I think we should just cache the lookups.", "cache the lookups"),
    ],
)
def test_subject_is_the_sentence_that_states_what_was_done(spoken, subject):
    assert summarise(spoken).subject == subject


def test_questions_stay_in_the_body_as_questions():
    s = summarise("Should we really be logging the full request body here? For now I've masked the password field.")
    assert s.body.startswith("Should we really be logging the full request body here? ")


def test_two_changes_are_listed_in_the_body():
    s = summarise("Two things in this one. First, I raised the pool size to twenty. Second, I turned on pre ping so "
                  "that dead connections are dropped before anyone gets them from the pool.", 45)
    assert s.subject == "raise the pool size to twenty"  # both do not fit in 45: the first one
    assert s.body.split("\n\n")[1].splitlines()[0].startswith("- First, ")
    assert s.body.split("\n\n")[1].splitlines()[1].startswith("- Second, ")
    assert len(s.changes) == 2


def test_a_note_too_short_takes_its_object_from_the_change():
    from git_voice.compose.change import read

    from .diffs import staged_diff

    typo = read(staged_diff({"src/t.py": ("def report(n):\n    echo('Recieved')\n", "def report(n):\n    echo('Received')\n")}))
    assert summarise("Typo.", facts=typo).subject == "fix typo in report"
    assert summarise("Fixed it.", facts=typo).subject == "fix report"
    readme = read(staged_diff({"README.md": ("teh\n", "the\n")}))
    assert summarise("Typo fix.", facts=readme).subject == "fix typo in README.md"
    tests = read(staged_diff({"tests/test_p.py": ("def test_a():\n    pass\n", "def test_a():\n    pass\n\ndef test_b():\n    pass\n")}))
    assert summarise("More tests.", facts=tests).subject == "add test_b"


def test_a_question_without_its_question_mark_is_still_a_question():
    s = summarise("Should we really log the whole body here. I masked the password field.")
    assert s.subject == "mask the password field"
    assert summarise("Is this the right default.").subject == ""
