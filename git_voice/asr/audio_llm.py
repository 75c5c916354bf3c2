"""What Qwen3-ASR and Fun-ASR-Nano share: an audio encoder feeding a chat LLM.

Both take one stretch of audio per prompt (not 30 s windows like Whisper), so a
recording is cut at the pauses Silero VAD hears (:mod:`.chunking`), the chunks of one or several
files go through ``generate`` in batches, and each chunk's text becomes one
segment timed by the speech in it. A family module says how to load its
processor, how to put language and code terms into the request, and how to read
the answer.
"""

from __future__ import annotations

import unicodedata
from abc import abstractmethod
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import ModelError
from ..types import Segment
from ..util import first_line
from .chunking import MAX_SECONDS, SAMPLE_RATE, Chunk, split_at_pauses
from .engine import DecodeOptions, Engine, EngineResult

# Room for fast speech: about 4 tokens a second is typical for English and
# Chinese; the margin keeps a long fast chunk from being cut off.
TOKENS_PER_SECOND = 10
MIN_NEW_TOKENS = 32
BATCH_CUDA = 8
BATCH_CPU = 2


def gpu_dtype(device: str, dtype: Any) -> Any:
    """bfloat16 on a CUDA GPU that has it, else what :func:`resolve_device` chose.

    Both families' LLMs were trained in bfloat16, whose range float16 lacks.
    """
    import torch

    if device.startswith("cuda") and dtype == torch.float16 and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return dtype


def script_language(text: str) -> str | None:
    """``zh``, ``ja`` or ``en`` from the letters of ``text`` (None with no letters).

    Kana means Japanese; Han without kana, Chinese; Latin letters alone, English.
    For a model that transcribes but does not name the language it heard.
    """
    han = kana = latin = 0
    for ch in text:
        if "\u3040" <= ch <= "\u30ff":
            kana += 1
        elif unicodedata.category(ch).startswith("L"):
            if "CJK" in unicodedata.name(ch, ""):
                han += 1
            elif ch.isascii():
                latin += 1
    if kana:
        return "ja"
    if han:
        return "zh"
    return "en" if latin else None


def majority(languages: Sequence[tuple[str | None, float]]) -> str | None:
    """The language heard for the longest time over all chunks."""
    totals: Counter[str] = Counter()
    for lang, seconds in languages:
        if lang:
            totals[lang] += seconds
    return totals.most_common(1)[0][0] if totals else None


class AudioLlmEngine(Engine):
    """Base of the chat-LLM families; subclasses fill in the family specifics."""

    title = "?"  # for messages: "Qwen3-ASR"
    model_class = "?"  # the transformers class name
    since = "?"  # the transformers version that brought it
    # How many code terms go to the model at most, and in how many characters.
    max_terms = 50
    max_term_chars = 1000

    def __init__(self, path: Path, name: str, device: str, dtype: Any) -> None:
        super().__init__(name, device)
        from .models import quiet_transformers

        quiet_transformers()
        import torch

        self.torch = torch
        self.dtype = gpu_dtype(device, dtype)
        self.batch_size = BATCH_CUDA if device.startswith("cuda") else BATCH_CPU
        self.chunk_seconds = MAX_SECONDS
        self.processor = self._load_processor(path)
        # Batched prompts differ in length: a decoder-only model needs them padded on the left.
        self.processor.tokenizer.padding_side = "left"
        self.model = self._load_model(path)
        # The last request as the processor got it (tests read it).
        self.last_request: dict[str, Any] = {}
        self.last_input_ids: Any = None

    # ------------------------------------------------------------- loading

    def _model_cls(self) -> Any:
        import transformers

        cls = getattr(transformers, self.model_class, None)
        if cls is None:
            raise ModelError(
                f"{self.title} needs transformers >= {self.since} (this is {transformers.__version__}): "
                "pip install -U transformers"
            )
        return cls

    def _load_model(self, path: Path) -> Any:
        cls = self._model_cls()
        try:
            model = cls.from_pretrained(str(path), dtype=self.dtype, attn_implementation="sdpa")
        except Exception as exc:  # corrupt or partial files surface in many exception types
            raise ModelError(f"cannot load the {self.title} model in {path}: {first_line(exc)}") from None
        return model.to(self.device).eval()

    @abstractmethod
    def _load_processor(self, path: Path) -> Any: ...

    # ------------------------------------------------------- family specifics

    @abstractmethod
    def language_name(self, code: str | None) -> str | None:
        """The family's own name for ISO ``code`` (None: detect); ModelError if unknown."""

    @abstractmethod
    def _request(self, audios: list[np.ndarray], language: str | None, terms: list[str]) -> dict[str, Any]:
        """Keyword arguments of ``processor.apply_transcription_request`` (audio aside)."""

    @abstractmethod
    def _read(self, ids: Any, language: str | None) -> tuple[str, str | None]:
        """One generated sequence → (text, ISO language code or None)."""

    # ------------------------------------------------------------- shared

    def select_terms(self, hotwords: Sequence[str]) -> list[str]:
        """The best code terms, within the family's count and length budget, no duplicates."""
        kept: list[str] = []
        used = 0
        for term in hotwords:
            term = " ".join(str(term).split())
            if not term or term in kept:
                continue
            if len(kept) >= self.max_terms or used + len(term) + 2 > self.max_term_chars:
                break
            kept.append(term)
            used += len(term) + 2
        return kept

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> EngineResult:
        return self.transcribe_many([samples], options)[0]

    def transcribe_many(self, items: Sequence[np.ndarray], options: DecodeOptions) -> list[EngineResult]:
        """Transcribe several recordings, batching their chunks together."""
        language = self.language_name(options.language)
        # These models were trained with the terms in their request, and always get
        # them (--no-bias sends none); Whisper's token-level hooks do not apply.
        terms = self.select_terms(options.terms)
        jobs: list[tuple[int, Chunk]] = []
        for index, samples in enumerate(items):
            # Chunks with no speech in them are not sent: a model asked about
            # silence or a hum makes words up.
            jobs.extend((index, c) for c in split_at_pauses(samples, self.chunk_seconds) if c.speech)
        heard: dict[int, list[tuple[Segment, str | None]]] = {i: [] for i in range(len(items))}
        for at in range(0, len(jobs), self.batch_size):
            batch = jobs[at : at + self.batch_size]
            if options.progress and len(jobs) > self.batch_size:
                options.progress(f"chunks {at + 1}-{at + len(batch)} of {len(jobs)}...")
            audios = [items[i][c.start : c.end] for i, c in batch]
            for (index, chunk), (text, lang) in zip(batch, self._generate(audios, language, terms)):
                if text:
                    heard[index].append((Segment(*chunk.seconds, text), lang))
        results = []
        for index in range(len(items)):
            found = heard[index]
            detected = majority([(lang, seg.end - seg.start) for seg, lang in found])
            results.append(
                EngineResult(
                    segments=[seg for seg, _ in found],
                    language=options.language or detected,
                    hotwords=terms,
                )
            )
        return results

    def _generate(self, audios: list[np.ndarray], language: str | None, terms: list[str]) -> list[tuple[str, str | None]]:
        """One batch of chunks → (text, language code) for each."""
        request = self._request(audios, language, terms)
        self.last_request = dict(request)
        try:
            # Chunks differ in length: pad the batch (Fun-ASR-Nano's processor does not by default).
            inputs = self.processor.apply_transcription_request(audios, padding=True, **request)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"{self.title} could not prepare the audio: {first_line(exc)}") from None
        inputs = inputs.to(self.device)
        if "input_features" in inputs:
            inputs["input_features"] = inputs["input_features"].to(self.dtype)
        self.last_input_ids = inputs["input_ids"].cpu()
        longest = max(len(a) for a in audios) / SAMPLE_RATE
        with self.torch.inference_mode():
            out = self.model.generate(
                **inputs, max_new_tokens=MIN_NEW_TOKENS + int(TOKENS_PER_SECOND * longest), do_sample=False
            )
        new = out[:, inputs["input_ids"].shape[1] :]
        return [self._read(row, language) for row in new]
