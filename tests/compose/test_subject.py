from __future__ import annotations

import pytest

from git_voice.compose.subject import FUNCTION_WORDS, imperative, shorten, trim_end
from git_voice.compose.wrap import width


def test_cut_between_clauses_never_inside_a_phrase():
    s, cut = shorten("fix the off by one error in paginate that skipped the last item of every page", 61)
    assert cut and s == "fix the off by one error in paginate"


@pytest.mark.parametrize(
    "subject",
    [
        "make should_strip_ansi honour the NO_COLOR environment variable so that people who turn colours off do not",
        "change read_line to reserve DEFAULT_CAPACITY up front instead of building a temporary string that it then copies",
        "add a retry loop to fetch, it tries three times before it gives up, because the staging server drops connections",
        "aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll mmm nnn ooo ppp qqq rrr sss ttt uuu vvv www xxx the",
    ],
)
@pytest.mark.parametrize("limit", [40, 50, 61, 72])
def test_shortened_subject_fits_and_ends_on_a_content_word(subject, limit):
    s, _ = shorten(subject, limit)
    assert width(s) <= limit
    assert s.split()[-1].lower() not in FUNCTION_WORDS


def test_long_subject_within_limit_loses_its_reason():
    s, cut = shorten("escape the user name in greeting to prevent cross site scripting", 72)
    assert cut and s == "escape the user name in greeting"


def test_trim_end():
    assert trim_end("add a check for the") == "add a check"
    assert trim_end("go through escapeHtml now") == "go through escapeHtml"


@pytest.mark.parametrize(
    "sentence, subject",
    [
        ("This reverts turning on the new parser.", "revert turning on the new parser"),
        ("For now I've masked the password field.", "mask the password field"),
        ("Second, I raised POOL_SIZE to twenty.", "raise POOL_SIZE to twenty"),
        ("paginate now returns every item.", "make paginate return every item"),
        ("I made pickTheme follow the system setting.", "make pickTheme follow the system setting"),
    ],
)
def test_imperative(sentence, subject):
    assert imperative(sentence, frozenset({"paginate"})) == subject


def test_a_code_term_that_is_also_a_verb_is_the_doer():
    assert imperative("save writes into UPLOAD_DIR now", frozenset({"save"})) == "make save write into UPLOAD_DIR now"
