"""The model families and loading: the one module that imports them.

A checkpoint's ``config.json`` names its family (:func:`models.detect_family`);
here a family name becomes its engine class, imported only when that family loads.
"""

from __future__ import annotations

import importlib
import os
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
# What loading and decoding add to the address space, per byte of the model's files
# (measured with the bundled tiny.en on CPU: 73 MB of files, 251 MB more at the peak),
# plus the thread stacks OpenMP maps when decoding starts.
_SPACE_PER_MODEL_BYTE = 3
_SPACE_FOR_THREADS = 64 << 20


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
    cls = engine_class(family)  # imports torch, which takes its own share of the space
    check_address_space(path, ref.display)
    engine = cls(path, ref.display, dev, dtype)
    _ENGINES[key] = engine
    return engine, time.perf_counter() - start


def check_address_space(path: str | os.PathLike[str], display: str) -> None:
    """Refuse to load a model that cannot fit under the process's address-space limit
    (``ulimit -v``), with :class:`MemoryError`.

    Past that limit OpenMP cannot start its threads and ends the process itself
    (``libgomp: Thread creation failed``) with no Python exception to report; checked
    first, the user reads "out of memory" and the hook leaves the message as it was.
    No limit, or no ``/proc`` to read the space in use, and nothing is checked.
    """
    import resource
    from pathlib import Path

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return
    try:
        status = Path("/proc/self/status").read_text()
        used = int(status.split("VmSize:", 1)[1].split()[0]) * 1024
    except (OSError, IndexError, ValueError):
        return
    files = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
    need = _SPACE_PER_MODEL_BYTE * files + _SPACE_FOR_THREADS
    if limit - used < need:
        raise MemoryError(f"out of memory: loading {display} needs about {need >> 20} MB of address space, "
                          f"the limit (ulimit -v) leaves {max(0, limit - used) >> 20} MB")
