"""Whisper in plain torch (``asr/whisper/plain.py``, ``features.py``, ``tokens.py``) against transformers'."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from git_voice.asr.whisper import features, plain, tokens
from git_voice.audio.load import load_audio
from git_voice.errors import ModelError


@pytest.fixture(scope="module")
def hf(bundled_model):
    import torch
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    model = WhisperForConditionalGeneration.from_pretrained(str(bundled_model), dtype=torch.float32,
                                                            attn_implementation="sdpa").eval()
    return model, WhisperProcessor.from_pretrained(str(bundled_model))


@pytest.mark.parametrize("seconds", [0.5, 12.3, 29.99, 30.0, 47.31])
def test_features_and_mask_as_transformers(hf, seconds):
    import torch

    samples = (np.random.default_rng(7).standard_normal(int(seconds * 16000)) * 0.1).astype(np.float32)
    long = len(samples) > 480000
    kw = dict(truncation=False, padding="longest") if long else {}
    theirs = hf[1].feature_extractor(samples, sampling_rate=16000, return_tensors="pt", return_attention_mask=True, **kw)
    ours = features.LogMel(80)(samples, sampling_rate=16000, return_tensors="pt", return_attention_mask=True, **kw)
    assert ours["input_features"].shape == theirs["input_features"].shape
    assert torch.allclose(ours["input_features"], theirs["input_features"], atol=1e-5)
    assert torch.equal(ours["attention_mask"], theirs["attention_mask"])


def test_mel_filters_as_transformers():
    from transformers.audio_utils import mel_filter_bank

    for mels in (80, 128):
        theirs = mel_filter_bank(num_frequency_bins=201, num_mel_filters=mels, min_frequency=0.0, max_frequency=8000.0,
                                 sampling_rate=16000, norm="slaney", mel_scale="slaney")
        assert np.allclose(features.mel_filters(mels), theirs, rtol=1e-9, atol=1e-12)


def test_encoder_decoder_and_logits_as_transformers(hf, bundled_model, shared_speech):
    import torch

    model, processor = hf
    ours = plain.load(bundled_model, torch.float32, "cpu")
    samples = load_audio(shared_speech / "jfk.flac").samples
    feats = processor.feature_extractor(samples, sampling_rate=16000, return_tensors="pt").input_features
    ids = torch.tensor([[50257, 50362] + processor.tokenizer.encode(" And so my fellow Americans", add_special_tokens=False)])
    with torch.inference_mode():
        enc_theirs, enc_ours = model.model.encoder(feats).last_hidden_state, ours.model.encoder(feats).last_hidden_state
        dec_theirs = model.model.decoder(input_ids=ids, encoder_hidden_states=enc_theirs, use_cache=False).last_hidden_state
        dec_ours = ours.model.decoder(input_ids=ids, encoder_hidden_states=enc_ours).last_hidden_state
        logits_theirs = model.proj_out(dec_theirs)
        logits_ours = torch.nn.functional.linear(dec_ours, ours.proj_out.weight.float())
    assert torch.allclose(enc_ours, enc_theirs, atol=1e-5)
    assert torch.allclose(dec_ours, dec_theirs, atol=1e-5)
    assert torch.allclose(logits_ours, logits_theirs, atol=1e-4)
    # the float16 token embedding, cast per lookup, is the float32 one exactly
    assert ours.model.decoder.embed_tokens.weight.dtype == torch.float16
    assert torch.equal(ours.model.decoder.embed_tokens(ids), model.model.decoder.embed_tokens(ids))


TEXTS = [" get_user_by_id in user_store.py", " Crème brûlée, naïve café", "  two  spaces\tand a tab",
         " application/octet-stream 123 ABC", " 🙂 emoji and 中文", "", " <|endoftext|> said aloud"]


def test_tokenizer_as_transformers(hf, bundled_model):
    theirs = hf[1].tokenizer
    ours = tokens.Tokenizer(bundled_model)
    for text in TEXTS:
        assert ours.encode(text, add_special_tokens=False) == theirs.encode(text, add_special_tokens=False), text
        assert ours(text, add_special_tokens=False).input_ids == theirs(text, add_special_tokens=False).input_ids
    text_ids = theirs.encode(" The quick brown fox", add_special_tokens=False)
    rows = [text_ids, [50257, 50362, *text_ids, 50256], [50257, 50363, *text_ids, 50413, 50256],
            [50360, *text_ids[:2], 50257, 50363, *text_ids, 50413, 50256], [50413, 50256], []]
    for row in rows:
        for skip in (False, True):
            assert ours.decode(row, skip_special_tokens=skip) == theirs.decode(row, skip_special_tokens=skip), (row, skip)
    for name in ("<|endoftext|>", "<|startoftranscript|>", "<|notimestamps|>", "<|startofprev|>"):
        assert ours.convert_tokens_to_ids(name) == theirs.convert_tokens_to_ids(name)
        assert ours.convert_ids_to_tokens(theirs.convert_tokens_to_ids(name)) == name


def test_output_projection_made_int8_in_row_blocks_is_quantize_dynamics(bundled_model):
    import torch

    from git_voice.asr.whisper.runtime import quantize_linear_int8, quantize_rows_int8

    weight = torch.randn(1000, 64).half()
    full = torch.nn.Linear(64, 1000, bias=False)
    full.weight = torch.nn.Parameter(weight.float())
    half = torch.nn.Linear(64, 1000, bias=False)
    half.weight = torch.nn.Parameter(weight)
    theirs = quantize_linear_int8(torch.nn.Sequential(full))[0]
    ours = quantize_rows_int8(half, rows=300)  # blocks that do not divide the rows
    assert torch.equal(ours.weight().int_repr(), theirs.weight().int_repr())
    assert torch.equal(ours.weight().q_per_channel_scales(), theirs.weight().q_per_channel_scales())
    x = torch.randn(3, 64)
    assert torch.equal(ours(x), theirs(x))


def test_transcribing_imports_neither_transformers_nor_sympy(bundled_model, shared_speech, tmp_path):
    """The default engine on an English-only checkpoint runs without transformers' modules."""
    code = (
        "import sys\n"
        "from git_voice.asr.registry import load_engine\n"
        "from git_voice.asr.engine import DecodeOptions\n"
        "from git_voice.audio.load import load_audio\n"
        "engine, _ = load_engine(None, 'cpu')\n"
        f"samples = load_audio({str(shared_speech / 'jfk.flac')!r}).samples\n"
        "print(' '.join(s.text for s in engine.transcribe(samples, DecodeOptions()).segments))\n"
        "print(' '.join(s.text for s in engine.transcribe(samples, DecodeOptions(beam_size=5)).segments))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'transformers', 'sympy', 'mpmath'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    greedy, beam, imported = done.stdout.strip().splitlines()
    assert "ask not what your country can do for you" in greedy and greedy == beam
    assert imported == "[]"


def test_multilingual_or_other_checkpoints_keep_transformers_model(bundled_model, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(bundled_model, copy)
    assert plain.plain_applies(copy)
    gen = json.loads((copy / "generation_config.json").read_text())
    (copy / "generation_config.json").write_text(json.dumps({**gen, "is_multilingual": True}))
    assert not plain.plain_applies(copy)
    (copy / "generation_config.json").write_text(json.dumps(gen))
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps({**config, "tie_word_embeddings": False}))
    assert not plain.plain_applies(copy)  # its own output projection: transformers' model reads it
    (copy / "config.json").write_text(json.dumps(config))
    (copy / "model.safetensors").unlink()
    assert not plain.plain_applies(copy)


def test_a_checkpoint_that_does_not_fit_is_one_clear_error(bundled_model, tmp_path):
    from safetensors.torch import load_file, save_file

    from git_voice.asr.device import resolve_device
    from git_voice.asr.whisper import WhisperEngine

    copy = tmp_path / "m"
    shutil.copytree(bundled_model, copy)
    state = load_file(str(copy / "model.safetensors"))
    del state["model.decoder.layers.3.fc2.weight"]
    save_file({k: v.contiguous() for k, v in state.items()}, str(copy / "model.safetensors"))
    device, dtype = resolve_device("cpu")
    with pytest.raises(ModelError, match="cannot load the Whisper model.*missing.*layers.3.fc2.weight"):
        WhisperEngine(copy, "broken", device, dtype)
    (copy / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(ModelError, match="cannot load the Whisper model"):
        WhisperEngine(copy, "broken", device, dtype)
    data = (bundled_model / "model.safetensors").read_bytes()
    (copy / "model.safetensors").write_bytes(data[: len(data) // 2])  # cut short
    with pytest.raises(ModelError, match="cannot load the Whisper model.*ends early"):
        WhisperEngine(copy, "broken", device, dtype)


def test_encoder_weights_kept_in_bfloat16_give_autocasts_output(bundled_model):
    """``mixed`` on a CPU with bfloat16 units stores the encoder's linear and convolution
    weights in bfloat16 once, instead of autocast casting them on every call: same output."""
    import torch

    from git_voice.asr.whisper.runtime import apply_compute_type

    reference, ours = plain.load(bundled_model, torch.float32, "cpu"), plain.load(bundled_model, torch.float32, "cpu")
    apply_compute_type(ours, "mixed", family="bf16")
    feats = torch.randn(1, 80, 3000, generator=torch.Generator().manual_seed(3))
    with torch.inference_mode():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            expected = reference.model.encoder(feats).last_hidden_state.float()
        got = ours.model.encoder(feats).last_hidden_state
    assert ours.model.encoder.layers[0].fc1.weight.dtype == torch.bfloat16
    assert ours.model.encoder.layers[0].final_layer_norm.weight.dtype == torch.float32
    assert torch.equal(got, expected)


def test_mmap_threshold_is_left_to_a_user_who_set_it():
    code = "from git_voice.asr.whisper.runtime import fix_mmap_threshold; print(fix_mmap_threshold())"
    import os

    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"})
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"})
    assert chosen.stdout.strip() == "False"
    import platform

    assert default.stdout.strip() == ("True" if platform.libc_ver()[0] == "glibc" else "False")


def test_layers_made_int8_while_loading_are_quantize_dynamics(bundled_model):
    """``mixed`` without bfloat16 units and ``int8`` quantise linear layers from the weights
    as read (no float32 copy): the same int8 weights as quantising the loaded float model."""
    import torch

    from git_voice.asr.whisper.runtime import int8_layers, quantize_linear_int8

    reference = quantize_linear_int8(plain.load(bundled_model, torch.float32, "cpu"))
    ours = plain.load(bundled_model, torch.float32, "cpu", int8=int8_layers("mixed", family="avx2"))
    theirs_fc1, our_fc1 = reference.model.encoder.layers[1].fc1, ours.model.encoder.layers[1].fc1
    assert torch.equal(our_fc1.weight().int_repr(), theirs_fc1.weight().int_repr())
    assert torch.equal(our_fc1.bias(), theirs_fc1.bias())
    assert isinstance(ours.model.decoder.layers[0].fc1, torch.nn.Linear)  # mixed: the decoder stays float32
    assert ours.model.encoder.conv1.weight.dtype == torch.float32
    assert ours.model.encoder.layers[0].final_layer_norm.weight.dtype == torch.float32
    assert not isinstance(ours.proj_out, torch.nn.Linear)
    assert int8_layers("mixed", family="bf16")("model.encoder.layers.0.fc1") is False
    assert int8_layers("float32")("proj_out") is False


def _mapped_from(tensor, path) -> bool:
    """Whether ``tensor``'s memory lies in a mapping of file ``path`` (Linux: /proc/self/maps)."""
    address = tensor.data_ptr()
    for line in open("/proc/self/maps"):
        parts = line.split()
        low, high = (int(x, 16) for x in parts[0].split("-"))
        if low <= address < high:
            return len(parts) >= 6 and parts[5] == str(path)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
@pytest.mark.parametrize("stored", ["float16", "float32"])
def test_token_embedding_is_read_from_the_mapped_file(bundled_model, shared_speech, tmp_path, stored):
    """float16 (the bundled model) or float32 (most checkpoints on the Hub) in the file: the
    embedding is looked up in the mapped file, and the words are the same."""
    import torch
    from safetensors.torch import load_file, save_file

    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.whisper import WhisperEngine

    path = bundled_model
    if stored == "float32":
        path = tmp_path / "m"
        shutil.copytree(bundled_model, path)
        state = load_file(str(path / "model.safetensors"))
        save_file({k: v.float().contiguous() for k, v in state.items()}, str(path / "model.safetensors"))
    engine = WhisperEngine(path, stored, "cpu", torch.float32)
    embedding = engine.model.model.decoder.embed_tokens.weight
    assert embedding.dtype == getattr(torch, stored)
    assert _mapped_from(embedding, (path / "model.safetensors").resolve())
    samples = load_audio(shared_speech / "jfk.flac").samples
    text = " ".join(s.text for s in engine.transcribe(samples, DecodeOptions()).segments)
    assert "ask not what your country can do for you" in text
