"""Qwen3-ASR through ``git voice transcribe``, on a tiny random checkpoint in a local folder."""

from __future__ import annotations

import json

import pytest

from git_voice.asr.qwen3 import Qwen3AsrEngine

from .spoken import with_pauses, write_wav
from .tiny_checkpoints import loaded_engine, prompt_text

TERMS = ["get_user_by_id", "load_config"]


def _engine(path) -> Qwen3AsrEngine:
    return loaded_engine(path, Qwen3AsrEngine)


def _prompt(engine: Qwen3AsrEngine, row: int = 0) -> str:
    return prompt_text(engine, "<|audio_pad|>", row)


def test_transcribes_end_to_end_with_terms_as_context(gv, tiny_qwen3, speech):
    wav = speech("The parser now reads the config once.")
    args = [a for t in TERMS for a in ("--hotword", t)]
    res = gv("transcribe", str(wav), "--model", str(tiny_qwen3), "--device", "cpu", "--format", "json", *args)
    assert res.code == 0, res
    data = json.loads(res.out)
    assert data["model"] == str(tiny_qwen3) and data["device"] == "cpu"
    assert data["hotwords"] == TERMS  # what the model was given, shown in the JSON
    assert data["segments"] and data["text"]
    for seg in data["segments"]:
        assert 0 <= seg["start"] < seg["end"] <= data["duration"] + 0.01

    engine = _engine(tiny_qwen3)
    assert engine.last_request == {"language": None, "prompt": "get_user_by_id, load_config"}
    prompt = _prompt(engine)
    # The terms are the system turn, a bare list (not an instruction), before the audio.
    assert prompt.startswith("<|im_start|>system\nget_user_by_id, load_config<|im_end|>\n<|im_start|>user\n<|audio_start|>")
    assert prompt.endswith("<|im_start|>assistant\n")  # no language forced: the model names it


def test_no_terms_no_system_turn(gv, tiny_qwen3, speech):
    res = gv("transcribe", str(speech("Tests cover the empty file case.")), "--model", str(tiny_qwen3), "--no-bias", "--format", "json")
    assert res.code == 0, res
    assert json.loads(res.out)["hotwords"] == []
    engine = _engine(tiny_qwen3)
    assert engine.last_request["prompt"] is None
    assert "system" not in _prompt(engine)


def test_language_is_forced_by_its_qwen_name(gv, tiny_qwen3, speech):
    res = gv("transcribe", str(speech("The old flag is gone.")), "--model", str(tiny_qwen3), "--language", "zh", "--format", "json")
    assert res.code == 0, res
    assert json.loads(res.out)["language"] == "zh"
    engine = _engine(tiny_qwen3)
    assert engine.last_request["language"] == "Chinese"
    assert _prompt(engine).endswith("<|im_start|>assistant\nlanguage Chinese<asr_text>")


def test_unknown_language_is_one_clear_line(gv, tiny_qwen3, speech):
    res = gv("transcribe", str(speech("The old flag is gone.")), "--model", str(tiny_qwen3), "--language", "tlh")
    assert res.code == 2
    lines = [line for line in res.err.splitlines() if "error" in line]
    assert len(lines) == 1 and "Traceback" not in res.err and "Qwen3-ASR" in lines[0] and "'tlh'" in lines[0]


def test_language_names_map_back_to_codes():
    assert Qwen3AsrEngine._code("Chinese") == "zh"
    assert Qwen3AsrEngine._code("english") == "en"
    assert Qwen3AsrEngine._code("Klingon") is None


def test_long_audio_is_chunked_and_reassembled_in_order(gv, tiny_qwen3, speech, tmp_path):
    samples, pauses = with_pauses(speech)
    wav = write_wav(tmp_path / "long.wav", samples)
    engine = _engine(tiny_qwen3)
    engine.chunk_seconds = 5.0  # four ~3 s phrases: the 30 s default would keep them whole
    try:
        res = gv("transcribe", str(wav), "--model", str(tiny_qwen3), "--format", "json")
    finally:
        engine.chunk_seconds = 30.0
    assert res.code == 0, res
    segments = json.loads(res.out)["segments"]
    assert len(segments) == 4  # one chunk per phrase
    for a, b in zip(segments, segments[1:]):
        assert a["start"] < a["end"] <= b["start"] < b["end"]
    # Consecutive segments are separated by one of the pauses between phrases.
    for a, b in zip(segments, segments[1:]):
        assert any(a["end"] <= hi and b["start"] >= lo for lo, hi in pauses), (a, b, pauses)
    # The chunks went through generate together, two at a time on a CPU.
    assert engine.batch_size == 2 and engine.last_input_ids.shape[0] == 2


@pytest.mark.parametrize("fmt", ["text", "srt"])
def test_other_formats(gv, tiny_qwen3, speech, fmt):
    res = gv("transcribe", str(speech("The old flag is gone.")), "--model", str(tiny_qwen3), "--format", fmt)
    assert res.code == 0, res
    assert res.out.strip()
