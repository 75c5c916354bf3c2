"""Whisper (any size, English-only or multilingual), in plain torch or through transformers; see :mod:`.engine`."""

from .engine import WhisperEngine

__all__ = ["WhisperEngine"]
