"""The terminal side of a recording: single key presses, the live line, stop signals.

Keys come from the terminal itself: stdin when it is one, otherwise ``/dev/tty``
(git runs hooks with stdin on /dev/null). The terminal is put in cbreak mode, so a
key acts without Enter while Ctrl-C still raises SIGINT.
"""

from __future__ import annotations

import math
import os
import select
import shutil
import signal
import sys
import termios
import threading
import tty
from typing import IO

from ..errors import RecordingError
from ..ui import sanitize

KEYS_HELP = "Enter stop · Space pause · r restart · Ctrl-C stop"


class KeyReader:
    """Key presses from a terminal file descriptor, without waiting for Enter."""

    def __init__(self, fd: int, owned: bool) -> None:
        self.fd, self.owned = fd, owned
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd, termios.TCSANOW)

    def poll(self) -> str:
        """Whatever keys were pressed since the last call ("" when none)."""
        ready, _, _ = select.select([self.fd], [], [], 0)
        if not ready:
            return ""
        try:
            return os.read(self.fd, 64).decode("utf-8", "ignore")
        except OSError:
            return ""

    def close(self) -> None:
        try:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
        finally:
            if self.owned:
                os.close(self.fd)


def _stdin_fd() -> int | None:
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):
        return None
    return fd if os.isatty(fd) else None


def open_keys(tty_path: str | None = None, *, required: bool = True) -> KeyReader | None:
    """A :class:`KeyReader` on stdin, on ``tty_path`` or on ``/dev/tty``.

    Without any terminal: raise :class:`RecordingError` when ``required`` (a hook
    must not record blind), else None: the take then stops at the limit or on
    Ctrl-C / SIGTERM.
    """
    fd, owned = (None, False) if tty_path else (_stdin_fd(), False)
    if fd is None:
        try:
            fd, owned = os.open(tty_path or "/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC), True
        except OSError:
            fd = None
    if fd is not None and os.isatty(fd):
        try:
            return KeyReader(fd, owned)
        except termios.error:
            pass
    if fd is not None and owned:
        os.close(fd)
    if required:
        raise RecordingError("cannot record: no terminal to control the recording (stdin is not one and /dev/tty cannot be opened)")
    return None


def level_dbfs(samples) -> float:
    """RMS level of a block in dBFS (-inf for digital silence)."""
    import numpy as np

    if not len(samples):
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def meter(db: float, width: int = 24, floor: float = -60.0) -> str:
    """A bar for a dBFS level: empty at ``floor`` and below, full at 0 dBFS."""
    filled = 0 if not math.isfinite(db) else round(width * min(1.0, max(0.0, (db - floor) / -floor)))
    return "#" * filled + "-" * (width - filled)


def clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m:d}:{s:02d}"


class LiveLine:
    """The status line redrawn in place on stderr, only when stderr is a terminal; under
    it, when there is one, the caption: the text transcribed so far (its end, one line)."""

    def __init__(self, stream: IO[str] | None = None, keys: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.keys = keys
        self._drawn = False
        self._captioned = False

    def draw(self, elapsed: float, limit: float, db: float, *, paused: bool = False, note: str = "", caption: str = "") -> None:
        if not self.enabled:
            return
        state = "PAUSED" if paused else "REC"
        level = f"{db:5.0f} dB" if math.isfinite(db) else " -inf dB"
        help_ = KEYS_HELP if self.keys else "Ctrl-C stop"
        text = f"{state} {clock(elapsed)}/{clock(limit)} [{meter(db)}] {level}  {note or help_}"
        # \r + erase line: redraw in place without scrolling the terminal.
        out = "\r\x1b[2K" + sanitize(text)
        if caption or self._captioned:
            # The caption line below, then back up to the status line.
            out += "\r\n\x1b[2K" + sanitize(caption_tail(caption, shutil.get_terminal_size().columns - 1)) + "\x1b[1A\r"
            self._captioned = True
        self.stream.write(out)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\x1b[2K" + ("\r\n\x1b[2K\x1b[1A\r" if self._captioned else ""))
            self.stream.flush()
        self._drawn = self._captioned = False


def caption_tail(text: str, width: int) -> str:
    """The end of ``text`` that fits in ``width`` columns, led by "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return "…" + text[len(text) - max(0, width - 1) :]


class StopSignals:
    """While active, SIGINT and SIGTERM set :attr:`reason` instead of killing the take.

    Handlers can only be installed from the main thread; elsewhere Ctrl-C arrives
    as KeyboardInterrupt, which the recorder catches itself.
    """

    NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}

    def __init__(self) -> None:
        self.reason: str | None = None
        self._saved: dict[int, object] = {}

    def _handle(self, signum: int, frame: object) -> None:
        self.reason = self.NAMES.get(signum, f"signal {signum}")

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for signum in self.NAMES:
                self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self._saved.clear()


def ask_tty(question: str) -> str | None:
    """Ask ``question`` on the controlling terminal (``/dev/tty``: a hook's stdin is
    /dev/null); the answer, stripped and lower-cased, or None when there is no terminal.

    The terminal is opened unbuffered in binary: in text mode ``"r+"`` is not seekable,
    Python refuses it (``UnsupportedOperation``, an OSError) and a terminal looked absent.
    """
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    with open(fd, "r+b", buffering=0) as tty:
        try:
            tty.write(question.encode("utf-8"))
            answer = tty.readline()
        except OSError:
            return None
    return answer.decode("utf-8", "replace").strip().lower()
