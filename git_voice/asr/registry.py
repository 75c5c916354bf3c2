"""The model families and loading: the one module that imports them.

A checkpoint's ``config.json`` names its family (:func:`models.detect_family`);
here a family name becomes its engine class, imported only when that family loads.
"""

from __future__ import annotations

import importlib
import time
from typing import Callable

from ..errors import ModelError
from . import models
from .device import resolve_device
from .engine import Engine

# family → (module under git_voice.asr, engine class)
FAMILIES: dict[str, tuple[str, str]] = {
    "whisper": ("whisper", "WhisperEngine"),
    "qwen3_asr": ("qwen3", "Qwen3AsrEngine"),
    "fun_asr_nano": ("fun_asr_nano", "FunAsrNanoEngine"),
}

_ENGINES: dict[tuple[str, str], Engine] = {}


def engine_class(family: str) -> type[Engine]:
    """The engine class of ``family`` (see :data:`FAMILIES`)."""
    if family not in FAMILIES:
        raise ModelError(f"no engine for model family {family!r}")
    module, name = FAMILIES[family]
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def load_engine(
    model: str | None, device: str = "auto", progress: Callable[[str], None] | None = None
) -> tuple[Engine, float]:
    """Resolve, load (once per process) and return the engine and the seconds it took."""
    start = time.perf_counter()
    ref = models.resolve(model)
    dev, dtype = resolve_device(device)
    key = (ref.key, dev)
    if key in _ENGINES:
        return _ENGINES[key], 0.0
    path = models.materialize(ref, progress)
    family = models.detect_family(path)
    if progress:
        progress(f"loading {ref.display} on {dev}...")
    engine = engine_class(family)(path, ref.display, dev, dtype)
    _ENGINES[key] = engine
    return engine, time.perf_counter() - start
