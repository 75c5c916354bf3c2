"""``voice.*`` settings from git config, with every default in one place.

Users configure git-voice the way they configure git: ``git config voice.model
Qwen/Qwen3-ASR-0.6B-hf``, per repository or ``--global``. Command-line options
win over these; environment variables (``GIT_VOICE_MODEL``) come after git config.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .gitops.repo import config_get_all

CONVENTIONS = ("conventional", "kernel", "plain")
CODE_STYLES = ("plain", "backticks")
DEVICES = ("auto", "cpu", "cuda", "mps")
_CUDA_INDEX = re.compile(r"cuda:\d+")
# The keys as the README spells them: git prints them lower-cased, errors name them as documented.
_DOCUMENTED = ("voice.maxSeconds", "voice.maxRecordSeconds", "voice.biasStrength", "voice.beamSize",
               "voice.codeStyle", "voice.templateDir", "voice.inputDevice", "voice.hook.strict")
_NAMES = {k.lower(): k for k in _DOCUMENTED}


@dataclass
class Settings:
    """Resolved settings. Field names are the git config keys without ``voice.``."""

    model: str | None = None  # None: the bundled Whisper tiny.en
    device: str = "auto"
    language: str | None = None
    max_seconds: float = 1800.0
    hotwords: list[str] = field(default_factory=list)
    convention: str = "conventional"
    scope: bool = True
    code_style: str = "plain"
    template_dir: Path | None = None
    hook_strict: bool = False
    input_device: str | None = None
    max_record_seconds: float = 600.0
    server: str | None = None
    beam_size: int = 1
    bias_strength: float = 1.0

    # git config key (lower-cased, as `git config --get-regexp` prints it) → field
    KEYS = {
        "voice.model": "model",
        "voice.device": "device",
        "voice.language": "language",
        "voice.maxseconds": "max_seconds",
        "voice.hotwords": "hotwords",
        "voice.convention": "convention",
        "voice.scope": "scope",
        "voice.codestyle": "code_style",
        "voice.templatedir": "template_dir",
        "voice.hook.strict": "hook_strict",
        "voice.inputdevice": "input_device",
        "voice.maxrecordseconds": "max_record_seconds",
        "voice.server": "server",
        "voice.beamsize": "beam_size",
        "voice.biasstrength": "bias_strength",
    }


def _bool(key: str, value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "on", "1", ""):
        return True
    if v in ("false", "no", "off", "0"):
        return False
    raise ConfigError(f"{key} must be true or false, not {value!r}")


def _number(key: str, value: str, kind: type = float, *, zero: bool = False) -> float:
    """A finite number above zero (or at least zero with ``zero``): nan or inf would silently
    switch a limit off (``maxSeconds nan`` let every file through)."""
    try:
        n = kind(value)
    except ValueError:
        raise ConfigError(f"{key} must be a number, not {value!r}") from None
    if not math.isfinite(n):
        raise ConfigError(f"{key} must be a finite number, not {value!r}")
    if n < 0 or (n == 0 and not zero):
        raise ConfigError(f"{key} must be {'zero or more' if zero else 'positive'}, not {value!r}")
    return n


def _choice(key: str, value: str, choices: tuple[str, ...]) -> str:
    v = value.strip().lower()
    if choices is DEVICES and _CUDA_INDEX.fullmatch(v):
        return v  # a GPU by index, as --device cuda:N
    if v not in choices:
        extra = ", cuda:N" if choices is DEVICES else ""
        raise ConfigError(f"{key} must be one of {', '.join(choices)}{extra}, not {value!r}")
    return v


def load_settings(cwd: str | os.PathLike[str] | None = None) -> Settings:
    """Read ``voice.*`` from git config (repository, global, system), then the environment."""
    raw = config_get_all("voice", cwd=cwd)
    s = Settings()
    for key, values in raw.items():
        name = Settings.KEYS.get(key)
        if name is None:
            continue
        last = values[-1]
        key = _NAMES.get(key, key)
        if name == "hotwords":
            s.hotwords = [w for v in values for w in v.replace(",", " ").split() if w]
        elif name in ("max_seconds", "max_record_seconds"):
            setattr(s, name, _number(key, last))
        elif name == "bias_strength":
            s.bias_strength = _number(key, last, zero=True)  # 0 turns biasing off
        elif name == "beam_size":
            s.beam_size = int(_number(key, last, int))
        elif name in ("hook_strict", "scope"):
            setattr(s, name, _bool(key, last))
        elif name == "convention":
            s.convention = _choice(key, last, CONVENTIONS)
        elif name == "code_style":
            s.code_style = _choice(key, last, CODE_STYLES)
        elif name == "device":
            s.device = _choice(key, last, DEVICES)
        elif name == "template_dir":
            s.template_dir = Path(last).expanduser()
        else:
            setattr(s, name, last.strip() or None)
    if s.model is None and os.environ.get("GIT_VOICE_MODEL"):
        s.model = os.environ["GIT_VOICE_MODEL"]
    return s
