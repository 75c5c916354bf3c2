"""Whisper (any size, English-only or multilingual) through transformers.

Decoding follows OpenAI's reference defaults, which transcribe both shared
recordings word for word with tiny.en: greedy search conditioned on the previous
window's text, with temperature fallback when a window's output looks like a
loop (compression ratio) or is unlikely (average log-probability). Audio over
30 s goes through transformers' sequential long-form generation with timestamps.

Speed: greedy decoding (the common case) skips ``generate``:
:meth:`WhisperEngine._greedy` runs the encoder once a window and a greedy loop
over :class:`~git_voice.asr.whisper_decoder.LeanDecoder` (preallocated caches, no
per-step masks), window after window as ``generate``'s sequential long-form
does, applying the same logits processors in the same order (the caller's last,
on full token rows) with a precomputed suppress mask (``generate``'s own
``SuppressTokensLogitsProcessor`` rebuilds it with ``torch.isin`` every step:
over a third of a note's time when profiled). When temperature fallback would
start (compression ratio or average log-probability) or no end of text comes, the
input goes to ``generate`` whole, so the words are always those of ``generate``
(``GIT_VOICE_FAST_PATH=0`` turns the loop off). Attention runs through
PyTorch's SDPA kernel.

Compute types on CPU (``GIT_VOICE_COMPUTE_TYPE``, see :func:`compute_type_for`):
``float32`` (exact); ``int8`` (every linear layer dynamic int8 with one scale per
output row, as CTranslate2's int8); ``mixed``, the default (``auto``): each part
in the precision that makes it fast without moving the words. A decoder step
reads every weight for one token, so it is bound by memory traffic, and most of
that traffic is the 51864 x 384 output projection (80 MB in float32): it runs in
int8, a quarter of the bytes. Its error touches one token's scores and nothing
after; the decoder's own layers carry their output into every later step, so
they stay float32 (quantising them too, as ``int8`` does, turns "gold ring" into
"golden ring" on the 8 kHz telephone recording, as faster-whisper int8 does).
The encoder computes 1500 frames at once, where a CPU's bfloat16 matrix units
(AMX, AVX-512 BF16) are fast: it runs in bfloat16 there, as do the
cross-attention keys and values every step reads; float32 on CPUs without them.
GPUs run float16 (``engine.resolve_device``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..errors import ModelError
from .engine import DecodeOptions, Engine, EngineResult, Segment

SAMPLE_RATE = 16000
WINDOW_SAMPLES = 30 * SAMPLE_RATE
# Whisper keeps at most half its 448-token context for the prompt (FIELD_NOTES 3).
MAX_PROMPT_TOKENS = 223
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# Temperature fallback samples from this seed on every call (see ``WhisperEngine._seeded``).
FALLBACK_SEED = 0
# transformers measures the compression ratio on token ids, not text: its docs
# recommend 1.35 where OpenAI's text-based threshold is 2.4.
COMPRESSION_RATIO_THRESHOLD = 1.35
LOGPROB_THRESHOLD = -1.0
NO_SPEECH_THRESHOLD = 0.6
# Seconds per timestamp token (two feature frames of 10 ms).
TIMESTAMP_SECONDS = 0.02
# Re-reading (see ``WhisperEngine._reread``): only this many spans of a segment are
# scored, each over the tokens that differ and this many tokens of what follows.
MAX_READINGS_PER_SEGMENT = 8
REREAD_CONTEXT = 4
# What the model computes in on CPU (see compute_type_for and _apply_compute_type).
COMPUTE_TYPES = ("auto", "float32", "int8", "mixed")
COMPUTE_TYPE_ENV = "GIT_VOICE_COMPUTE_TYPE"


def cpu_has_bf16_matmul() -> bool:
    """True where oneDNN runs bfloat16 matrix products in hardware (AMX or AVX-512 BF16)."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # an old or stripped build: no claim
        return False


def compute_type_for(device: str, requested: str | None = None) -> str:
    """The compute type to run: one of :data:`COMPUTE_TYPES` but ``auto``; ``native`` off CPU.

    int8 kernels (fbgemm/onednn dynamic quantisation) exist on CPU only; on a GPU
    the half-precision dtype chosen by :func:`resolve_device` is the fast path.
    """
    req = (requested or os.environ.get(COMPUTE_TYPE_ENV) or "auto").strip().lower()
    if req not in COMPUTE_TYPES:
        raise ModelError(f"{COMPUTE_TYPE_ENV}={req!r}: use one of {', '.join(COMPUTE_TYPES)}")
    if device != "cpu":
        return "native"
    return "mixed" if req == "auto" else req


THREADS_ENV = "GIT_VOICE_THREADS"


def idle_cpus(samples: int = 5, gap: float = 0.0002) -> int | None:
    """CPUs nobody else is running on right now (Linux: /proc/loadavg), or None where unknown.

    The fewest others seen over a few readings a fraction of a millisecond apart:
    a kernel thread that runs for a moment is not a process holding a core.
    """
    import time

    others = None
    for i in range(samples):
        if i:
            time.sleep(gap)
        try:
            with open("/proc/loadavg") as f:
                running = int(f.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return None
        seen = max(0, running - _own_running_threads())
        others = seen if others is None else min(others, seen)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus - (others or 0)


def _own_running_threads() -> int:
    """This process's runnable threads: the caller, and torch's workers still spinning after a parallel loop."""
    count = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        count += state == "R"
    return max(1, count)


def threads_for_window(available: int, fixed: int | None = None, idle: int | None = None) -> int:
    """How many threads the next window runs on: ``available`` (torch's count) when the CPUs are idle.

    A decoder step is hundreds of small operations, each ending in a barrier
    across threads. With another process on the cores, a thread that is not
    scheduled stalls every barrier: on a 2-core machine with one core busy a 35 s
    recording took 27 s on two threads and 2.7 s on one (0.9 s on two, idle).
    So take no more threads than there are idle CPUs, and at least one.
    """
    if fixed:
        return max(1, fixed)
    if idle is None:
        return available
    return max(1, min(available, idle))


@contextlib.contextmanager
def window_threads(fixed: int | None) -> Iterator[None]:
    """torch's thread count set by :func:`threads_for_window` for one window, then put back."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(threads_for_window(threads, fixed, idle_cpus()))
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def quantize_linear_int8(model: Any) -> Any:
    """Swap every ``nn.Linear`` for a dynamic int8 one, in place; returns ``model``.

    Dynamic quantisation keeps activations in float and rescales per call, so no
    calibration data is needed. Weights get one scale per output row: one scale
    per matrix turned "wet with dew" into "wet with a dew" on the telephone
    recording. The output projection (51864 x 384, run once per decoded token) is
    included: it is the single largest matrix of tiny.en.
    """
    import warnings

    import torch

    with warnings.catch_warnings():
        # torch >= 2.10 points eager-mode users at torchao; the eager API still works.
        warnings.simplefilter("ignore")
        spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
        return torch.ao.quantization.quantize_dynamic(model, spec, inplace=True)


def quiet_transformers() -> None:
    """No progress bars or advice from transformers on the user's terminal."""
    import os

    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


class WhisperEngine(Engine):
    family = "whisper"

    def __init__(self, path: Path, name: str, device: str, dtype: Any, compute_type: str | None = None) -> None:
        super().__init__(name, device)
        self.compute_type = compute_type_for(device, compute_type)
        quiet_transformers()
        import torch
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        try:
            self.processor = WhisperProcessor.from_pretrained(str(path))
            # SDPA: one fused attention kernel instead of matmul + softmax + matmul.
            model = WhisperForConditionalGeneration.from_pretrained(str(path), dtype=dtype, attn_implementation="sdpa")
        except Exception as exc:  # corrupt or partial files surface in many exception types
            raise ModelError(f"cannot load the Whisper model in {path}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None
        self.model = model.to(device).eval()
        self.dtype = dtype
        self.torch = torch
        from .whisper_decoder import LeanDecoder

        cross_dtype = self._apply_compute_type()
        self.lean = LeanDecoder(self.model, cross_dtype=cross_dtype)  # after quantisation: it holds the modules
        gen = self.model.generation_config
        self.multilingual = bool(getattr(gen, "is_multilingual", False))
        # The greedy loop (see _greedy); False: generate always.
        self.fast_path = os.environ.get("GIT_VOICE_FAST_PATH", "1") != "0"
        self._decode_setup()
        self._speed_up_generate()
        # Threads per window: torch's count on an idle machine, fewer when other
        # work holds the cores (see threads_for_window). GIT_VOICE_THREADS=N fixes it.
        fixed = os.environ.get(THREADS_ENV, "").strip()
        self.fixed_threads = int(fixed) if fixed.isdigit() and int(fixed) > 0 else None

    def _apply_compute_type(self) -> Any:
        """Quantise or wrap the model for :attr:`compute_type`; the cross-attention dtype.

        - ``float32``: as loaded.
        - ``int8``: every linear layer dynamic int8 (as CTranslate2's int8).
        - ``mixed``: the output projection int8; the encoder under bfloat16
          autocast and the cross-attention keys and values in bfloat16 where the
          CPU has bfloat16 matrix units; the decoder's layers float32.
        """
        torch = self.torch
        if self.compute_type == "int8":
            quantize_linear_int8(self.model)
        elif self.compute_type == "mixed":
            self.model.proj_out = quantize_linear_int8(torch.nn.Sequential(self.model.proj_out))[0]
            if not cpu_has_bf16_matmul():
                return None
            encoder = self.model.model.encoder
            plain = encoder.forward

            def forward(*args: Any, **kwargs: Any) -> Any:
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    out = plain(*args, **kwargs)
                out.last_hidden_state = out.last_hidden_state.to(torch.float32)
                return out

            encoder.forward = forward
            return torch.bfloat16
        return None

    def warm_up(self) -> None:
        """One window through the encoder and a few decoder steps, on silence."""
        torch = self.torch
        feats = self._features(np.zeros(SAMPLE_RATE, dtype=np.float32))["input_features"]
        with torch.inference_mode():
            encoder_out = self.model.model.encoder(feats).last_hidden_state
            self.lean.start(encoder_out)
            scores = self.lean([self._sot])
            for _ in range(3):
                scores = self.lean([int(scores.argmax())])

    # ------------------------------------------------------------------ helpers

    def _features(self, samples: np.ndarray) -> dict[str, Any]:
        fe = self.processor.feature_extractor
        if len(samples) > WINDOW_SAMPLES:
            feats = fe(
                samples,
                sampling_rate=SAMPLE_RATE,
                return_tensors="pt",
                truncation=False,
                padding="longest",
                return_attention_mask=True,
            )
        else:
            feats = fe(samples, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True)
        return {k: v.to(self.device, dtype=self.dtype if k == "input_features" else v.dtype) for k, v in feats.items()}

    def prompt_ids(self, hotwords: list[str] | tuple[str, ...]) -> Any | None:
        """The code terms as a Whisper prompt (after ``<|startofprev|>``), within the limit."""
        if not hotwords:
            return None
        tok = self.processor.tokenizer
        kept: list[str] = []
        used = 1  # <|startofprev|>
        for term in hotwords:
            n = len(tok.encode(" " + term + ",", add_special_tokens=False))
            if used + n > MAX_PROMPT_TOKENS:
                break
            kept.append(term)
            used += n
        if not kept:
            return None
        return self.processor.get_prompt_ids(", ".join(kept) + ".", return_tensors="pt").to(self.device)

    def _language(self, feats: dict[str, Any], requested: str | None) -> str | None:
        if not self.multilingual:
            return "en"
        if requested:
            return requested
        with self.torch.inference_mode():
            ids = self.model.detect_language(feats["input_features"][:, :, :3000])
        token = self.processor.tokenizer.convert_ids_to_tokens(int(ids[0]))
        return token.strip("<|>") if token else None

    # --------------------------------------------------------------- interface

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> EngineResult:
        feats = self._features(samples)
        language = self._language(feats, options.language)
        kwargs: dict[str, Any] = dict(
            return_timestamps=True,
            return_segments=True,
            condition_on_prev_tokens=True,
            temperature=FALLBACK_TEMPERATURES,
            compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD,
            logprob_threshold=LOGPROB_THRESHOLD,
            no_speech_threshold=NO_SPEECH_THRESHOLD,
            num_beams=max(1, options.beam_size),
        )
        if self.multilingual and language:
            kwargs.update(language=language, task="transcribe")
        if options.prompt:
            prompt = self.prompt_ids(list(options.hotwords))
            if prompt is not None:
                kwargs["prompt_ids"] = prompt
        processors = options.logits_processors(self) if options.logits_processors is not None else None
        out = None
        if self._fast_path_applies(options):
            with self.torch.inference_mode():
                out = self._greedy(feats["input_features"], kwargs.get("prompt_ids"), processors or [], options.readings)
        if out is None:
            # Beam search, long-form, multilingual, or a window the fast path hands back
            # (temperature fallback, no end of text): transformers' generate, whole.
            if processors is not None:
                kwargs["logits_processor"] = processors
            with window_threads(self.fixed_threads), self.torch.inference_mode(), self._seeded():
                out = self.model.generate(**feats, **kwargs)
                if options.readings is not None and isinstance(out, dict) and out.get("segments"):
                    out["rereads"] = self._reread_decoded(feats["input_features"], out["segments"][0], options.readings, language)
        segments = self._segments(out)
        rereads = out.get("rereads", []) if isinstance(out, dict) else []
        return EngineResult(segments=segments, language=language, rereads=rereads)

    @contextlib.contextmanager
    def _seeded(self) -> Iterator[None]:
        """The same random numbers for every call: temperature fallback samples, and the
        same recording should give the same transcript each time. The caller's random
        state is put back afterwards."""
        torch = self.torch
        devices = [torch.device(self.device).index or 0] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(FALLBACK_SEED)
            yield

    # ------------------------------------------------------- greedy fast path

    def _fast_path_applies(self, options: DecodeOptions) -> bool:
        """Greedy decoding with an English-only model: the common case of a spoken note, any length."""
        return self.fast_path and not self.multilingual and max(1, options.beam_size) == 1

    def _decode_setup(self) -> None:
        """Token ids and masks the loop needs, made once per engine."""
        torch = self.torch
        gen = self.model.generation_config
        vocab = self.model.config.vocab_size
        self._eos = int(gen.eos_token_id)
        self._sot = int(gen.decoder_start_token_id)
        prev_sot = getattr(gen, "prev_sot_token_id", None)
        if prev_sot is None and gen.suppress_tokens and len(gen.suppress_tokens) >= 2:
            prev_sot = gen.suppress_tokens[-2]  # where transformers looks when the config lacks it
        self._prev_sot = int(prev_sot) if prev_sot is not None else None
        self._no_ts = int(gen.no_timestamps_token_id)
        self._ts_begin = self._no_ts + 1
        self._max_initial_ts = getattr(gen, "max_initial_timestamp_index", None)
        self._max_length = int(gen.max_length or self.model.config.max_target_positions)
        self._vocab = vocab
        suppress = torch.zeros(vocab, dtype=torch.float32, device=self.device)
        if gen.suppress_tokens:
            suppress[torch.tensor(list(gen.suppress_tokens), device=self.device)] = -float("inf")
        self._suppress_bias = suppress
        self._begin_suppress = list(gen.begin_suppress_tokens or [])

    def _speed_up_generate(self) -> None:
        """Swap generate's suppress-tokens processor for one with a precomputed mask.

        transformers' ``SuppressTokensLogitsProcessor`` rebuilds a vocabulary-wide
        mask with ``torch.isin`` on every step (over a third of a note's time when
        profiled); this one adds the same -inf once computed, at the same place in
        the list, so the scores are identical.
        """
        from transformers.generation.logits_process import SuppressTokensLogitsProcessor

        model = self.model
        original = model._retrieve_logit_processors
        bias = self._suppress_bias

        class PrecomputedSuppress(SuppressTokensLogitsProcessor):
            def __init__(self, inner: Any) -> None:
                self.suppress_tokens = inner.suppress_tokens

            def __call__(self, input_ids: Any, scores: Any) -> Any:
                return scores + bias.to(device=scores.device, dtype=scores.dtype)

        def retrieve(*args: Any, **kwargs: Any) -> Any:
            procs = original(*args, **kwargs)
            if procs is None:
                return procs
            return [PrecomputedSuppress(p) if type(p) is SuppressTokensLogitsProcessor else p for p in procs]

        model._retrieve_logit_processors = retrieve

    def _greedy(self, features: Any, prompt_ids: Any | None, processors: list, readings: Any = None) -> dict | None:
        """Greedy decoding at temperature 0, window after window, the way ``generate`` does it.

        Each 30 s window gets the same decoder input as in ``generate`` (the
        prompt before the first; ``<|startofprev|>`` and the last 223 tokens of
        the text so far before the others; then ``<|startoftranscript|>``), the
        same logits processors in the same order (begin-suppress, suppress,
        timestamp rules, then the caller's on the full token rows) and the same
        checks that would start temperature fallback (compression ratio on token
        ids, average log-probability of the processed scores). The next window
        starts where ``generate`` would put it: after the last complete timestamp
        pair, or after the window when it ends on a single timestamp. Returns None
        whenever ``generate`` would go on differently (a check fails, or no end of
        text within the length limit): the caller then runs ``generate`` over the
        whole input, which falls back in temperature.

        With ``readings`` (see ``DecodeOptions.readings``), each window's segments
        are re-read before the next window starts (:meth:`_reread`).
        """
        torch = self.torch
        model = self.model
        total = features.shape[-1]
        window = self.processor.feature_extractor.nb_max_frames  # 3000 frames: 30 s
        half_context = model.config.max_target_positions // 2 - 1
        seek, segments, rereads = 0, [], []
        while seek < total:
            frames = min(total - seek, window)
            piece = features[:, :, seek:seek + frames]
            if frames < window:
                piece = torch.nn.functional.pad(piece, (0, window - frames))  # as generate pads a last window
            if segments:
                previous: list[int] = []
                for seg in segments:
                    toks = seg["tokens"].tolist()
                    # a segment that ends on a timestamp pair passes one of them on
                    previous += toks[:-1] if len(toks) > 2 and toks[-2] >= self._ts_begin else toks
                prev_sot = [self._prev_sot] if self._prev_sot is not None else []
                prefix = prev_sot + previous[-half_context:] + [self._sot]
            elif prompt_ids is not None:
                prefix = [int(t) for t in prompt_ids.tolist()] + [self._sot]
            else:
                prefix = [self._sot]
            begin = len(prefix)
            limit = min(self._max_length + min(half_context, begin), model.config.max_target_positions)
            with window_threads(self.fixed_threads):
                encoder_out = model.model.encoder(piece).last_hidden_state
                seq = self._greedy_loop(encoder_out, prefix, begin, limit, processors)
            if seq is None:
                return None
            found, advance = self._window_segments(seq, seek * TIMESTAMP_SECONDS / 2, frames)
            if readings is not None:
                with window_threads(self.fixed_threads):
                    rereads += self._reread(found, prefix + seq.tolist(), begin, readings)
            segments += found
            seek += advance
        return {"segments": [segments], "rereads": rereads}

    def _greedy_loop(self, encoder_out: Any, prefix: list[int], begin: int, max_length: int, processors: list) -> Any | None:
        """One window's tokens after ``prefix`` (end of text dropped), or None where generate would differ."""
        torch = self.torch
        lean = self.lean
        lean.start(encoder_out)
        tokens = list(prefix)
        step = list(prefix)
        chosen_logprobs: list[Any] = []
        eos, neg_inf = self._eos, -float("inf")
        while len(tokens) < max_length:
            scores = lean(step).to(dtype=torch.float32)
            generated = tokens[begin:]
            # begin-suppress (first generated token only), then suppress
            if not generated and self._begin_suppress:
                scores[:, self._begin_suppress] = neg_inf
            scores = scores + self._suppress_bias
            scores = self._timestamp_rules(generated, scores)
            if processors:
                ids = torch.tensor([tokens], device=self.device)
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
        if self._compression_ratio(tokens[begin:]) > COMPRESSION_RATIO_THRESHOLD:
            return None
        if sum(chosen_logprobs) / len(chosen_logprobs) < LOGPROB_THRESHOLD:
            return None
        return seq[:-1]

    def _reread(self, found: list[dict], tokens: list[int], begin: int, readings: Any) -> list[dict]:
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
        torch, lean, tok = self.torch, self.lean, self.processor.tokenizer
        jobs, offset = [], begin
        for seg in found:
            toks = seg["tokens"].tolist()
            text_at = [i for i, t in enumerate(toks) if t < self._eos]
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
            report.append({"heard": job["text"][r.start : r.end], "read": job["wording"],
                           "gain": round(job["gain"], 2), "kept": keep})
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

    def _reread_decoded(self, features: Any, segments: list[dict], readings: Any, language: str | None = None) -> list[dict]:
        """Re-read what ``generate`` decoded (beam search, temperature fallback), window by window.

        ``generate`` keeps no encoder output, so the segments are grouped into 30 s
        windows from the first one's start, each window is encoded again, and its
        segments are laid out as a decoder sequence (``<|startoftranscript|>``, the
        language and task for a multilingual model, then each segment's text between
        its start and end timestamps, relative to the window) for :meth:`_reread` to
        score. Only the segments' text tokens change.
        """
        torch, lean = self.torch, self.lean
        window = self.processor.feature_extractor.nb_max_frames
        prefix = [self._sot]
        if self.multilingual and language:
            ids = self.processor.tokenizer.convert_tokens_to_ids([f"<|{language}|>", "<|transcribe|>"])
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
            stamp = lambda t: self._ts_begin + min(1500, max(0, int(round((float(t) - start) / TIMESTAMP_SECONDS))))  # noqa: E731
            laid = []
            for seg in group:
                text = [t for t in seg["tokens"].tolist() if t < self._eos]
                laid.append({"tokens": torch.tensor([stamp(seg["start"]), *text, stamp(seg["end"])]), "source": seg})
            tokens = prefix + [t for seg in laid for t in seg["tokens"].tolist()]
            if len(tokens) > lean.max_positions:
                continue  # more text than one window's context holds: left as decoded
            encoder_out = self.model.model.encoder(piece).last_hidden_state
            lean.start(encoder_out)
            lean(tokens[:-1])
            report += self._reread(laid, tokens, len(prefix), readings)
            for seg in laid:
                seg["source"]["tokens"] = seg["tokens"]  # timestamps aside, only text is read from them
        return report

    def _timestamp_rules(self, generated: list[int], scores: Any) -> Any:
        """transformers' WhisperTimeStampLogitsProcessor for one row."""
        torch = self.torch
        ts_begin, neg_inf = self._ts_begin, -float("inf")
        scores[:, self._no_ts] = neg_inf
        last_ts = len(generated) >= 1 and generated[-1] >= ts_begin
        penultimate_ts = len(generated) < 2 or generated[-2] >= ts_begin
        if last_ts:
            if penultimate_ts:
                scores[:, ts_begin:] = neg_inf
            else:
                scores[:, : self._eos] = neg_inf
        stamps = [t for t in generated if t >= ts_begin]
        lowest = ts_begin
        if stamps:
            lowest = stamps[-1] if (last_ts and not penultimate_ts) else stamps[-1] + 1
        if lowest > ts_begin:
            scores[:, ts_begin:lowest] = neg_inf
        if not generated:
            scores[:, :ts_begin] = neg_inf
            if self._max_initial_ts is not None:
                scores[:, ts_begin + self._max_initial_ts + 1 :] = neg_inf
        logprobs = torch.log_softmax(scores, dim=-1)
        if logprobs[:, ts_begin:].logsumexp(dim=-1) > logprobs[:, :ts_begin].max(dim=-1).values:
            scores[:, :ts_begin] = neg_inf
        return scores

    def _compression_ratio(self, tokens: list[int]) -> float:
        import math
        import zlib

        width = int(math.log2(self._vocab) / 8) + 1
        raw = b"".join(t.to_bytes(width, "little") for t in tokens)
        return len(raw) / len(zlib.compress(raw))

    def _window_segments(self, seq: Any, offset: float, frames: int) -> tuple[list[dict], int]:
        """One window's segments and how many frames to move on, as transformers' _retrieve_segment.

        ``offset`` is the window's start in seconds, ``frames`` how many of its 3000
        frames hold audio. Segments are cut at timestamp pairs; the window moves on
        to its last complete pair, or past its end when it ends on one timestamp.
        """
        torch = self.torch
        ts_begin = self._ts_begin
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

    def _segments(self, out: Any) -> list[Segment]:
        tok = self.processor.tokenizer
        segments: list[Segment] = []
        if isinstance(out, dict) and out.get("segments") and out["segments"][0]:
            for seg in out["segments"][0]:
                text = tok.decode(seg["tokens"], skip_special_tokens=True).strip()
                if text:
                    segments.append(Segment(float(seg["start"]), float(seg["end"]), text))
            return segments
        seqs = out["sequences"] if isinstance(out, dict) else out
        text = tok.decode(seqs[0], skip_special_tokens=True).strip()
        return [Segment(0.0, 0.0, text)] if text else []
