"""Whisper's special tokens and timestamp rules, as transformers' ``generate`` applies them.

:class:`Vocab` holds the ids and masks a decoding loop needs (made once per model);
:func:`timestamp_rules` is ``WhisperTimeStampLogitsProcessor`` for one row,
:func:`window_segments` cuts a window's tokens into segments at timestamp pairs
(as transformers' ``_retrieve_segment``), and :func:`compression_ratio` is the
loop check that starts temperature fallback.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

# Seconds per timestamp token (two feature frames of 10 ms).
TIMESTAMP_SECONDS = 0.02


@dataclass(frozen=True)
class Vocab:
    """Token ids and masks of one Whisper model's generation config."""

    eos: int
    sot: int
    prev_sot: int | None
    no_ts: int
    ts_begin: int
    max_initial_ts: int | None
    max_length: int
    size: int
    suppress_bias: Any  # a (size,) float tensor: -inf at suppressed tokens, else 0
    begin_suppress: tuple[int, ...]

    @classmethod
    def of(cls, model: Any, device: str) -> "Vocab":
        """The ids and masks of ``model`` (a transformers Whisper model), tensors on ``device``."""
        import torch

        gen = model.generation_config
        size = model.config.vocab_size
        prev_sot = getattr(gen, "prev_sot_token_id", None)
        if prev_sot is None and gen.suppress_tokens and len(gen.suppress_tokens) >= 2:
            prev_sot = gen.suppress_tokens[-2]  # where transformers looks when the config lacks it
        no_ts = int(gen.no_timestamps_token_id)
        suppress = torch.zeros(size, dtype=torch.float32, device=device)
        if gen.suppress_tokens:
            suppress[torch.tensor(list(gen.suppress_tokens), device=device)] = -float("inf")
        return cls(
            eos=int(gen.eos_token_id),
            sot=int(gen.decoder_start_token_id),
            prev_sot=int(prev_sot) if prev_sot is not None else None,
            no_ts=no_ts,
            ts_begin=no_ts + 1,
            max_initial_ts=getattr(gen, "max_initial_timestamp_index", None),
            max_length=int(gen.max_length or model.config.max_target_positions),
            size=size,
            suppress_bias=suppress,
            begin_suppress=tuple(gen.begin_suppress_tokens or []),
        )


def timestamp_rules(vocab: Vocab, generated: list[int], scores: Any) -> Any:
    """transformers' WhisperTimeStampLogitsProcessor for one row (``generated``: the tokens after the prefix)."""
    return timestamp_rules_rows(vocab, [generated], scores)


def timestamp_rules_rows(vocab: Vocab, rows: list[list[int]], scores: Any) -> Any:
    """:func:`timestamp_rules` for several rows at once (``scores``: one row each), in place; returns ``scores``.

    The masks are per row; the last rule (no text where the timestamps together
    are likelier than any text token) runs on all rows in one pass.
    """
    import torch

    ts_begin, neg_inf = vocab.ts_begin, -float("inf")
    scores[:, vocab.no_ts] = neg_inf
    for i, generated in enumerate(rows):
        row = scores[i]
        last_ts = len(generated) >= 1 and generated[-1] >= ts_begin
        penultimate_ts = len(generated) < 2 or generated[-2] >= ts_begin
        if last_ts:
            if penultimate_ts:
                row[ts_begin:] = neg_inf
            else:
                row[: vocab.eos] = neg_inf
        stamps = [t for t in generated if t >= ts_begin]
        lowest = ts_begin
        if stamps:
            lowest = stamps[-1] if (last_ts and not penultimate_ts) else stamps[-1] + 1
        if lowest > ts_begin:
            row[ts_begin:lowest] = neg_inf
        if not generated:
            row[:ts_begin] = neg_inf
            if vocab.max_initial_ts is not None:
                row[ts_begin + vocab.max_initial_ts + 1 :] = neg_inf
    logprobs = torch.log_softmax(scores, dim=-1)
    stamped = logprobs[:, ts_begin:].logsumexp(dim=-1) > logprobs[:, :ts_begin].max(dim=-1).values
    if bool(stamped.any()):
        scores[stamped, :ts_begin] = neg_inf
    return scores

def compression_ratio(vocab: Vocab, tokens: list[int]) -> float:
    """How well ``tokens`` compress (zlib, on their bytes), as transformers measures a loop."""
    width = int(math.log2(vocab.size) / 8) + 1
    raw = b"".join(t.to_bytes(width, "little") for t in tokens)
    return len(raw) / len(zlib.compress(raw))

def window_segments(vocab: Vocab, seq: Any, offset: float, frames: int) -> tuple[list[dict], int]:
    """One window's segments and how many frames to move on, as transformers' _retrieve_segment.

    ``offset`` is the window's start in seconds, ``frames`` how many of its 3000
    frames hold audio. Segments are cut at timestamp pairs; the window moves on
    to its last complete pair, or past its end when it ends on one timestamp.
    """
    import torch

    ts_begin = vocab.ts_begin
    precision = TIMESTAMP_SECONDS
    start = torch.tensor(offset, dtype=torch.float64)
    is_ts = [t >= ts_begin for t in seq.tolist()]
    single_ending = is_ts[-2:] == [False, True]
    cuts = [i + 1 for i in range(len(is_ts) - 1) if is_ts[i] and is_ts[i + 1]]
    if not cuts:
        stamps = [i for i, t in enumerate(is_ts) if t]
        last = torch.tensor(int(frames * 0.01 / precision), dtype=torch.float64)
        if stamps and int(seq[stamps[-1]]) != ts_begin:
            last = (seq[stamps[-1]] - ts_begin).to(torch.float64)
        return [{"start": start, "end": start + last * precision, "tokens": seq}], frames
    if single_ending:
        cuts.append(len(seq))
    else:
        cuts[-1] += 1
    out, prev = [], 0
    for i, cut in enumerate(cuts):
        piece = seq[prev:cut]
        end_idx = -1 if i < len(cuts) - 1 or single_ending else -2
        out.append({
            "start": start + (piece[0] - ts_begin).to(torch.float64) * precision,
            "end": start + (piece[end_idx] - ts_begin).to(torch.float64) * precision,
            "tokens": piece,
        })
        prev = cut
    if single_ending:
        return out, frames
    return out, (int(seq[prev - 2]) - ts_begin) * 2
