from __future__ import annotations

from git_voice.compose.wrap import truncate, width, wrap


def test_chinese_wraps_by_display_width():
    text = "修复了解析器在空输入时的崩溃。" * 10
    lines = wrap(text, 72).splitlines()
    assert len(lines) > 1
    assert all(width(line) <= 72 for line in lines)
    # Full lines are used: every line but the last is at least 70 columns wide.
    assert all(width(line) >= 70 for line in lines[:-1])
    assert "".join(lines) == text
    assert not any(line.startswith("。") for line in lines)


def test_english_wraps_at_words_and_keeps_paragraphs():
    text = "word " * 40 + "\n\n" + "second paragraph here"
    out = wrap(text, 30)
    first, second = out.split("\n\n")
    assert all(len(line) <= 30 for line in first.splitlines())
    assert first.split() == ["word"] * 40
    assert second == "second paragraph here"


def test_truncate_cuts_at_a_word():
    assert truncate("fix the parser when the input is empty", 20) == "fix the parser when"
    assert width(truncate("修复" * 50, 11)) <= 11
