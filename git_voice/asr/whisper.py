"""Whisper (any size, English-only or multilingual) through transformers.

Decoding follows OpenAI's reference defaults, which transcribe both shared
recordings word for word with tiny.en: greedy search conditioned on the previous
window's text, with temperature fallback when a window's output looks like a
loop (compression ratio) or is unlikely (average log-probability). Audio over
30 s goes through transformers' sequential long-form generation with timestamps.

Speed: attention runs through PyTorch's SDPA kernel. ``GIT_VOICE_COMPUTE_TYPE=int8``
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
        if options.logits_processors is not None:
            kwargs["logits_processor"] = options.logits_processors(self)
        with self.torch.inference_mode():
            out = self.model.generate(**feats, **kwargs)
        segments = self._segments(out)
        return EngineResult(segments=segments, language=language)

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
