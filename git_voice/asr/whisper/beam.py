"""Beam search without ``generate``: a window's beams decoded together over the lean decoder.

:func:`beam_search` gives the segments transformers' sequential long-form
``generate(num_beams=N)`` gives at temperature 0, window after window (the same
windows, prompts and seeks as :func:`.greedy.greedy`, which it shares), or None
where ``generate`` would go on differently: the caller then runs ``generate``.

One window (:func:`beam_loop`) keeps ``N`` running beams as ``N`` rows of one
:class:`.decoder.LeanDecoder` cache: the prompt is computed once and copied to
every row, each step feeds one token per row in one batched pass (so the
decoder's weights are read once a step, not once a beam), and after each step the
cache rows are reordered to follow the beams that go on. The scoring is
``generate``'s own beam search, step for step:

- scores are log-probabilities (``log_softmax`` of the logits) through the same
  processors in the same order: begin-suppress, suppress, the timestamp rules per
  row, then the caller's on the full token rows of every beam;
- the 2N best continuations of all beams by accumulated log-probability (taken
  as the best 2N of each beam's best 2N: the same set; only the order among
  exactly equal scores could differ from one selection over all of them); those
  ending in end of text (or reaching the length limit) are candidates for the N
  finished hypotheses, scored by accumulated log-probability over their length
  (length penalty 1), and the N best of the others run on;
- it stops when every continuation finishes or when no running beam can beat
  the worst of N finished hypotheses (``early_stopping=False``'s heuristic);
- the best finished hypothesis is checked as ``generate`` checks a beam result
  for temperature fallback: compression ratio of its tokens, and the average of
  each token's log-probability in its parent beam's processed scores
  (re-normalised with ``logsumexp``, where generate takes ``log_softmax``: the
  same to float rounding, and only compared with the -1.0 threshold).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Sequence

from .greedy import COMPRESSION_RATIO_THRESHOLD, LOGPROB_THRESHOLD, decode_windows
from .timestamps import compression_ratio, timestamp_rules_rows

if TYPE_CHECKING:
    from .engine import WhisperEngine

# generate's defaults for Whisper's beam search: a finished hypothesis is scored
# by its summed log-probability over its length to this power; beams that cannot
# win are marked with this score.
LENGTH_PENALTY = 1.0
NEG = -1.0e9


def beam_search(engine: WhisperEngine, features: Any, processors: list, readings: Any, beams: int,
                context: Sequence[int] = ()) -> dict | None:
    """Beam search with ``beams`` beams over every window of ``features``; as :func:`.greedy.greedy` returns."""
    return decode_windows(engine, features, processors, readings, partial(beam_loop, beams=beams), context)


def _process(engine: WhisperEngine, rows: Any, begin: int, logprobs: Any, processors: list) -> Any:
    """``logprobs`` (beams, vocab) through generate's processors, in its order; ``rows``: the token rows so far."""
    vocab = engine.vocab
    if rows.shape[1] == begin and vocab.begin_suppress:
        logprobs[:, list(vocab.begin_suppress)] = -float("inf")
    logprobs = logprobs + vocab.suppress_bias
    timestamp_rules_rows(vocab, rows[:, begin:].tolist(), logprobs)
    for proc in processors:
        logprobs = proc(rows, logprobs)
    return logprobs


def beam_loop(engine: WhisperEngine, encoder_out: Any, prefix: list[int], begin: int, max_length: int,
              processors: list, beams: int = 5) -> Any | None:
    """One window's tokens after ``prefix`` by beam search (end of text dropped), or None where generate would differ.

    Returns the best finished hypothesis as :func:`.greedy.greedy_loop` returns the
    greedy one. The lean decoder is left holding ``beams`` rows.
    """
    import torch

    lean, eos = engine.lean, engine.vocab.eos
    keep = 2 * beams  # candidates a step: enough that N run on even if N of them end
    dev = encoder_out.device
    lean.start(encoder_out, rows=beams)
    logits = lean.prefill(prefix).expand(beams, -1)
    rows = torch.tensor([prefix] * beams, device=dev)
    run_scores = torch.full((beams,), NEG, dtype=torch.float32, device=dev)
    run_scores[0] = 0.0
    run_lps = torch.zeros((beams, 0), dtype=torch.float32, device=dev)  # each token's log-probability, per beam
    done_rows: list[Any] = [None] * beams
    done_lps: list[Any] = [None] * beams
    done_scores = torch.full((beams,), NEG, dtype=torch.float32, device=dev)
    done_flags = torch.zeros(beams, dtype=torch.bool, device=dev)
    can_improve = True
    cur = len(prefix)
    while True:
        logprobs = torch.log_softmax(logits.to(dtype=torch.float32), dim=-1)
        processed = _process(engine, rows, begin, logprobs, processors)
        total = processed + run_scores[:, None]
        # The best ``keep`` of all beams are among each beam's best ``keep``: two small
        # selections instead of one over beams x vocabulary (a third of the time).
        row_scores, row_idx = torch.topk(total, k=keep, dim=-1)
        top_scores, at = torch.topk(row_scores.reshape(-1), k=keep)
        parents, tokens = at // keep, row_idx.reshape(-1)[at]
        # each token's log-probability in its parent's processed scores, re-normalised
        # as generate does for its fallback check
        token_lp = processed[parents, tokens] - processed.logsumexp(dim=-1)[parents]
        hits = (tokens == eos) | (cur + 1 >= max_length)
        cand_rows = torch.cat([rows[parents], tokens[:, None]], dim=1)
        cand_lps = torch.cat([run_lps[parents], token_lp[:, None]], dim=1)
        # the N best that did not finish run on
        running = top_scores + hits.to(torch.float32) * NEG
        nxt = torch.topk(running, k=beams)[1]
        # the finished among the top N join the finished hypotheses if they beat them
        fin = top_scores / ((cur + 1 - begin) ** LENGTH_PENALTY)
        fin = fin + (not can_improve) * NEG
        finished_now = hits.clone()
        finished_now[beams:] = False
        fin = fin + (~finished_now) * NEG
        merged = torch.cat([done_scores, fin])
        best = torch.topk(merged, k=beams)[1].tolist()
        merged_flags = torch.cat([done_flags, finished_now])
        done_rows = [done_rows[j] if j < beams else cand_rows[j - beams] for j in best]
        done_lps = [done_lps[j] if j < beams else cand_lps[j - beams] for j in best]
        done_scores, done_flags = merged[best], merged_flags[best]
        rows, run_scores, run_lps = cand_rows[nxt], running[nxt], cand_lps[nxt]
        cur += 1
        worst_done = torch.where(done_flags, done_scores.min(), torch.tensor(NEG, device=dev))
        can_improve = can_improve and bool((run_scores[0] / ((cur - begin) ** LENGTH_PENALTY) > worst_done).any())
        if not can_improve or bool(hits.all()):
            break
        lean.reorder(parents[nxt])
        logits = lean.step(tokens[nxt])
    return _checked(engine, done_rows[0], done_lps[0], begin)


def _checked(engine: WhisperEngine, row: Any, lps: Any, begin: int) -> Any | None:
    """The chosen hypothesis's tokens after the prefix without end of text, or None where generate falls back."""
    if row is None:
        return None
    out = row[begin:]
    if int(out[-1]) != engine.vocab.eos:
        return None  # hit the length limit: let generate shape that output
    if compression_ratio(engine.vocab, out.tolist()) > COMPRESSION_RATIO_THRESHOLD:
        return None
    if sum(lps[i] for i in range(lps.shape[0])) / len(out) < LOGPROB_THRESHOLD:
        return None
    return out[:-1].cpu()
