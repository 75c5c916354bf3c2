"""The fast paths of the Whisper engine give the words of the exact one."""

from __future__ import annotations

import json
import os

import pytest

from git_voice.asr.engine import DecodeOptions
from git_voice.asr.registry import load_engine
from git_voice.asr.device import resolve_device
from git_voice.asr.whisper import WhisperEngine
from git_voice.asr.whisper.runtime import compute_type_for
from git_voice.audio.load import load_audio
from git_voice.errors import ConfigError

from ...helpers import TELEPHONE_SLACK, normalise, word_errors


@pytest.fixture(scope="module")
def int8_engine(bundled_model) -> WhisperEngine:
    device, dtype = resolve_device("cpu")
    return WhisperEngine(bundled_model, "tiny.en int8", device, dtype, compute_type="int8")


_FLOAT32: dict = {}


def _float32(bundled_model) -> WhisperEngine:
    """The exact engine (float32 throughout), made once per run."""
    if "engine" not in _FLOAT32:
        device, dtype = resolve_device("cpu")
        _FLOAT32["engine"] = WhisperEngine(bundled_model, "tiny.en", device, dtype, compute_type="float32")
    return _FLOAT32["engine"]


@pytest.fixture(scope="module")
def mixed_engine(bundled_model) -> WhisperEngine:
    device, dtype = resolve_device("cpu")
    return WhisperEngine(bundled_model, "tiny.en mixed", device, dtype, compute_type="mixed")


def _text(engine, path) -> str:
    return " ".join(s.text for s in engine.transcribe(load_audio(path).samples, DecodeOptions()).segments)


def _reference(shared_speech, name: str) -> str:
    manifest = json.loads((shared_speech / "manifest.json").read_text())
    return next(f["text"] for f in manifest["files"] if f["file"] == name)


def _holds_the_recording(text: str, shared_speech, name: str) -> None:
    """jfk word for word; the telephone recording within TELEPHONE_SLACK words (see helpers)."""
    ref = _reference(shared_speech, name)
    if name == "jfk.flac":
        assert normalise(text) == normalise(ref)
    else:
        assert word_errors(ref, text) <= TELEPHONE_SLACK, text


def test_compute_type_choice(monkeypatch):
    monkeypatch.delenv("GIT_VOICE_COMPUTE_TYPE", raising=False)
    assert compute_type_for("cpu") == "mixed"
    assert compute_type_for("cpu", "int8") == "int8"
    assert compute_type_for("cpu", "float32") == "float32"
    assert compute_type_for("cuda") == "native"
    monkeypatch.setenv("GIT_VOICE_COMPUTE_TYPE", "float32")
    assert compute_type_for("cpu") == "float32"
    with pytest.raises(ConfigError):
        compute_type_for("cpu", "int4")


def test_default_engine_is_mixed_on_the_plain_modules(bundled_model):
    from git_voice.asr.whisper import plain

    engine, _ = load_engine(None, "cpu")
    assert engine.compute_type == "mixed"
    assert type(engine.model).__module__ == plain.__name__  # not transformers' model (see test_plain)
    assert engine.generator().config._attn_implementation == "sdpa"  # generate's, built when needed


def test_int8_quantises_every_linear_layer_per_row(int8_engine):
    import torch

    linears = [m for m in int8_engine.model.modules() if isinstance(m, torch.nn.Linear)]
    assert linears == []  # all replaced, the 51864-row output projection included
    assert int8_engine.model.proj_out.weight().qscheme() == torch.per_channel_affine


def test_int8_jfk_word_for_word(int8_engine, shared_speech):
    assert normalise(_text(int8_engine, shared_speech / "jfk.flac")) == normalise(_reference(shared_speech, "jfk.flac"))


def test_int8_telephone_recording_within_two_words(int8_engine, shared_speech):
    _holds_the_recording(_text(int8_engine, shared_speech / "harvard_list72_8k.wav"), shared_speech,
                         "harvard_list72_8k.wav")


def test_int8_synthesised_note_same_words_as_float32(int8_engine, bundled_model, speech):
    text = "Move the retry loop into the upload client and log each failed attempt."
    exact = _float32(bundled_model)
    path = speech(text)
    assert normalise(_text(int8_engine, path)) == normalise(_text(exact, path))


def test_mixed_layout(mixed_engine):
    import torch

    from git_voice.asr.whisper.runtime import cpu_family

    # int8: only the output projection (80 MB a step in float32, a quarter in int8)
    assert not isinstance(mixed_engine.model.proj_out, torch.nn.Linear)
    assert mixed_engine.model.proj_out.weight().qscheme() == torch.per_channel_affine
    assert mixed_engine.lean.proj_out is mixed_engine.model.proj_out  # the fast loop runs the int8 one too
    decoder_linears = [m for m in mixed_engine.model.model.decoder.modules() if isinstance(m, torch.nn.Linear)]
    assert decoder_linears and all(m.weight.dtype == torch.float32 for m in decoder_linears)
    # bfloat16 where the CPU has the units for it: the encoder's arithmetic, the cross-attention cache;
    # elsewhere the encoder's linear layers int8
    bf16 = cpu_family() == "bf16"
    assert mixed_engine.lean.cross_dtype == (torch.bfloat16 if bf16 else None)
    encoder_linears = [m for m in mixed_engine.model.model.encoder.modules() if isinstance(m, torch.nn.Linear)]
    assert bool(encoder_linears) == bf16


@pytest.fixture(scope="module")
def avx2_mixed_engine(bundled_model) -> WhisperEngine:
    """The default as it runs on a CPU without bfloat16 units (AVX2, AVX-512 VNNI): int8 encoder."""
    from git_voice.asr.whisper import runtime

    device, dtype = resolve_device("cpu")
    family = runtime.cpu_family
    runtime.cpu_family = lambda: "avx2"
    try:
        return WhisperEngine(bundled_model, "tiny.en mixed avx2", device, dtype, compute_type="mixed")
    finally:
        runtime.cpu_family = family


def test_cpu_family_follows_the_instruction_caps():
    """benchmarks/speed.py --isa emulates CPU families with these caps; the choice follows them."""
    import subprocess
    import sys

    code = "from git_voice.asr.whisper.runtime import cpu_family; print(cpu_family())"
    caps = {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **caps}, capture_output=True, text=True)
    assert out.stdout.strip() == "avx2", out.stderr
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI"},
                         capture_output=True, text=True)
    assert out.stdout.strip() in ("avx512_vnni", "avx512", "avx2", "other") and out.stdout.strip() != "bf16"


@pytest.mark.parametrize("beam", [1, 5])
@pytest.mark.parametrize("name", ["jfk.flac", "harvard_list72_8k.wav"])
def test_mixed_without_bfloat16_units_keeps_the_recordings(avx2_mixed_engine, shared_speech, name, beam):
    import torch

    assert not [m for m in avx2_mixed_engine.model.model.encoder.modules() if isinstance(m, torch.nn.Linear)]
    samples = load_audio(shared_speech / name).samples
    text = " ".join(s.text for s in avx2_mixed_engine.transcribe(samples, DecodeOptions(beam_size=beam)).segments)
    _holds_the_recording(text, shared_speech, name)


@pytest.mark.parametrize("name", ["jfk.flac", "harvard_list72_8k.wav"])
def test_mixed_keeps_the_recordings(mixed_engine, shared_speech, name):
    _holds_the_recording(_text(mixed_engine, shared_speech / name), shared_speech, name)


def test_mixed_note_same_words_as_float32(mixed_engine, bundled_model, speech):
    text = "Cache the user lookup for ten minutes so the dashboard stops hitting the database on every request."
    path = speech(text)
    assert normalise(_text(mixed_engine, path)) == normalise(_text(_float32(bundled_model), path))


def test_threads_follow_idle_cpus():
    from git_voice.asr.whisper.runtime import idle_cpus, threads_for_window

    assert threads_for_window(2, idle=2) == 2
    assert threads_for_window(2, idle=1) == 1  # one core busy elsewhere: no barrier waits on it
    assert threads_for_window(4, idle=0) == 1
    assert threads_for_window(2, idle=None) == 2  # unknown: torch's count
    assert threads_for_window(2, fixed=3, idle=0) == 3  # GIT_VOICE_THREADS wins
    idle = idle_cpus()
    assert idle is None or idle <= (os.cpu_count() or 1)


# ------------------------------------------------ greedy short-form fast path


def _segments(engine, samples, options, fast: bool):
    engine.fast_path = fast
    try:
        result = engine.transcribe(samples, options)
    finally:
        engine.fast_path = True
    return [(round(s.start, 2), round(s.end, 2), s.text) for s in result.segments]


def test_fast_path_matches_generate_on_jfk(bundled_model, shared_speech):
    engine = _float32(bundled_model)
    samples = load_audio(shared_speech / "jfk.flac").samples
    assert _segments(engine, samples, DecodeOptions(), True) == _segments(engine, samples, DecodeOptions(), False)


def test_fast_path_matches_generate_over_several_windows(bundled_model, shared_speech, monkeypatch):
    """35.6 s: the second window starts after the first one's last timestamp pair, conditioned on its text."""
    from git_voice.asr.whisper import engine as whisper_engine

    engine = _float32(bundled_model)
    samples = load_audio(shared_speech / "harvard_list72_8k.wav").samples
    calls = []
    greedy = whisper_engine.greedy
    monkeypatch.setattr(whisper_engine, "greedy", lambda *a: calls.append(greedy(*a)) or calls[-1])
    fast = _segments(engine, samples, DecodeOptions(), True)
    monkeypatch.undo()
    assert calls and calls[0] is not None  # the loop itself decoded it, not generate behind it
    assert fast == _segments(engine, samples, DecodeOptions(), False)
    assert len(fast) == 10 and fast[-1][1] > 30.0


def test_fast_path_matches_generate_on_a_long_synthesised_note(bundled_model, speech):
    text = ("The upload client now retries each failed request three times and waits a little longer after "
            "every attempt. When the server answers with a status code that cannot succeed on a retry, the "
            "client gives up at once and reports the code. The log names the file, the attempt and the wait. "
            "I also moved the settings for the retries into one place so that the tests can shorten the waits. "
            "The old helper that slept between attempts is gone, and the documentation explains the new "
            "settings with an example for a slow network and one for a fast local server.")
    engine = _float32(bundled_model)
    samples = load_audio(speech(text)).samples
    assert len(samples) > 30 * 16000
    assert _segments(engine, samples, DecodeOptions(), True) == _segments(engine, samples, DecodeOptions(), False)


@pytest.mark.parametrize("text", [
    "Move the retry loop into the upload client and log each failed attempt with the status code.",
    "Cache the user lookup for ten minutes so the dashboard stops hitting the database on every request. "
    "The cache is cleared when a user changes their email address.",
])
def test_fast_path_matches_generate_on_synthesised_notes(bundled_model, speech, text):
    engine = _float32(bundled_model)
    samples = load_audio(speech(text)).samples
    assert _segments(engine, samples, DecodeOptions(), True) == _segments(engine, samples, DecodeOptions(), False)


def test_fast_path_applies_logits_processors_to_full_rows(bundled_model, speech):
    """The caller's processors see every step with the whole row (prompt, start of transcript, tokens)."""
    from git_voice.codeterms import terms

    engine = _float32(bundled_model)
    samples = load_audio(speech("Now get user by id reads the user cache first, and load config stays the same.")).samples
    bias = terms.biasing(terms.collect(["get_user_by_id", "user_cache", "load_config"]))
    seen: list[list[int]] = []

    class SpyBias:
        terms = bias.terms
        reader = bias.reader

        def logits_processors(self, tokenizer):
            def spy(input_ids, scores):
                assert input_ids.shape[0] == scores.shape[0] == 1 and scores.shape[1] == engine.model.config.vocab_size
                seen.append(input_ids[0].tolist())
                return scores

            return bias.logits_processors(tokenizer) + [spy]

    options = DecodeOptions(biasing=SpyBias())
    fast = _segments(engine, samples, options, True)
    rows, seen[:] = list(seen), []
    assert fast == _segments(engine, samples, options, False)
    assert rows == seen  # same rows, step by step, as generate passes
    sot = engine.model.generation_config.decoder_start_token_id
    assert all(sot in row for row in rows) and [len(r) for r in rows] == list(range(len(rows[0]), len(rows[0]) + len(rows)))


# ------------------------------------------------ beam search in the lean loop


def _beam_matches_generate(engine, samples, monkeypatch, beams: int = 5):
    """The loop's segments and generate's with the same beam; asserts the loop decoded them itself."""
    from git_voice.asr.whisper import engine as whisper_engine

    calls = []
    beam_search = whisper_engine.beam_search
    monkeypatch.setattr(whisper_engine, "beam_search", lambda *a: calls.append(beam_search(*a)) or calls[-1])
    fast = _segments(engine, samples, DecodeOptions(beam_size=beams), True)
    monkeypatch.undo()
    assert calls and calls[0] is not None  # not generate behind the loop's back
    return fast, _segments(engine, samples, DecodeOptions(beam_size=beams), False)


def test_beam_search_matches_generate_on_jfk(bundled_model, shared_speech, monkeypatch):
    engine = _float32(bundled_model)
    fast, slow = _beam_matches_generate(engine, load_audio(shared_speech / "jfk.flac").samples, monkeypatch)
    assert fast == slow


def test_beam_search_matches_generate_over_several_windows(bundled_model, shared_speech, monkeypatch):
    engine = _float32(bundled_model)
    samples = load_audio(shared_speech / "harvard_list72_8k.wav").samples
    fast, slow = _beam_matches_generate(engine, samples, monkeypatch)
    assert fast == slow and fast[-1][1] > 30.0


def test_beam_search_matches_generate_on_a_synthesised_note(bundled_model, speech, monkeypatch):
    text = ("The parser now rejects empty headers instead of crashing on them, and the error names the line. "
            "Cache the user lookup for ten minutes so the dashboard stops hitting the database.")
    engine = _float32(bundled_model)
    fast, slow = _beam_matches_generate(engine, load_audio(speech(text)).samples, monkeypatch)
    assert fast == slow


def test_beam_search_default_keeps_the_recordings(mixed_engine, shared_speech):
    for name in ("jfk.flac", "harvard_list72_8k.wav"):
        samples = load_audio(shared_speech / name).samples
        text = " ".join(s.text for s in mixed_engine.transcribe(samples, DecodeOptions(beam_size=5)).segments)
        _holds_the_recording(text, shared_speech, name)


def test_beam_rows_follow_their_parents(bundled_model, shared_speech):
    """After reorder, row i's cache is its parent's: a step then gives the parent row's logits."""
    import torch

    engine = _float32(bundled_model)
    lean = engine.lean
    feats = engine._features(load_audio(shared_speech / "jfk.flac").samples)["input_features"]
    with torch.inference_mode():
        enc = engine.model.model.encoder(feats).last_hidden_state
        lean.start(enc, rows=3)
        lean.prefill([engine.vocab.sot])
        first = lean.step(torch.tensor([50364, 400, 50364]))  # rows differ from here on
        lean.reorder(torch.tensor([1, 1, 0]))
        after = lean.step(torch.tensor([7, 7, 7]))
        lean.start(enc)
        lean([engine.vocab.sot, 400])
        alone = lean([7])
    assert not torch.allclose(first[0], first[1])
    assert torch.allclose(after[0], alone[0], atol=1e-4) and torch.allclose(after[1], alone[0], atol=1e-4)
    assert not torch.allclose(after[2], alone[0], atol=1e-4)


@pytest.mark.parametrize("said, before, heard", [
    ("The gravatar image is fetched once per user.", "Avatars now come from Gravatar.", "Gravatar"),
    ("Then the cors headers are added to the preflight answer.", "This fixes CORS for the API.", "CORS"),
])
def test_context_goes_before_the_audio_as_generate_puts_a_prompt(bundled_model, speech, said, before, heard):
    """``DecodeOptions.context`` (what a live take's earlier slices said) is the decoder's
    ``<|startofprev|>`` text, as transformers puts ``prompt_ids``: the same words as
    ``generate`` with that prompt, and the spelling the earlier text gives."""
    import torch

    engine = _float32(bundled_model)
    samples = load_audio(speech(said)).samples
    with_context = _segments(engine, samples, DecodeOptions(context=before), True)
    feats = engine._features(samples)
    with torch.inference_mode():
        from transformers import WhisperProcessor

        prompt = WhisperProcessor.from_pretrained(str(bundled_model)).get_prompt_ids(before, return_tensors="pt")
        out = engine.generator().generate(**feats, return_timestamps=True, return_segments=True, prompt_ids=prompt)
    assert [s[2] for s in with_context] == [s.text for s in engine._segments(out)]
    assert heard in with_context[0][2] and heard not in _segments(engine, samples, DecodeOptions(), True)[0][2]
