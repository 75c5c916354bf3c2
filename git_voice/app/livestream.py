"""Live transcription of a take that arrives in chunks from elsewhere (the web page's recorder).

The browser records at its own sample rate and sends the samples every half second
or so, as little-endian float32 mono. Each :class:`LiveStream` resamples them to
16 kHz (one soxr stream, so chunk edges leave no seams), cuts them at pauses with the
same :class:`~git_voice.audio.slicer.PauseSlicer` as the terminal recorder, and hands
the slices to a :class:`~.live.LiveTranscriber`: when the take ends only its last
slice is left to transcribe.

:class:`LiveStreams` keeps them bounded, since any page (or a buggy one) can call:
one stream per key (the page load's id), at most :data:`MAX_STREAMS` at once, chunks
of at most :data:`MAX_CHUNK_SECONDS`, a take no longer than ``voice.maxSeconds``, and a
stream nobody fed for :data:`IDLE_SECONDS` is dropped.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from ..audio.load import SAMPLE_RATE
from ..errors import GitVoiceError
from ..types import Transcript
from .live import LiveTranscriber
from .transcribe import Request

MAX_STREAMS = 4
IDLE_SECONDS = 300.0
MAX_CHUNK_SECONDS = 5.0
MIN_RATE, MAX_RATE = 8000, 192000
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class LiveStreamError(GitVoiceError):
    """A request the streams refuse; ``kind`` says why: "bad" (malformed input), "unknown"
    (no such stream), "taken" (the key has a stream already), "full" (too many streams),
    "too_big" (a chunk or the take is too long)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def samples_of(data: bytes, rate: int) -> np.ndarray:
    """``data`` (little-endian float32 mono at ``rate``) as samples; LiveStreamError for
    anything else: a size that is no whole number of samples, too long a chunk,
    values that are not finite or far outside [-1, 1]."""
    if len(data) % 4:
        raise LiveStreamError("a chunk must be float32 samples (its size is not a multiple of 4 bytes)", "bad")
    if len(data) // 4 > MAX_CHUNK_SECONDS * rate:
        raise LiveStreamError(f"a chunk may hold at most {MAX_CHUNK_SECONDS:g} s of audio", "too_big")
    samples = np.frombuffer(data, dtype="<f4").astype(np.float32)
    # Web Audio gives [-1, 1]; a little over is clipping, anything else is not audio.
    if len(samples) and not (np.isfinite(samples).all() and np.abs(samples).max() <= 4.0):
        raise LiveStreamError("a chunk must be float32 audio samples in [-1, 1]", "bad")
    return np.clip(samples, -1.0, 1.0)


class LiveStream:
    """One take being recorded elsewhere: its samples go in with :meth:`feed`, its
    transcript comes out of :meth:`finish`."""

    def __init__(self, key: str, sha: str, rate: int, request: Request, max_seconds: float,
                 model_lock: threading.Lock | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        import soxr

        from ..audio.slicer import PauseSlicer

        self.key, self.sha, self.rate = key, sha, rate
        self.max_seconds = max_seconds
        self.max_samples = int(max_seconds * rate)
        self.received = 0  # samples at ``rate``
        self.clock = clock
        self.used = clock()
        self.closed = False
        self._lock = threading.Lock()  # chunks of one stream go in one at a time, in order
        self._resampler = None if rate == SAMPLE_RATE else soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        self._slicer = PauseSlicer()
        self.live = LiveTranscriber(request, model_lock)

    @property
    def seconds(self) -> float:
        return self.received / self.rate

    def _to_16k(self, samples: np.ndarray, last: bool = False) -> np.ndarray:
        if self._resampler is None:
            return samples
        return self._resampler.resample_chunk(samples, last=last).astype(np.float32, copy=False)

    def feed(self, data: bytes) -> str:
        """The next chunk (see :func:`samples_of`); the text heard so far."""
        samples = samples_of(data, self.rate)
        with self._lock:
            if self.closed:
                raise LiveStreamError("the live take has ended", "unknown")
            if self.received + len(samples) > self.max_samples:
                raise LiveStreamError(f"the take is over voice.maxSeconds ({self.max_samples / self.rate:g} s)", "too_big")
            self.received += len(samples)
            self.used = self.clock()
            for piece in self._slicer.feed(self._to_16k(samples)):
                self.live.slice(piece)
        return self.live.caption()

    def finish(self, source: str | Path) -> Transcript | None:
        """The transcript of the take saved at ``source`` (its last slice transcribed now);
        None when live transcription failed and the take must be transcribed whole.
        AudioError (and the stream dropped) when ``source`` is no audio."""
        from ..audio.load import probe

        try:
            probe(source, self.max_seconds + 1.0)  # what is kept must be a take that plays
        except GitVoiceError:
            self.abandon()
            raise
        with self._lock:
            if self.closed:
                return None
            self.closed = True
            for piece in self._slicer.feed(self._to_16k(np.zeros(0, np.float32), last=True)):
                self.live.slice(piece)
            self.live.slice(self._slicer.finish())
        return self.live.finish(source)

    def abandon(self) -> None:
        """Drop the take: the worker stops after the slice it is on."""
        with self._lock:
            self.closed = True
        self.live.abandon()


class LiveStreams:
    """The live takes of one process, bounded (see the module docstring)."""

    def __init__(self, max_streams: int = MAX_STREAMS, idle_seconds: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_streams, self.idle_seconds, self.clock = max_streams, idle_seconds, clock
        self._streams: dict[str, LiveStream] = {}
        self._lock = threading.Lock()

    def _reap(self) -> None:
        now = self.clock()
        for key, stream in list(self._streams.items()):
            if now - stream.used > self.idle_seconds:
                del self._streams[key]
                stream.abandon()

    def start(self, key: str, sha: str, rate: object, request: Request, max_seconds: float,
              model_lock: threading.Lock | None = None) -> LiveStream:
        """A new stream for ``key``; LiveStreamError when the key or rate is malformed,
        the key has a stream already, or there are too many."""
        if not isinstance(key, str) or not KEY.match(key):
            raise LiveStreamError("the session id must be 8 to 64 letters, digits, - or _", "bad")
        if not isinstance(rate, int) or isinstance(rate, bool) or not MIN_RATE <= rate <= MAX_RATE:
            raise LiveStreamError(f"the sample rate must be a whole number from {MIN_RATE} to {MAX_RATE}", "bad")
        with self._lock:
            self._reap()
            if key in self._streams:
                raise LiveStreamError("this page is recording a live take already", "taken")
            if len(self._streams) >= self.max_streams:
                raise LiveStreamError(f"too many live takes at once (at most {self.max_streams})", "full")
            stream = LiveStream(key, sha, rate, request, max_seconds, model_lock, self.clock)
            self._streams[key] = stream
            return stream

    def get(self, key: str) -> LiveStream:
        """The stream of ``key``; LiveStreamError "unknown" when there is none (or it was dropped)."""
        with self._lock:
            self._reap()
            stream = self._streams.get(key) if isinstance(key, str) else None
        if stream is None:
            raise LiveStreamError("no such live take (it ended, or was idle too long)", "unknown")
        return stream

    def pop(self, key: str) -> LiveStream:
        """The stream of ``key``, no longer kept (it is being finished)."""
        with self._lock:
            self._reap()
            stream = self._streams.pop(key, None) if isinstance(key, str) else None
        if stream is None:
            raise LiveStreamError("no such live take (it ended, or was idle too long)", "unknown")
        return stream

    def __len__(self) -> int:
        with self._lock:
            return len(self._streams)
