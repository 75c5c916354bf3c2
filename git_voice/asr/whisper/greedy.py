"""Greedy decoding without ``generate``: window after window over the lean decoder.

:func:`greedy` gives the segments transformers' sequential long-form ``generate``
gives at temperature 0, or None where ``generate`` would go on differently (its
caller then runs ``generate``); see the module docstring of :mod:`.engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from .rescoring import reread
from .runtime import window_threads
from .timestamps import TIMESTAMP_SECONDS, compression_ratio, timestamp_rules, window_segments

if TYPE_CHECKING:
    from .engine import WhisperEngine

# transformers measures the compression ratio on token ids, not text: its docs
# recommend 1.35 where OpenAI's text-based threshold is 2.4.
COMPRESSION_RATIO_THRESHOLD = 1.35
LOGPROB_THRESHOLD = -1.0


def greedy(engine: WhisperEngine, features: Any, processors: list, readings: Any = None,
           context: Sequence[int] = ()) -> dict | None:
    """Greedy decoding at temperature 0, window after window: :func:`decode_windows` with :func:`greedy_loop`."""
    return decode_windows(engine, features, processors, readings, greedy_loop, context)


def decode_windows(engine: WhisperEngine, features: Any, processors: list, readings: Any, loop: Any,
                   context: Sequence[int] = ()) -> dict | None:
    """Decoding at temperature 0, window after window, the way ``generate`` does it.

    ``loop`` decodes one window (:func:`greedy_loop`, or :func:`.beam.beam_loop`
    with its beam count bound). Each 30 s window gets the same decoder input as in ``generate``
    (``<|startofprev|>`` and the last 223 tokens of the text so far before all
    but the first; then ``<|startoftranscript|>``), the
    same logits processors in the same order (begin-suppress, suppress,
    timestamp rules, then the caller's on the full token rows) and the same
    checks that would start temperature fallback (compression ratio on token
    ids, average log-probability of the processed scores). The next window
    starts where ``generate`` would put it: after the last complete timestamp
    pair, or after the window when it ends on a single timestamp. Returns None
    whenever ``generate`` would go on differently (a check fails, or no end of
    text within the length limit): the caller then runs ``generate`` over the
    whole input, which falls back in temperature.

    With ``readings`` (``Biasing.readings``), each window's segments
    are re-read before the next window starts (:func:`.rescoring.reread`).
    ``context`` (token ids of what was said before this audio) goes before the first
    window the way the text so far goes before a later one.
    """
    import torch

    model = engine.model
    total = features.shape[-1]
    window = engine.processor.feature_extractor.nb_max_frames  # 3000 frames: 30 s
    half_context = model.config.max_target_positions // 2 - 1
    seek, segments, rereads = 0, [], []
    while seek < total:
        frames = min(total - seek, window)
        piece = features[:, :, seek:seek + frames]
        if frames < window:
            piece = torch.nn.functional.pad(piece, (0, window - frames))  # as generate pads a last window
        if segments or context:
            previous: list[int] = list(context)
            for seg in segments:
                toks = seg["tokens"].tolist()
                # a segment that ends on a timestamp pair passes one of them on
                previous += toks[:-1] if len(toks) > 2 and toks[-2] >= engine.vocab.ts_begin else toks
            prev_sot = [engine.vocab.prev_sot] if engine.vocab.prev_sot is not None else []
            prefix = prev_sot + previous[-half_context:] + [engine.vocab.sot]
        else:
            prefix = [engine.vocab.sot]
        begin = len(prefix)
        limit = min(engine.vocab.max_length + min(half_context, begin), model.config.max_target_positions)
        with window_threads(engine.fixed_threads):
            encoder_out = engine.encode(piece)
            seq = loop(engine, encoder_out, prefix, begin, limit, processors)
        if seq is None:
            return None
        found, advance = window_segments(engine.vocab, seq, seek * TIMESTAMP_SECONDS / 2, frames)
        if readings is not None:
            with window_threads(engine.fixed_threads):
                if engine.lean.rows != 1:
                    # beams: re-read over the chosen one alone, fed again in one pass
                    engine.lean.reset(1)
                    engine.lean(prefix + seq.tolist())
                rereads += reread(engine, found, prefix + seq.tolist(), begin, readings)
        segments += found
        seek += advance
    return {"segments": [segments], "rereads": rereads}

def greedy_loop(engine: WhisperEngine, encoder_out: Any, prefix: list[int], begin: int, max_length: int, processors: list) -> Any | None:
    """One window's tokens after ``prefix`` (end of text dropped), or None where generate would differ."""
    import torch

    lean = engine.lean
    lean.start(encoder_out)
    tokens = list(prefix)
    step = list(prefix)
    chosen_logprobs: list[Any] = []
    eos, neg_inf = engine.vocab.eos, -float("inf")
    while len(tokens) < max_length:
        scores = lean(step).to(dtype=torch.float32)
        generated = tokens[begin:]
        # begin-suppress (first generated token only), then suppress
        if not generated and engine.vocab.begin_suppress:
            scores[:, engine.vocab.begin_suppress] = neg_inf
        scores = scores + engine.vocab.suppress_bias
        scores = timestamp_rules(engine.vocab, generated, scores)
        if processors:
            ids = torch.tensor([tokens], device=engine.device)
            for proc in processors:
                scores = proc(ids, scores)
        token = int(scores.argmax(dim=-1))
        chosen_logprobs.append(torch.log_softmax(scores, dim=-1)[0, token])
        tokens.append(token)
        if token == eos:
            break
        step = [token]
    else:
        return None  # hit the length limit: let generate shape that output
    seq = torch.tensor(tokens[begin:])
    if compression_ratio(engine.vocab, tokens[begin:]) > COMPRESSION_RATIO_THRESHOLD:
        return None
    if sum(chosen_logprobs) / len(chosen_logprobs) < LOGPROB_THRESHOLD:
        return None
    return seq[:-1]
