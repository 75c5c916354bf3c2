"""Qwen3-ASR (``Qwen/Qwen3-ASR-0.6B-hf``, ``-1.7B-hf``) through transformers >= 5.13.

The request is a chat: the system turn holds context, the user turn the audio,
and the answer reads ``language English<asr_text>the words``. The model was
trained to use context words and to ignore instructions, so the code terms of
the change go in as a plain comma-separated list. A language given by the user
is forced by prefilling ``language <Name><asr_text>``; without one the model
names the language itself, which is read back as an ISO code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..util import first_line
from .audio_llm import AudioLlmEngine


def _language_names() -> dict[str, str]:
    """ISO code → the English name the model was trained with."""
    from transformers.models.qwen3_asr.processing_qwen3_asr import LANGUAGE_CODE_TO_NAME

    return dict(LANGUAGE_CODE_TO_NAME)


class Qwen3AsrEngine(AudioLlmEngine):
    title = "Qwen3-ASR"
    model_class = "Qwen3ASRForConditionalGeneration"
    since = "5.13"
    # The context is a system message in a 64k-token window; a few hundred
    # terms' worth keeps the prompt short next to the audio.
    max_terms = 100
    max_term_chars = 2000

    def _load_processor(self, path: Path) -> Any:
        self._model_cls()  # the version check, before anything else fails obscurely
        from transformers import Qwen3ASRProcessor

        try:
            return Qwen3ASRProcessor.from_pretrained(str(path))
        except Exception as exc:
            raise ModelError(f"cannot load the Qwen3-ASR processor in {path}: {first_line(exc)}") from None

    def language_name(self, code: str | None) -> str | None:
        if not code:
            return None
        names = _language_names()
        key = code.strip().lower()
        if key in names:
            return names[key]
        by_name = {name.lower(): name for name in names.values()}
        if key in by_name:
            return by_name[key]
        known = ", ".join(sorted(names))
        raise ModelError(f"Qwen3-ASR does not transcribe language {code!r}; it knows {known}")

    def _request(self, audios: list[np.ndarray], language: str | None, terms: list[str]) -> dict[str, Any]:
        # Terms, not instructions: a bare list, the way the model saw context in training.
        return {"language": language, "prompt": ", ".join(terms) if terms else None}

    def _read(self, ids: Any, language: str | None) -> tuple[str, str | None]:
        if language:
            # The prefilled "language X<asr_text>" is part of the prompt: all that
            # was generated is the text itself.
            text = self.processor.decode(ids, return_format="transcription_only")
            return text.strip(), None
        parsed = self.processor.decode(ids, return_format="parsed")
        return parsed["transcription"].strip(), self._code(parsed["language"])

    @staticmethod
    def _code(name: str | None) -> str | None:
        """The ISO code of a language name the model wrote (None if unknown)."""
        if not name:
            return None
        wanted = name.strip().lower()
        for code, known in _language_names().items():
            if known.lower() == wanted:
                return code
        return None
