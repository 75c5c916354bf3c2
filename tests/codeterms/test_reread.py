"""Which spans of a segment are offered for re-reading, and with which wordings."""

from __future__ import annotations

import pytest

from git_voice.codeterms import terms
from git_voice.codeterms.bias import BASE_BONUS
from git_voice.codeterms.reread import MARGIN_BONUSES, MAX_READINGS, Rereader
from git_voice.config import Settings


def _offered(rereader: Rereader, text: str) -> dict[str, tuple[str, ...]]:
    return {text[r.start : r.end]: r.texts for r in rereader(text)}


def test_misheard_terms_are_offered_with_their_spoken_form():
    r = Rereader(["shallowRef", "purgeFile", "ShouldBindWith", "is_some_and", "max_new_tokens"])
    assert _offered(r, " I added Shadow Ref next to it.")["Shadow Ref"] == ("Shallow Ref",)
    assert _offered(r, " Start uses birge file here.")["birge file"] == ("purge file",)
    assert _offered(r, " a thin wrapper over short bind with")["short bind with"] == ("should bind with",)
    assert _offered(r, " option game is summoned which")["is summoned"] == ("is some and",)
    # A comma a model unsure of the words put in does not stop a span.
    assert _offered(r, " Generate take smacks, new tokens, instead")["smacks, new tokens"][0] == "max new tokens"


def test_nothing_is_offered_where_the_term_was_heard_or_nothing_sounds_like_one():
    r = Rereader(["shallowRef", "purgeFile", "user_store.py"])
    assert r(" I added shallow ref and purge file.") == []
    assert r(" The weather was lovely and we walked home.") == []
    assert Rereader([])(" shadow ref") == []
    assert Rereader(["user", "Config"])(" usher config") == []  # plain words have no code form


def test_spans_keep_their_words_and_their_sentence():
    r = Rereader(["line_number", "shallow_ref"])
    # The span with "a" in it is not offered: the term was heard, "a" was said too.
    assert r(" It takes a line number.") == []
    # A sentence end stops a span: "shallow. Ref" is two sentences.
    assert "shallow. Ref" not in _offered(r, " It was shallow. Ref counts go up.")
    # A single everyday word is what was said, whatever it sounds near.
    assert _offered(Rereader(["sync_pod"]), " The sink pot leaked.") == {"sink pot": ("sync pod",)}
    assert Rereader(["syncpod_x"])(" sinks.") == []


def test_numbers_are_heard_or_not():
    assert Rereader(["sha256_sum"])(" the shah two fifty six sum") == []
    assert Rereader(["utf8_decode"])(" it calls utf9 decode") == []


def test_wordings_follow_the_span_case_and_leave_spoken_separators_out():
    r = Rereader(["text/html", "max_wait"])
    assert "text slash HTML" in _offered(r, " sets txt, slash HTML here")["txt, slash HTML"]
    assert _offered(r, " supports Max Weight now")["Max Weight"][0] == "Max Wait"
    assert all("underscore" not in w for texts in _offered(r, " supports max weight now").values() for w in texts)


def test_margin_follows_bias_strength_and_readings_are_capped():
    ts = terms.collect(["shallowRef"])
    assert terms.biasing(ts, 0.0).reader() is None
    assert terms.biasing(terms.collect([])) is None
    bias = terms.biasing(ts, Settings().bias_strength)
    default = bias.reader()
    assert default is bias.reader()  # built once per term set
    assert default(" a Shadow Ref")[0].margin == pytest.approx(MARGIN_BONUSES * BASE_BONUS)
    assert Rereader(["shallowRef"], strength=0.5)(" a Shadow Ref")[0].margin == pytest.approx(MARGIN_BONUSES * BASE_BONUS / 2)
    many = Rereader([f"shallow_ref{i}" for i in range(20)] + ["shallowRef"])
    assert len(many(" Shadow Ref, Shadow Ref, Shadow Ref.")) <= MAX_READINGS
