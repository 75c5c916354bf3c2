"""Everything git-voice says to a person goes through here (stderr, sanitised)."""

from __future__ import annotations

import re
import sys

# C0/C1 control characters other than newline and tab, plus ESC sequences: a
# transcript must never move the cursor, retitle the terminal or ring the bell.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    """Remove terminal control sequences; keep newlines and tabs."""
    return _CONTROL.sub("", text)


def info(message: str) -> None:
    """Progress and notices, on stderr so stdout carries only results."""
    print(f"git voice: {sanitize(message)}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"git voice: warning: {sanitize(message)}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    # One line, always: the first line of a multi-line message is what matters.
    first = sanitize(str(message)).strip().splitlines()
    print(f"git voice: error: {first[0] if first else 'unknown error'}", file=sys.stderr, flush=True)
