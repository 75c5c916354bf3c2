"""Whisper (any size, English-only or multilingual) through transformers.

Decoding follows OpenAI's reference defaults, which transcribe both shared
recordings word for word with tiny.en: greedy search conditioned on the previous
window's text, with temperature fallback when a window's output looks like a
loop (compression ratio) or is unlikely (average log-probability). Audio over
30 s goes through transformers' sequential long-form generation with timestamps.

Speed: a note of up to 30 s decoded greedily (the common case) skips
``generate``: :meth:`WhisperEngine._greedy_short_form` runs the encoder once and
a greedy loop over the decoder with its key/value cache, applying the same logits
processors in the same order (the caller's last, on full token rows). Profiling a
15 s note showed ``generate``'s own processors costing more than the model
(``SuppressTokensLogitsProcessor`` rebuilds a vocabulary mask with ``torch.isin``
on every step: about 37% of the time; the timestamp processor another 7%); the
loop uses a precomputed mask. When temperature fallback would start (compression
ratio or average log-probability) or no end of text comes, the window goes to
``generate`` whole, so the words are always those of ``generate``
(``GIT_VOICE_FAST_PATH=0`` turns the loop off). Attention runs through PyTorch's SDPA kernel. ``GIT_VOICE_COMPUTE_TYPE=int8``
runs the linear layers (about 90% of tiny.en's arithmetic) as dynamic int8, with
one scale per output row as CTranslate2 uses. int8 is opt-in: on the 8 kHz
telephone recording it hears "golden ring" for "gold ring", exactly as
faster-whisper int8 does, where float32 (the default) is word for word
(``tests/asr/test_whisper_speed_paths.py``). GPUs run float16 (``engine.resolve_device``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .engine import DecodeOptions, Engine, EngineResult, Segment

SAMPLE_RATE = 16000
WINDOW_SAMPLES = 30 * SAMPLE_RATE
# Whisper keeps at most half its 448-token context for the prompt (FIELD_NOTES 3).
MAX_PROMPT_TOKENS = 223
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# transformers measures the compression ratio on token ids, not text: its docs
# recommend 1.35 where OpenAI's text-based threshold is 2.4.
COMPRESSION_RATIO_THRESHOLD = 1.35
LOGPROB_THRESHOLD = -1.0
NO_SPEECH_THRESHOLD = 0.6
# What the linear layers compute in on CPU; "auto" is float32 (word for word on the
# shared recordings), "int8" the faster opt-in.
COMPUTE_TYPES = ("auto", "int8", "float32")
COMPUTE_TYPE_ENV = "GIT_VOICE_COMPUTE_TYPE"


def compute_type_for(device: str, requested: str | None = None) -> str:
    """``int8`` or ``float32`` on CPU (float32 unless int8 is asked for); ``native`` elsewhere.

    int8 kernels (fbgemm/onednn dynamic quantisation) exist on CPU only; on a GPU
    the half-precision dtype chosen by :func:`resolve_device` is the fast path.
    """
    req = (requested or os.environ.get(COMPUTE_TYPE_ENV) or "auto").strip().lower()
    if req not in COMPUTE_TYPES:
        raise ModelError(f"{COMPUTE_TYPE_ENV}={req!r}: use one of {', '.join(COMPUTE_TYPES)}")
    if device != "cpu":
        return "native"
    return "int8" if req == "int8" else "float32"


def quantize_linear_int8(model: Any) -> Any:
    """Swap every ``nn.Linear`` for a dynamic int8 one, in place; returns ``model``.

    Dynamic quantisation keeps activations in float and rescales per call, so no
    calibration data is needed. Weights get one scale per output row: one scale
    per matrix turned "wet with dew" into "wet with a dew" on the telephone
    recording. The output projection (51864 x 384, run once per decoded token) is
    included: it is the single largest matrix of tiny.en.
    """
    import warnings

    import torch

    with warnings.catch_warnings():
        # torch >= 2.10 points eager-mode users at torchao; the eager API still works.
        warnings.simplefilter("ignore")
        spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
        return torch.ao.quantization.quantize_dynamic(model, spec, inplace=True)


def quiet_transformers() -> None:
    """No progress bars or advice from transformers on the user's terminal."""
    import os

    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


class WhisperEngine(Engine):
    family = "whisper"

    def __init__(self, path: Path, name: str, device: str, dtype: Any, compute_type: str | None = None) -> None:
        super().__init__(name, device)
        self.compute_type = compute_type_for(device, compute_type)
        quiet_transformers()
        import torch
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        try:
            self.processor = WhisperProcessor.from_pretrained(str(path))
            # SDPA: one fused attention kernel instead of matmul + softmax + matmul.
            model = WhisperForConditionalGeneration.from_pretrained(str(path), dtype=dtype, attn_implementation="sdpa")
        except Exception as exc:  # corrupt or partial files surface in many exception types
            raise ModelError(f"cannot load the Whisper model in {path}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None
        self.model = model.to(device).eval()
        if self.compute_type == "int8":
            quantize_linear_int8(self.model)
        self.dtype = dtype
        self.torch = torch
        gen = self.model.generation_config
        self.multilingual = bool(getattr(gen, "is_multilingual", False))
        # The greedy one-window loop (see _greedy_short_form); False: generate always.
        self.fast_path = os.environ.get("GIT_VOICE_FAST_PATH", "1") != "0"
        self._decode_setup()
        self._speed_up_generate()
        # Threads for the decoder's per-token steps (0: as many as torch uses). One is
        # faster: a step is too small to share, and on a busy CPU every extra thread
        # makes each of its hundreds of small operations wait for a core.
        self.decoder_threads = int(os.environ.get("GIT_VOICE_DECODER_THREADS", "1") or 0)

    # ------------------------------------------------------------------ helpers

    def _features(self, samples: np.ndarray) -> dict[str, Any]:
        fe = self.processor.feature_extractor
        if len(samples) > WINDOW_SAMPLES:
            feats = fe(
                samples,
                sampling_rate=SAMPLE_RATE,
                return_tensors="pt",
                truncation=False,
                padding="longest",
                return_attention_mask=True,
            )
        else:
            feats = fe(samples, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True)
        return {k: v.to(self.device, dtype=self.dtype if k == "input_features" else v.dtype) for k, v in feats.items()}

    def prompt_ids(self, hotwords: list[str] | tuple[str, ...]) -> Any | None:
        """The code terms as a Whisper prompt (after ``<|startofprev|>``), within the limit."""
        if not hotwords:
            return None
        tok = self.processor.tokenizer
        kept: list[str] = []
        used = 1  # <|startofprev|>
        for term in hotwords:
            n = len(tok.encode(" " + term + ",", add_special_tokens=False))
            if used + n > MAX_PROMPT_TOKENS:
                break
            kept.append(term)
            used += n
        if not kept:
            return None
        return self.processor.get_prompt_ids(", ".join(kept) + ".", return_tensors="pt").to(self.device)

    def _language(self, feats: dict[str, Any], requested: str | None) -> str | None:
        if not self.multilingual:
            return "en"
        if requested:
            return requested
        with self.torch.inference_mode():
            ids = self.model.detect_language(feats["input_features"][:, :, :3000])
        token = self.processor.tokenizer.convert_ids_to_tokens(int(ids[0]))
        return token.strip("<|>") if token else None

    # --------------------------------------------------------------- interface

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> EngineResult:
        feats = self._features(samples)
        language = self._language(feats, options.language)
        kwargs: dict[str, Any] = dict(
            return_timestamps=True,
            return_segments=True,
            condition_on_prev_tokens=True,
            temperature=FALLBACK_TEMPERATURES,
            compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD,
            logprob_threshold=LOGPROB_THRESHOLD,
            no_speech_threshold=NO_SPEECH_THRESHOLD,
            num_beams=max(1, options.beam_size),
        )
        if self.multilingual and language:
            kwargs.update(language=language, task="transcribe")
        if options.prompt:
            prompt = self.prompt_ids(list(options.hotwords))
            if prompt is not None:
                kwargs["prompt_ids"] = prompt
        processors = options.logits_processors(self) if options.logits_processors is not None else None
        out = None
        if self._fast_path_applies(samples, options, language):
            with self.torch.inference_mode():
                out = self._greedy_short_form(feats["input_features"], kwargs.get("prompt_ids"), processors or [])
        if out is None:
            # Beam search, long-form, multilingual, or a window the fast path hands back
            # (temperature fallback, no end of text): transformers' generate, whole.
            if processors is not None:
                kwargs["logits_processor"] = processors
            threads = self.torch.get_num_threads()
            if self.decoder_threads and self.decoder_threads < threads:
                # generate's time is in its decoder steps (the encoder runs once a window).
                self.torch.set_num_threads(self.decoder_threads)
            try:
                with self.torch.inference_mode():
                    out = self.model.generate(**feats, **kwargs)
            finally:
                self.torch.set_num_threads(threads)
        segments = self._segments(out)
        return EngineResult(segments=segments, language=language)

    # ------------------------------------------------- greedy short-form fast path

    def _fast_path_applies(self, samples: np.ndarray, options: DecodeOptions, language: str | None) -> bool:
        """Greedy, one window (<= 30 s), English-only model: the common case of a spoken note."""
        return (
            self.fast_path
            and not self.multilingual
            and max(1, options.beam_size) == 1
            and len(samples) <= WINDOW_SAMPLES
        )

    def _decode_setup(self) -> None:
        """Token ids and masks the loop needs, made once per engine."""
        torch = self.torch
        gen = self.model.generation_config
        vocab = self.model.config.vocab_size
        self._eos = int(gen.eos_token_id)
        self._sot = int(gen.decoder_start_token_id)
        self._no_ts = int(gen.no_timestamps_token_id)
        self._ts_begin = self._no_ts + 1
        self._max_initial_ts = getattr(gen, "max_initial_timestamp_index", None)
        self._max_length = int(gen.max_length or self.model.config.max_target_positions)
        self._vocab = vocab
        suppress = torch.zeros(vocab, dtype=torch.float32, device=self.device)
        if gen.suppress_tokens:
            suppress[torch.tensor(list(gen.suppress_tokens), device=self.device)] = -float("inf")
        self._suppress_bias = suppress
        self._begin_suppress = list(gen.begin_suppress_tokens or [])

    def _speed_up_generate(self) -> None:
        """Swap generate's suppress-tokens processor for one with a precomputed mask.

        transformers' ``SuppressTokensLogitsProcessor`` rebuilds a vocabulary-wide
        mask with ``torch.isin`` on every step (over a third of a note's time when
        profiled); this one adds the same -inf once computed, at the same place in
        the list, so the scores are identical.
        """
        from transformers.generation.logits_process import SuppressTokensLogitsProcessor

        model = self.model
        original = model._retrieve_logit_processors
        bias = self._suppress_bias

        class PrecomputedSuppress(SuppressTokensLogitsProcessor):
            def __init__(self, inner: Any) -> None:
                self.suppress_tokens = inner.suppress_tokens

            def __call__(self, input_ids: Any, scores: Any) -> Any:
                return scores + bias.to(device=scores.device, dtype=scores.dtype)

        def retrieve(*args: Any, **kwargs: Any) -> Any:
            procs = original(*args, **kwargs)
            if procs is None:
                return procs
            return [PrecomputedSuppress(p) if type(p) is SuppressTokensLogitsProcessor else p for p in procs]

        model._retrieve_logit_processors = retrieve

    def _greedy_short_form(self, features: Any, prompt_ids: Any | None, processors: list) -> dict | None:
        """One window, greedy, temperature 0, the way ``generate`` decodes it.

        Same decoder input (prompt, ``<|startoftranscript|>``), same logits
        processors in the same order (begin-suppress, suppress, timestamp rules,
        then the caller's on the full token rows), same checks that would start
        temperature fallback (compression ratio on token ids, average log-probability
        of the processed scores). Returns None whenever ``generate`` would go on
        differently (a check fails, or no end of text within the length limit):
        the caller then runs ``generate``, which repeats this window and falls back.
        """
        torch = self.torch
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache

        model = self.model
        prefix = [self._sot]
        if prompt_ids is not None:
            prefix = [int(t) for t in prompt_ids.tolist()] + prefix
        begin = len(prefix)
        max_length = min(self._max_length + min(model.config.max_target_positions // 2 - 1, begin),
                         model.config.max_target_positions)

        encoder_out = model.model.encoder(features).last_hidden_state
        threads = torch.get_num_threads()
        if self.decoder_threads and self.decoder_threads < threads:
            torch.set_num_threads(self.decoder_threads)
        try:
            return self._greedy_loop(encoder_out, prefix, begin, max_length, processors)
        finally:
            torch.set_num_threads(threads)

    def _greedy_loop(self, encoder_out: Any, prefix: list[int], begin: int, max_length: int, processors: list) -> dict | None:
        torch = self.torch
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache

        model = self.model
        decoder = model.model.decoder
        cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
        tokens = list(prefix)
        step_input = torch.tensor([prefix], device=self.device)
        chosen_logprobs: list[Any] = []
        ts_begin, eos, neg_inf = self._ts_begin, self._eos, -float("inf")
        while len(tokens) < max_length:
            hidden = decoder(input_ids=step_input, encoder_hidden_states=encoder_out, past_key_values=cache,
                             use_cache=True).last_hidden_state
            scores = model.proj_out(hidden[:, -1, :]).to(dtype=torch.float32)
            generated = tokens[begin:]
            # begin-suppress (first generated token only), then suppress
            if not generated and self._begin_suppress:
                scores[:, self._begin_suppress] = neg_inf
            scores = scores + self._suppress_bias
            scores = self._timestamp_rules(generated, scores)
            if processors:
                ids = torch.tensor([tokens], device=self.device)
                for proc in processors:
                    scores = proc(ids, scores)
            token = int(scores.argmax(dim=-1))
            chosen_logprobs.append(torch.log_softmax(scores, dim=-1)[0, token])
            tokens.append(token)
            if token == eos:
                break
            step_input = torch.tensor([[token]], device=self.device)
        else:
            return None  # hit the length limit: let generate shape that output
        seq = torch.tensor(tokens[begin:])
        if self._compression_ratio(tokens[begin:]) > COMPRESSION_RATIO_THRESHOLD:
            return None
        if sum(chosen_logprobs) / len(chosen_logprobs) < LOGPROB_THRESHOLD:
            return None
        return {"segments": [self._window_segments(seq[:-1])]}

    def _timestamp_rules(self, generated: list[int], scores: Any) -> Any:
        """transformers' WhisperTimeStampLogitsProcessor for one row."""
        torch = self.torch
        ts_begin, neg_inf = self._ts_begin, -float("inf")
        scores[:, self._no_ts] = neg_inf
        last_ts = len(generated) >= 1 and generated[-1] >= ts_begin
        penultimate_ts = len(generated) < 2 or generated[-2] >= ts_begin
        if last_ts:
            if penultimate_ts:
                scores[:, ts_begin:] = neg_inf
            else:
                scores[:, : self._eos] = neg_inf
        stamps = [t for t in generated if t >= ts_begin]
        lowest = ts_begin
        if stamps:
            lowest = stamps[-1] if (last_ts and not penultimate_ts) else stamps[-1] + 1
        if lowest > ts_begin:
            scores[:, ts_begin:lowest] = neg_inf
        if not generated:
            scores[:, :ts_begin] = neg_inf
            if self._max_initial_ts is not None:
                scores[:, ts_begin + self._max_initial_ts + 1 :] = neg_inf
        logprobs = torch.log_softmax(scores, dim=-1)
        if logprobs[:, ts_begin:].logsumexp(dim=-1) > logprobs[:, :ts_begin].max(dim=-1).values:
            scores[:, :ts_begin] = neg_inf
        return scores

    def _compression_ratio(self, tokens: list[int]) -> float:
        import math
        import zlib

        width = int(math.log2(self._vocab) / 8) + 1
        raw = b"".join(t.to_bytes(width, "little") for t in tokens)
        return len(raw) / len(zlib.compress(raw))

    def _window_segments(self, seq: Any) -> list[dict]:
        """Split one window's tokens at timestamp pairs, as transformers' _retrieve_segment does."""
        torch = self.torch
        ts_begin = self._ts_begin
        precision = 0.02
        is_ts = [t >= ts_begin for t in seq.tolist()]
        single_ending = is_ts[-2:] == [False, True]
        cuts = [i + 1 for i in range(len(is_ts) - 1) if is_ts[i] and is_ts[i + 1]]
        zero = torch.tensor(0.0, dtype=torch.float64)
        if not cuts:
            stamps = [i for i, t in enumerate(is_ts) if t]
            last = 3000 * 0.01 / precision  # a whole window's frames
            if stamps and int(seq[stamps[-1]]) != ts_begin:
                last = (seq[stamps[-1]] - ts_begin).to(torch.float64)
            return [{"start": zero, "end": zero + last * precision, "tokens": seq}]
        if single_ending:
            cuts.append(len(seq))
        else:
            cuts[-1] += 1
        out, prev = [], 0
        for i, cut in enumerate(cuts):
            piece = seq[prev:cut]
            end_idx = -1 if i < len(cuts) - 1 or single_ending else -2
            out.append({
                "start": zero + (piece[0] - ts_begin).to(torch.float64) * precision,
                "end": zero + (piece[end_idx] - ts_begin).to(torch.float64) * precision,
                "tokens": piece,
            })
            prev = cut
        return out

    def _segments(self, out: Any) -> list[Segment]:
        tok = self.processor.tokenizer
        segments: list[Segment] = []
        if isinstance(out, dict) and out.get("segments") and out["segments"][0]:
            for seg in out["segments"][0]:
                text = tok.decode(seg["tokens"], skip_special_tokens=True).strip()
                if text:
                    segments.append(Segment(float(seg["start"]), float(seg["end"]), text))
            return segments
        seqs = out["sequences"] if isinstance(out, dict) else out
        text = tok.decode(seqs[0], skip_special_tokens=True).strip()
        return [Segment(0.0, 0.0, text)] if text else []
