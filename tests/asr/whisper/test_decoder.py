"""The lean decoder step computes what transformers' Whisper decoder computes."""

from __future__ import annotations

import pytest

from git_voice.asr.whisper.decoder import LeanDecoder
from git_voice.audio.load import load_audio


@pytest.fixture(scope="module")
def float32_model(bundled_model):
    import torch
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    processor = WhisperProcessor.from_pretrained(str(bundled_model))
    model = WhisperForConditionalGeneration.from_pretrained(str(bundled_model), dtype=torch.float32,
                                                            attn_implementation="sdpa").eval()
    return model, processor


def _encoded(model, processor, samples):
    import torch

    feats = processor.feature_extractor(samples, sampling_rate=16000, return_tensors="pt").input_features
    with torch.inference_mode():
        return model.model.encoder(feats).last_hidden_state


def _transformers_greedy(model, encoder_out, prefix, steps):
    """Tokens and logits from transformers' own decoder with its cache, greedily."""
    import torch
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
    ids, tokens, logits = torch.tensor([prefix]), [], []
    with torch.inference_mode():
        for _ in range(steps):
            hidden = model.model.decoder(input_ids=ids, encoder_hidden_states=encoder_out, past_key_values=cache,
                                         use_cache=True).last_hidden_state
            scores = model.proj_out(hidden[:, -1])
            logits.append(scores)
            tokens.append(int(scores.argmax()))
            ids = torch.tensor([[tokens[-1]]])
    return tokens, logits


def _lean_greedy(decoder, encoder_out, prefix, steps):
    import torch

    tokens, logits = [], []
    with torch.inference_mode():
        decoder.start(encoder_out)
        scores = decoder(prefix)
        for _ in range(steps):
            logits.append(scores)
            tokens.append(int(scores.argmax()))
            scores = decoder([tokens[-1]])
    return tokens, logits


def test_same_logits_and_tokens_as_transformers(float32_model, shared_speech):
    import torch

    model, processor = float32_model
    encoder_out = _encoded(model, processor, load_audio(shared_speech / "jfk.flac").samples)
    gen = model.generation_config
    # A prompt before the start of transcript, as the hotword prompt and long-form windows send.
    prompt = [gen.prev_sot_token_id] + \
        processor.tokenizer.encode(" fellow Americans", add_special_tokens=False)
    prefix = prompt + [gen.decoder_start_token_id]
    ref_tokens, ref_logits = _transformers_greedy(model, encoder_out, prefix, 30)
    tokens, logits = _lean_greedy(LeanDecoder(model), encoder_out, prefix, 30)
    assert tokens == ref_tokens
    assert "country" in processor.tokenizer.decode(tokens)
    assert max(float((a - b).abs().max()) for a, b in zip(logits, ref_logits)) < 1e-3
    assert torch.equal(torch.stack(logits).argmax(-1), torch.stack(ref_logits).argmax(-1))


def test_start_resets_the_cache(float32_model, shared_speech):
    model, processor = float32_model
    encoder_out = _encoded(model, processor, load_audio(shared_speech / "jfk.flac").samples)
    sot = model.generation_config.decoder_start_token_id
    decoder = LeanDecoder(model)
    first = _lean_greedy(decoder, encoder_out, [sot], 12)[0]
    assert _lean_greedy(decoder, encoder_out, [sot], 12)[0] == first


def test_bfloat16_cross_attention_keeps_the_words(float32_model, shared_speech):
    import torch

    model, processor = float32_model
    encoder_out = _encoded(model, processor, load_audio(shared_speech / "jfk.flac").samples)
    sot = model.generation_config.decoder_start_token_id
    exact = _lean_greedy(LeanDecoder(model), encoder_out, [sot], 30)[0]
    half = _lean_greedy(LeanDecoder(model, cross_dtype=torch.bfloat16), encoder_out, [sot], 30)[0]
    words = lambda toks: processor.tokenizer.decode(toks, skip_special_tokens=True).lower().replace(",", "").replace(".", "").split()  # noqa: E731
    assert words(half) == words(exact)


def test_context_limit_is_a_clear_error(float32_model):
    import torch

    model, _ = float32_model
    decoder = LeanDecoder(model)
    with torch.inference_mode():
        decoder.start(torch.zeros(1, 1500, model.config.d_model))
        with pytest.raises(ValueError, match="context full"):
            decoder([0] * (model.config.max_target_positions + 1))
        decoder([0, 1])
        with pytest.raises(ValueError, match="must come first"):
            decoder([2, 3])


def test_continuations_score_as_the_steps_did(float32_model, shared_speech):
    """Several continuations of the cache in one batch: each position's logits equal the
    one-step ones, rows of different lengths and contents do not disturb each other, and
    the cache is left as it was."""
    import torch

    model, processor = float32_model
    encoder_out = _encoded(model, processor, load_audio(shared_speech / "jfk.flac").samples)
    sot = model.generation_config.decoder_start_token_id
    decoder = LeanDecoder(model)
    tokens, logits = _lean_greedy(decoder, encoder_out, [sot], 20)
    length = decoder.length
    cache = [(k[:, :, :length].clone(), v[:, :, :length].clone()) for k, v in decoder._self_kv]
    with torch.inference_mode():
        # Position 6 onwards: tokens[5] is fed at position 6 and predicts tokens[6].
        rows = [tokens[5:19], [tokens[5] + 1, *tokens[6:10]], tokens[5:9]]
        hidden = decoder.continuations(rows, 6)
        assert hidden.shape[:2] == (3, 14) and decoder.length == length
        same = decoder.logits(hidden[0])
        assert float((same - torch.cat(logits[6:20])).abs().max()) < 1e-3
        assert float((decoder.logits(hidden[2, :4]) - torch.cat(logits[6:10])).abs().max()) < 1e-3
        # A different word at position 6 changes what follows it, not what came before.
        other = decoder.logits(hidden[1])
        assert float((other[0] - logits[6][0]).abs().max()) > 1e-2
        assert all(torch.equal(k[:, :, :length], k0) and torch.equal(v[:, :, :length], v0)
                   for (k, v), (k0, v0) in zip(decoder._self_kv, cache))
        with pytest.raises(ValueError, match="cannot continue"):
            decoder.continuations([[1, 2]], decoder.length + 1)


def test_no_window_keeps_the_last_ones_cross_attention_through_its_encoder_pass(bundled_model, shared_speech):
    """The cross-attention keys and values (18 MB for tiny.en in float32) are gone
    before the next window's encoder pass, when memory peaks, and after a call."""
    from git_voice.asr.engine import DecodeOptions
    from git_voice.asr.device import resolve_device
    from git_voice.asr.whisper import WhisperEngine

    device, dtype = resolve_device("cpu")
    engine = WhisperEngine(bundled_model, "tiny.en", device, dtype, compute_type="float32")
    held = []
    encoder = engine.model.model.encoder
    forward = encoder.forward
    encoder.forward = lambda *a, **k: held.append(len(engine.lean._cross_kv)) or forward(*a, **k)
    samples = load_audio(shared_speech / "harvard_list72_8k.wav").samples  # 35.6 s: two windows
    for beam in (1, 3):
        held.clear()
        text = " ".join(s.text for s in engine.transcribe(samples, DecodeOptions(beam_size=beam)).segments)
        assert len(held) >= 2 and held == [0] * len(held)
        assert engine.lean._cross_kv == []
        assert "bell" in text.lower()  # the last sentence, in the second window: both were decoded
