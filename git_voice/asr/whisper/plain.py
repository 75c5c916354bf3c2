"""Whisper's network in plain torch, loaded from the checkpoint's safetensors.

Why: importing transformers' Whisper model module costs about 100 MB of resident
memory before a weight is loaded (its generation stack pulls in sympy,
torch._dynamo and torch.distributed: ``benchmarks/memory.py``), more than the
whole of tiny.en in float32. git-voice decodes with its own loops
(:mod:`.greedy`, :mod:`.beam`), which need only the encoder, the decoder's
layers and the output projection. So an English-only checkpoint in safetensors
is run by these modules; transformers' model is built only when ``generate`` is
needed (temperature fallback, no end of text), and multilingual checkpoints
keep transformers' model throughout (language detection is its).

The modules carry transformers' attribute names (``model.encoder.layers[i].self_attn.q_proj``,
``proj_out``, ``config``, ``generation_config``) and do its arithmetic in its
order: queries scaled before SDPA with scale 1.0, pre-norm layers, exact GELU,
float16 activations clamped in the encoder. ``tests/asr/whisper/test_plain.py``
checks the encoder output, the decoder's logits and whole transcripts against
transformers' model.

Memory: the token embedding stays in the mapped file (float16 for the bundled
tiny.en, float32 for most checkpoints on the Hub), cast per lookup (exact: a
float16 value is a float32 value), so only the rows of tokens decoded become resident;
the output projection tied to it is made int8 from a float16 copy by the
``mixed`` and ``int8`` compute types, without a float32 copy (:func:`load`).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any


class Settings(SimpleNamespace):
    """A model's ``config.json`` or ``generation_config.json``: missing keys read as None."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def read_settings(path: Path) -> Settings:
    try:
        return Settings(**json.loads(Path(path).read_text()))
    except FileNotFoundError:
        return Settings()


def plain_applies(path: Path) -> bool:
    """Whether the checkpoint in ``path`` runs on these modules: an English-only Whisper in
    safetensors, output projection tied to the token embedding (as every Whisper release)."""
    path = Path(path)
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        return False
    config, gen = read_settings(path / "config.json"), read_settings(path / "generation_config.json")
    return (config.model_type == "whisper" and gen.is_multilingual is False and (config.activation_function or "gelu") == "gelu"
            and not config.scale_embedding and config.tie_word_embeddings is not False)


def build(config: Settings, generation_config: Settings, state: dict[str, Any], output: Any = None,
          int8: Any = None) -> Any:
    """The modules around the tensors of ``state`` (transformers' names), taken as they are.

    ``output``: the output projection already made (int8, while loading), or None
    to make it a linear layer over ``state["proj_out.weight"]``. ``int8(prefix)``:
    whether that linear layer is made dynamic int8 here, from its weight as
    read (:func:`.runtime.quantize_rows_int8`), rather than a float one.

    Built without ``nn.Linear(...)``'s initialisation and without the meta device:
    creating a meta tensor imports torch's symbolic-shape stack (sympy, mpmath,
    torch._dynamo), 74 MB of resident memory, and initialising real weights only
    to overwrite them costs the model's size again.
    """
    import torch
    from torch import nn

    F = nn.functional
    gelu_ = torch._C._nn.gelu_  # F.gelu in place: the same kernel, no second activation to allocate
    missing = []

    def take(name: str) -> Any:
        if name not in state:
            missing.append(name)
            return torch.zeros(1)
        return nn.Parameter(state.pop(name), requires_grad=False)

    def linear(prefix: str, bias: bool = True) -> Any:
        if int8 is not None and int8(prefix):
            from .runtime import quantize_rows_int8

            weight = take(prefix + ".weight")
            return quantize_rows_int8(SimpleNamespace(weight=weight, bias=take(prefix + ".bias") if bias else None))
        m = nn.Linear.__new__(nn.Linear)
        nn.Module.__init__(m)
        m.weight = take(prefix + ".weight")
        m.register_parameter("bias", take(prefix + ".bias") if bias else None)
        m.out_features, m.in_features = m.weight.shape[0], m.weight.shape[-1]
        return m

    def layer_norm(prefix: str) -> Any:
        m = nn.LayerNorm.__new__(nn.LayerNorm)
        nn.Module.__init__(m)
        m.weight, m.bias = take(prefix + ".weight"), take(prefix + ".bias")
        m.normalized_shape, m.eps, m.elementwise_affine = (m.weight.shape[0],), 1e-5, True
        return m

    class Conv(nn.Module):
        def __init__(self, prefix: str, stride: int) -> None:
            super().__init__()
            self.weight, self.bias, self.stride = take(prefix + ".weight"), take(prefix + ".bias"), (stride,)

        def forward(self, x: Any) -> Any:
            return F.conv1d(x, self.weight, self.bias, stride=self.stride, padding=1)

    class Attention(nn.Module):
        def __init__(self, prefix: str, heads: int) -> None:
            super().__init__()
            self.q_proj, self.k_proj = linear(prefix + ".q_proj"), linear(prefix + ".k_proj", bias=False)
            self.v_proj, self.out_proj = linear(prefix + ".v_proj"), linear(prefix + ".out_proj")
            self.num_heads, self.head_dim = heads, self.q_proj.out_features // heads
            self.scaling = self.head_dim ** -0.5

        def forward(self, hidden_states: Any, key_value_states: Any = None, causal: bool = False) -> Any:
            # Scaled in place, and the heads left as strided views: SDPA reads them
            # as they lie (the encoder's output was bit for bit that of contiguous
            # copies when this changed; the tests compare it with transformers'),
            # and each copy of an encoder activation is a fresh block to fault in.
            b, n, _ = hidden_states.shape
            q = self.q_proj(hidden_states).mul_(self.scaling).view(b, n, -1, self.head_dim).transpose(1, 2)
            src = hidden_states if key_value_states is None else key_value_states
            k = self.k_proj(src).view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
            v = self.v_proj(src).view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
            a = F.scaled_dot_product_attention(q, k, v, is_causal=causal, scale=1.0)
            return self.out_proj(a.transpose(1, 2).reshape(b, n, -1))

    class Layer(nn.Module):
        def __init__(self, prefix: str, heads: int, cross: bool) -> None:
            super().__init__()
            self.self_attn = Attention(prefix + ".self_attn", heads)
            self.self_attn_layer_norm = layer_norm(prefix + ".self_attn_layer_norm")
            if cross:
                self.encoder_attn = Attention(prefix + ".encoder_attn", heads)
                self.encoder_attn_layer_norm = layer_norm(prefix + ".encoder_attn_layer_norm")
            self.fc1, self.fc2 = linear(prefix + ".fc1"), linear(prefix + ".fc2")
            self.final_layer_norm = layer_norm(prefix + ".final_layer_norm")
            self.activation_fn = F.gelu  # as transformers' layers name it (LeanDecoder calls it)

        def forward(self, h: Any, encoder_out: Any = None, causal: bool = False) -> Any:
            """``h`` updated in place (the residual sums) and returned."""
            h += self.self_attn(self.self_attn_layer_norm(h), causal=causal)
            if encoder_out is not None:
                h += self.encoder_attn(hidden_states=self.encoder_attn_layer_norm(h), key_value_states=encoder_out)
            h += self.fc2(gelu_(self.fc1(self.final_layer_norm(h))))
            if h.dtype == torch.float16:  # as transformers' encoder layer
                limit = torch.finfo(h.dtype).max - 1000
                h = torch.clamp(h, min=-limit, max=limit)
            return h

    class Table(nn.Module):
        """An embedding table (``weight``), looked up whole or by id."""

        def __init__(self, name: str, dtype: Any = None) -> None:
            super().__init__()
            self.weight, self.dtype = take(name), dtype

        def forward(self, ids: Any) -> Any:
            out = F.embedding(ids, self.weight)
            return out if self.dtype is None else out.to(self.dtype)

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1, self.conv2 = Conv("model.encoder.conv1", 1), Conv("model.encoder.conv2", 2)
            self.embed_positions = Table("model.encoder.embed_positions.weight")
            self.layers = nn.ModuleList(Layer(f"model.encoder.layers.{i}", config.encoder_attention_heads, False)
                                        for i in range(config.encoder_layers))
            self.layer_norm = layer_norm("model.encoder.layer_norm")

        def forward(self, input_features: Any) -> Any:
            frames = 2 * config.max_source_positions
            if input_features.shape[-1] != frames:
                raise ValueError(f"Whisper's encoder takes {frames} feature frames, not {input_features.shape[-1]}")
            x = gelu_(self.conv2(gelu_(self.conv1(input_features)))).permute(0, 2, 1)
            # The positions first: the sum takes their row-major layout, not x's
            # permuted one, which every layer norm below would copy out again.
            h = self.embed_positions.weight + x
            for layer in self.layers:
                h = layer(h)  # in place: a 30 s window's activations are a few MB each
            return SimpleNamespace(last_hidden_state=self.layer_norm(h))

    class Decoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed_positions = Table("model.decoder.embed_positions.weight")
            # The token embedding in the checkpoint's dtype, each lookup cast to the positions' (see load).
            self.embed_tokens = Table("model.decoder.embed_tokens.weight", self.embed_positions.weight.dtype)
            self.layers = nn.ModuleList(Layer(f"model.decoder.layers.{i}", config.decoder_attention_heads, True)
                                        for i in range(config.decoder_layers))
            self.layer_norm = layer_norm("model.decoder.layer_norm")
            self.embed_scale = 1.0

        def forward(self, input_ids: Any, encoder_hidden_states: Any, use_cache: bool = False) -> Any:
            """Whole token rows at once (causal), for word timing; decoding steps go through LeanDecoder."""
            h = self.embed_tokens(input_ids) + self.embed_positions.weight[: input_ids.shape[-1]]
            for layer in self.layers:
                h = layer(h, encoder_hidden_states, causal=True)
            return SimpleNamespace(last_hidden_state=self.layer_norm(h))

    class Whisper(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = nn.Module()
            self.model.encoder = Encoder()
            self.model.decoder = Decoder()
            self.proj_out = output if output is not None else linear("proj_out", bias=False)
            self.config, self.generation_config = config, generation_config

        @property
        def device(self) -> Any:
            return self.model.encoder.conv1.weight.device

    model = Whisper()
    if missing or state:
        raise ValueError(f"weights do not fit Whisper's layers (missing {missing[:3]}, unexpected {sorted(state)[:3]})")
    return model.eval()


_DTYPES = {"F16": "float16", "BF16": "bfloat16", "F32": "float32"}
# The weights of the linear layers (the rest: convolutions, layer norms, tables).
_LINEAR_WEIGHTS = tuple(f"{n}.weight" for n in ("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"))


def _header(f: Any) -> tuple[dict, int]:
    """The JSON header of an open safetensors file and where its data begins."""
    size = int.from_bytes(f.read(8), "little")
    if not 2 <= size <= 100_000_000:
        raise ValueError("not a safetensors file (header length)")
    return json.loads(f.read(size)), 8 + size


def read_tensors(path: Path, convert: Any, first: str | None = None) -> dict[str, Any]:
    """Every tensor of a safetensors file, each read into memory of its own and passed
    through ``convert(name, tensor)`` before the next is read.

    The safetensors library maps the file and hands out views of it: converting
    a view touches every page, and the touched pages of a mapping count as the
    process's resident memory for as long as any view lives. Reading one tensor
    at a time instead keeps only the converted weights resident. ``first``: a
    name read before the others. The format is
    an 8-byte little-endian header length, a JSON header of dtype, shape and
    byte offsets per name, then the data.
    """
    import torch

    out: dict[str, Any] = {}
    with open(path, "rb") as f:
        header, base = _header(f)
        names = sorted(header, key=lambda n: n != first)
        for name in names:
            info = header[name]
            if name == "__metadata__":
                continue
            kind = _DTYPES.get(info["dtype"])
            if kind is None:
                raise ValueError(f"{name}: tensors of type {info['dtype']} are not read")
            start, end = info["data_offsets"]
            tensor = torch.empty(info["shape"], dtype=getattr(torch, kind))
            if tensor.numel() * tensor.element_size() != end - start:
                raise ValueError(f"{name}: {end - start} bytes for shape {info['shape']}")
            f.seek(base + start)
            if end > start and f.readinto(memoryview(tensor.view(-1).view(torch.uint8).numpy())) != end - start:
                raise ValueError(f"{name}: the file ends early")
            out[name] = convert(name, tensor)
    return out


def map_tensor(path: Path, name: str) -> Any:
    """Tensor ``name`` of a safetensors file as a read-only view of the mapped file.

    For the token embedding: a decoding step looks up one row of it, so only the
    pages holding the rows of tokens decoded become resident, not the whole
    table (40 MB for tiny.en in float16). The model cache's files are replaced
    by renaming, never rewritten in place, so the mapping stays valid.
    """
    import warnings

    import numpy as np
    import torch

    with open(path, "rb") as f:
        header, base = _header(f)
    info = header[name]
    start, end = info["data_offsets"]
    kind = np.dtype({"F16": np.float16, "F32": np.float32}[info["dtype"]])
    shape = tuple(info["shape"])
    if int(np.prod(shape)) * kind.itemsize != end - start:
        raise ValueError(f"{name}: {end - start} bytes for shape {list(shape)}")
    array = np.memmap(path, dtype=kind, mode="r", offset=base + start, shape=shape)
    with warnings.catch_warnings():  # read-only: torch warns that writes would fail; nothing writes
        warnings.simplefilter("ignore")
        return torch.from_numpy(array)


def load(path: Path, dtype: Any, device: str, int8: Any = None) -> Any:
    """The checkpoint in ``path`` on these modules, weights in ``dtype`` on ``device``, in eval mode.

    ``int8(prefix)``: whether the linear layer ``prefix`` (``proj_out``,
    ``model.encoder.layers.0.fc1``, ...) runs dynamic int8 (the compute type
    decides, :func:`.runtime.int8_layers`); those are quantised from the
    checkpoint's weights as read, so their float32 copies never exist. The
    output projection, tied to the token embedding, is quantised first, as soon
    as the embedding is read, and the float16 copy read for it is gone again
    before most of the model exists (80 MB for tiny.en in float32 otherwise). On
    CPU the token embedding (float16 or float32 in the file) is looked up in the
    mapped file (:func:`map_tensor`), cast to ``dtype`` per lookup.
    """
    import torch

    from .runtime import quantize_rows_int8

    path = Path(path)
    config, gen = read_settings(path / "config.json"), read_settings(path / "generation_config.json")
    embed_name = "model.decoder.embed_tokens.weight"
    on_cpu = device == "cpu"

    def quantised(prefix: str) -> bool:
        return on_cpu and int8 is not None and bool(int8(prefix))

    made: list[Any] = []

    mappable = (torch.float16, torch.float32)

    def convert(name: str, tensor: Any) -> Any:
        if name == embed_name and on_cpu and tensor.dtype in mappable:
            if quantised("proj_out"):
                made.append(quantize_rows_int8(tensor))
                return None
            return tensor  # the output projection's weight (apply_compute_type converts it)
        if name.endswith(_LINEAR_WEIGHTS) and quantised(name[: -len(".weight")]):
            return tensor  # made int8 by build, from this
        return tensor.to(device=device, dtype=dtype)

    state = read_tensors(path / "model.safetensors", convert, first=embed_name)
    state.pop("proj_out.weight", None)  # tied to the token embedding
    projection = state[embed_name]
    if made or (on_cpu and projection.dtype in mappable):
        # Lookups read the file's pages (only the rows of tokens decoded become resident).
        state[embed_name] = map_tensor(path / "model.safetensors", embed_name)
    if not made:
        state["proj_out.weight"] = projection
    return build(config, gen, state, made[0] if made else None, int8=quantised)
