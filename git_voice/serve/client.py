"""The client of a warm model: ``git voice serve`` locally, or a remote server of the same API.

The API is OpenAI's ``POST /v1/audio/transcriptions`` (multipart: ``file``,
``model``, ``response_format``, ``prompt``, ``language``), so a team GPU box
running vLLM fits the same slot as the local server.

Where audio may go is decided here and nowhere else: the address in
``voice.server``, or, when that is unset, the local default socket of
``git voice serve`` (user-only permissions). Nothing else is ever contacted;
no redirect is followed. ``voice.server = off`` disables the client.

This module imports no torch (stdlib ``http.client`` and numpy only), so a hook
that finds a warm server answers without loading the model stack.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from .. import config
from ..config import cache_dir
from ..errors import ConfigError
from ..asr.engine import DecodeOptions, Engine, EngineResult
from ..types import Reread, Segment
from ..util import home_expanded

SOCKET_ENV = "GIT_VOICE_SOCKET"
API_PATH = "/v1/audio/transcriptions"
HEALTH_PATH = "/health"
DISABLED = {"off", "none", "false", "no", "0"}
# Deciding "is a server there" must cost next to nothing when none is.
LOCAL_CONNECT_TIMEOUT = 0.25
REMOTE_CONNECT_TIMEOUT = 3.0
# A long take on a slow CPU: generous, but a hung server must not hang a commit forever.
READ_TIMEOUT = 600.0


class ServerUnavailable(Exception):
    """The server could not be reached or failed; the caller falls back to in-process."""


def default_socket_path() -> Path:
    """``$GIT_VOICE_SOCKET``, else ``$XDG_RUNTIME_DIR/git-voice/serve.sock``, else the cache dir."""
    explicit = config.env(SOCKET_ENV)
    if explicit:
        return home_expanded(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "git-voice" if runtime else cache_dir()
    return base / "serve.sock"


@dataclass(frozen=True)
class Address:
    """Where a server listens: a Unix socket path, or an HTTP(S) host, port and path prefix."""

    scheme: str  # "unix" | "http" | "https"
    host: str = ""
    port: int = 0
    path: str = ""  # socket path for unix; URL prefix before /v1 for http(s)

    @property
    def is_local(self) -> bool:
        return self.scheme == "unix" or self.host in ("127.0.0.1", "localhost", "::1")

    def __str__(self) -> str:
        if self.scheme == "unix":
            return f"unix:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address, as a URL writes it
        return f"{self.scheme}://{host}:{self.port}{self.path}"


def parse_address(spec: str, source: str = "voice.server") -> Address:
    """``unix:/path``, ``/path.sock``, ``http://host:port[/prefix]``, ``https://...`` or ``host:port``;
    ``source`` (the setting or option it came from) names it in errors."""
    spec = spec.strip()
    if spec.startswith("unix:"):
        if not spec[5:].strip():
            raise ConfigError(f"{source} {spec!r}: the socket path is empty")
        return Address("unix", path=str(home_expanded(spec[5:])))
    if spec.startswith(("/", "~")):
        return Address("unix", path=str(home_expanded(spec)))
    if "://" not in spec:
        spec = "http://" + spec
    url = urlsplit(spec)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"{source} {spec!r}: use unix:/path/to.sock, http://host:port or https://host")
    try:
        port = url.port
        if port is None:  # ":0" stays 0, any free port to listen on: not port 80
            port = 443 if url.scheme == "https" else 80
    except ValueError:
        raise ConfigError(f"{source} {spec!r}: bad port") from None
    prefix = url.path.rstrip("/")
    # A pasted full endpoint URL names the same server as its base.
    if prefix.endswith(API_PATH):
        prefix = prefix[: -len(API_PATH)]
    return Address(url.scheme, url.hostname, port, prefix)


def configured_address(server: str | None) -> tuple[Address | None, bool]:
    """The one address audio may go to, and whether the user named it explicitly.

    ``None`` when the client is disabled (``voice.server = off``).
    """
    if server is not None and server.strip():
        if server.strip().lower() in DISABLED:
            return None, True
        return parse_address(server), True
    return Address("unix", path=str(default_socket_path())), False


class _UnixHTTPConnection(http.client.HTTPConnection):
    """``http.client`` over a Unix socket (the host name is only for the Host header)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def _connection(addr: Address, connect_timeout: float) -> http.client.HTTPConnection:
    """An open connection to ``addr``; raises :class:`ServerUnavailable` if none answers."""
    if addr.scheme == "unix":
        if not os.path.exists(addr.path):
            raise ServerUnavailable(f"no server socket at {addr.path}")
        conn: http.client.HTTPConnection = _UnixHTTPConnection(addr.path, connect_timeout)
    elif addr.scheme == "https":
        conn = http.client.HTTPSConnection(addr.host, addr.port, timeout=connect_timeout)
    else:
        conn = http.client.HTTPConnection(addr.host, addr.port, timeout=connect_timeout)
    try:
        conn.connect()
    except OSError as exc:
        conn.close()
        raise ServerUnavailable(f"nothing answers at {addr}: {exc}") from None
    conn.sock.settimeout(READ_TIMEOUT)
    return conn


def wav_float32(samples: np.ndarray, rate: int = 16000) -> bytes:
    """Mono IEEE-float WAV: the exact samples the in-process engine would see."""
    data = np.ascontiguousarray(samples, dtype="<f4").tobytes()
    # RIFF header, a 'fmt ' chunk with format 3 (IEEE float), then the 'data' chunk.
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    return b"".join([
        b"RIFF", struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)), b"WAVE",
        b"fmt ", struct.pack("<I", len(fmt)), fmt,
        b"data", struct.pack("<I", len(data)), data,
    ])


def multipart(fields: dict[str, str], file_bytes: bytes, filename: str) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its content type."""
    boundary = "gitvoice" + uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: audio/wav\r\n\r\n".encode()
    )
    parts.append(file_bytes)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _request(addr: Address, method: str, path: str, body: bytes | None, headers: dict[str, str], connect_timeout: float) -> tuple[int, bytes]:
    conn = _connection(addr, connect_timeout)
    try:
        prefix = "" if addr.scheme == "unix" else addr.path
        conn.request(method, prefix + path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException) as exc:
        raise ServerUnavailable(f"{addr} failed: {exc}") from None
    finally:
        conn.close()


def health(addr: Address, timeout: float = LOCAL_CONNECT_TIMEOUT) -> dict[str, Any] | None:
    """The server's health JSON, or None when nothing healthy answers."""
    try:
        status, data = _request(addr, "GET", HEALTH_PATH, None, {}, timeout)
        return json.loads(data) if status == 200 else None
    except (ServerUnavailable, ValueError):
        return None


class RemoteEngine(Engine):
    """An :class:`~git_voice.asr.engine.Engine` whose model lives in a server."""

    def __init__(self, addr: Address, model: str | None, explicit: bool) -> None:
        super().__init__(model or "bundled", f"server {addr}")
        self.addr = addr
        self.model_name = model
        self.explicit = explicit

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> EngineResult:
        """Send the samples; raises :class:`ServerUnavailable` on any failure."""
        fields = {"model": self.model_name or "bundled", "response_format": "verbose_json",
                  # The calling repository's settings: git voice serve decodes with these, not with
                  # the ones it started with (other servers ignore fields they do not know).
                  "beam_size": str(options.beam_size)}
        if options.language:
            fields["language"] = options.language
        if options.context:  # our server goes on from it (others ignore the field)
            fields["context"] = options.context
        if options.terms:
            # Terms, not instructions: our server biases toward them as in-process;
            # other servers take them as a prompt (Whisper) or context (Qwen3-ASR).
            fields["prompt"] = ", ".join(options.terms)
            fields["bias_strength"] = repr(float(options.biasing.strength))
        body, ctype = multipart(fields, wav_float32(samples), "audio.wav")
        timeout = LOCAL_CONNECT_TIMEOUT if self.addr.is_local else REMOTE_CONNECT_TIMEOUT
        status, data = _request(self.addr, "POST", API_PATH, body, {"Content-Type": ctype}, timeout)
        if status != 200:
            raise ServerUnavailable(f"{self.addr} answered {status}: {_error_message(data)}")
        try:
            reply = json.loads(data)
        except ValueError:
            raise ServerUnavailable(f"{self.addr} sent something that is not JSON") from None
        return self._result(reply)

    def _result(self, reply: Any) -> EngineResult:
        """The reply as an engine's result; :class:`ServerUnavailable` (so the caller
        transcribes here) when it is not a transcription: a list, segments that are not a
        list of objects, times that are not finite numbers."""
        import math

        try:
            segs = [Segment(float(s.get("start", 0.0)), float(s.get("end", 0.0)), str(s.get("text", "")).strip())
                    for s in _listed(reply.get("segments"))]
        except (AttributeError, TypeError, ValueError):
            raise ServerUnavailable(f"{self.addr} sent a reply that is not a transcription") from None
        if not all(math.isfinite(s.start) and math.isfinite(s.end) for s in segs):
            raise ServerUnavailable(f"{self.addr} sent segment times that are not finite numbers")
        self.name = str(reply.get("model") or self.name)
        self.device = str(reply.get("device") or self.device)
        segs = [s for s in segs if s.text]
        if not segs and str(reply.get("text", "")).strip():
            segs = [Segment(0.0, 0.0, str(reply["text"]).strip())]
        rereads = []
        for entry in reply.get("rereads") if isinstance(reply.get("rereads"), list) else []:
            try:
                rereads.append(Reread.from_dict(entry))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # another server's extension: not ours to read
        language = reply.get("language")
        return EngineResult(segments=segs, language=language if isinstance(language, str) else None, rereads=rereads)


def _listed(value: Any) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _error_message(data: bytes) -> str:
    try:
        err = json.loads(data).get("error")
        return str(err.get("message") if isinstance(err, dict) else err)
    except (ValueError, AttributeError):
        return data[:200].decode("utf-8", "replace")


def find_server(server: str | None, model: str | None) -> RemoteEngine | None:
    """The warm server to use, or None (run in-process).

    For the local default socket a connect is tried first (a fraction of a
    millisecond when no server runs); a configured address is used as named.
    """
    addr, explicit = configured_address(server)
    if addr is None:
        return None
    if not explicit and not os.path.exists(addr.path):
        return None
    return RemoteEngine(addr, model, explicit)
