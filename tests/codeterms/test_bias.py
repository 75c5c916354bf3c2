"""Biased decoding: the prefix-tree processor on real tokens, then the real model end to end."""

from __future__ import annotations

import json

import pytest

from git_voice.codeterms import terms
from git_voice.codeterms.bias import BASE_BONUS, PrefixTree, make_processor, surface_texts, with_s
from git_voice.codeterms.candidates import Candidate
from git_voice.config import Settings

from ..helpers import git, make_repo, normalise

SOT = 50257


@pytest.fixture(scope="module")
def tokenizer():
    from git_voice.asr.bundled import ensure_bundled_model
    from transformers import WhisperTokenizer

    return WhisperTokenizer.from_pretrained(str(ensure_bundled_model()))


def _ids(tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False)


def _scores(rows: int):
    import torch

    return torch.zeros(rows, 51864)


def test_surface_texts_have_spoken_capitalised_and_written_forms():
    texts = surface_texts("get_user_by_id")
    assert " get user by id" in texts and " Get user by id" in texts
    assert " get user by ID" in texts and " get_user_by_id" in texts
    assert " Plan.go" in surface_texts("plan.go") and " plan.go" in surface_texts("plan.go")


def test_a_capitalised_file_name_is_continued(tokenizer):
    """Whisper writes "in Plan.co" for plan.go: after " Plan" "." the file ending gets the bonus."""
    import torch

    proc = make_processor(["plan.go"], tokenizer, 1.0)
    prefix = _ids(tokenizer, " Plan.")
    go = _ids(tokenizer, " Plan.go")[len(prefix)]
    out = proc(torch.tensor([[SOT, *prefix]]), _scores(1))
    assert out[0, go] > out[0].min()


def test_prefix_tree_lookup():
    tree = PrefixTree([(1, 2, 3), (1, 2, 4), (7, 8)])
    assert tree.lookup([9, 1]) == ([(1,)], False)
    assert tree.lookup([1, 2]) == ([(1, 2)], False)
    assert tree.children[(1, 2)] == {3, 4}
    assert tree.lookup([1, 2, 3]) == ([], False)
    assert tree.lookup([5]) == ([], False)


def test_continuation_boosted_first_token_not(tokenizer):
    proc = make_processor(["get_user_by_id"], tokenizer, 1.0)
    get, user, by = (_ids(tokenizer, w)[0] for w in (" get", " user", " by"))
    import torch

    # Nothing said yet: the first word of a term gets nothing.
    out = proc(torch.tensor([[SOT]]), _scores(1))
    assert out.abs().sum() == 0
    out = proc(torch.tensor([[SOT, get]]), _scores(1))
    assert out[0, user] == BASE_BONUS and out[0, by] == 0
    # Deeper in: the path's bonus so far is withdrawn from every other token.
    out = proc(torch.tensor([[SOT, get, user]]), _scores(1))
    assert out[0, by] - out[0, get] == pytest.approx(2 * BASE_BONUS)
    assert out[0, get] == pytest.approx(-BASE_BONUS)


def test_an_s_ending_is_boosted_with_the_bare_word(tokenizer):
    """The bonus favours the term's words, not one ending: "deserializes" and "parse
    headers" are boosted as "deserialize" and "parse header" are, so the audio picks."""
    import torch

    des, erial, ize, izes = 748, 48499, 1096, 4340
    assert _ids(tokenizer, " deserialize") == [des, erial, ize] and _ids(tokenizer, " deserializes") == [des, erial, izes]
    proc = make_processor(["deserialize", "parse_header"], tokenizer, 1.0)
    out = proc(torch.tensor([[SOT, des, erial]]), _scores(1))
    assert out[0, ize] == out[0, izes] > 0
    parse, header, headers = (_ids(tokenizer, w)[0] for w in (" parse", " header", " headers"))
    out = proc(torch.tensor([[SOT, parse]]), _scores(1))
    assert out[0, header] == out[0, headers] == BASE_BONUS
    # Written forms get no ending: ``parse_header`` is one name.
    assert with_s(" parse_header") is None and with_s(" entry") == " entries" and with_s(" hash") == " hashes"
    assert with_s(" signal set fn") is None and with_s(" get user by ID") is None  # no word to inflect


def test_prompt_tokens_before_start_of_transcript_are_ignored(tokenizer):
    import torch

    proc = make_processor(["get_user_by_id"], tokenizer, 1.0)
    get = _ids(tokenizer, " get")[0]
    prev = tokenizer.convert_tokens_to_ids("<|startofprev|>")
    out = proc(torch.tensor([[prev, get, SOT]]), _scores(1))
    assert out.abs().sum() == 0


def test_state_is_per_row_and_survives_a_shrinking_batch(tokenizer):
    import torch

    proc = make_processor(["parse_header", "load_config"], tokenizer, 1.0)
    parse, load = _ids(tokenizer, " parse")[0], _ids(tokenizer, " load")[0]
    header, config = _ids(tokenizer, " header")[0], _ids(tokenizer, " config")[0]
    out = proc(torch.tensor([[SOT, parse], [SOT, load], [SOT, 11]]), _scores(3))
    assert out[0, header] > 0 and out[0, config] == 0
    assert out[1, config] > 0 and out[1, header] == 0
    assert out[2].abs().sum() == 0
    out = proc(torch.tensor([[SOT, load]]), _scores(1))  # rows finished: batch of one
    assert out[0, config] > 0 and out[0, header] == 0


def test_timestamp_resets_the_path(tokenizer):
    import torch

    proc = make_processor(["parse_header"], tokenizer, 1.0)
    parse = _ids(tokenizer, " parse")[0]
    out = proc(torch.tensor([[SOT, parse, 50400]]), _scores(1))
    assert out.abs().sum() == 0


def test_strength_scales_and_zero_disables(tokenizer):
    assert make_processor(["parse_header"], tokenizer, 0.0) is None
    assert make_processor(["parse_header"], tokenizer, 0.5).bonus == pytest.approx(BASE_BONUS / 2)
    assert terms.biasing(terms.collect(["parse_header"]), 0.0).logits_processors(tokenizer) == []
    assert terms.biasing(terms.collect([])) is None


def test_collect_puts_extra_terms_first_without_duplicates():
    ts = terms.collect(["parse_header", "x_y"], [Candidate("load_config", 3.0), Candidate("x_y", 1.0)])
    assert ts.written_forms() == ["parse_header", "x_y", "load_config"]


# ------------------------------------------------------------ real model, real speech


@pytest.fixture
def change_repo(tmp_path, monkeypatch):
    path = make_repo(tmp_path / "repo")
    (path / "users.py").write_text("def fetch(uid):\n    return None\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "a")
    (path / "users.py").write_text(
        "def get_user_by_id(user_id):\n    return user_cache.get(user_id)\n\n\ndef load_config(path):\n    return {}\n"
    )
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "b")
    monkeypatch.chdir(path)
    return path


def test_spoken_identifier_comes_out_in_code_form(gv, speech, bundled_model, change_repo):
    wav = speech("Now get user by id reads the user cache first, and load config stays the same.")
    r = gv("transcribe", str(wav), "--hotwords-from", "HEAD", "--format", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    assert "get_user_by_id" in data["hotwords"] and "user_cache" in data["hotwords"]
    for term in ("get_user_by_id", "user_cache", "load_config"):
        assert term in data["text"]
    raw_rewrites = {rw["to"].strip() for rw in data["rewrites"]}  # a gluing hyphen becomes a space
    assert raw_rewrites <= set(data["hotwords"]) and "get_user_by_id" in raw_rewrites
    plain = json.loads(gv("transcribe", str(wav), "--no-bias", "--format", "json").out)
    assert "get_user_by_id" not in plain["text"]


def test_ordinary_words_stay_as_spoken(gv, speech, bundled_model, change_repo):
    wav = speech("The user said the cache was slow, so we load it once.")
    biased = json.loads(gv("transcribe", str(wav), "--hotwords-from", "HEAD", "--format", "json").out)
    plain = json.loads(gv("transcribe", str(wav), "--no-bias", "--format", "json").out)
    assert biased["text"] == plain["text"]
    assert biased["rewrites"] == []


def test_human_recordings_unchanged_by_biasing(shared_speech, bundled_model):
    """Long-form (35 s, two windows) and short real speech: identical with and without bias
    (biased decoding, re-reading and snapping all on)."""
    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.registry import load_engine
    from git_voice.audio.load import load_audio

    engine, _ = load_engine(None, "cpu")
    term_set = terms.collect(["get_user_by_id", "user_store.py", "load_config", "parse_header", "MAX_RETRIES", "country_code"])
    bias = terms.biasing(term_set, Settings().bias_strength)
    for name in ("jfk.flac", "harvard_list72_8k.wav"):
        samples = load_audio(shared_speech / name).samples
        plain = " ".join(s.text for s in engine.transcribe(samples, DecodeOptions()).segments)
        biased = " ".join(
            s.text for s in engine.transcribe(samples, DecodeOptions(biasing=bias)).segments
        )
        snapped, rewrites = terms.snap_text(biased, term_set, Settings().code_style)
        assert normalise(snapped) == normalise(plain) and not rewrites, name


def test_a_misheard_term_is_re_read_and_reported(gv, speech, bundled_model, change_repo):
    """tiny.en writes "Max Weight" for "max wait" in this voice; offered the term's
    wording, the audio agrees, and the JSON says what was re-read."""
    wav = speech("Debounce supports max wait and the leading option.")
    plain = json.loads(gv("transcribe", str(wav), "--no-bias", "--format", "json").out)
    if "weight" not in plain["text"].lower():
        pytest.skip(f"this machine's arithmetic heard it right: {plain['text']!r}")
    data = json.loads(gv("transcribe", str(wav), "--hotword", "maxWait", "--format", "json").out)
    assert "maxWait" in data["text"]
    assert [(r["heard"].lower(), r["read"].lower()) for r in data["rereads"]] == [("max weight", "max wait")]
    assert data["rereads"][0]["gain"] > -6.0
