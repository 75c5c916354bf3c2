"""The bundled tiny.en: converted once, atomically, and transcribing correctly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from safetensors import safe_open

from git_voice.asr import bundled
from git_voice.asr.engine import DecodeOptions
from git_voice.asr.registry import load_engine
from git_voice.audio.load import load_audio

from ..helpers import TELEPHONE_SLACK, normalise, wer, word_errors


def test_checkpoint_has_every_part(bundled_model):
    for name in ("model.safetensors", "config.json", "generation_config.json", "tokenizer.json",
                 "tokenizer_config.json", "preprocessor_config.json", bundled.COMPLETE_MARKER):
        assert (bundled_model / name).is_file(), name
    gen = json.loads((bundled_model / "generation_config.json").read_text())
    assert gen["decoder_start_token_id"] == 50257 and gen["no_timestamps_token_id"] == 50362
    assert gen["begin_suppress_tokens"] == [220, 50256] and len(gen["suppress_tokens"]) == 90
    assert len(gen["alignment_heads"]) == 8
    with safe_open(bundled_model / "model.safetensors", "np") as f:
        keys = set(f.keys())
        assert f.get_tensor("model.encoder.layers.0.self_attn.k_proj.weight").shape == (384, 384)
    assert "model.encoder.layers.0.self_attn.k_proj.bias" not in keys  # Whisper's keys have no bias
    assert len([k for k in keys if k.startswith("model.decoder.layers.3.")]) == 24


def test_tokenizer_knows_timestamps(bundled_model):
    from transformers import WhisperTokenizer

    tok = WhisperTokenizer.from_pretrained(bundled_model)
    assert tok.convert_tokens_to_ids("<|0.00|>") == 50363
    assert tok.convert_tokens_to_ids("<|30.00|>") == 51863
    assert tok.convert_tokens_to_ids("<|notimestamps|>") == 50362
    assert tok.decode(tok.encode(" get_user_by_id", add_special_tokens=False)) == " get_user_by_id"


def test_jfk_word_for_word(bundled_model, shared_speech):
    manifest = json.loads((shared_speech / "manifest.json").read_text())
    ref = next(f["text"] for f in manifest["files"] if f["file"] == "jfk.flac")
    engine, _ = load_engine(None, "cpu")
    result = engine.transcribe(load_audio(shared_speech / "jfk.flac").samples, DecodeOptions())
    assert normalise(" ".join(s.text for s in result.segments)) == normalise(ref)


def test_long_telephone_recording_within_two_words(bundled_model, shared_speech):
    manifest = json.loads((shared_speech / "manifest.json").read_text())
    ref = next(f["text"] for f in manifest["files"] if f["file"] == "harvard_list72_8k.wav")
    engine, _ = load_engine(None, "cpu")
    audio = load_audio(shared_speech / "harvard_list72_8k.wav")
    assert audio.duration > 30  # more than one Whisper window: long-form generation
    result = engine.transcribe(audio.samples, DecodeOptions())
    assert word_errors(ref, " ".join(s.text for s in result.segments)) <= TELEPHONE_SLACK
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts) and result.segments[-1].end > 30


def test_synthesised_speech(bundled_model, speech):
    text = "The parser now rejects empty headers instead of crashing on them."
    engine, _ = load_engine(None, "cpu")
    result = engine.transcribe(load_audio(speech(text)).samples, DecodeOptions())
    assert wer(text, " ".join(s.text for s in result.segments)) <= 0.1


CONVERT = "from git_voice.asr.bundled import ensure_bundled_model; print(ensure_bundled_model())"


def test_concurrent_conversions_see_only_a_whole_model(tmp_path):
    env = {**os.environ, "GIT_VOICE_CACHE": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", CONVERT], env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outs[0] == outs[1]
    models = tmp_path / "models"
    # One finished model, no temporary folders left behind.
    assert [p.name for p in models.iterdir() if p.is_dir()] == [os.path.basename(outs[0])]
    assert bundled.is_complete(models / os.path.basename(outs[0]))


def test_half_written_model_is_rebuilt_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_VOICE_CACHE", str(tmp_path))
    final = bundled.bundled_model_dir()
    final.mkdir(parents=True)
    (final / "config.json").write_text("{")  # what a crash mid-copy could leave
    path = bundled.ensure_bundled_model()
    assert path == final and bundled.is_complete(final)
    assert json.loads((final / "config.json").read_text())["model_type"] == "whisper"


def test_killed_conversion_is_never_used_and_is_cleaned_up(tmp_path):
    """SIGKILL mid-conversion: no finished-looking model appears; the next run builds a whole one."""
    import signal
    import time

    env = {**os.environ, "GIT_VOICE_CACHE": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-c", CONVERT], env=env, stdout=subprocess.DEVNULL)
    models = tmp_path / "models"
    deadline = time.time() + 120
    while time.time() < deadline and not (models.exists() and any(".tmp-" in p.name for p in models.iterdir())):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    final = [p for p in models.iterdir() if p.is_dir() and ".tmp-" not in p.name]
    assert all(not bundled.is_complete(p) for p in final) or final == []
    out = subprocess.run([sys.executable, "-c", CONVERT], env=env, capture_output=True, text=True, check=True)
    assert bundled.is_complete(tmp_path / "models" / os.path.basename(out.stdout.strip()))
    assert not any(".tmp-" in p.name for p in models.iterdir())
