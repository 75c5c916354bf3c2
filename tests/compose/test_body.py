from __future__ import annotations

import mailbox

from git_voice.compose.body import mbox_safe, paragraphs, wrap_body
from git_voice.compose.wrap import width


def test_topic_change_words_start_paragraphs():
    text = paragraphs(["I fixed the parser.", "It crashed on empty input.", "Also, the lexer is faster.", "Separately, docs."])
    assert text == "I fixed the parser. It crashed on empty input.\n\nAlso, the lexer is faster.\n\nSeparately, docs."


def test_several_changes_become_a_list_wrapped_with_a_hanging_indent():
    body = paragraphs(["Two things in this one.", "First, I raised POOL_SIZE to twenty.",
                       "Second, connect now turns on pool_pre_ping so that dead connections in the pool get dropped early."], [1, 2])
    wrapped = wrap_body(body)
    assert wrapped.startswith("Two things in this one.\n\n- First, I raised POOL_SIZE to twenty.\n- Second, connect")
    assert all(width(line) <= 72 for line in wrapped.splitlines())
    assert wrapped.splitlines()[-1].startswith("  ")


def test_no_line_starts_with_from(tmp_path):
    # "From" lands at a line start at this width unless the word before it is carried along.
    text = "x " * 35 + "From now on paginate returns every item. " * 3
    wrapped = wrap_body("From the start. " + text)
    lines = wrapped.splitlines()
    assert not any(line.startswith("From ") for line in lines)
    assert all(width(line) <= 72 for line in lines)
    assert " ".join(wrapped.split()) == " ".join(("From the start. " + text).split())  # no word lost or changed
    mbox = tmp_path / "m.mbox"
    mbox.write_text("From x@y Mon Sep 17 00:00:00 2001\nSubject: a\n\n" + wrapped + "\n")
    assert len(mailbox.mbox(str(mbox))) == 1


def test_mbox_safe_on_already_wrapped_text():
    out = mbox_safe("From now on\nwe do it\nFrom here")
    assert not any(line.startswith("From ") for line in out.splitlines())
    assert out.split() == "From now on we do it From here".split()
