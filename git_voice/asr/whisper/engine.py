"""Whisper (any size, English-only or multilingual): plain torch modules, transformers where needed.

An English-only checkpoint in safetensors (the bundled tiny.en is one) runs on
:mod:`.plain`'s modules with :mod:`.features`' log-mel and :mod:`.tokens`'
tokenizer, the same arithmetic as transformers' model without importing it
(about 100 MB less resident memory: ``benchmarks/memory.py``); transformers' ``WhisperForConditionalGeneration``
is built on first need, for ``generate`` (:meth:`WhisperEngine.generator`).
Multilingual checkpoints (language detection) and other layouts load
transformers' model and processor as before.

Decoding follows OpenAI's reference defaults, which transcribe both shared
recordings word for word with tiny.en: greedy search conditioned on the previous
window's text, with temperature fallback when a window's output looks like a
loop (compression ratio) or is unlikely (average log-probability). Audio over
30 s goes through transformers' sequential long-form generation with timestamps.

Speed: decoding skips ``generate``: :func:`.greedy.greedy` runs the encoder
once a window and a greedy loop over :class:`.decoder.LeanDecoder` (preallocated
caches, no per-step masks), window after window as ``generate``'s sequential
long-form does, applying the same logits processors in the same order (the
caller's last, on full token rows) with a precomputed suppress mask
(``generate``'s own ``SuppressTokensLogitsProcessor`` rebuilds it with
``torch.isin`` every step: over a third of a note's time when profiled). Beam
search (``beam_size`` > 1) runs the same windows through :func:`.beam.beam_search`:
the beams are rows of one lean decoder cache, reordered after each step, scored
as ``generate``'s beam search scores them. When temperature fallback would start
(compression ratio or average log-probability) or no end of text comes, the
input goes to ``generate`` whole, so the words are always those of ``generate``
(``GIT_VOICE_FAST_PATH=0`` turns the loops off). Attention runs through
PyTorch's SDPA kernel.

Compute types on CPU (``GIT_VOICE_COMPUTE_TYPE``, see :mod:`.runtime`):
``float32`` (exact); ``int8`` (every linear layer dynamic int8 with one scale per
output row, as CTranslate2's int8); ``mixed``, the default (``auto``): each part
in the precision that makes it fast without moving the words. A decoder step
reads every weight for one token, so it is bound by memory traffic, and most of
that traffic is the 51864 x 384 output projection (80 MB in float32): it runs in
int8, a quarter of the bytes. Its error touches one token's scores and nothing
after; the decoder's own layers carry their output into every later step, so
they stay float32 (quantising them too, as ``int8`` does, turns "gold ring" into
"golden ring" on the 8 kHz telephone recording, as faster-whisper int8 does).
The encoder computes 1500 frames at once, where a CPU's bfloat16 matrix units
(AMX, AVX-512 BF16) are fast: it runs in bfloat16 there, as do the
cross-attention keys and values every step reads. On CPUs without them (AVX2,
AVX-512 VNNI: :func:`.runtime.cpu_family`) its linear layers run dynamic int8,
twice float32's speed, and the shared recordings keep their words (the
encoder's error is not carried from step to step as the decoder's is).
GPUs run float16 (``asr.device.resolve_device``).

The package: ``engine`` (this class), ``plain``, ``features`` and ``tokens``
(the network, log-mel and tokenizer without transformers), ``greedy`` (the
window loop and greedy search), ``beam`` (beam search), ``decoder`` (the lean
decoder step), ``timestamps`` (token rules and segments), ``rescoring``
(re-reading code terms against the audio), ``wordtimes`` (word timings),
``runtime`` (threads, quantisation, the generate patch).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import numpy as np

from ... import config
from ...errors import ModelError
from ...types import Segment
from ...util import first_line
from ..engine import DecodeOptions, Engine, EngineResult
from . import plain
from .decoder import LeanDecoder
from .features import LogMel
from .plain import plain_applies
from .tokens import Tokenizer
from .beam import beam_search
from .greedy import COMPRESSION_RATIO_THRESHOLD, LOGPROB_THRESHOLD, greedy
from .rescoring import reread_decoded
from ..models import quiet_transformers
from .runtime import (apply_compute_type, compute_type_for, fix_mmap_threshold, int8_layers, release_freed_memory,
                      speed_up_generate, window_threads)
from .timestamps import Vocab

SAMPLE_RATE = 16000
WINDOW_SAMPLES = 30 * SAMPLE_RATE
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# Temperature fallback samples from this seed on every call (see ``WhisperEngine._seeded``).
FALLBACK_SEED = 0
NO_SPEECH_THRESHOLD = 0.6


class WhisperEngine(Engine):
    """Whisper on plain modules or transformers' model; see the module docstring for how it decodes."""

    def __init__(self, path: Path, name: str, device: str, dtype: Any, compute_type: str | None = None) -> None:
        super().__init__(name, device)
        self.compute_type = compute_type_for(device, compute_type)
        runtime = config.runtime()
        fix_mmap_threshold()
        import torch

        self.path = Path(path)
        self._generator: Any = None
        try:
            if plain_applies(self.path):
                # An English-only checkpoint: plain torch modules, transformers' model only for generate.
                model = plain.load(self.path, dtype, device, int8=int8_layers(self.compute_type))
                self.processor = SimpleNamespace(feature_extractor=LogMel(model.config.num_mel_bins or 80),
                                                 tokenizer=Tokenizer(self.path))
            else:
                model = self._transformers_model(dtype)
                from transformers import WhisperProcessor

                self.processor = WhisperProcessor.from_pretrained(str(path))
        except Exception as exc:  # corrupt or partial files surface in many exception types
            raise ModelError(f"cannot load the Whisper model in {path}: {first_line(exc)}") from None
        self.model = model.to(device).eval()
        self.dtype = dtype
        self.torch = torch
        cross_dtype = apply_compute_type(self.model, self.compute_type)
        self.lean = LeanDecoder(self.model, cross_dtype=cross_dtype)  # after quantisation: it holds the modules
        self.multilingual = bool(getattr(self.model.generation_config, "is_multilingual", False))
        # The greedy loop (see greedy.greedy); False: generate always.
        self.fast_path = runtime.fast_path
        self.vocab = Vocab.of(self.model, device)
        if hasattr(self.model, "generate"):  # transformers' model: generate runs it
            self._generator = self.model
            speed_up_generate(self.model, self.vocab.suppress_bias)
        release_freed_memory()
        # Threads per window: torch's count on an idle machine, fewer when other
        # work holds the cores (see runtime.threads_for_window). GIT_VOICE_THREADS=N fixes it.
        self.fixed_threads = runtime.threads

    def _transformers_model(self, dtype: Any) -> Any:
        quiet_transformers()
        from transformers import WhisperForConditionalGeneration

        # SDPA: one fused attention kernel instead of matmul + softmax + matmul.
        return WhisperForConditionalGeneration.from_pretrained(str(self.path), dtype=dtype, attn_implementation="sdpa")

    def generator(self) -> Any:
        """transformers' model, for ``generate`` (built on first use where the plain modules run)."""
        if self._generator is None:
            try:
                model = self._transformers_model(self.dtype).to(self.device).eval()
            except Exception as exc:
                raise ModelError(f"cannot load the Whisper model in {self.path}: {first_line(exc)}") from None
            apply_compute_type(model, self.compute_type)
            speed_up_generate(model, self.vocab.suppress_bias)
            self._generator = model
        return self._generator

    def encode(self, features: Any) -> Any:
        """The encoder's output for one window of ``features``.

        Memory peaks in the encoder pass, so what the last window left is handed
        back first: its cross-attention keys and values
        (:meth:`.LeanDecoder.release`), and the heap's free pieces that decoding
        steps left between live blocks (:func:`.runtime.release_freed_memory`;
        about 5 MB off the peak over ``benchmarks/speed.py``'s files, measured
        when this was written).
        """
        self.lean.release()
        release_freed_memory()
        return self.model.model.encoder(features).last_hidden_state

    def warm_up(self) -> None:
        """One window through the encoder and a few decoder steps, on silence."""
        torch = self.torch
        feats = self._features(np.zeros(SAMPLE_RATE, dtype=np.float32))["input_features"]
        with torch.inference_mode():
            self.lean.start(self.encode(feats))
            scores = self.lean([self.vocab.sot])
            for _ in range(3):
                scores = self.lean([int(scores.argmax())])
            self.lean.release()

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

    def align(self, samples: np.ndarray, text: str, spans=(), language: str | None = None) -> list:
        """Word timings from the alignment heads' cross-attention (see :mod:`.wordtimes`)."""
        from .wordtimes import align_text

        return align_text(self.model, self.processor, samples, text, spans, language)

    def _language(self, feats: dict[str, Any], requested: str | None) -> str | None:
        if not self.multilingual:
            return "en"
        if requested:
            return requested
        with self.torch.inference_mode():
            ids = self.model.detect_language(feats["input_features"][:, :, :3000])
        token = self.processor.tokenizer.convert_ids_to_tokens(int(ids[0]))
        return token.strip("<|>") if token else None

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
        bias = options.biasing
        processors = bias.logits_processors(self.processor.tokenizer) if bias is not None else []
        readings = bias.reader() if bias is not None else None
        out = None
        beams = max(1, options.beam_size)
        context = self._context_tokens(options.context)
        if self._fast_path_applies(options):
            try:
                with self.torch.inference_mode():
                    if beams == 1:
                        out = greedy(self, feats["input_features"], processors, readings, context)
                    else:
                        out = beam_search(self, feats["input_features"], processors, readings, beams, context)
            finally:
                self.lean.release()  # nothing of the last window is kept between calls
        if out is None:
            # A multilingual model, or a window the fast path hands back
            # (temperature fallback, no end of text): transformers' generate, whole.
            if processors:
                kwargs["logits_processor"] = processors
            generator = self.generator()
            with window_threads(self.fixed_threads), self.torch.inference_mode(), self._seeded():
                out = generator.generate(**feats, **kwargs)
                if readings is not None and isinstance(out, dict) and out.get("segments"):
                    out["rereads"] = reread_decoded(self, feats["input_features"], out["segments"][0], readings, language)
        # A last segment without its closing timestamp runs to the end of the (padded)
        # 30 s window: no segment outlasts the audio.
        duration = len(samples) / SAMPLE_RATE
        segments = [Segment(min(s.start, duration), min(s.end, duration), s.text) for s in self._segments(out)]
        rereads = out.get("rereads", []) if isinstance(out, dict) else []
        return EngineResult(segments=segments, language=language, rereads=rereads)

    def _context_tokens(self, text: str) -> list[int]:
        """Token ids of the text said before this audio (none for an empty one). The
        fallback to ``generate`` decodes without it."""
        text = " ".join(text.split())
        if not text:
            return []
        return list(self.processor.tokenizer(" " + text, add_special_tokens=False).input_ids)

    @contextlib.contextmanager
    def _seeded(self) -> Iterator[None]:
        """The same random numbers for every call: temperature fallback samples, and the
        same recording should give the same transcript each time. The caller's random
        state is put back afterwards."""
        torch = self.torch
        devices = [torch.device(self.device).index or 0] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(FALLBACK_SEED)
            yield

    def _fast_path_applies(self, options: DecodeOptions) -> bool:
        """An English-only model, greedy or beam search: the common case of a spoken note, any length."""
        return self.fast_path and not self.multilingual

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
