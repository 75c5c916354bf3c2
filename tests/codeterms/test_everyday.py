"""The cached everyday-word list answers as wordfreq itself does, and is read from the cache."""

from __future__ import annotations

import pytest

from git_voice.codeterms import everyday

wordfreq = pytest.importorskip("wordfreq")


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_VOICE_CACHE", str(tmp_path))
    everyday.everyday_words.cache_clear()
    yield tmp_path
    everyday.everyday_words.cache_clear()


def test_same_answers_as_wordfreq(fresh_cache):
    words = ["config", "label", "user", "the", "async", "logits", "kwargs", "stdin", "dashboard",
             "Parser", "looked", "zzyzx", "cafe", "naïve", "sqlite"]
    for threshold in (2.5, 3.0):
        for w in words:
            assert everyday.is_everyday(w, threshold) == (wordfreq.zipf_frequency(w.lower(), "en") >= threshold), w


def test_numbers_and_apostrophes_never_load_wordfreq(fresh_cache, monkeypatch):
    """A hook must not pay wordfreq's whole-table load for "20" or "header's"."""
    assert everyday.is_everyday("config", 2.5)  # the list is made (from wordfreq) once

    def no_table(*args, **kwargs):
        raise AssertionError("wordfreq's table was loaded")

    monkeypatch.setattr(wordfreq, "zipf_frequency", no_table)
    monkeypatch.setattr(wordfreq, "get_frequency_dict", no_table)
    assert not everyday.is_everyday("20", 2.5) and not everyday.is_everyday("x86", 2.5)
    assert everyday.is_everyday("header's", 2.5) and everyday.is_everyday("Don\u2019t", 2.5)
    assert not everyday.is_everyday("zzyzx's", 2.5)


def test_the_list_is_written_once_and_read_back(fresh_cache):
    assert everyday.is_everyday("config", 2.5)
    path = everyday.list_path(2.5)
    assert path.is_file() and path.parent.parent == fresh_cache
    assert not list(path.parent.glob(".words-*"))  # no temporary left behind
    # A later run reads the file, not wordfreq: a word planted there is taken as everyday.
    path.write_text(path.read_text() + "\nqqxqqfoo", encoding="utf-8")
    everyday.everyday_words.cache_clear()
    assert everyday.is_everyday("qqxqqfoo", 2.5)
    assert not everyday.is_everyday("zzyzxqq", 2.5)


def test_unwritable_cache_still_answers(fresh_cache):
    (fresh_cache / "wordfreq").write_text("a file where the folder should be")
    assert everyday.is_everyday("label", 2.5)
    assert not everyday.is_everyday("kwargs", 2.5)
