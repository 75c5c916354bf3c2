"""``voice.*`` settings from git config, with every default in one place.

Users configure git-voice the way they configure git: ``git config voice.model
Qwen/Qwen3-ASR-0.6B-hf``, per repository or ``--global``. Command-line options
win over these; environment variables (``GIT_VOICE_MODEL``) come after git config.

Every environment variable git-voice reads is listed in :data:`ENVIRONMENT` and read
through :func:`env`; the valid values of each setting with a fixed set of values are
in :data:`CHOICES`, shared by the command-line options and git config.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .gitops.repo import config_get_all
from .util import home_expanded

# The valid values of each setting that has a fixed set (options and git config alike).
CHOICES: dict[str, tuple[str, ...]] = {
    "convention": ("conventional", "kernel", "plain"),
    "code_style": ("plain", "backticks"),
    "compute_type": ("auto", "float32", "int8", "mixed"),
}
CONVENTIONS = CHOICES["convention"]
COMPUTE_TYPES = CHOICES["compute_type"]
DEVICE_HELP = "auto, cpu, cuda, cuda:N or mps"

# Every environment variable git-voice reads, and what it does.
ENVIRONMENT: dict[str, str] = {
    "GIT_VOICE_MODEL": "the model when voice.model is unset",
    "GIT_VOICE_CACHE": "where the converted bundled model and word lists are kept (default: $XDG_CACHE_HOME/git-voice)",
    "GIT_VOICE_SOCKET": "the Unix socket of `git voice serve` (default: $XDG_RUNTIME_DIR/git-voice/serve.sock)",
    "GIT_VOICE_THREADS": "a fixed number of CPU threads for Whisper (default: the idle CPUs, per window)",
    "GIT_VOICE_COMPUTE_TYPE": "Whisper's compute type on CPU: " + ", ".join(CHOICES["compute_type"]) + " (default auto: mixed)",
    "GIT_VOICE_FAST_PATH": "0 sends every Whisper decode through transformers' generate (default 1: git-voice's own loop)",
    "ONEDNN_MAX_CPU_ISA": "read, not set: oneDNN's cap on CPU instructions; below AVX-512 BF16 or AMX, Whisper's "
                          "compute type is chosen as on a CPU without bfloat16 units",
    "GIT_VOICE_DEBUG": "1 shows tracebacks of internal errors and what the hooks did",
    "GIT_VOICE_GIT_PID": "set by the installed hooks, not by users: the git process a hook runs for",
    "GIT_VOICE_CHAINING": "set by the installed hooks, not by users (read by the hook scripts): the hooks "
                          "running a hook they chain; one of ours called back from it does nothing",
}


def env(name: str) -> str | None:
    """The value of environment variable ``name`` (one of :data:`ENVIRONMENT`), None when unset or empty."""
    if name not in ENVIRONMENT:
        raise KeyError(f"{name} is not a git-voice environment variable")
    value = os.environ.get(name, "").strip()
    return value or None


def check_choice(setting: str, value: str, source: str | None = None) -> str:
    """``value`` normalised, if it is one of :data:`CHOICES` ``[setting]``; else a ConfigError naming ``source``."""
    v = value.strip().lower()
    if v not in CHOICES[setting]:
        raise ConfigError(f"{source or setting} must be one of {', '.join(CHOICES[setting])}, not {value!r}")
    return v


def check_device(value: str, source: str = "voice.device") -> str:
    """``value`` normalised if it names a device git-voice can ask torch for (not whether it is present)."""
    v = value.strip().lower()
    if v in ("auto", "cpu", "cuda", "mps") or (v.startswith("cuda:") and v[5:].isdigit()):
        return v
    raise ConfigError(f"{source} must be {DEVICE_HELP}, not {value!r}")


@dataclass(frozen=True)
class Runtime:
    """Settings of how the model runs, from the environment (see :data:`ENVIRONMENT`)."""

    threads: int | None  # None: as many as there are idle CPUs
    compute_type: str  # one of COMPUTE_TYPES
    fast_path: bool  # Whisper's own decoding loop (else transformers' generate)


def runtime() -> Runtime:
    """The :class:`Runtime` settings now; a malformed value is a ConfigError."""
    threads = env("GIT_VOICE_THREADS")
    if threads is not None and not (threads.isdigit() and int(threads) > 0):
        raise ConfigError(f"GIT_VOICE_THREADS must be a positive whole number, not {threads!r}")
    compute = check_choice("compute_type", env("GIT_VOICE_COMPUTE_TYPE") or "auto", "GIT_VOICE_COMPUTE_TYPE")
    return Runtime(int(threads) if threads else None, compute, env("GIT_VOICE_FAST_PATH") != "0")


def cache_dir() -> Path:
    """``$GIT_VOICE_CACHE``, else ``$XDG_CACHE_HOME/git-voice``, else ``~/.cache/git-voice``."""
    explicit = env("GIT_VOICE_CACHE")
    if explicit:
        return home_expanded(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = home_expanded(xdg) if xdg else Path.home() / ".cache"
    return base / "git-voice"
# The keys as the README spells them: git prints them lower-cased, errors name them as documented.
_DOCUMENTED = ("voice.maxSeconds", "voice.maxRecordSeconds", "voice.biasStrength", "voice.beamSize",
               "voice.codeStyle", "voice.templateDir", "voice.inputDevice", "voice.hook.strict",
               "voice.record.stopAfterSilence", "voice.record.live")
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
    # Stop a recording after this many seconds without speech (0: only Enter, the limit, a signal).
    stop_after_silence: float = 0.0
    # Transcribe a recording's slices while it is made (else only when it ends).
    record_live: bool = True
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
        "voice.record.stopaftersilence": "stop_after_silence",
        "voice.record.live": "record_live",
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


# The widest beam a command or the warm server decodes with (the server refuses more too).
MAX_BEAM_SIZE = 32


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


def _seconds_or_off(key: str, value: str) -> float:
    """A number of seconds, 0 (or "off", "false") meaning off; a ConfigError otherwise."""
    if value.strip().lower() in ("0", "off", "false", "no"):
        return 0.0
    try:
        n = float(value)
    except ValueError:
        raise ConfigError(f"{key} must be a number of seconds (0 for off), not {value!r}") from None
    if not 0 < n < float("inf"):
        raise ConfigError(f"{key} must be a positive number of seconds (0 for off), not {value!r}")
    return n


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
            if s.beam_size > MAX_BEAM_SIZE:  # 10**20 beams overflowed inside torch; 1000 ran out of memory
                raise ConfigError(f"{key} must be 1 to {MAX_BEAM_SIZE}, not {last!r}")
        elif name == "stop_after_silence":
            s.stop_after_silence = _seconds_or_off(key, last)
        elif name in ("hook_strict", "scope", "record_live"):
            setattr(s, name, _bool(key, last))
        elif name == "convention":
            s.convention = check_choice("convention", last, key)
        elif name == "code_style":
            s.code_style = check_choice("code_style", last, key)
        elif name == "device":
            s.device = check_device(last, key)
        elif name == "template_dir":
            # Relative to the top folder, wherever the command runs (the hook runs there).
            folder = home_expanded(last)
            s.template_dir = folder if folder.is_absolute() or cwd is None else Path(cwd) / folder
        else:
            setattr(s, name, last.strip() or None)
    if s.model is None:
        s.model = env("GIT_VOICE_MODEL")
    return s
