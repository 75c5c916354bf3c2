"""Re-reading: Whisper scores other wordings of a span against the audio and keeps only
those the audio supports (``asr.whisper.rescoring``, ``Biasing.reader``)."""

from __future__ import annotations

import pytest

from git_voice.asr.engine import DecodeOptions
from git_voice.asr.registry import load_engine
from git_voice.asr.whisper.rescoring import reread_decoded
from git_voice.audio.load import load_audio
from git_voice.types import Reading

from ...helpers import normalise


@pytest.fixture(scope="module")
def engine(bundled_model):
    return load_engine(None, "cpu")[0]


@pytest.fixture
def jfk(shared_speech):
    return load_audio(shared_speech / "jfk.flac").samples


def _offer(word: str, wordings: tuple[str, ...], margin: float = 6.0, seen: list | None = None):
    """Readings that offer ``wordings`` for the first ``word`` of each segment's text."""

    def readings(text: str) -> list[Reading]:
        if seen is not None:
            seen.append(text)
        at = text.find(word)
        return [Reading(at, at + len(word), wordings, margin)] if at >= 0 else []

    return readings


class _Reads:
    """A Biasing with re-reading only: ``readings`` offers the wordings, nothing else is biased."""

    terms = ()

    def __init__(self, readings) -> None:
        self._readings = readings

    def logits_processors(self, tokenizer) -> list:
        return []

    def reader(self):
        return self._readings


def _reading(readings, beam: int = 1) -> DecodeOptions:
    return DecodeOptions(beam_size=beam, biasing=_Reads(readings))


def _text(result) -> str:
    return " ".join(s.text for s in result.segments)


@pytest.mark.parametrize("beam", [1, 2], ids=["greedy loop", "generate (beam search)"])
def test_a_wording_the_audio_does_not_support_is_left_out(engine, jfk, beam):
    plain = engine.transcribe(jfk, DecodeOptions(beam_size=beam))
    seen: list[str] = []
    result = engine.transcribe(jfk, _reading(_offer("country", ("county", "cutting"), seen=seen), beam))
    assert seen and "country" in " ".join(seen)
    assert _text(result) == _text(plain)
    # One report per span offered (each segment that says "country"): its best wording, not kept.
    assert len(result.rereads) == sum("country" in t for t in seen)
    for r in result.rereads:
        assert r.heard == "country" and r.read in {"county", "cutting"}
        assert not r.kept and r.gain < -6.0


def test_a_wording_the_audio_supports_replaces_what_was_decoded(engine, jfk):
    """A transcript with a word wrong ("county"): offered the word said, the audio picks it."""
    import torch

    tok = engine.processor.tokenizer
    wrong = " And so my fellow Americans, ask not what your county can do for you, ask what you can do for your county."
    segments = [{"start": torch.tensor(0.0), "end": torch.tensor(10.5), "tokens": torch.tensor(tok.encode(wrong, add_special_tokens=False))}]
    feats = engine._features(jfk)["input_features"]
    with torch.inference_mode():
        report = reread_decoded(engine, feats, segments, _offer("county", ("country", "counting"), margin=0.0))
    assert [r.read for r in report if r.kept] == ["country"]
    kept = next(r for r in report if r.kept)
    assert kept.heard == "county" and kept.gain > 0
    text = tok.decode(segments[0]["tokens"], skip_special_tokens=True)
    assert "what your country can do" in text and text.endswith("for your county.")  # only the span offered


def test_the_margin_decides(engine, jfk):
    """The same wording is kept or not by the reading's margin alone."""
    offered = _offer("Americans", ("American",))
    gain = engine.transcribe(jfk, _reading(offered)).rereads[0].gain
    assert gain < 0
    loose = engine.transcribe(jfk, _reading(_offer("Americans", ("American",), margin=-gain + 0.5)))
    strict = engine.transcribe(jfk, _reading(_offer("Americans", ("American",), margin=-gain - 0.5)))
    assert "fellow american ask" in normalise(_text(loose)) and loose.rereads[0].kept
    assert "fellow americans ask" in normalise(_text(strict)) and not strict.rereads[0].kept


def test_long_form_rereads_every_window(engine, shared_speech):
    """A 35 s recording is two windows: each is offered its spans, and bad wordings stay out."""
    samples = load_audio(shared_speech / "harvard_list72_8k.wav").samples
    plain = engine.transcribe(samples, DecodeOptions())
    seen: list[str] = []

    def readings(text: str) -> list[Reading]:
        seen.append(text)
        words = text.split()
        at = text.find(words[1])
        return [Reading(at, at + len(words[1]), ("zebra crossing",), 6.0)]

    result = engine.transcribe(samples, _reading(readings))
    assert len(seen) == len(plain.segments) >= 2
    assert normalise(_text(result)) == normalise(_text(plain))
    assert len(result.rereads) == len(seen) and not any(r.kept for r in result.rereads)


def test_temperature_fallback_gives_the_same_words_every_time(engine, speech):
    """A recording hard enough to need sampling (unseeded, three runs give three different
    transcripts) gives one transcript, and leaves the caller's random state alone."""
    import numpy as np
    import torch

    samples = load_audio(speech("Debounce supports max wait and the leading option, and should invoke decides when to call.")).samples
    noisy = (samples + np.random.default_rng(3).standard_normal(len(samples)).astype(np.float32) * 0.06).astype(np.float32)
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    first = _text(engine.transcribe(noisy, DecodeOptions()))
    assert first and torch.equal(torch.rand(3), before)
    for seed in (1, 999):
        torch.manual_seed(seed)
        assert _text(engine.transcribe(noisy, DecodeOptions())) == first
