"""Any audio file soundfile reads → 16 kHz mono float32, or one clear error.

The file is read in blocks and resampled as a stream (soxr), so memory stays
proportional to the 16 kHz result, never to the source (a 96 kHz 8-channel file
is never held whole), and the length cap is checked from the header before any
sample is decoded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError

SAMPLE_RATE = 16000
_BLOCK_SECONDS = 10
# A recording whose loudest 20 ms stays below this is treated as silence.
SILENCE_DBFS = -50.0


class _Buffer:
    """A float32 array filled in place: the result is never held twice (no concatenate)."""

    def __init__(self, capacity: int) -> None:
        self.data = np.empty(max(capacity, 1), np.float32)
        self.size = 0

    def append(self, piece: np.ndarray) -> None:
        end = self.size + len(piece)
        if end > len(self.data):  # the header under-declared its length: grow (rare)
            self.data = np.resize(self.data, max(end, int(len(self.data) * 1.5)))
        self.data[self.size : end] = piece
        self.size = end

    def result(self) -> np.ndarray:
        # A view when the estimate was exact or generous; slicing copies nothing.
        return self.data[: self.size]


@dataclass
class Audio:
    """Mono float32 samples at :data:`SAMPLE_RATE`."""

    samples: np.ndarray
    source: str

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _fmt_duration(seconds: float) -> str:
    if seconds < 60 and seconds != int(seconds):
        return f"{seconds:.1f}s"  # a cap of 0.5 s is not "0m00s"
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def load_audio(path: str | os.PathLike[str], max_seconds: float = 1800.0) -> Audio:
    """Decode ``path`` to 16 kHz mono float32.

    Raises :class:`AudioError` (one line) for a missing or unreadable file, a file
    that is not audio or is corrupt or truncated, zero length, NaN or infinite
    samples, and audio longer than ``max_seconds``.
    """
    import soundfile as sf
    import soxr

    p = Path(path)
    name = str(path)
    _check_file(p, name)
    handle = _open(p, name)
    with handle as f:
        rate, channels, frames = f.samplerate, f.channels, f.frames
        if rate <= 0 or channels <= 0:
            raise AudioError(f"{name} has an invalid header (rate {rate}, {channels} channels)")
        if frames <= 0:
            raise AudioError(f"{name} holds no audio (zero length)")
        # libsndfile shortens ``frames`` to what a cut WAV or Ogg file still holds, so the
        # check after decoding below never sees those cut: their containers say it.
        cut = _cut_short(p, getattr(f, "format", ""))
        if cut:
            raise AudioError(f"{name} is truncated or corrupt: {cut}")
        declared = frames / rate
        if declared > max_seconds:
            raise AudioError(
                f"{name} is {_fmt_duration(declared)} long, over the cap of {_fmt_duration(max_seconds)} "
                "(voice.maxSeconds)"
            )
        resampler = None if rate == SAMPLE_RATE else soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        # The 16 kHz length is known from the header: allocate it once, fill it in place.
        out = _Buffer(int(np.ceil(frames * SAMPLE_RATE / rate)) + SAMPLE_RATE)
        read = 0
        block = max(1, rate * _BLOCK_SECONDS)
        while True:
            try:
                data = f.read(block, dtype="float32", always_2d=True)
            except (sf.LibsndfileError, RuntimeError) as exc:
                raise AudioError(f"{name} is corrupt: {str(exc).split(':')[-1].strip()}") from None
            last = len(data) < block
            if len(data):
                if not np.isfinite(data).all():
                    raise AudioError(f"{name} contains NaN or infinite samples")
                read += len(data)
                mono = data.mean(axis=1, dtype=np.float32) if channels > 1 else data[:, 0]
                out.append(resampler.resample_chunk(mono, last=last) if resampler else mono)
            elif resampler is not None:
                out.append(resampler.resample_chunk(np.zeros(0, np.float32), last=True))
            if last:
                break
            if read / rate > max_seconds:  # a header that under-declared its length
                raise AudioError(f"{name} is longer than the cap of {_fmt_duration(max_seconds)} (voice.maxSeconds)")
    if read == 0:
        raise AudioError(f"{name} is corrupt: no samples could be decoded")
    fmt = getattr(f, "format", "")
    # MP3 headers only estimate the length; other formats state it exactly.
    if fmt != "MP3" and read < frames * 0.98:
        raise AudioError(
            f"{name} is truncated or corrupt: its header promises {declared:.1f} s, only {read / rate:.1f} s decode"
        )
    samples = out.result()
    np.clip(samples, -1.0, 1.0, out=samples)
    return Audio(samples=samples, source=name)


def _cut_short(p: Path, fmt: str) -> str | None:
    """Why the WAV or Ogg file ``p`` ends before its container says it does, or None.

    WAV: the ``data`` chunk declares more bytes than follow it (0 and 0xFFFFFFFF are
    the placeholders of a writer that never finished the header: no promise, no
    refusal). Ogg: the last page runs past the end of the file, or no page ends the
    stream (a recording cut off before its last page was written)."""
    try:
        with open(p, "rb") as fh:
            if fmt == "WAV":
                return _wav_cut_short(fh, p.stat().st_size)
            if fmt == "OGG":
                return _ogg_cut_short(fh, p.stat().st_size)
    except OSError:
        return None
    return None


def _wav_cut_short(fh, size: int) -> str | None:
    head = fh.read(12)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None  # RF64, W64, ...: libsndfile's own length is all there is
    pos, byte_rate = 12, 0
    while pos + 8 <= size:
        fh.seek(pos)
        chunk = fh.read(8)
        cid, n = chunk[:4], int.from_bytes(chunk[4:8], "little")
        if cid == b"fmt " and n >= 16:
            byte_rate = int.from_bytes(fh.read(12)[8:12], "little")
        if cid == b"data":
            held = size - (pos + 8)
            if n in (0, 0xFFFFFFFF) or n <= held:
                return None
            if byte_rate and n - held >= byte_rate // 5:  # a fifth of a second or more: in seconds
                return f"its header promises {n / byte_rate:.1f} s, the file holds {held / byte_rate:.1f} s"
            return f"its header promises {n} bytes of audio, the file holds {held}"
        pos += 8 + n + (n & 1)
    return None


def _ogg_cut_short(fh, size: int) -> str | None:
    pos, last_flags = 0, None
    while pos < size:
        fh.seek(pos)
        head = fh.read(27)
        if len(head) < 27:
            return "its last Ogg page is cut short"
        if head[:4] != b"OggS":
            return None  # not a plain page sequence: leave the verdict to the decoder
        lacing = fh.read(head[26])
        end = pos + 27 + head[26] + sum(lacing)
        if len(lacing) < head[26] or end > size:
            return "its last Ogg page is cut short"
        last_flags, pos = head[5], end
    if last_flags is not None and not last_flags & 0x04:
        return "its Ogg stream never ends (the recording was cut off)"
    return None


def _check_file(p: Path, name: str) -> None:
    """One clear line for a path that is not a readable regular file with bytes in it."""
    import stat

    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise AudioError(f"{name} is a symbolic link to a file that does not exist") from None
        raise AudioError(f"no such audio file: {name}") from None
    except OSError as exc:  # ELOOP: a symbolic link loop; ENAMETOOLONG, ...
        raise AudioError(f"cannot open {name}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise AudioError(f"{name} is a directory, not an audio file")
    if not stat.S_ISREG(st.st_mode):
        # A pipe or device has no length to check against the cap and cannot be read twice.
        raise AudioError(f"{name} is a pipe or device, not an audio file: save the audio to a file first")
    if not os.access(p, os.R_OK):
        raise AudioError(f"cannot read {name}: permission denied")
    if st.st_size == 0:
        raise AudioError(f"{name} is empty (0 bytes)")


def _open(p: Path, name: str):
    """``soundfile.SoundFile`` on ``p``; the decoders' own chatter (mpg123 prints three lines on
    a text file named .mp3) never reaches the terminal: the error says what went wrong."""
    import soundfile as sf

    from ..ui import native_output_silenced

    try:
        with native_output_silenced():
            return sf.SoundFile(os.fsencode(p))  # bytes: a name that is not UTF-8 opens too
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        detail = str(exc).split(":")[-1].strip()
        if not detail or "does not exist" in detail or "not a regular file" in detail:
            detail = "not a format it knows, or not audio at all"
        raise AudioError(f"{name} is not a readable audio file ({detail})") from None


def probe(path: str | os.PathLike[str], max_seconds: float = 1800.0) -> None:
    """Raise :class:`AudioError` unless ``path`` decodes as audio (``note stage`` checks a take
    before filing it, so a bad file fails now, not at every later commit)."""
    load_audio(path, max_seconds=max_seconds)


def is_silent(samples: np.ndarray, threshold_dbfs: float = SILENCE_DBFS) -> bool:
    """True when no 20 ms frame of ``samples`` is louder than ``threshold_dbfs``."""
    if len(samples) == 0:
        return True
    frame = SAMPLE_RATE // 50
    n = len(samples) // frame
    if n == 0:
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    else:
        frames = samples[: n * frame].reshape(n, frame).astype(np.float64)
        rms = float(np.sqrt(np.mean(frames * frames, axis=1)).max())
    return rms < 10 ** (threshold_dbfs / 20)
