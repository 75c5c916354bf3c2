"""Input devices through sounddevice (PortAudio), imported only when needed.

sounddevice loads the PortAudio shared library when it is imported and raises
``OSError`` when that library is missing, so nothing here imports it at module
level: ``git voice --help`` and every command that does not record must work on a
machine without PortAudio. Every PortAudio failure becomes one
:class:`~git_voice.errors.RecordingError` line.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..errors import RecordingError

# PortAudio error codes worth a sentence of their own (portaudio.h, PaErrorCode).
_BUSY_CODES = {-9985, -9986}  # paDeviceUnavailable, paBadIODeviceCombination
_NO_DEVICE_CODES = {-9996, -9999}  # paInvalidDevice, paNotInitialized (no host API)


@dataclass(frozen=True)
class InputDevice:
    """One device that can record."""

    index: int
    name: str
    hostapi: str
    channels: int
    default_samplerate: float
    is_default: bool = False

    def describe(self) -> str:
        mark = "*" if self.is_default else " "
        return (
            f"{mark} {self.index:>3}  {self.name} ({self.hostapi}, {self.channels} in, "
            f"{self.default_samplerate / 1000:g} kHz)"
        )


def load_sounddevice() -> ModuleType:
    """Import sounddevice, or raise one clear line when PortAudio is not there."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError('PortAudio library not found')
        raise RecordingError(
            "cannot use the microphone: the PortAudio library is not installed "
            "(e.g. apt install libportaudio2, brew install portaudio)"
        ) from None
    except ImportError as exc:
        raise RecordingError(f"cannot use the microphone: sounddevice is not installed ({exc})") from None
    return sounddevice


def portaudio_message(exc: BaseException, device: str = "the input device") -> str:
    """A one-line explanation of a PortAudio failure (busy, gone, unsupported, ...)."""
    args = getattr(exc, "args", ())
    code = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    text = str(args[0]) if args else str(exc)
    if code in _BUSY_CODES or "unavailable" in text.lower() or "busy" in text.lower():
        return f"{device} is busy or unavailable (another program may be using it): {text}"
    if code in _NO_DEVICE_CODES:
        return f"{device} cannot be used: {text}"
    return f"{device} failed: {text}"


def _hostapi_name(sd: ModuleType, index: Any) -> str:
    try:
        return str(sd.query_hostapis(index)["name"])
    except Exception:  # the host API name is decoration; never fail a listing on it
        return "?"


def _default_input_index(sd: ModuleType) -> int:
    try:
        value = sd.default.device[0]
    except Exception:
        return -1
    return value if isinstance(value, int) else -1


def input_devices(sd: ModuleType) -> list[InputDevice]:
    """Every device with at least one input channel, the default one marked."""
    try:
        devices = list(sd.query_devices())
    except sd.PortAudioError as exc:
        raise RecordingError(f"cannot list audio devices: {portaudio_message(exc)}") from None
    default = _default_input_index(sd)
    found = []
    for i, info in enumerate(devices):
        if int(info.get("max_input_channels", 0)) < 1:
            continue
        index = int(info.get("index", i))
        found.append(
            InputDevice(
                index=index,
                name=str(info["name"]),
                hostapi=_hostapi_name(sd, info.get("hostapi", 0)),
                channels=int(info["max_input_channels"]),
                default_samplerate=float(info.get("default_samplerate") or 16000),
                is_default=index == default,
            )
        )
    return found


def pick_device(sd: ModuleType, spec: str | int | None) -> InputDevice:
    """The device to record from: ``spec`` (index or part of the name) or the default.

    ``spec`` comes from ``--input-device`` or ``voice.inputDevice``. Raises
    :class:`RecordingError` when there is no input device at all, or none matches.
    """
    devices = input_devices(sd)
    if not devices:
        raise RecordingError("cannot record: no input device found (is a microphone connected?)")
    if spec is None or str(spec).strip() in ("", "default"):
        for dev in devices:
            if dev.is_default:
                return dev
        # No default input (PortAudio says -1): the first device that can record.
        return devices[0]
    text = str(spec).strip()
    if text.lstrip("-").isdigit():
        for dev in devices:
            if dev.index == int(text):
                return dev
        raise RecordingError(f"no input device with index {text} (see git voice devices)")
    matches = [d for d in devices if text.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == text.lower()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise RecordingError(f"no input device matches {text!r} (see git voice devices)")
    names = ", ".join(f"{d.index}: {d.name}" for d in matches[:4])
    raise RecordingError(f"input device {text!r} is ambiguous ({names}); give its index")


def play_bytes(data: bytes) -> None:
    """Play recording bytes on the default output device."""
    import io

    import sounddevice as sd
    import soundfile as sf

    from ..errors import AudioError, DeviceError

    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    except Exception as exc:
        raise AudioError(f"the noted audio cannot be decoded: {exc}") from None
    try:
        sd.play(samples, rate)
        sd.wait()
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot play audio: {exc}") from None
