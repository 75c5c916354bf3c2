"""Whisper (any size, English-only or multilingual) through transformers; see :mod:`.engine`."""

from .engine import WhisperEngine

__all__ = ["WhisperEngine"]
