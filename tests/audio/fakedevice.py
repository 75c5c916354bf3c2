"""A stand-in for the ``sounddevice`` module: the hardware edge, and nothing more.

It plays real speech (a WAV from hibari) into the recorder's callback in blocks,
from its own thread as PortAudio would, faster than real time. Tests install it
with ``mocker.patch.dict(sys.modules, {"sounddevice": fake})``; the subprocess
tests run this module as a script (``python -m tests.audio.fakedevice CONFIG ARGS``)
so a whole ``git voice`` process can be killed or starved of disk.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import types
from pathlib import Path
from typing import Callable

import numpy as np


class PortAudioError(Exception):
    """Same shape as sounddevice's: (message, PaErrorCode)."""


class _Flags:
    def __init__(self, overflow: bool = False) -> None:
        self.input_overflow = overflow

    def __bool__(self) -> bool:
        return self.input_overflow


def microphone(name: str = "Fake USB Mic", index: int = 0, channels: int = 1, rate: float = 16000.0) -> dict:
    return {
        "name": name,
        "index": index,
        "hostapi": 0,
        "max_input_channels": channels,
        "max_output_channels": 0,
        "default_samplerate": rate,
    }


def speaker(name: str = "Fake Speakers", index: int = 1) -> dict:
    return {**microphone(name, index, 0, 48000.0), "max_output_channels": 2}


class FakeStream:
    """Feeds ``source`` to the callback in blocks, then silence (or a failure)."""

    def __init__(self, fake: "FakeSoundDevice", samplerate, channels, dtype, callback, finished_callback=None, blocksize=None, device=None, **_: object) -> None:
        if fake.open_error is not None:
            raise fake.open_error
        self.device, self.device_index = fake, device
        self.rate, self.channels = int(samplerate), int(channels)
        self.blocksize = int(blocksize or self.rate // 10)
        self.callback, self.finished_callback = callback, finished_callback
        self.active = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._feed, daemon=True)
        fake.streams.append(self)

    def start(self) -> None:
        self.active = True
        self._thread.start()

    def _blocks(self):
        audio = self.device.source_at(self.rate)
        for i in range(0, len(audio), self.blocksize):
            yield audio[i : i + self.blocksize]
        self.device.fed.set()
        if self.device.then == "fail":
            return
        while True:  # the room after the speaker stopped talking
            yield np.zeros(self.blocksize, np.float32)

    def _feed(self) -> None:
        for n, block in enumerate(self._blocks()):
            if self._stop.is_set():
                return
            if self.device.fail_after is not None and n >= self.device.fail_after:
                break
            frames = np.repeat(block[:, None], self.channels, axis=1).astype(np.float32)
            self.callback(frames, len(frames), None, _Flags())
            self.device.delivered += len(frames)
            if self.device.on_block is not None:
                self.device.on_block(n)
            time.sleep(self.device.pace)
        # The device died (unplugged, host error): PortAudio ends the stream.
        self.active = False
        if self.finished_callback is not None:
            self.finished_callback()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)
        self.active = False

    def close(self) -> None:
        self.stop()


class FakeSoundDevice(types.ModuleType):
    """The parts of sounddevice git-voice uses, over a list of device dicts."""

    PortAudioError = PortAudioError

    def __init__(
        self,
        source: str | Path | np.ndarray | None = None,
        *,
        devices: list[dict] | None = None,
        default_input: int = 0,
        rates: tuple[int, ...] = (16000,),
        then: str = "silence",
        fail_after: int | None = None,
        open_error: Exception | None = None,
        pace: float = 0.001,
        on_block: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__("sounddevice")
        self.devices = devices if devices is not None else [microphone(), speaker()]
        self.default = types.SimpleNamespace(device=[default_input, 1])
        self.rates, self.then, self.fail_after = rates, then, fail_after
        self.open_error, self.pace, self.on_block = open_error, pace, on_block
        self.streams: list[FakeStream] = []
        self.delivered = 0
        self.fed = threading.Event()
        self._source = source

    def source_at(self, rate: int) -> np.ndarray:
        """The speech as float32 mono at the stream's rate."""
        import soundfile as sf
        import soxr

        if self._source is None:
            return np.zeros(0, np.float32)
        if isinstance(self._source, np.ndarray):
            audio, sr = self._source.astype(np.float32), 16000
        else:
            audio, sr = sf.read(str(self._source), dtype="float32")
        return audio if sr == rate else soxr.resample(audio, sr, rate).astype(np.float32)

    def query_devices(self, device=None, kind=None):
        return list(self.devices) if device is None else self.devices[int(device)]

    def query_hostapis(self, index=None):
        return {"name": "FakeALSA"}

    def check_input_settings(self, device=None, channels=None, dtype=None, extra_settings=None, samplerate=None):
        info = next(d for d in self.devices if d["index"] == device)
        if int(samplerate) not in self.rates:
            raise PortAudioError("Invalid sample rate", -9997)
        if (channels or 1) > info["max_input_channels"]:
            raise PortAudioError("Invalid number of channels", -9998)

    def InputStream(self, **kwargs) -> FakeStream:  # noqa: N802 - sounddevice's name
        return FakeStream(self, **kwargs)


def main(argv: list[str]) -> None:
    """``python -m tests.audio.fakedevice CONFIG_JSON GIT_VOICE_ARGS...``

    CONFIG: ``source`` (WAV path), ``pace``, ``then``, ``fed_marker`` (a file
    touched once the speech is delivered), ``fsize`` (RLIMIT_FSIZE in bytes: a
    disk that fills up).
    """
    import resource
    import signal

    config = json.loads(argv[0])
    fake = FakeSoundDevice(config.get("source"), pace=config.get("pace", 0.001), then=config.get("then", "silence"))
    marker = config.get("fed_marker")
    if marker:
        threading.Thread(target=lambda: (fake.fed.wait(), Path(marker).touch()), daemon=True).start()
    if config.get("fsize"):
        # Writing past the limit then fails with EFBIG, as a full disk fails with ENOSPC.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (config["fsize"], resource.RLIM_INFINITY))
    sys.modules["sounddevice"] = fake
    from git_voice.cli import main as git_voice

    git_voice(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
