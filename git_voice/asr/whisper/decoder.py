"""A lean step function for Whisper's decoder: the same arithmetic, less around it.

A decoded token through transformers' ``WhisperDecoder`` costs a few milliseconds of
arithmetic for tiny.en and about three times as much again in what surrounds it:
a causal mask built per step, a ``DynamicCache`` grown by concatenation, keyword
plumbing through four layers of modules. :class:`LeanDecoder` runs the same
modules (so int8-quantised linear layers work unchanged) over preallocated
key/value buffers:

- the cross-attention keys and values are projected once per window;
- the self-attention cache is one buffer per layer, written in place;
- a one-token step attends to the whole cache, so it needs no mask; the first
  call (prompt and ``<|startoftranscript|>``) uses SDPA's causal flag.

The result matches transformers' decoder to float rounding
(``tests/asr/whisper/test_decoder.py`` checks logits and tokens).

Beam search (:mod:`.beam`) runs several rows at once: :meth:`LeanDecoder.start`
with ``rows``, one prompt for all of them (:meth:`LeanDecoder.prefill`), a step of one token
per row (:meth:`LeanDecoder.step`) and :meth:`LeanDecoder.reorder` to carry each
row's cache to the beams that continue it. The rows share one copy of the
cross-attention keys and values: their queries are attended as one row of
several queries, so the 1500-frame matrices are read once a step, not once a beam.
"""

from __future__ import annotations

from typing import Any


class LeanDecoder:
    """Whisper's decoder over one row (or ``rows`` beams), step by step. Call :meth:`start` per window."""

    def __init__(self, model: Any, cross_dtype: Any = None) -> None:
        import torch

        self.torch = torch
        self.F = torch.nn.functional
        decoder = model.model.decoder
        config = model.config
        self.heads = config.decoder_attention_heads
        self.head_dim = config.d_model // self.heads
        self.max_positions = config.max_target_positions
        self.embed_tokens = decoder.embed_tokens
        self.embed_scale = float(getattr(decoder, "embed_scale", 1.0) or 1.0)
        self.positions = decoder.embed_positions.weight
        self.layer_norm = decoder.layer_norm
        self.proj_out = model.proj_out
        self.layers = list(decoder.layers)
        # The cross-attention keys and values are read whole on every step (two
        # 1500 x d matrices a layer): bfloat16 halves that traffic.
        self.cross_dtype = cross_dtype
        self._self_kv: list[tuple[Any, Any]] = []
        self._cross_kv: list[tuple[Any, Any]] = []
        self.length = 0
        self.rows = 1

    def _split(self, x: Any) -> Any:
        """(batch, n, d) to (batch, heads, n, head_dim)."""
        return x.view(x.shape[0], -1, self.heads, self.head_dim).transpose(1, 2)

    def start(self, encoder_out: Any, rows: int = 1) -> None:
        """Project the encoder output for every layer's cross-attention; empty the cache.

        ``rows``: how many token rows (beams) the cache holds from here on.
        """
        self._cross_kv = []
        for layer in self.layers:
            attn = layer.encoder_attn
            k = self._split(attn.k_proj(encoder_out)).contiguous()
            v = self._split(attn.v_proj(encoder_out)).contiguous()
            if self.cross_dtype is not None:
                k, v = k.to(self.cross_dtype), v.to(self.cross_dtype)
            self._cross_kv.append((k, v))
        self.reset(rows, encoder_out)

    def release(self) -> None:
        """Drop the cross-attention keys and values (:meth:`start` makes them again).

        Between windows they are dead weight: two 1500 x d matrices a layer (18 MB
        for tiny.en in float32) that would otherwise stay resident through the next
        window's encoder pass, which is when memory peaks.
        """
        self._cross_kv = []

    def reset(self, rows: int = 1, like: Any = None) -> None:
        """Empty the self-attention cache for ``rows`` rows; the cross-attention keys and values stay.

        ``like``: the encoder output whose dtype and device the cache takes (default: as it is).
        """
        torch = self.torch
        first = self._buffers[0][0] if getattr(self, "_buffers", None) else None
        like = first if like is None else like
        # The self-attention buffers are made once and reused: a window only writes
        # the positions it reads.
        if first is None or first.dtype != like.dtype or first.device != like.device or first.shape[0] < rows:
            shape = (rows, self.heads, self.max_positions, self.head_dim)
            self._buffers = [(torch.empty(shape, dtype=like.dtype, device=like.device),
                              torch.empty(shape, dtype=like.dtype, device=like.device))
                             for _ in self.layers]
        # Views of the first ``rows`` rows: contiguous, so a step writes in place.
        self._self_kv = [(k[:rows], v[:rows]) for k, v in self._buffers]
        self.rows = rows
        self.length = 0

    def __call__(self, ids: list[int]) -> Any:
        """Feed ``ids`` after what came before; the logits of the last one, shape (1, vocab)."""
        if len(ids) > 1 and self.length:
            raise ValueError("a multi-token call must come first in a window")
        if self.length + len(ids) > self.max_positions:
            raise ValueError(f"decoder context full ({self.length + len(ids)} > {self.max_positions})")
        if self.rows != 1:
            raise ValueError("a one-row call on a cache of several rows: use prefill and step")
        h = self._layers(self.torch.tensor([ids], device=self.positions.device), self.length, keep=True)
        self.length += len(ids)
        return self.proj_out(h[:, -1, :])

    def prefill(self, ids: list[int]) -> Any:
        """Feed one prompt to every row (computed once, copied); the last logits, shape (1, vocab)."""
        if self.length:
            raise ValueError("the prompt must come first in a window")
        rows, self.rows = self.rows, 1
        self._self_kv, full = [(k[:1], v[:1]) for k, v in self._self_kv], self._self_kv
        try:
            scores = self(ids)
        finally:
            self._self_kv, self.rows = full, rows
        for k, v in self._self_kv:
            k[1:, :, : self.length] = k[:1, :, : self.length]
            v[1:, :, : self.length] = v[:1, :, : self.length]
        return scores

    def step(self, tokens: Any) -> Any:
        """One token per row (``tokens``: a (rows,) long tensor) after the cache; logits (rows, vocab)."""
        if self.length + 1 > self.max_positions:
            raise ValueError(f"decoder context full ({self.length + 1} > {self.max_positions})")
        h = self._layers(tokens.view(self.rows, 1), self.length, keep=True)
        self.length += 1
        return self.proj_out(h[:, -1, :])

    def reorder(self, parents: Any) -> None:
        """Row i of the cache becomes what row ``parents[i]`` held (beams that go on, each from its parent)."""
        n = self.length
        # Only rows whose beam came from another row are copied (the gather on the
        # right is a copy, so rows that swap are safe).
        moved = (parents != self.torch.arange(len(parents), device=parents.device)).nonzero().flatten()
        if not len(moved):
            return
        source = parents[moved]
        for k, v in self._self_kv:
            k[moved, :, :n] = k[source, :, :n]
            v[moved, :, :n] = v[source, :, :n]

    def continuations(self, rows: list[list[int]], start: int) -> Any:
        """Final hidden states of several continuations of the cached context at once.

        Each row of ``rows`` is fed from position ``start`` on, after the cache's
        positions before ``start``; the cache itself is left as it is. Rows may differ
        in length (shorter ones are padded at the end, which no real position attends
        to). Returns shape (len(rows), longest row, d): :meth:`logits` of a position
        gives what comes after it. One batched pass, so scoring several wordings costs
        little more than one: the weights are read once.
        """
        n = max((len(r) for r in rows), default=0)
        if not n or not 0 < start <= self.length or start + n > self.max_positions:
            raise ValueError(f"cannot continue {n} tokens from {start} (context holds {self.length})")
        ids = self.torch.tensor([r + [r[-1]] * (n - len(r)) for r in rows], device=self.positions.device)
        return self._layers(ids, start, keep=False)

    def logits(self, hidden: Any) -> Any:
        """The vocabulary logits of hidden states from :meth:`continuations`."""
        return self.proj_out(hidden)

    def _layers(self, ids: Any, begin: int, keep: bool) -> Any:
        """The final hidden states of token rows ``ids`` (batch, n) at positions ``begin``...

        ``keep``: one row, written into the cache (a one-token step attends to the
        whole cache, so it needs no mask; several tokens come first in a window and
        use SDPA's causal flag). Otherwise the rows attend to the cache's first
        ``begin`` positions and to themselves, through a mask, and nothing is written.
        """
        torch, F = self.torch, self.F
        batch, n = ids.shape
        end = begin + n
        h = self.embed_tokens(ids)
        if self.embed_scale != 1.0:
            h = h * self.embed_scale
        h = h + self.positions[begin:end]
        causal = keep and n > 1
        mask = None if keep else torch.ones(n, end, dtype=torch.bool, device=ids.device).tril(diagonal=begin)
        for layer, (ks, vs), (kc, vc) in zip(self.layers, self._self_kv, self._cross_kv):
            attn = layer.self_attn
            x = layer.self_attn_layer_norm(h)
            q = self._split(attn.q_proj(x) * attn.scaling)
            if keep:
                ks[:, :, begin:end] = self._split(attn.k_proj(x))
                vs[:, :, begin:end] = self._split(attn.v_proj(x))
                k, v = ks[:, :, :end], vs[:, :, :end]
            else:
                k = torch.cat([ks[:, :, :begin].expand(batch, -1, -1, -1), self._split(attn.k_proj(x))], dim=2)
                v = torch.cat([vs[:, :, :begin].expand(batch, -1, -1, -1), self._split(attn.v_proj(x))], dim=2)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal, scale=1.0)
            h = h + attn.out_proj(a.transpose(1, 2).reshape(batch, n, -1))

            cross = layer.encoder_attn
            x = layer.encoder_attn_layer_norm(h)
            q = self._split(cross.q_proj(x) * cross.scaling)
            if batch > 1 and n == 1:
                # Beams: one query each against the same keys, so attend them as one
                # row of ``batch`` queries (no mask: each query's softmax is its own).
                a = F.scaled_dot_product_attention(q.to(kc.dtype).transpose(0, 2), kc, vc, scale=1.0)
                a = a.transpose(0, 2).to(h.dtype)
            else:
                if batch > 1:
                    kc, vc = kc.expand(batch, -1, -1, -1), vc.expand(batch, -1, -1, -1)
                a = F.scaled_dot_product_attention(q.to(kc.dtype), kc, vc, scale=1.0).to(h.dtype)
            h = h + cross.out_proj(a.transpose(1, 2).reshape(batch, n, -1))

            x = layer.final_layer_norm(h)
            h = h + layer.fc2(layer.activation_fn(layer.fc1(x)))
        return self.layer_norm(h)
