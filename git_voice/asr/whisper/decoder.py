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
(``tests/asr/test_whisper_decoder.py`` checks logits and tokens).
"""

from __future__ import annotations

from typing import Any


class LeanDecoder:
    """Whisper's decoder over one row, step by step. Call :meth:`start` per window."""

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

    def _split(self, x: Any) -> Any:
        """(batch, n, d) to (batch, heads, n, head_dim)."""
        return x.view(x.shape[0], -1, self.heads, self.head_dim).transpose(1, 2)

    def start(self, encoder_out: Any) -> None:
        """Project the encoder output for every layer's cross-attention; empty the cache."""
        torch = self.torch
        self._cross_kv = []
        for layer in self.layers:
            attn = layer.encoder_attn
            k = self._split(attn.k_proj(encoder_out)).contiguous()
            v = self._split(attn.v_proj(encoder_out)).contiguous()
            if self.cross_dtype is not None:
                k, v = k.to(self.cross_dtype), v.to(self.cross_dtype)
            self._cross_kv.append((k, v))
        # The self-attention buffers are made once and reused: a window only writes
        # the positions it reads.
        first = self._self_kv[0][0] if self._self_kv else None
        if first is None or first.dtype != encoder_out.dtype or first.device != encoder_out.device:
            shape = (1, self.heads, self.max_positions, self.head_dim)
            self._self_kv = [(torch.empty(shape, dtype=encoder_out.dtype, device=encoder_out.device),
                              torch.empty(shape, dtype=encoder_out.dtype, device=encoder_out.device))
                             for _ in self.layers]
        self.length = 0

    def __call__(self, ids: list[int]) -> Any:
        """Feed ``ids`` after what came before; the logits of the last one, shape (1, vocab)."""
        if len(ids) > 1 and self.length:
            raise ValueError("a multi-token call must come first in a window")
        if self.length + len(ids) > self.max_positions:
            raise ValueError(f"decoder context full ({self.length + len(ids)} > {self.max_positions})")
        h = self._layers(self.torch.tensor([ids], device=self.positions.device), self.length, keep=True)
        self.length += len(ids)
        return self.proj_out(h[:, -1, :])

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
            if batch > 1:
                kc, vc = kc.expand(batch, -1, -1, -1), vc.expand(batch, -1, -1, -1)
            a = F.scaled_dot_product_attention(q.to(kc.dtype), kc, vc, scale=1.0).to(h.dtype)
            h = h + cross.out_proj(a.transpose(1, 2).reshape(batch, n, -1))

            x = layer.final_layer_norm(h)
            h = h + layer.fc2(layer.activation_fn(layer.fc1(x)))
        return self.layer_norm(h)
