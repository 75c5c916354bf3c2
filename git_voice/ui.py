"""Everything git-voice says to a person goes through here (stderr, sanitised)."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from typing import Iterator

# C0/C1 control characters other than newline and tab, plus ESC sequences: a
# transcript must never move the cursor, retitle the terminal or ring the bell.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    """Remove terminal control sequences; keep newlines and tabs. A lone surrogate (a file
    name's byte that is not UTF-8, as Python decodes it) becomes U+FFFD: stdout could not
    encode it, and the whole output would be lost for one name."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def info(message: str) -> None:
    """Progress and notices, on stderr so stdout carries only results."""
    print(f"git voice: {sanitize(message)}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"git voice: warning: {sanitize(message)}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    # One line, always: the first line of a multi-line message is what matters.
    first = sanitize(str(message)).strip().splitlines()
    print(f"git voice: error: {first[0] if first else 'unknown error'}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def native_output_silenced() -> Iterator[None]:
    """Native libraries' own writes to stderr (libgomp's "Thread creation failed" under memory
    pressure, ...) go nowhere while git-voice's lines (``sys.stderr``) still reach the terminal.

    Used where one line is promised (the hooks): what such a library means is said in
    git-voice's own words, by the exception it raises or the exit status the hook script
    reports.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    old = sys.stderr
    try:
        sink = os.open(os.devnull, os.O_WRONLY)
        os.dup2(sink, 2)
        os.close(sink)
        sys.stderr = open(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    except OSError:
        os.close(saved)
        yield
        return
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = old
        os.dup2(saved, 2)
        os.close(saved)
