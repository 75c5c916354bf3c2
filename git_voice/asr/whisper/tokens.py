"""Whisper's tokenizer from its ``tokenizer.json``, through the ``tokenizers`` library alone.

transformers' ``WhisperTokenizerFast`` wraps the same Rust tokenizer; importing it
brings in transformers' tokenization stack. git-voice uses a handful of its
calls, answered here the same way (``tests/asr/whisper/test_plain.py`` compares
encodings and decodings with transformers' on many texts and token rows):

- ``encode(text, add_special_tokens=False)`` and ``tokenizer(text, ...).input_ids``:
  plain byte-level BPE (the special prefix is never added: git-voice builds it);
- ``decode(ids, skip_special_tokens=...)``: with skipping, a ``<|startofprev|>``
  prompt up to ``<|startoftranscript|>`` is dropped and so is every id from
  ``<|endoftext|>`` up (the special and timestamp tokens); without, the
  timestamp tokens alone are left out;
- ``convert_tokens_to_ids`` and ``convert_ids_to_tokens``.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from collections.abc import Sequence
from typing import Any


class Tokenizer:
    """A Whisper tokenizer; see the module docstring for what it answers."""

    def __init__(self, path: Path) -> None:
        import tokenizers

        self._tok = tokenizers.Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        self.eot = self._tok.token_to_id("<|endoftext|>")
        self.sot = self._tok.token_to_id("<|startoftranscript|>")
        self.prev = self._tok.token_to_id("<|startofprev|>")
        no_ts = self._tok.token_to_id("<|notimestamps|>")
        # Timestamp tokens come right after <|notimestamps|>; decoding leaves them out, as transformers' does.
        self.first_timestamp = no_ts + 1 if no_ts is not None else None
        if self.eot is None:
            raise ValueError("tokenizer.json has no <|endoftext|>")

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        return list(self._tok.encode(text, add_special_tokens=False).ids)

    def __call__(self, text: str, add_special_tokens: bool = False) -> Any:
        return SimpleNamespace(input_ids=self.encode(text))

    def decode(self, ids: Any, skip_special_tokens: bool = False) -> str:
        ids = [int(i) for i in (ids.tolist() if hasattr(ids, "tolist") else ids)]
        if skip_special_tokens:
            if self.prev is not None and self.prev in ids and self.sot in ids[ids.index(self.prev):]:
                ids = ids[ids.index(self.sot, ids.index(self.prev)):]
            ids = [i for i in ids if i < self.eot]
        elif self.first_timestamp is not None:
            ids = [i for i in ids if i < self.first_timestamp]
        return self._tok.decode(ids, skip_special_tokens=False)

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]) -> Any:
        if isinstance(tokens, str):
            found = self._tok.token_to_id(tokens)
            return self.eot if found is None else found
        return [self.convert_tokens_to_ids(t) for t in tokens]

    def convert_ids_to_tokens(self, ids: int | Sequence[int]) -> Any:
        if isinstance(ids, int):
            return self._tok.id_to_token(ids)
        return [self._tok.id_to_token(int(i)) for i in ids]
