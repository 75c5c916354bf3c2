"""``git voice serve``: one loaded model answering on a local socket.

Endpoints (the OpenAI audio API shape, so any client of that API works):

``GET /health``
    ``{"status": "ok", "model": ..., "device": ...}``
``POST /v1/audio/transcriptions``
    multipart ``file`` (any audio soundfile reads), ``model`` (must name the
    loaded model, or ``bundled``/``whisper-1`` for the default), optional
    ``language``, ``prompt`` (code terms, comma-separated: they become the
    Whisper prompt and the code-term bias, as in-process),
    ``response_format`` ``json`` (default), ``verbose_json``, ``text``, ``srt`` or
    ``vtt``, and ``timestamp_granularities[]`` ``segment`` and/or ``word`` (with
    ``verbose_json``; ``word`` adds ``words``, timed as the web page's, where the
    model's family can align words). Anything else is a 400.

It listens on a Unix socket in a user-only folder (the default) or on
127.0.0.1; requests are served one at a time, because one model on one CPU
gains nothing from running two at once.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import socketserver
import stat
import tempfile
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Callable

from ..asr import models
from ..asr.engine import DecodeOptions, Engine, EngineResult
from ..audio import vad
from ..audio.load import load_audio
from ..compose.formats import render
from ..errors import GitVoiceError
from ..types import Segment, Transcript
from .client import API_PATH, HEALTH_PATH, Address
from .forms import BadRequest, parse_form, read_form  # noqa: F401 (parse_form: part of this module's interface)

# Given the terms a request names (its ``prompt``), its language and the settings it
# decodes with (the caller's beam size and bias strength), the options to decode with.
OptionsFor = Callable[[list[str], "str | None", Any], DecodeOptions]

# A 30-minute take as float32 WAV is about 115 MB; refuse anything far beyond.
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
DEFAULT_MODEL_NAMES = {"bundled", "default", "whisper-1", ""}
READ_TIMEOUT = 60.0
# Of a request's "context" (what was said before the audio) the decoder reads at
# most 223 tokens; more than this many characters is cut from the front.
CONTEXT_CHARS = 4000
# OpenAI's response formats, and the content type each is sent with (json: a JSON object).
FORMATS = {"json": "application/json", "verbose_json": "application/json", "text": "text/plain; charset=utf-8",
           "srt": "application/x-subrip; charset=utf-8", "vtt": "text/vtt; charset=utf-8"}
GRANULARITIES = ("segment", "word")


def response_shape(fields: dict[str, str]) -> tuple[str, set[str]]:
    """The request's ``response_format`` and ``timestamp_granularities[]``; a 400 for values
    this server does not serve, before any audio is decoded."""
    fmt = fields.get("response_format", "").strip() or "json"
    if fmt not in FORMATS:
        raise BadRequest(400, f"response_format {fmt!r} is not served: use one of {', '.join(FORMATS)}")
    raw = fields.get("timestamp_granularities[]", fields.get("timestamp_granularities", ""))
    wanted = {g.strip() for g in raw.split(",") if g.strip()}
    if wanted - set(GRANULARITIES):
        raise BadRequest(400, f"timestamp_granularities may be {' and '.join(GRANULARITIES)}, "
                              f"not {', '.join(sorted(wanted - set(GRANULARITIES)))}")
    if wanted and fmt != "verbose_json":
        raise BadRequest(400, "timestamp_granularities needs response_format verbose_json")
    return fmt, wanted


class ServerError(GitVoiceError):
    """The server cannot start (address in use, bad folder)."""


def request_settings(settings: Any, fields: dict[str, str]) -> Any:
    """The server's settings with the caller's ``beam_size`` and ``bias_strength`` form fields
    (its repository's voice.beamSize and voice.biasStrength) in place of the server's own."""
    import math

    changes: dict[str, Any] = {}
    try:
        if fields.get("beam_size", "").strip():
            changes["beam_size"] = int(fields["beam_size"])
            if not 1 <= changes["beam_size"] <= 32:
                raise ValueError
        if fields.get("bias_strength", "").strip():
            changes["bias_strength"] = float(fields["bias_strength"])
            if not math.isfinite(changes["bias_strength"]) or changes["bias_strength"] < 0:
                raise ValueError
    except ValueError:
        raise BadRequest(400, "beam_size must be 1 to 32 and bias_strength a finite number >= 0") from None
    return dataclasses.replace(settings, **changes) if changes else settings


class ModelThread:
    """Runs the model's work on the thread that calls :meth:`run` (``git voice serve``: the main thread).

    The HTTP server answers each connection on a thread of its own, and torch is
    twice as slow off the main thread here: a 15 s take took 0.60 to 0.62 s on a
    long-lived worker thread against 0.28 to 0.30 s on the main one (the same
    engine, warmed up on the thread it ran on, 2 threads, idle machine). So the
    handlers queue their work and the main thread does it.
    """

    def __init__(self) -> None:
        import queue

        self._jobs: queue.Queue = queue.Queue()
        # A plain flag, not a threading.Event: stop() runs in signal handlers, and a second
        # signal can run it again inside the first call; Event.set takes a lock the
        # interrupted call holds, and the server hung until SIGKILL. The loop below polls.
        self._stopping = False

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` on the model thread; its result, or its exception raised here."""
        from concurrent.futures import Future

        if self._stopping:
            raise RuntimeError("the server is stopping")
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future.result()

    def run(self) -> None:
        """Do queued work until :meth:`stop`; a KeyboardInterrupt ends it too (and fails the job in hand)."""
        import queue

        while not self._stopping:
            try:
                future, fn, args = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:
                future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("the server is stopping"))
                if not isinstance(exc, Exception):
                    raise

    def stop(self, *_signal: object) -> None:
        """Ask :meth:`run` to return (within its 0.2 s poll); safe in a signal handler, re-entered
        or not: it only sets a flag."""
        self._stopping = True


class Transcriber:
    """The loaded engine plus what a request needs to use it as in-process transcription does.

    ``options_for`` builds the decode options of a request (the application layer
    gives it, with the code-term biasing: this layer knows no code terms).
    """

    def __init__(
        self, engine: Engine, model_key: str, settings: Any, options_for: OptionsFor,
        model_thread: "ModelThread | None" = None,
    ) -> None:
        self.engine = engine
        self.model_key = model_key
        self.settings = settings
        self.options_for = options_for
        self.lock = threading.Lock()
        # Where the engine runs: the ModelThread's (the main thread under `git voice
        # serve`), or, without one, the handler's own thread.
        self.model_thread = model_thread

    def _load(self, path: Path):
        """16 kHz samples of an uploaded file; over voice.maxSeconds is refused from its header."""
        try:
            return load_audio(path, max_seconds=self.settings.max_seconds).samples
        except GitVoiceError as exc:
            raise BadRequest(400, str(exc).replace(str(path), "the uploaded file")) from None

    def accepts(self, model: str) -> bool:
        if model.strip().lower() in DEFAULT_MODEL_NAMES:
            return self.model_key == models.resolve(None).key
        try:
            return models.resolve(model).key == self.model_key
        except GitVoiceError:
            return model == self.engine.name

    def can_time_words(self) -> bool:
        """Whether the engine's family aligns words (Whisper's alignment heads)."""
        return type(self.engine).align is not Engine.align

    def _transcribe(self, samples: Any, options: DecodeOptions, words: bool = False) -> tuple[EngineResult, list]:
        """As in-process: the VAD finds the speech (none: no segments), only that is decoded,
        and segment times count from the upload's start. With ``words``, the text's words
        timed as the web page times a note's (``Engine.align``), else none."""
        speech = vad.analyse(samples)
        if not speech.any:
            return EngineResult(segments=[], language=options.language), []
        start, end = speech.bounds()
        result = self.engine.transcribe(samples[start:end], options)
        offset = start / vad.SAMPLE_RATE
        timed = []
        text = " ".join(s.text for s in result.segments).strip()
        if words and text:
            spans = [(s.start, s.end, len(s.text.split())) for s in result.segments]
            timed = [{"word": w.text, "start": round(w.start + offset, 2), "end": round(w.end + offset, 2)}
                     for w in self.engine.align(samples[start:end], text, spans, result.language) or []]
        result.segments = [Segment(x.start + offset, x.end + offset, x.text) for x in result.segments]
        return result, timed

    def __call__(self, fields: dict[str, str], audio: "bytes | Path") -> dict[str, Any]:
        """Transcribe ``audio`` (the uploaded bytes, or the file they were streamed to)."""
        if not self.accepts(fields.get("model", "")):
            raise BadRequest(400, f"this server runs {self.engine.name}, not {fields.get('model')!r}")
        _, granularities = response_shape(fields)
        words = "word" in granularities
        if words and not self.can_time_words():
            raise BadRequest(400, f"timestamp_granularities word: {self.engine.name} cannot time words")
        if isinstance(audio, Path):
            samples = self._load(audio)
        else:
            with tempfile.NamedTemporaryFile(suffix=".audio") as tmp:
                tmp.write(audio)
                tmp.flush()
                samples = self._load(Path(tmp.name))
        hotwords = [t.strip() for t in fields.get("prompt", "").split(",") if t.strip()]
        settings = request_settings(self.settings, fields)
        options = self.options_for(hotwords, fields.get("language") or settings.language, settings)
        if fields.get("context"):
            options = dataclasses.replace(options, context=fields["context"][-CONTEXT_CHARS:])
        with self.lock:
            if self.model_thread is not None:
                result, timed = self.model_thread.call(self._transcribe, samples, options, words)
            else:
                result, timed = self._transcribe(samples, options, words)
        reply = {
            "text": " ".join(s.text for s in result.segments).strip(),
            "language": result.language,
            "duration": len(samples) / 16000,
            "model": self.engine.name,
            "device": self.engine.device,
            "segments": [{"id": i, "start": s.start, "end": s.end, "text": s.text} for i, s in enumerate(result.segments)],
            "rereads": [r.to_dict() for r in result.rereads],
        }
        if words:
            reply["words"] = timed
        return reply


class Handler(BaseHTTPRequestHandler):
    server_version = "git-voice"
    protocol_version = "HTTP/1.1"
    # Seconds a connection may stay silent (socketserver sets it on the socket): a client
    # that connects and stops sending is dropped instead of holding a thread for ever.
    timeout = READ_TIMEOUT
    transcriber: Transcriber  # set on the subclass made by make_server
    log: Callable[[str], None] = staticmethod(lambda _m: None)

    def address_string(self) -> str:  # a Unix peer has no (host, port)
        return str(self.client_address[0]) if isinstance(self.client_address, tuple) else "local"

    def log_message(self, format: str, *args: Any) -> None:
        self.log(format % args)

    def handle(self) -> None:
        """As the base class, but a client that goes away mid-request (a reset, a closed pipe
        while the answer is written) is one log line, not socketserver's traceback."""
        try:
            super().handle()
        except (ConnectionError, TimeoutError) as exc:
            self.close_connection = True
            self.log(f"{self.address_string()}: the client went away ({exc.strerror or exc})")

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:  # said, or a keep-alive client sends its next request into a closed socket
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode())

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": {"message": message, "type": "invalid_request_error" if status < 500 else "server_error"}})

    def do_GET(self) -> None:
        if self.path.rstrip("/") == HEALTH_PATH:
            t = self.transcriber
            self._json(200, {"status": "ok", "model": t.engine.name, "device": t.engine.device})
        else:
            self._error(404, f"no such endpoint {self.path}")

    def do_POST(self) -> None:
        if self.path.split("?")[0].rstrip("/") != API_PATH:
            self._error(404, f"no such endpoint {self.path}")
            return
        try:
            length = int(self.headers.get("Content-Length") or "-1")
        except ValueError:
            length = -1
        if length < 0 or length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            self._error(411 if length < 0 else 413, "a Content-Length up to 256 MiB is required")
            return
        audio = None
        try:
            fields, audio = read_form(self.rfile, self.headers.get("Content-Type", ""), length)
            if audio is None:
                raise BadRequest(400, "no 'file' part in the form")
            reply = self.transcriber(fields, audio)
        except BadRequest as exc:
            self.close_connection = True  # what is left of the body is not read
            self._error(exc.status, str(exc))
            return
        except OSError:  # the client went away or stopped sending (the read timeout)
            self.close_connection = True
            return
        except Exception as exc:  # the model failed: report it, keep serving
            self._error(500, f"{type(exc).__name__}: {exc}")
            return
        finally:
            if audio is not None:
                audio.unlink(missing_ok=True)
        fmt, _ = response_shape(fields)
        if fmt == "verbose_json":
            self._json(200, reply)
        elif fmt == "json":
            self._json(200, {"text": reply["text"]})
        else:
            self._send(200, _as_text(reply, fmt).encode(), FORMATS[fmt])


def _as_text(reply: dict[str, Any], fmt: str) -> str:
    """A reply as plain ``text`` or as ``srt``/``vtt`` subtitles, one cue per segment
    (``git voice transcribe --format``'s writer)."""
    if fmt == "text":
        return reply["text"] + "\n"
    segments = [Segment(s["start"], s["end"], s["text"]) for s in reply["segments"]]
    return render([Transcript(reply["text"], reply["language"], reply["duration"], reply["model"], reply["device"],
                              segments)], fmt)


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


# The longest path a Unix socket may have on Linux (sun_path is 108 bytes, with its NUL).
MAX_SOCKET_PATH = 107


def _claim_socket_path(path: Path) -> None:
    """Make the user-only folder; remove a stale socket, refuse a live one or anything not a socket."""
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ServerError(f"cannot listen on unix:{path}: a socket path may be at most {MAX_SOCKET_PATH} bytes "
                          f"long, this one is {len(os.fsencode(path))}")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        # Only a socket a dead server left may be removed: never a user's file.
        raise ServerError(f"{path} exists and is not a socket; choose another --listen path")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        path.unlink()  # left by a server that died
        return
    finally:
        probe.close()
    raise ServerError(f"a server already listens on unix:{path}")


def _tcp_refusal(addr: Address) -> str | None:
    """Why ``addr`` cannot be listened on over TCP (IPv4), or None."""
    if addr.scheme != "http":
        return "use a Unix socket or http://127.0.0.1:PORT"
    if ":" in addr.host:
        return "only IPv4 addresses are served; use http://127.0.0.1:PORT"
    return None


def ensure_free(addr: Address) -> None:
    """Refuse early, before the slow model load, an address :func:`make_server` could not bind:
    a Unix socket a live server owns, a path too long; https, IPv6, a port in use or a host
    that is not this machine's (found by binding a probe socket, closed at once)."""
    if addr.scheme == "unix":
        _claim_socket_path(Path(addr.path))
        return
    refusal = _tcp_refusal(addr)
    if refusal:
        raise ServerError(f"cannot listen on {addr}: {refusal}")
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((addr.host, addr.port))
    except OSError as exc:
        raise ServerError(f"cannot listen on {addr}: {exc.strerror or exc}") from None
    finally:
        probe.close()


def make_server(addr: Address, transcriber: Transcriber, log: Callable[[str], None] | None = None,
                read_timeout: float = READ_TIMEOUT) -> socketserver.BaseServer:
    """Bind ``addr`` (a Unix socket or a local TCP port) and return the server, not yet serving;
    a connection silent for ``read_timeout`` seconds is closed."""
    handler = type("BoundHandler", (Handler,), {"transcriber": transcriber, "timeout": read_timeout})
    if log:
        handler.log = staticmethod(log)
    if addr.scheme == "unix":
        path = Path(addr.path)
        _claim_socket_path(path)
        old = os.umask(0o177)  # the socket is born user-only: no window for others to connect
        try:
            return _UnixServer(str(path), handler)
        finally:
            os.umask(old)
    refusal = _tcp_refusal(addr)
    if refusal:
        raise ServerError(f"cannot listen on {addr}: {refusal}")
    try:
        return _TCPServer((addr.host, addr.port), handler)
    except OSError as exc:
        raise ServerError(f"cannot listen on {addr}: {exc.strerror or exc}") from None


def bound_address(server: socketserver.BaseServer, addr: Address) -> Address:
    """``addr`` with the port the kernel chose when it asked for port 0."""
    if addr.scheme == "unix":
        return addr
    host, port = server.server_address[:2]
    return Address(addr.scheme, str(host), int(port), addr.path)


def cleanup(server: socketserver.BaseServer, addr: Address) -> None:
    server.server_close()
    if addr.scheme == "unix":
        try:
            os.unlink(addr.path)
        except FileNotFoundError:
            pass
