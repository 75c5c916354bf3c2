"""Fun-ASR-Nano through ``git voice transcribe``, on a tiny random checkpoint in a local folder,
and its Kaldi filterbank features checked against kaldi-native-fbank's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from git_voice.asr.audio_llm import script_language
from git_voice.asr.fun_asr_nano import FunAsrNanoEngine, kaldi_fbank, numpy_feature_extractor_class, torchaudio_problem

from .spoken import with_pauses, write_wav
from .tiny_checkpoints import loaded_engine, prompt_text

DATA = Path(__file__).resolve().parent.parent / "data" / "asr"
TERMS = ["get_user_by_id", "load_config"]


def _engine(path) -> FunAsrNanoEngine:
    return loaded_engine(path, FunAsrNanoEngine)


def _prompt(engine: FunAsrNanoEngine, row: int = 0) -> str:
    return prompt_text(engine, engine.processor.audio_token, row)


# ------------------------------------------------------------------ features


@pytest.mark.parametrize("window", ["hamming", "povey"])
def test_numpy_fbank_matches_kaldi_native_fbank(window):
    """Reference: kaldi-native-fbank 1.23 (k2-fsa's Kaldi-compatible C++ front end) on the same
    1.5 s of hibari speech, dither 0, 25/10 ms frames, 80 bins, snip edges; stored in tests/data."""
    samples, rate = sf.read(DATA / "fbank_speech.wav", dtype="float32")
    reference = np.load(DATA / "fbank_speech_knf.npz")[window]
    ours = kaldi_fbank(samples, 80, 25, 10, rate, window)
    assert ours.shape == reference.shape == (148, 80)
    assert np.abs(ours - reference).max() < 1e-3  # log energies, range about -16..3


def test_extractor_is_transformers_lfr_over_the_reference_fbank():
    """Only the filterbank is ours: stacking 7 frames every 6 and padding are transformers'."""
    import torch
    from transformers.models.fun_asr_nano.feature_extraction_fun_asr_nano import FunAsrNanoFeatureExtractor

    samples, _ = sf.read(DATA / "fbank_speech.wav", dtype="float32")
    extractor = numpy_feature_extractor_class()()
    feats = extractor([samples, samples[:8000]], sampling_rate=16000, return_tensors="pt")
    expected = FunAsrNanoFeatureExtractor._apply_lfr(extractor, torch.from_numpy(np.load(DATA / "fbank_speech_knf.npz")["hamming"]))
    assert feats["input_features"].shape == (2, 25, 560)  # ceil(148 / 6) stacked frames of 7 x 80
    assert torch.allclose(feats["input_features"][0], expected, atol=1e-3)
    assert feats["input_features_mask"].sum(-1).tolist() == [25, 8]  # 48 frames in 0.5 s -> 8


def test_short_audio_has_no_frames():
    assert kaldi_fbank(np.zeros(100, dtype=np.float32), 80, 25, 10, 16000, "hamming").shape == (0, 80)


# ---------------------------------------------------------------- end to end


def test_transcribes_end_to_end_with_terms_as_keywords(gv, tiny_fun_asr, speech):
    wav = speech("The parser now reads the config once.")
    args = [a for t in TERMS for a in ("--hotword", t)]
    res = gv("transcribe", str(wav), "--model", str(tiny_fun_asr), "--device", "cpu", "--format", "json", *args)
    assert res.code == 0, res
    data = json.loads(res.out)
    assert data["model"] == str(tiny_fun_asr)
    assert data["hotwords"] == TERMS
    assert data["segments"] and data["text"]
    for seg in data["segments"]:
        assert 0 <= seg["start"] < seg["end"] <= data["duration"] + 0.01

    engine = _engine(tiny_fun_asr)
    # Without a usable torchaudio (the case on this machine) the numpy filterbank runs.
    assert engine.features == ("numpy" if torchaudio_problem() else "torchaudio")
    assert engine.last_request == {"language": None, "keywords": TERMS}
    # The processor put the keyword list into the user turn (rendered by the tiny template).
    assert "热词列表：[get_user_by_id, load_config]" in _prompt(engine)


def test_language_is_passed_by_its_chinese_name(gv, tiny_fun_asr, speech):
    res = gv("transcribe", str(speech("The old flag is gone.")), "--model", str(tiny_fun_asr), "--language", "en", "--format", "json")
    assert res.code == 0, res
    assert json.loads(res.out)["language"] == "en"
    engine = _engine(tiny_fun_asr)
    assert engine.last_request["language"] == "英文"
    assert "语音转写成英文：" in _prompt(engine)


def test_unsupported_language_is_one_clear_line(gv, tiny_fun_asr, speech):
    res = gv("transcribe", str(speech("The old flag is gone.")), "--model", str(tiny_fun_asr), "--language", "fr")
    assert res.code == 2
    lines = [line for line in res.err.splitlines() if "error" in line]
    assert len(lines) == 1 and "Traceback" not in res.err and "Fun-ASR-Nano" in lines[0] and "'fr'" in lines[0]


def test_long_audio_is_chunked_and_reassembled_in_order(gv, tiny_fun_asr, speech, tmp_path):
    samples, pauses = with_pauses(speech)
    wav = write_wav(tmp_path / "long.wav", samples)
    engine = _engine(tiny_fun_asr)
    engine.chunk_seconds = 5.0
    try:
        res = gv("transcribe", str(wav), "--model", str(tiny_fun_asr), "--format", "json")
    finally:
        engine.chunk_seconds = 30.0
    assert res.code == 0, res
    segments = json.loads(res.out)["segments"]
    assert len(segments) == 4
    for a, b in zip(segments, segments[1:]):
        assert a["start"] < a["end"] <= b["start"] < b["end"]
        assert any(a["end"] <= hi and b["start"] >= lo for lo, hi in pauses), (a, b, pauses)


@pytest.mark.skipif(torchaudio_problem() is None, reason="torchaudio works here: the numpy path is not taken")
def test_features_only_torchaudio_can_compute_are_a_clear_error(gv, tiny_fun_asr, speech, tmp_path):
    """A checkpoint asking for a Blackman window, which the numpy filterbank does not do."""
    folder = Path(shutil.copytree(tiny_fun_asr, tmp_path / "blackman"))
    config = json.loads((folder / "processor_config.json").read_text())
    config["feature_extractor"]["window"] = "blackman"
    (folder / "processor_config.json").write_text(json.dumps(config))
    res = gv("transcribe", str(speech("The old flag is gone.")), "--model", str(folder))
    assert res.code == 2
    lines = [line for line in res.err.splitlines() if "error" in line]
    assert len(lines) == 1
    assert "torchaudio" in lines[0] and "blackman" in lines[0] and "Traceback" not in res.err


def test_language_from_script():
    assert script_language("修复解析器的缓存") == "zh"
    assert script_language("修复 get_user_by_id 的缓存") == "zh"  # mixed Chinese and code
    assert script_language("キャッシュを修正") == "ja"
    assert script_language("fix the cache") == "en"
    assert script_language("123 ...") is None
