"""Re-reading: other wordings of decoded spans (a code term's spoken forms) scored
against the window's audio by the decoder; one the audio supports about as well as
what was decoded replaces it. See :func:`reread`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from ...types import Reread
from .timestamps import TIMESTAMP_SECONDS

if TYPE_CHECKING:
    from .engine import WhisperEngine

# Only this many spans of a segment are scored, each over the tokens that differ
# and this many tokens of what follows.
MAX_READINGS_PER_SEGMENT = 8
REREAD_CONTEXT = 4


def reread(engine: WhisperEngine, found: list[dict], tokens: list[int], begin: int, readings: Any) -> list[Reread]:
    """Score other wordings of spans of this window's segments against its audio; keep
    those the audio supports about as well as what was decoded.

    ``tokens`` are the window's decoder input and output (``begin``: where the
    output starts), all still in the lean decoder's cache. A wording's score is
    the log-probability of its tokens and of the next ``REREAD_CONTEXT`` tokens
    (with the segment's closing timestamp, if among them) after the unchanged
    text before it; what was heard is scored the same way,
    and a wording whose score is at most the reading's ``margin`` below replaces
    it (the best one per span; spans that overlap, the best first). What was
    heard and every wording are scored in one batched decoder pass from the
    earliest change, with logits only where a score needs them. Segments changed
    get the wording's tokens (and so does the context of the next window).
    """
    import torch

    lean, tok = engine.lean, engine.processor.tokenizer
    jobs, offset = [], begin
    for seg in found:
        toks = seg["tokens"].tolist()
        text_at = [i for i, t in enumerate(toks) if t < engine.vocab.eos]
        if text_at:
            a, b = text_at[0], text_at[-1] + 1
            heard, tail = toks[a:b], toks[b:]
            text = tok.decode(heard)
            for reading in list(readings(text))[:MAX_READINGS_PER_SEGMENT]:
                for wording in reading.texts:
                    new = tok.encode(text[: reading.start] + wording + text[reading.end :], add_special_tokens=False)
                    same = 0
                    while same < min(len(new), len(heard)) and new[same] == heard[same]:
                        same += 1
                    if new == heard or offset + a + same < 2:
                        continue
                    # Scored: the tokens that differ, then up to REREAD_CONTEXT of the
                    # text after them (and the closing timestamp, when that is reached).
                    after = 0
                    while after < min(len(new), len(heard)) - same and new[-1 - after] == heard[-1 - after]:
                        after += 1
                    keep_after = min(after, REREAD_CONTEXT)
                    closing = tail if after <= REREAD_CONTEXT else []
                    jobs.append({"seg": seg, "reading": reading, "text": text, "wording": wording,
                                 "at": offset + a + same,
                                 "new": new[same : len(new) - after + keep_after] + closing,
                                 "old": len(heard) - after + keep_after - same + len(closing),
                                 "parts": (toks[:a], tail)})
        offset += len(toks)
    # A wording longer than what it replaces must still fit the decoder's context.
    jobs = [j for j in jobs if j["at"] + len(j["new"]) <= lean.max_positions]
    if not jobs:
        return []
    # One batched pass from the earliest change: what was heard, then each wording.
    first = min(j["at"] for j in jobs)
    end = max(j["at"] + j["old"] for j in jobs)
    rows = [tokens[first - 1 : end - 1]] + [tokens[first - 1 : j["at"]] + j["new"][:-1] for j in jobs]
    hidden = lean.continuations(rows, first - 1)
    # Row r's hidden state at index i predicts the token at position first + i.
    heard_at = sorted({j["at"] - first + i for j in jobs for i in range(j["old"])})
    picks = [(0, i, tokens[first + i]) for i in heard_at]
    for r, j in enumerate(jobs, 1):
        picks += [(r, j["at"] - first + i, t) for i, t in enumerate(j["new"])]
    at_rows, at_cols, targets = (torch.tensor(x) for x in zip(*picks))
    scores = lean.logits(hidden[at_rows, at_cols]).to(torch.float32)
    logprobs = (scores.gather(1, targets[:, None])[:, 0] - scores.logsumexp(dim=-1)).tolist()
    heard_lp = dict(zip(heard_at, logprobs))
    k = len(heard_at)
    for j in jobs:
        j["gain"] = sum(logprobs[k : k + len(j["new"])]) - sum(heard_lp[j["at"] - first + i] for i in range(j["old"]))
        k += len(j["new"])
    report, best = [], {}
    for job in jobs:
        key = (id(job["seg"]), job["reading"])
        if key not in best or job["gain"] > best[key]["gain"]:
            best[key] = job
    taken: dict[int, list[tuple[int, int]]] = {}
    for job in sorted(best.values(), key=lambda j: -j["gain"]):
        r = job["reading"]
        spans = taken.setdefault(id(job["seg"]), [])
        keep = job["gain"] >= -r.margin and all(r.end <= s or r.start >= e for s, e in spans)
        report.append(Reread(job["text"][r.start : r.end], job["wording"], round(job["gain"], 2), keep))
        if keep:
            spans.append((r.start, r.end))
            job["seg"].setdefault("kept", []).append(job)
    for seg in found:
        kept = seg.pop("kept", None)
        if kept:
            text = kept[0]["text"]
            for job in sorted(kept, key=lambda j: -j["reading"].start):
                text = text[: job["reading"].start] + job["wording"] + text[job["reading"].end :]
            head, tail = kept[0]["parts"]
            seg["tokens"] = torch.tensor(head + tok.encode(text, add_special_tokens=False) + tail)
    return report

def reread_decoded(engine: WhisperEngine, features: Any, segments: list[dict], readings: Any, language: str | None = None) -> list[Reread]:
    """Re-read what ``generate`` decoded (beam search, temperature fallback), window by window.

    ``generate`` keeps no encoder output, so the segments are grouped into 30 s
    windows from the first one's start, each window is encoded again, and its
    segments are laid out as a decoder sequence (``<|startoftranscript|>``, the
    language and task for a multilingual model, then each segment's text between
    its start and end timestamps, relative to the window) for :func:`reread` to
    score. Only the segments' text tokens change.
    """
    import torch

    lean = engine.lean
    window = engine.processor.feature_extractor.nb_max_frames
    prefix = [engine.vocab.sot]
    if engine.multilingual and language:
        ids = engine.processor.tokenizer.convert_tokens_to_ids([f"<|{language}|>", "<|transcribe|>"])
        prefix += [int(t) for t in ids if t is not None]
    report, i = [], 0
    while i < len(segments):
        start = float(segments[i]["start"])
        fits = lambda seg: float(seg["end"]) - start <= window * 0.01 - 0.1  # noqa: E731
        group = list(itertools.takewhile(fits, segments[i:])) or [segments[i]]
        i += len(group)
        seek = int(round(start * 100))
        piece = features[:, :, seek : seek + window]
        if piece.shape[-1] < window:
            piece = torch.nn.functional.pad(piece, (0, window - piece.shape[-1]))
        stamp = lambda t: engine.vocab.ts_begin + min(1500, max(0, int(round((float(t) - start) / TIMESTAMP_SECONDS))))  # noqa: E731
        laid = []
        for seg in group:
            text = [t for t in seg["tokens"].tolist() if t < engine.vocab.eos]
            laid.append({"tokens": torch.tensor([stamp(seg["start"]), *text, stamp(seg["end"])]), "source": seg})
        tokens = prefix + [t for seg in laid for t in seg["tokens"].tolist()]
        if len(tokens) > lean.max_positions:
            continue  # more text than one window's context holds: left as decoded
        encoder_out = engine.encode(piece)
        lean.start(encoder_out)
        lean(tokens[:-1])
        report += reread(engine, laid, tokens, len(prefix), readings)
        for seg in laid:
            seg["source"]["tokens"] = seg["tokens"]  # timestamps aside, only text is read from them
    return report
