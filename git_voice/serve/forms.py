"""Reading an upload: a ``multipart/form-data`` body, whole (:func:`parse_form`) or streamed
to a private file a piece at a time, its size capped from its header (:func:`read_form`)."""

from __future__ import annotations

import os
import tempfile
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, Callable


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Body:
    """A request body read in 64 KiB pieces, never more than its Content-Length."""

    def __init__(self, stream: Any, length: int) -> None:
        self.stream, self.left, self.buf = stream, length, b""

    def more(self) -> bool:
        if self.left <= 0:
            return False
        chunk = self.stream.read(min(1 << 16, self.left))
        if not chunk:
            raise BadRequest(400, "the body ended before its Content-Length")
        self.left -= len(chunk)
        self.buf += chunk
        return True

    def until(self, marker: bytes, sink: Callable[[bytes], Any]) -> None:
        """Hand everything before ``marker`` to ``sink`` and consume the marker."""
        keep = len(marker) - 1
        while True:
            i = self.buf.find(marker)
            if i >= 0:
                sink(self.buf[:i])
                self.buf = self.buf[i + len(marker):]
                return
            if len(self.buf) > keep:
                sink(self.buf[: len(self.buf) - keep])
                self.buf = self.buf[len(self.buf) - keep:]
            if not self.more():
                raise BadRequest(400, "malformed multipart body")

    def starts_with(self, prefix: bytes) -> bool:
        while len(self.buf) < len(prefix):
            if not self.more():
                raise BadRequest(400, "malformed multipart body")
        return self.buf.startswith(prefix)


class _Capped:
    """Collects at most ``limit`` bytes (a form field, a part's headers)."""

    def __init__(self, limit: int) -> None:
        self.data, self.limit = bytearray(), limit

    def __call__(self, piece: bytes) -> None:
        self.data += piece
        if len(self.data) > self.limit:
            raise BadRequest(413, "a form field or part header is too large")


def _add(fields: dict[str, str], name: str, value: str) -> None:
    """Set a form field; an array field (``name[]``, sent once per value, as the ``openai``
    client sends ``timestamp_granularities[]``) holds all its values, comma-separated."""
    if name.endswith("[]") and fields.get(name):
        fields[name] += "," + value
    else:
        fields[name] = value


def read_form(stream: Any, content_type: str, length: int, folder: str | None = None) -> tuple[dict[str, str], Path | None]:
    """Fields and the ``file`` part of a ``multipart/form-data`` body read from ``stream``.

    The file part goes straight to a temporary file in ``folder`` (the caller removes it),
    so memory holds 64 KiB of the upload at a time, whatever its size; the audio's
    length is then checked from that file's header before any sample is decoded.
    """
    import re

    if not content_type.lower().startswith("multipart/form-data"):
        raise BadRequest(415, "expected multipart/form-data")
    m = re.search(r'boundary="?([^";]+)"?', content_type, re.I)
    if not m:
        raise BadRequest(400, "malformed multipart body")
    delim = b"\r\n--" + m.group(1).strip().encode("latin-1")
    body = _Body(stream, length)
    body.buf = b"\r\n"  # the first boundary, like every later one, follows a line break
    body.until(delim, lambda _preamble: None)
    fields: dict[str, str] = {}
    file_path: Path | None = None
    try:
        while not body.starts_with(b"--"):
            head = _Capped(16 << 10)
            body.until(b"\r\n\r\n", head)
            disposition = next((ln for ln in head.data.decode("latin-1").split("\r\n")
                                if ln.lower().startswith("content-disposition:")), "")
            name = re.search(r'\bname="([^"]*)"', disposition)
            if name and name.group(1) == "file" and file_path is None:
                fd, tmp = tempfile.mkstemp(suffix=".audio", dir=folder)
                file_path = Path(tmp)
                with os.fdopen(fd, "wb") as fh:
                    body.until(delim, fh.write)
            else:
                value = _Capped(1 << 20)
                body.until(delim, value)
                if name:
                    _add(fields, name.group(1), value.data.decode("utf-8", "replace"))
    except BaseException:
        if file_path is not None:
            file_path.unlink(missing_ok=True)
        raise
    return fields, file_path


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None]:
    """Fields and the ``file`` part's bytes of a ``multipart/form-data`` body."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise BadRequest(415, "expected multipart/form-data")
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        raise BadRequest(400, "malformed multipart body")
    fields: dict[str, str] = {}
    file_bytes = None
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            file_bytes = payload
        elif name:
            _add(fields, str(name), payload.decode("utf-8", "replace"))
    return fields, file_bytes
