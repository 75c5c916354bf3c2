"""Recording a take from the microphone, streamed to disk so it is never lost.

PortAudio calls :meth:`_Capture._callback` on its own thread; that callback only
copies the block into a queue. The main thread takes blocks off the queue, mixes
them to mono, resamples to 16 kHz when the device cannot do it, and appends them
to a FLAC file (:class:`~git_voice.audio.takefile.TakeWriter`). Whatever stops the
take (Enter, Ctrl-C, SIGTERM, the limit, silence, a failing device, a full disk)
leaves a valid file holding everything captured until then.

With a :class:`Listener` (live transcription, given by the application layer) or
``voice.record.stopAfterSilence``, the same audio also goes through a
:class:`~git_voice.audio.slicer.PauseSlicer`: each slice cut at a pause goes to the
listener as soon as it is finished, and the listener's text so far is shown under
the level meter.
"""

from __future__ import annotations

import math
import queue
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING

from .. import ui
from ..errors import RecordingError
from ..util import home_expanded
from .devices import InputDevice, load_sounddevice, pick_device, portaudio_message
from .slicer import Listener, PauseSlicer
from .takefile import SAMPLE_RATE, TakeWriter, recover_abandoned
from .terminal import KeyReader, LiveLine, StopSignals, level_dbfs, open_keys

if TYPE_CHECKING:
    import numpy as np

    from ..config import Settings
    from ..gitops.repo import Repo

SILENCE_DB = -50.0  # quieter than this for SILENCE_WARN seconds: "is the mic on?"
SILENCE_WARN = 4.0
CLIP_LEVEL = 0.99  # a peak this close to full scale means the input is clipping
SYNC_EVERY = 1.0  # seconds between fsyncs of the take
STALL_SECONDS = 3.0  # no block for this long from a running stream: the device is gone
RESTART_CONFIRM = 3.0  # seconds within which a second "r" confirms discarding


@dataclass
class Take:
    """A finished take: where it is, how long, and why it stopped."""

    path: Path
    seconds: float
    reason: str  # "enter", "Ctrl-C", "SIGTERM", "limit", "silence"


def _fmt_seconds(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}m{s:02d}s" if m else f"{seconds:.1f} s"


def _target(repo: Repo | None, pending: bool, output: str | Path | None) -> Path:
    """Where the finished take goes: ``-o FILE`` or ``.git/voice/{takes,pending}/``."""
    if output is not None:
        path = home_expanded(output)
        if path.is_dir():
            raise RecordingError(f"{path} is a directory; give a file name such as {path / 'take.flac'}")
        if path.suffix.lower() != ".flac":
            raise RecordingError(f"takes are written as FLAC: name the output {path.with_suffix('.flac').name}")
        return path.absolute()
    if repo is None:
        raise RecordingError("not in a git repository: give -o FILE to say where the take goes")
    from ..gitops.takes import new_take_path

    return new_take_path(repo, pending=pending)


def _stream_format(sd: ModuleType, dev: InputDevice) -> tuple[int, int]:
    """(sample rate, channels) the device accepts: 16 kHz mono if it can, else its own."""
    rates = [SAMPLE_RATE] + ([int(dev.default_samplerate)] if int(dev.default_samplerate) != SAMPLE_RATE else [])
    channel_choices = [1] + ([min(2, dev.channels)] if dev.channels > 1 else [])
    last: Exception | None = None
    for channels in channel_choices:
        for rate in rates:
            try:
                sd.check_input_settings(device=dev.index, channels=channels, dtype="float32", samplerate=rate)
                return rate, channels
            except (sd.PortAudioError, ValueError) as exc:
                last = exc
    raise RecordingError(f"cannot record: {portaudio_message(last or Exception('unsupported'), repr(dev.name))}")


class _Capture:
    """The PortAudio input stream. Its callback does no I/O: it only queues blocks."""

    def __init__(self, sd: ModuleType, dev: InputDevice, rate: int, channels: int) -> None:
        self.blocks: queue.SimpleQueue = queue.SimpleQueue()
        self.overflows = 0
        self.finished = False
        self.last_block = time.monotonic()
        try:
            self.stream = sd.InputStream(
                samplerate=rate,
                channels=channels,
                dtype="float32",
                device=dev.index,
                blocksize=rate // 10,
                callback=self._callback,
                finished_callback=self._finished,
            )
            self.stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise RecordingError(f"cannot record: {portaudio_message(exc, repr(dev.name))}") from None

    def _callback(self, indata: np.ndarray, frames: int, when: object, status: object) -> None:
        if status:
            self.overflows += 1  # input overflow: PortAudio dropped samples
        self.blocks.put(indata.copy())
        self.last_block = time.monotonic()

    def _finished(self) -> None:
        self.finished = True

    def stop(self) -> None:
        try:
            self.stream.stop()
            self.stream.close()
        except Exception:
            pass  # the stream is being thrown away; a device error here changes nothing


@dataclass
class _State:
    """What the loop knows about the take so far (for the live line and warnings)."""

    limit: float
    paused: bool = False
    db: float = -math.inf
    quiet_since: float = 0.0  # take time at which the input went quiet
    loudest: float = -math.inf
    clip_until: float = -1.0
    restart_asked: float = -math.inf
    reason: str | None = None
    last_sync: float = field(default_factory=time.monotonic)


class Recorder:
    """One take: capture → queue → mono 16 kHz → FLAC, with keys and a live line."""

    def __init__(self, sd, dev, target: Path, limit: float, keys: KeyReader | None, line: LiveLine,
                 listener: Listener | None = None, stop_after_silence: float = 0.0) -> None:
        self.sd, self.dev, self.target, self.keys, self.line = sd, dev, target, keys, line
        self.rate, self.channels = _stream_format(sd, dev)
        self.state = _State(limit=limit)
        self.writer: TakeWriter | None = None
        self._resampler = None
        self.listener, self.stop_after_silence = listener, stop_after_silence
        self.slicer: PauseSlicer | None = None

    def _new_resampler(self):
        import soxr

        return None if self.rate == SAMPLE_RATE else soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="float32")

    def _mono16k(self, block: np.ndarray, last: bool = False) -> np.ndarray:
        mono = block.mean(axis=1, dtype="float32") if block.shape[1] > 1 else block[:, 0]
        return self._resampler.resample_chunk(mono, last=last) if self._resampler else mono

    def run(self, signals: StopSignals) -> Take:
        """Record until a stop; always returns or raises with the take kept on disk."""
        import numpy as np

        self._resampler = self._new_resampler()
        self.slicer = self._new_slicer()
        capture = _Capture(self.sd, self.dev, self.rate, self.channels)  # fails before any file exists
        try:
            self.writer = TakeWriter(self.target)
        except BaseException:
            capture.stop()
            raise
        try:
            self._loop(capture, signals)
            capture.stop()
            self._drain(capture)  # blocks already captured when the user stopped belong to the take
            if self._resampler is not None:
                self._append(self._resampler.resample_chunk(np.zeros(0, np.float32), last=True))
            if self.slicer is not None and self.listener is not None:
                self.listener.slice(self.slicer.finish())
        except RecordingError as exc:
            capture.stop()
            raise self._kept(str(exc)) from None
        except BaseException:
            capture.stop()
            self._keep_quietly()
            raise
        finally:
            self.line.close()
        seconds = self.writer.seconds
        return Take(path=self.writer.finish(), seconds=seconds, reason=self.state.reason or "enter")

    def _loop(self, capture: _Capture, signals: StopSignals) -> None:
        # self.state is read afresh each time round: "r r" replaces it.
        while self.state.reason is None:
            if signals.reason:
                self.state.reason = signals.reason
                break
            self._handle_keys()
            try:
                block = capture.blocks.get(timeout=0.05)
            except queue.Empty:
                self._check_alive(capture)
                self._draw()
                continue
            except KeyboardInterrupt:  # not the main thread: no handler, plain Ctrl-C
                self.state.reason = "Ctrl-C"
                break
            self._take_block(block)
            self._draw()

    def _check_alive(self, capture: _Capture) -> None:
        stalled = time.monotonic() - capture.last_block > STALL_SECONDS
        if capture.finished or stalled:
            raise RecordingError(f"the input device {self.dev.name!r} stopped delivering audio")

    def _drain(self, capture: _Capture) -> None:
        while self.state.reason != "limit":
            try:
                block = capture.blocks.get_nowait()
            except queue.Empty:
                return
            self._take_block(block)

    def _take_block(self, block: np.ndarray) -> None:
        if self.state.paused:
            return  # paused: the device keeps running, the take does not grow
        self._append(self._mono16k(block))

    def _append(self, mono: np.ndarray) -> None:
        st, writer = self.state, self.writer
        room = int(st.limit * SAMPLE_RATE) - writer.frames
        if len(mono) >= room:
            mono = mono[: max(room, 0)]
            st.reason = "limit"
        writer.write(mono)
        self._observe(mono)
        self._slice(mono)
        if time.monotonic() - st.last_sync >= SYNC_EVERY:
            writer.sync()
            st.last_sync = time.monotonic()

    def _new_slicer(self) -> PauseSlicer | None:
        return PauseSlicer() if self.listener is not None or self.stop_after_silence > 0 else None

    def _slice(self, mono: np.ndarray) -> None:
        """Feed the slicer: finished slices to the listener; stop after the silence allowed."""
        if self.slicer is None:
            return
        for piece in self.slicer.feed(mono):
            if self.listener is not None:
                self.listener.slice(piece)
        after = self.stop_after_silence
        if after > 0 and self.state.reason is None and self.slicer.silent_seconds >= after:
            self.state.reason = "silence"

    def _observe(self, mono: np.ndarray) -> None:
        """Level, silence and clipping bookkeeping for the live line."""
        if not len(mono):
            return
        st, now = self.state, self.writer.seconds
        st.db = level_dbfs(mono)
        st.loudest = max(st.loudest, st.db)
        if st.db > SILENCE_DB:
            st.quiet_since = now
        if float(abs(mono).max()) >= CLIP_LEVEL:
            st.clip_until = now + 2.0

    def _note(self) -> str:
        st, now = self.state, self.writer.seconds
        if now - st.restart_asked < RESTART_CONFIRM:
            return "press r again to discard this take and start over"
        if now < st.clip_until:
            return "input is clipping: lower the gain or move back from the mic"
        if now - st.quiet_since >= SILENCE_WARN:
            return f"no sound for {int(now - st.quiet_since)} s: is the right input on? (git voice devices)"
        return ""

    def _draw(self) -> None:
        st = self.state
        caption = self.listener.caption() if self.listener is not None else ""
        self.line.draw(self.writer.seconds, st.limit, st.db, paused=st.paused, note=self._note(), caption=caption)

    def _handle_keys(self) -> None:
        if self.keys is None:
            return
        for key in self.keys.poll():
            if key in "\r\n":
                self.state.reason = "enter"
                return
            if key in " p":
                self.state.paused = not self.state.paused
            elif key in "rR":
                self._restart_key()

    def _restart_key(self) -> None:
        st, now = self.state, self.writer.seconds
        if now - st.restart_asked < RESTART_CONFIRM:
            self.writer.discard()  # asked twice: this take is really unwanted
            self.writer = TakeWriter(self.target)
            self._resampler = self._new_resampler()
            self.slicer = self._new_slicer()
            if self.listener is not None:
                self.listener.restart()
            self.state = _State(limit=st.limit, paused=st.paused)
        else:
            st.restart_asked = now

    def _kept(self, message: str) -> RecordingError:
        """The error to raise after a failure, naming the file that keeps the audio."""
        seconds = self.writer.seconds
        path = self.writer.salvage()
        if path is None:
            return RecordingError(f"{message} (nothing had been recorded yet)")
        return RecordingError(f"{message}; the {_fmt_seconds(seconds)} recorded so far are kept in {path}", take=path)

    def _keep_quietly(self) -> None:
        path = self.writer.salvage()
        if path is not None:
            ui.warn(f"the take recorded so far is kept in {path}")


def _say_outcome(take: Take, limit: float, after: float) -> None:
    length = _fmt_seconds(take.seconds)
    if take.reason in ("Ctrl-C", "SIGTERM"):
        ui.info(f"stopped by {take.reason}; the take is kept: {take.path} ({length})")
    elif take.reason == "silence":
        ui.info(f"stopped after {_fmt_seconds(after)} without speech (voice.record.stopAfterSilence); take saved: {take.path} ({length})")
    elif take.reason == "limit":
        ui.info(f"reached the {_fmt_seconds(limit)} limit (voice.maxRecordSeconds); take saved: {take.path}")
    else:
        ui.info(f"take saved: {take.path} ({length})")


def record(
    repo: Repo | None,
    settings: Settings,
    *,
    pending: bool = False,
    output: str | Path | None = None,
    max_seconds: float | None = None,
    device: str | int | None = None,
    tty: str | None = None,
    require_terminal: bool = True,
    status: IO[str] | None = None,
    listener: Listener | None = None,
) -> Take:
    """Record from the microphone until Enter, Ctrl-C, SIGTERM or the limit: the take (its ``path``, length and why it stopped).

    ``pending`` files the take for the next commit or format-patch; ``output``
    writes it there instead of ``.git/voice/``. ``max_seconds`` and ``device``
    default to ``voice.maxRecordSeconds`` and ``voice.inputDevice``. Keys are read
    from stdin when it is a terminal, else from ``tty`` or ``/dev/tty`` (as in a
    git hook). With no terminal at all this raises :class:`RecordingError`, unless
    ``require_terminal`` is False: the take then stops only at the limit or on a
    signal. Every failure raises :class:`RecordingError` naming the file that keeps
    whatever was captured (also in its ``take`` attribute). ``listener`` gets the
    take's slices as they are cut at pauses (see :class:`Listener`); with
    ``voice.record.stopAfterSilence`` the take also stops after that many seconds
    without speech.
    """
    sd = load_sounddevice()
    dev = pick_device(sd, device if device is not None else settings.input_device)
    limit = float(max_seconds or settings.max_record_seconds)
    if limit <= 0:
        raise RecordingError("the recording limit must be positive")
    if repo is not None:
        for path in recover_abandoned([repo.voice_dir / "takes", repo.voice_dir / "pending"]):
            ui.warn(f"recovered an interrupted take: {path}")
    target = _target(repo, pending, output)
    keys = open_keys(tty, required=require_terminal)
    try:
        line = LiveLine(status, keys=keys is not None)
        recorder = Recorder(sd, dev, target, limit, keys, line, listener, settings.stop_after_silence)
        with StopSignals() as signals:
            take = recorder.run(signals)
    finally:
        if keys is not None:
            keys.close()
    _say_outcome(take, limit, settings.stop_after_silence)
    if not math.isfinite(recorder.state.loudest) or recorder.state.loudest < SILENCE_DB:
        ui.warn(f"the take is silent: check the input device ({dev.name})")
    return take
