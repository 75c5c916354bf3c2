"""A code term that starts a sentence keeps its case in subjects, bodies and cover letters."""

from __future__ import annotations

import pytest

from git_voice.compose.conventions import compose
from git_voice.compose.summary import clean, summarise
from git_voice.types import Change

CODE = ["load_config", "parse_headers_1", "os.path.join", "getUserById", "ValueParser", "src/app.py"]


@pytest.mark.parametrize("term", CODE)
def test_code_term_starting_a_sentence_keeps_its_case(term):
    said = f"{term} now closes the file. the parser is faster."
    assert clean(said) == f"{term} now closes the file. The parser is faster."
    wrong = term[:1].upper() + term[1:]  # "Load_config": the defect
    assert term in summarise(said, 72).subject
    for convention in ("conventional", "kernel", "plain"):
        msg = compose(said, [Change("src/app.py", "M")], convention, scope=False)
        # The subject may reword around it ("make load_config close ..."); a conventional
        # subject quotes a capitalised term in backticks (commitlint refuses a capital).
        assert term in msg.subject and (wrong == term or wrong not in msg.subject), (convention, msg)


def test_plain_words_are_still_sentence_cased():
    assert clean("the parser closes files. it is faster.") == "The parser closes files. It is faster."
    assert compose("I fixed the parser.", [Change("src/app.py", "M")], "kernel", scope=False).subject[:1].isupper()
    assert compose("Fixed the parser.", [Change("src/app.py", "M")], "conventional", scope=False).subject[:1].islower()
