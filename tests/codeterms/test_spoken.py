"""How code terms are said: splitting, separators, acronyms, numbers, file endings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from git_voice.codeterms.spoken import EXTENSION_WORDS, compact, compact_forms, is_codey, pieces, spoken_forms, words


@pytest.mark.parametrize(
    "term, expected",
    [
        ("get_user_by_id", ["get", "user", "by", "id"]),
        ("getUserById", ["get", "user", "by", "id"]),
        ("GetUserByID", ["get", "user", "by", "id"]),
        ("parseHTTPHeader", ["parse", "http", "header"]),
        ("MAX_RETRIES", ["max", "retries"]),
        ("os.path.join", ["os", "path", "join"]),
        ("std::fs::File", ["std", "fs", "file"]),
        ("X-Request-Id", ["x", "request", "id"]),
        ("src/app/user_store.py", ["src", "app", "user", "store", "py"]),
        ("sha256sum", ["sha", "256", "sum"]),
    ],
)
def test_words_split_every_naming_style(term, expected):
    assert words(term) == expected


def test_separators_stay_with_the_word_before_them():
    assert [p.sep for p in pieces("std::fs::File")] == ["::", "::", ""]
    assert [p.sep for p in pieces("user_store.py")] == ["_", ".", ""]


def test_plain_split_form_comes_first_and_separators_can_be_said():
    forms = spoken_forms("get_user_by_id")
    assert forms[0] == "get user by id"
    assert "get underscore user underscore by underscore id" in forms


def test_file_ending_is_said_with_dot_and_sounds_like_variants():
    forms = spoken_forms("user_store.py")
    assert forms[0] == "user store dot py"
    assert "user store dot pie" in forms
    assert "user store dot jay ess" in spoken_forms("user_store.js")


def test_acronyms_spelt_out_and_numbers_as_words():
    assert "parse h t t p header" in spoken_forms("parseHTTPHeader")
    assert "utf eight decode" in spoken_forms("utf8_decode")
    assert "x request eye dee" in spoken_forms("X-Request-Id")


def test_screaming_case_is_words_not_letters():
    assert not any("m a x" in f for f in spoken_forms("MAX_RETRIES"))
    assert "maximum retries" in spoken_forms("MAX_RETRIES")


def test_abbreviations_said_in_full():
    assert "prepare commit message" in spoken_forms("prepare-commit-msg")


def test_colon_colon_and_slash_can_be_said():
    assert "std colon colon fs colon colon file" in spoken_forms("std::fs::File")
    assert "text slash html" in spoken_forms("text/html")


@pytest.mark.parametrize("term", ["parse_header", "parseHeader", "os.path", "a/b.c", "utf8", "X-Request-Id"])
def test_codey_terms(term):
    assert is_codey(term)


@pytest.mark.parametrize("term", ["user", "URL", "Config", "__init__", "return", ""])
def test_plain_words_are_not_codey(term):
    assert not is_codey(term)


def test_compact_forms_cover_written_and_spoken():
    keys = compact_forms("user_store.py")
    assert {"userstorepy", "userstoredotpy"} <= keys


identifiers = st.lists(st.from_regex(r"[a-z]{2,8}", fullmatch=True), min_size=1, max_size=4)


@settings(max_examples=50, deadline=None)
@given(identifiers, st.sampled_from(["_", ".", "-", "::", "/"]))
def test_any_joined_identifier_says_its_words_in_order(parts, sep):
    term = sep.join(parts)
    forms = spoken_forms(term)
    expected = list(parts)
    if len(parts) > 1 and sep == "." and parts[-1] in EXTENSION_WORDS:
        # "aa.go" is a file name: its ending is said ("aa dot go"), as people say it.
        expected = parts[:-1] + ["dot", parts[-1]]
    assert forms and forms[0].split() == expected
    assert len(forms) <= 24
    assert all(compact(f) for f in forms)


@settings(max_examples=50, deadline=None)
@given(identifiers)
def test_camel_and_snake_say_the_same(parts):
    snake = "_".join(parts)
    camel = parts[0] + "".join(p.title() for p in parts[1:])
    assert spoken_forms(snake)[0] == spoken_forms(camel)[0]


def test_a_mime_suffix_can_be_said_with_plus():
    assert "application slash problem plus json" in spoken_forms("application/problem+json")
    assert "application problem json" in spoken_forms("application/problem+json")
    assert [p.sep for p in pieces("application/problem+json")] == ["/", "+", ""]
