"""Small helpers every layer may use: atomic file writes, an exclusive file lock, the
one line of an exception a user is shown, text git gave made readable, and mail text
no mbox reader splits. Standard library only."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from pathlib import Path
from typing import Iterator


def first_line(exc: BaseException) -> str:
    """The first non-empty line of ``exc``'s message, else its type's name."""
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
    return lines[0].strip() if lines else type(exc).__name__


def home_expanded(path: str | os.PathLike[str]) -> Path:
    """``path`` with a leading ``~`` or ``~user`` made a home folder; as a shell does, a
    ``~user`` with no home stays as written (``Path.expanduser`` raises RuntimeError)."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        return Path(path)


def readable(text: str) -> str:
    """``text`` as git gave it (bytes that are not UTF-8 kept as surrogates, see
    ``gitops.repo.run_git``) with each such byte shown as U+FFFD: a page, a JSON answer
    or a tokenizer can take it (a Latin-1 file in a diff, a note another tool wrote)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def atomic_write(
    path: str | os.PathLike[str], data: str | bytes, mode: int | None = None, tmp_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Write ``data`` to ``path`` through a temporary file renamed over it.

    Readers see the old content or the new, never half (disk full, a kill); no
    temporary file is left behind on failure. ``mode`` sets the file's permissions
    (the temporary is created user-only, so nothing is readable by others before).
    The temporary sits in ``tmp_dir`` (a private folder; it must exist), else beside
    ``path``; where ``tmp_dir`` is on another file system, beside ``path`` after all.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=tmp_dir or path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        if mode is not None:
            os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            if exc.errno != errno.EXDEV or tmp_dir is None:
                raise
            return atomic_write(path, payload, mode)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created user-only if missing) for the block.

    Serialises processes, not threads of one process; released when the block
    ends or the process dies.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        os.chmod(path, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_MBOX_FROM = "From "


def no_from_start(lines: list[str]) -> list[str]:
    """Carry the last word of the line above onto a line that would start with "From "; a first
    line (or one under a single word) is indented by a space, which every reader shows as text."""
    lines = list(lines)
    for i, line in enumerate(lines):
        if not line.startswith(_MBOX_FROM):
            continue
        head, _, last = lines[i - 1].rpartition(" ") if i else ("", "", "")
        if head.strip(" -") and last:
            lines[i - 1], lines[i] = head, last + " " + line
        else:
            lines[i] = " " + line
    return lines


def mbox_safe(text: str) -> str:
    """``text`` with no line starting "From " (an already wrapped text: words are carried, not rewrapped)."""
    return "\n".join(no_from_start(text.split("\n")))
