"""Word timings and word confidences for Whisper, from its cross-attention.

Some of Whisper's decoder cross-attention heads (the "alignment heads", listed in a
checkpoint's ``generation_config.alignment_heads``) look at the audio frames of the
token they read. Teacher-forcing a text through the decoder and following those
heads' attention with dynamic time warping gives each token a start and an end;
the same pass gives each token's probability, which marks the words the model was
unsure of. Nothing is decoded again: any text (the transcript after code-term
snapping, or one a person edited) can be aligned to the audio it came from.

The functions take what they need (model, features, tokens) rather than an engine,
so they work on any ``WhisperForConditionalGeneration``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

# Encoder frames are 20 ms (two 10 ms feature frames each).
FRAME_SECONDS = 0.02
# Width of the median filter over frames that smooths the attention (odd).
MEDIAN_WIDTH = 7
WINDOW_SECONDS = 30.0
SAMPLE_RATE = 16000
HOP = 160


@dataclass
class TokenTime:
    """One text token: its id, start and end in seconds, and its probability given the text before it."""

    token: int
    start: float
    end: float
    prob: float


@dataclass
class WordTime:
    """One word as spoken: text (with its punctuation), start and end in seconds, and probability (its least
    likely token's)."""

    text: str
    start: float
    end: float
    prob: float


def dtw_path(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest monotone path through ``cost`` (rows x columns) from its first cell to its last.

    Moves are one row down, one column right, or both. Returns the row and column
    index of every cell on the path, in order. The recurrence runs over
    anti-diagonals, each computed at once.
    """
    n, m = cost.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    move = np.zeros((n + 1, m + 1), dtype=np.int8)  # 0 diagonal, 1 from above, 2 from the left
    for d in range(2, n + m + 1):
        i = np.arange(max(1, d - m), min(n, d - 1) + 1)
        j = d - i
        options = np.stack([acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]])
        best = options.argmin(axis=0)
        acc[i, j] = cost[i - 1, j - 1] + options[best, np.arange(len(i))]
        move[i, j] = best
    i, j = n, m
    rows, cols = [], []
    while i > 0 and j > 0:
        rows.append(i - 1)
        cols.append(j - 1)
        step = move[i, j]
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    return np.array(rows[::-1]), np.array(cols[::-1])


def _median_filter(x: np.ndarray, width: int) -> np.ndarray:
    """Median over a sliding window along the last axis (edges padded by reflection)."""
    if width <= 1 or x.shape[-1] < width:
        return x
    half = width // 2
    padded = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=-1)
    return np.median(windows, axis=-1)


def _cross_attention(model: Any, encoder_out: Any, ids: Any, heads: Sequence[tuple[int, int]]) -> tuple[np.ndarray, Any]:
    """Attention weights of ``heads`` (layer, head) over the audio frames, and the decoder's logits.

    The weights are recomputed from each layer's query input (captured by a hook)
    and the encoder output, so they do not depend on the attention kernel the
    model runs (SDPA returns no weights).
    """
    import torch

    layers = model.model.decoder.layers
    wanted = sorted({layer for layer, _ in heads})
    queries: dict[int, Any] = {}
    hooks = []
    for index in wanted:
        attn = layers[index].encoder_attn

        def grab(module: Any, args: tuple, kwargs: dict, index: int = index) -> None:
            queries[index] = kwargs.get("hidden_states", args[0] if args else None)

        hooks.append(attn.register_forward_pre_hook(grab, with_kwargs=True))
    try:
        out = model.model.decoder(input_ids=ids, encoder_hidden_states=encoder_out, use_cache=False)
    finally:
        for hook in hooks:
            hook.remove()
    logits = model.proj_out(out.last_hidden_state)
    rows = []
    for layer, head in heads:
        attn = layers[layer].encoder_attn
        dim = attn.head_dim
        q = attn.q_proj(queries[layer].to(attn.q_proj.weight.dtype))[0, :, head * dim : (head + 1) * dim].float()
        k = attn.k_proj(encoder_out.to(attn.k_proj.weight.dtype))[0, :, head * dim : (head + 1) * dim].float()
        rows.append(torch.softmax((q * attn.scaling) @ k.T, dim=-1))
    return torch.stack(rows).cpu().numpy().astype(np.float64), logits


def align_tokens(
    model: Any,
    features: Any,
    prefix: Sequence[int],
    tokens: Sequence[int],
    eot: int,
    heads: Sequence[tuple[int, int]],
    audio_frames: int,
) -> list[TokenTime]:
    """Times and probabilities of ``tokens`` spoken in one window of audio.

    ``features``: the window's log-mel features (1 x mels x 3000, on the model's
    device and dtype); ``prefix``: the decoder's start (``<|startoftranscript|>``,
    language and task for a multilingual model, ``<|notimestamps|>``); ``tokens``:
    the text's token ids; ``eot``: end of text; ``heads``: the alignment heads;
    ``audio_frames``: how many 10 ms feature frames of the window hold audio.
    Times are seconds from the window's start.
    """
    import torch

    if not tokens:
        return []
    ids = torch.tensor([[*prefix, *tokens, eot]], device=features.device)
    with torch.inference_mode():
        encoder_out = model.model.encoder(features).last_hidden_state
        weights, logits = _cross_attention(model, encoder_out, ids, heads)
        logprobs = torch.log_softmax(logits[0].float(), dim=-1)
    start = len(prefix)
    targets = torch.tensor(list(tokens), device=logprobs.device)
    probs = logprobs[start - 1 : start - 1 + len(tokens)].gather(1, targets[:, None])[:, 0].exp().tolist()
    # Rows read each text token and then end of text; columns are the frames with audio.
    frames = max(1, min(weights.shape[-1], audio_frames // 2))
    # Row r predicts token r (the last row, end of text): a row attends to the audio
    # of the token it is about to write, so the row's first frame is the token's start.
    w = weights[:, start - 1 : start + len(tokens), :frames]
    # Standardise each head over the tokens, smooth over time, average the heads.
    w = (w - w.mean(axis=1, keepdims=True)) / (w.std(axis=1, keepdims=True) + 1e-9)
    matrix = _median_filter(w, MEDIAN_WIDTH).mean(axis=0)
    rows, cols = dtw_path(-matrix)
    first_col = np.full(len(tokens) + 1, cols[-1], dtype=np.int64)
    for r, c in zip(rows[::-1], cols[::-1]):
        first_col[r] = c  # walking back, the last write is the row's first column
    times = first_col * FRAME_SECONDS
    return [TokenTime(int(t), float(times[i]), float(times[i + 1]), float(probs[i])) for i, t in enumerate(tokens)]


def group_words(tokenizer: Any, words: Sequence[str], timed: Sequence[TokenTime]) -> list[WordTime]:
    """The ``words`` (the text the tokens were made from, as ``" " + " ".join(words)``) with times.

    Each token belongs to the word holding its first character that is not a space
    (found by decoding ever longer prefixes, so byte-level pieces of one character
    count right). A word's probability is that of its least likely token.
    """
    bounds, pos = [], 0
    for w in words:
        pos += 1
        bounds.append((pos, pos + len(w)))
        pos += len(w)
    out: list[WordTime | None] = [None] * len(words)
    done, index = 0, 0
    ids: list[int] = []
    for item in timed:
        ids.append(item.token)
        end = len(tokenizer.decode(ids))
        first = done
        joined = tokenizer.decode(ids)
        while first < end and joined[first : first + 1].isspace():
            first += 1
        done = end
        while index < len(words) - 1 and first >= bounds[index][1]:
            index += 1
        w = out[index]
        if w is None:
            out[index] = WordTime(words[index], item.start, item.end, item.prob)
        else:
            w.end, w.prob = item.end, min(w.prob, item.prob)
    filled: list[WordTime] = []
    for i, w in enumerate(out):  # a word no token started in (should not happen): the time before it
        if w is None:
            t = filled[-1].end if filled else 0.0
            w = WordTime(words[i], t, t, 1.0)
        filled.append(w)
    return filled


def window_features(feature_extractor: Any, samples: np.ndarray, device: Any, dtype: Any) -> tuple[Any, int]:
    """A window's log-mel features (padded to 30 s) and how many 10 ms frames hold audio."""
    feats = feature_extractor(samples, sampling_rate=SAMPLE_RATE, return_tensors="pt")["input_features"]
    return feats.to(device, dtype=dtype), min(len(samples) // HOP, feats.shape[-1])


def plan_windows(words: Sequence[str], duration: float, spans: Sequence[tuple[float, float, int]] = ()) -> list[tuple[float, float, int, int]]:
    """Cut a text of ``words`` over audio of ``duration`` seconds into windows of at most 30 s.

    ``spans``: (start, end, word count) of timed pieces (a transcript's segments),
    when known; the text's words are shared out in proportion to their word counts
    (snapping and edits change a few words, not where they are). Without spans, in
    proportion to time. Returns (start, end, first word, last word + 1) per window.
    """
    n = len(words)
    if duration <= WINDOW_SECONDS or n == 0:
        return [(0.0, duration, 0, n)]
    if not spans:
        step = WINDOW_SECONDS - 2.0
        cuts = np.arange(0.0, duration, step)
        spans = [(float(a), float(min(duration, a + step)), 1) for a in cuts]
    total = sum(c for _, _, c in spans) or 1
    windows: list[tuple[float, float, int, int]] = []
    seen, first, start, end = 0, 0, spans[0][0], spans[0][0]
    for a, b, count in spans:
        if b - start > WINDOW_SECONDS and end > start:
            last = round(n * seen / total)
            windows.append((start, end, first, last))
            first, start = last, a
        seen += count
        end = b
    windows.append((start, min(duration, max(end, start + 0.1)), first, n))
    return [w for w in windows if w[3] > w[2]]


def speech_onset(samples: np.ndarray, db: float = 35.0) -> float:
    """Seconds before the first 10 ms frame within ``db`` decibels of the loudest one (0 for silence).

    The alignment path must start at the window's first frame, so the first word of
    a window that opens with silence would start at 0; the window starts at the
    sound instead.
    """
    frames = len(samples) // HOP
    if frames == 0:
        return 0.0
    energy = np.sqrt(np.mean(samples[: frames * HOP].reshape(frames, HOP) ** 2, axis=1)) + 1e-10
    loud = np.nonzero(20 * np.log10(energy / energy.max()) > -db)[0]
    return float(loud[0] * HOP / SAMPLE_RATE) if len(loud) else 0.0


def align_text(model: Any, processor: Any, samples: np.ndarray, text: str, spans: Sequence[tuple[float, float, int]] = (),
               language: str | None = None) -> list[WordTime]:
    """Word timings and probabilities of ``text`` spoken in ``samples`` (16 kHz mono float32).

    ``model``, ``processor``: a transformers Whisper model and its processor;
    ``spans``: see :func:`plan_windows`; ``language``: for a multilingual model.
    Returns the words of ``text`` (split on whitespace) with times in seconds.
    """
    tok = processor.tokenizer
    gen = model.generation_config
    heads = [tuple(h) for h in (getattr(gen, "alignment_heads", None) or [])]
    if not heads:  # no alignment heads known: all heads of the last half of the decoder
        cfg = model.config
        heads = [(layer, h) for layer in range(cfg.decoder_layers // 2, cfg.decoder_layers) for h in range(cfg.decoder_attention_heads)]
    prefix = [gen.decoder_start_token_id]
    if getattr(gen, "is_multilingual", False):
        lang = tok.convert_tokens_to_ids(f"<|{language or 'en'}|>")
        prefix += [lang, tok.convert_tokens_to_ids("<|transcribe|>")]
    prefix.append(gen.no_timestamps_token_id)
    eot = gen.eos_token_id if isinstance(gen.eos_token_id, int) else gen.eos_token_id[0]
    words = text.split()
    duration = len(samples) / SAMPLE_RATE
    # The features' dtype: the model's own (its position table is never cast; the first
    # parameter may be a convolution the compute type stored in bfloat16).
    dtype = model.model.encoder.embed_positions.weight.dtype
    out: list[WordTime] = []
    for start, end, a, b in plan_windows(words, duration, spans):
        piece = samples[int(start * SAMPLE_RATE) : int(min(end, start + WINDOW_SECONDS) * SAMPLE_RATE)]
        lead = speech_onset(piece)
        start, piece = start + lead, piece[int(lead * SAMPLE_RATE) :]
        feats, frames = window_features(processor.feature_extractor, piece, model.device, dtype)
        ids = tok.encode(" " + " ".join(words[a:b]), add_special_tokens=False)
        timed = align_tokens(model, feats, prefix, ids, eot, heads, frames)
        for w in group_words(tok, words[a:b], timed):
            out.append(WordTime(w.text, round(w.start + start, 2), round(w.end + start, 2), round(w.prob, 3)))
    return out
