"""A code term that starts a sentence keeps its case in subjects, bodies and cover letters."""

from __future__ import annotations

import pytest

from git_voice.compose.conventions import Change, compose
from git_voice.compose.summary import clean, summarise

CODE = ["load_config", "parse_headers_1", "os.path.join", "getUserById", "ValueParser", "src/app.py"]


@pytest.mark.parametrize("term", CODE)
def test_code_term_starting_a_sentence_keeps_its_case(term):
    said = f"{term} now closes the file. the parser is faster."
    assert clean(said) == f"{term} now closes the file. The parser is faster."
    assert summarise(said, 72).subject.startswith(term)
    for convention in ("conventional", "kernel", "plain"):
        msg = compose(said, [Change("src/app.py", "M")], convention, scope=False)
        assert msg.subject.startswith(term), (convention, msg)


def test_plain_words_are_still_sentence_cased():
    assert clean("the parser closes files. it is faster.") == "The parser closes files. It is faster."
    assert compose("I fixed the parser.", [Change("src/app.py", "M")], "kernel", scope=False).subject[:1].isupper()
    assert compose("Fixed the parser.", [Change("src/app.py", "M")], "conventional", scope=False).subject[:1].islower()
