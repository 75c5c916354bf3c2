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
