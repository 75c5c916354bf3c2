"""Live transcription: a take's slices transcribed while the speaker goes on.

The recorder (:mod:`git_voice.audio.record`) cuts the take at pauses with Silero VAD
and hands each finished slice to a :class:`LiveTranscriber`; a worker thread loads
the engine (the warm server's, or this process's own) and transcribes the slices
in order, with the same code-term biasing as :func:`.transcribe.transcribe_audio`.
When the take ends only its last slice is left to do; the slices' segments, joined,
go through the same code-term snapping as a transcript made afterwards.

Whatever goes wrong in the worker (no model, a server that went away) makes
:meth:`LiveTranscriber.finish` return None: the caller then transcribes the take
file after all, and meets the error there as it would have without live mode.
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..asr.engine import Engine, EngineResult
from ..audio.load import SAMPLE_RATE, Audio
from ..audio.slicer import Slice
from ..codeterms import terms as codeterms
from ..config import Settings
from ..gitops.repo import Repo
from ..types import Segment, Transcript
from .transcribe import Request, _load, _run, _server, decode_options, finish_transcript, shifted

# Of the text heard so far, this much goes before a slice (Whisper keeps the last 223
# tokens of it, some 900 characters of English).
CONTEXT_CHARS = 1200
_RESTART = object()  # the take was discarded: drop what was heard
_STOP = object()  # no more slices will come (the take failed or was abandoned)


@dataclass
class _Heard:
    """What the worker has made of the take so far."""

    segments: list[Segment] = field(default_factory=list)
    language: str | None = None
    hotwords: list[str] | None = None
    rereads: list = field(default_factory=list)
    slices: int = 0  # slices transcribed
    samples: int = 0  # the take's length once its last slice is in
    done: bool = False


class LiveTranscriber:
    """Takes a recording's slices (:class:`git_voice.audio.slicer.Listener`) and
    transcribes them on a worker thread as they come."""

    def __init__(self, request: Request, model_lock: threading.Lock | None = None) -> None:
        # Held while the engine loads or runs: a process that also transcribes
        # elsewhere (the web page) shares one engine between its threads.
        self._model_lock = model_lock
        # No progress lines: they would break into the level meter being redrawn.
        self.request = dataclasses.replace(request, progress=None)
        self.terms = codeterms.collect(request.hotwords, request.candidates)
        self.options = decode_options(request.settings, request.language, self.terms, request.bias)
        self.engine: Engine | None = None
        self.load_seconds = 0.0
        self.error: BaseException | None = None
        # Take positions (samples) at which each slice's text was ready; tests and the
        # benchmark read them.
        self.ready_at: list[int] = []
        self._heard = _Heard()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._received = 0  # samples of the take handed over so far
        self._thread = threading.Thread(target=self._work, name="git-voice-live", daemon=True)
        self._thread.start()

    # ------------------------------------------------ the recorder's side (Listener)

    def slice(self, piece: Slice) -> None:
        self._received = piece.end
        self._queue.put(piece)

    def restart(self) -> None:
        self._received = 0
        self._queue.put(_RESTART)

    def caption(self) -> str:
        with self._lock:
            return " ".join(s.text.strip() for s in self._heard.segments if s.text.strip())

    # ------------------------------------------------------------ the worker

    def _engine(self) -> Engine:
        if self.engine is None:
            self.engine = _server(self.request)
            if self.engine is None:
                self.engine, self.load_seconds = _load(self.request)
        return self.engine

    def _work(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                if item is _RESTART:
                    with self._lock:
                        self._heard = _Heard()
                    continue
                self._transcribe(item)
                if item.last:
                    return
        except BaseException as exc:  # noqa: BLE001 - finish() reports it by returning None
            self.error = exc

    def _transcribe(self, piece: Slice) -> None:
        result: EngineResult | None = None
        if piece.speech is not None:
            a, b = piece.speech
            audio = Audio(piece.samples[a:b], f"slice {piece.index}")
            # What the slices before said: the decoder goes on from it, as from one of
            # its own windows to the next when the take is decoded whole afterwards.
            options = dataclasses.replace(self.options, context=self.caption()[-CONTEXT_CHARS:])
            with self._model_lock or contextlib.nullcontext():
                result = _run(self._engine(), audio, options)
            result.segments = shifted(result.segments, (piece.start + a) / SAMPLE_RATE)
        with self._lock:
            heard = self._heard
            if result is not None:
                heard.segments.extend(result.segments)
                heard.language = heard.language or result.language
                heard.hotwords = result.hotwords if result.hotwords is not None else heard.hotwords
                heard.rereads.extend(r for r in result.rereads if r.kept)
            heard.slices += 1
            self.ready_at.append(self._received)
            if piece.last:
                heard.samples, heard.done = piece.end, True

    # ------------------------------------------------------------ the caller's side

    def finish(self, source: str | Path) -> Transcript | None:
        """The take's transcript once its last slice is done; None when live transcription
        failed (the caller transcribes the take file instead)."""
        t0 = time.perf_counter()
        self._thread.join()
        heard = self._heard
        if self.error is not None or not heard.done:
            return None
        if not heard.segments:  # the take held no speech: an empty transcript, as afterwards
            engine_name = self.engine.name if self.engine else (self.request.model_name or "bundled")
            return Transcript(text="", language=None, duration=heard.samples / SAMPLE_RATE, model=engine_name,
                              device=self.engine.device if self.engine else "none",
                              hotwords=self.terms.written_forms(), source=str(source), raw_text="",
                              timings={"load": self.load_seconds, "transcribe": 0.0})
        result = EngineResult(heard.segments, heard.language, heard.hotwords, heard.rereads)
        # "transcribe": only what was left when the take ended; the rest was done during it.
        timings = {"load": self.load_seconds, "transcribe": time.perf_counter() - t0}
        return finish_transcript(str(source), heard.samples / SAMPLE_RATE, self.engine, result, self.terms,
                                 self.request, timings)

    def abandon(self) -> None:
        """The take failed: stop the worker after what it is doing."""
        self._queue.put(_STOP)


def record_live(repo: Repo | None, settings: Settings, request: Request, **record_args) -> tuple[Path, Transcript | None]:
    """Record a take (see :func:`git_voice.audio.record.record`) transcribing it as it goes:
    the take's path and its transcript (None: live transcription failed or is off,
    ``voice.record.live``; transcribe the take file instead)."""
    from ..audio.record import record

    if not settings.record_live:
        return record(repo, settings, **record_args).path, None
    live = LiveTranscriber(request)
    try:
        take = record(repo, settings, listener=live, **record_args)
    except BaseException:
        live.abandon()
        raise
    return take.path, live.finish(take.path)
