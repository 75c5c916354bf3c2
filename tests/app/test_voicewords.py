"""A note's words with times and marks (``git_voice.voicewords``), kept on refs/notes/voice-words."""

from __future__ import annotations

import json

from git_voice.app import voicewords
from git_voice.config import load_settings
from git_voice.gitops import notes
from git_voice.gitops.repo import Repo

from ..helpers import normalise

SAID = "The loader now reads parse_headers output once and caches it."


def test_a_note_made_before_gets_timings_on_first_view_and_keeps_them(repo, speech, bundled_model):
    r = Repo.discover(repo)
    notes.set_text(r, "HEAD", SAID + "\n")
    notes.set_audio(r, "HEAD", speech(SAID))
    assert notes.get_words(r, "HEAD") is None
    data = voicewords.for_note(r, "HEAD", load_settings(repo))
    assert data["timing"] == "words"
    words = voicewords.words_of(data)
    assert [w.w for w in words] == SAID.split()
    assert all(a.s <= b.s for a, b in zip(words, words[1:]))
    assert 0.0 <= words[0].s < 1.0 and words[-1].e <= data["duration"] + 0.05
    assert [w.w for w in words if w.code] == ["parse_headers"]
    stored = notes.get_words(r, "HEAD")
    assert json.loads(stored) == data
    assert voicewords.for_note(r, "HEAD", load_settings(repo)) == data  # kept, not remade
    notes.set_text(r, "HEAD", "The loader reads the file once.\n")  # edited elsewhere: stale
    again = voicewords.for_note(r, "HEAD", load_settings(repo))
    assert [w.w for w in voicewords.words_of(again)] == "The loader reads the file once.".split()


def test_show_unsure_marks_the_stored_unsure_words(repo, speech, bundled_model, gv):
    r = Repo.discover(repo)
    notes.set_text(r, "HEAD", SAID + "\n")
    notes.set_audio(r, "HEAD", speech(SAID))
    result = gv("show", "HEAD", "--unsure")
    assert result.code == 0, result
    data = voicewords.stored(r, "HEAD")
    expected = [f"[{w.w}?]" if w.unsure else w.w for w in voicewords.words_of(data)]
    assert result.out.split() == expected
    assert normalise(result.out.replace("?]", "").replace("[", "")) == normalise(SAID)


def test_segment_timings_share_a_segment_by_word_length():
    words = voicewords.segment_words("one two three four", [(0.0, 2.0, "one two"), (3.0, 5.0, "three four")])
    assert [w.w for w in words] == ["one", "two", "three", "four"]
    assert words[0].s == 0.0 and words[2].s == 3.0 and words[1].e == 2.0 and words[3].e == 5.0


def test_subtitles_from_words():
    words = [voicewords.Word("Hello", 0.0, 0.5), voicewords.Word("world.", 0.5, 1.25),
             voicewords.Word("`parse_headers`", 61.0, 62.0, code=True)]
    assert voicewords.to_srt(words) == "1\n00:00:00,000 --> 00:00:01,250\nHello world.\n\n2\n00:01:01,000 --> 00:01:02,000\nparse_headers\n\n"
    assert voicewords.to_vtt(words).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.250\nHello world.\n")


def test_code_shapes():
    assert voicewords.is_code("parse_headers,") and voicewords.is_code("os.path.join") and voicewords.is_code("getUserById")
    assert voicewords.is_code("Plan", ["Plan"]) and not voicewords.is_code("plan.") and not voicewords.is_code("The")


def test_code_parts_leave_sentence_punctuation_outside_the_name():
    assert voicewords.code_parts("user_store.py.") == ("", "user_store.py", ".")
    assert voicewords.code_parts("`parse_headers`,") == ("", "parse_headers", ",")
    assert voicewords.code_parts("get_user().") == ("", "get_user()", ".")
    assert voicewords.code_parts("(get_user).") == ("(", "get_user", ").")
    assert voicewords.code_parts('"os.path.join"') == ('"', "os.path.join", '"')
