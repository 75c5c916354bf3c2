"""A take on disk: FLAC streamed under a ``.part`` name, renamed when the take ends.

libFLAC (through libsndfile) writes each encoded frame (4096 samples, 0.26 s at
16 kHz) straight to the file descriptor, so a crash loses at most the frame being
encoded. Until the take is closed the FLAC header says "length unknown"; libsndfile
then reads the file up to the last whole frame but fails past it, so
:func:`recover_part` rewrites such a file into a normal FLAC. A writer holds an
``flock`` on its ``.part`` file: a ``.part`` nobody holds belongs to a dead process.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

import numpy as np

from ..errors import RecordingError

SAMPLE_RATE = 16000
_FRAME = 4096  # libsndfile's FLAC block size: the unit a crashed take is readable in
# libsndfile reports this many frames for a FLAC whose header never got its length.
_UNKNOWN_LENGTH = 2**62
_EMPTY_BYTES = 1024  # a FLAC header and metadata, and no audio


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


class _FdFile:
    """A file object over a raw descriptor for libsndfile's virtual I/O.

    libsndfile turns a failed write into a bare "error 2"; going through Python
    keeps the real ``OSError`` (no space left, file too large, I/O error) so the
    user is told what actually happened.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            return 0
        view, done = memoryview(data), 0
        try:
            while done < len(view):
                done += os.write(self.fd, view[done:])
        except OSError as exc:
            self.error = exc
        return done

    def read(self, size: int = -1) -> bytes:
        return os.read(self.fd, max(size, 0))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return os.lseek(self.fd, offset, whence)

    def tell(self) -> int:
        return os.lseek(self.fd, 0, os.SEEK_CUR)


def _write_failure(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing {path}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: permission denied"
    return f"cannot write {path}: {exc.strerror or exc}"


class TakeWriter:
    """16 kHz mono FLAC written block by block to ``<final>.part``."""

    def __init__(self, final: Path, samplerate: int = SAMPLE_RATE) -> None:
        import soundfile as sf

        self.final = final
        self.part = part_path(final)
        self.frames = 0
        try:
            self.part.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._fd = os.open(self.part, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise RecordingError(_write_failure(exc, self.part)) from None
        # Held until the take is closed: recovery leaves a locked .part alone.
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._io = _FdFile(self._fd)
        try:
            self._sf = sf.SoundFile(self._io, "w", samplerate, 1, format="FLAC", subtype="PCM_16")
        except Exception as exc:
            os.close(self._fd)
            self._unlink()
            raise RecordingError(f"cannot start a FLAC file at {self.part}: {exc}") from None
        self._closed = False

    @property
    def seconds(self) -> float:
        return self.frames / SAMPLE_RATE

    def _failed(self, exc: BaseException) -> RecordingError:
        if self._io.error is not None:
            return RecordingError(_write_failure(self._io.error, self.part))
        if isinstance(exc, OSError):
            return RecordingError(_write_failure(exc, self.part))
        return RecordingError(f"cannot write {self.part}: {exc}")

    def write(self, samples: np.ndarray) -> None:
        """Append mono float32 samples; a failed write raises :class:`RecordingError`."""
        if not len(samples):
            return
        try:
            self._sf.write(np.clip(samples, -1.0, 1.0))
        except Exception as exc:  # LibsndfileError, AssertionError on a short write
            raise self._failed(exc) from None
        if self._io.error is not None:
            raise self._failed(self._io.error)
        self.frames += len(samples)

    def sync(self) -> None:
        """Push what the kernel holds to the disk (a power cut then loses little)."""
        try:
            self._sf.flush()
            os.fsync(self._fd)
        except OSError as exc:
            raise self._failed(exc) from None

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._sf.close()  # writes the length into the FLAC header
        except Exception:
            pass  # a failed close leaves a "length unknown" file: recover_part handles it
        try:
            os.fsync(self._fd)
        except OSError:
            pass
        os.close(self._fd)

    def finish(self) -> Path:
        """Close the FLAC and give it its final name."""
        self._close()
        if self._io.error is not None:
            return self.salvage()
        os.replace(self.part, self.final)
        return self.final

    def salvage(self) -> Path | None:
        """After a failure: make whatever reached the disk a valid file at ``final``."""
        self._close()
        try:
            return recover_part(self.part, self.final)
        except Exception:
            # Re-encoding failed too (the disk is still full): the .part itself
            # holds the audio, and the next `git voice record` recovers it.
            return self.part if self.part.exists() else None

    def discard(self) -> None:
        """Throw the take away (the user asked to start again)."""
        self._close()
        self._unlink()

    def _unlink(self) -> None:
        try:
            self.part.unlink()
        except FileNotFoundError:
            pass


def _read_salvageable(path: Path) -> np.ndarray:
    """Every sample libsndfile decodes before the file ends or breaks.

    A read that runs into the end of a "length unknown" FLAC fails as a whole, so
    the samples past the last whole read are taken again one by one.
    """
    import soundfile as sf

    blocks: list[np.ndarray] = []
    good = 0
    with sf.SoundFile(str(path)) as f:
        while True:
            try:
                block = f.read(_FRAME, dtype="float32", always_2d=True)
            except Exception:
                break
            blocks.append(block[:, 0])
            good += len(block)
            if len(block) < _FRAME:
                return np.concatenate(blocks)
    with sf.SoundFile(str(path)) as f:
        if good:
            f.read(good, dtype="float32")
        for _ in range(2 * _FRAME):
            try:
                one = f.read(1, dtype="float32", always_2d=True)
            except Exception:
                break
            if len(one) != 1:
                break
            blocks.append(one[:, 0])
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)


def _write_flac(dest: Path, samples: np.ndarray, samplerate: int) -> None:
    import soundfile as sf

    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as raw:
        sf.write(raw, samples, samplerate, format="FLAC", subtype="PCM_16")
        raw.flush()
        os.fsync(raw.fileno())


def _patch_length(path: Path, frames: int) -> bool:
    """Write ``frames`` into the FLAC STREAMINFO header in place (no new disk space).

    STREAMINFO is the first metadata block; its 36-bit total-samples field starts
    at the low nibble of byte 21 of the file. False when the file is not laid out
    that way (then the caller re-encodes instead).
    """
    if frames >= 2**36:
        return False
    with open(path, "r+b") as f:
        head = f.read(26)
        if len(head) < 26 or head[:4] != b"fLaC" or head[4] & 0x7F != 0 or int.from_bytes(head[5:8], "big") != 34:
            return False
        f.seek(21)
        f.write(bytes([(head[21] & 0xF0) | (frames >> 32)]) + (frames & 0xFFFFFFFF).to_bytes(4, "big"))
        f.flush()
        os.fsync(f.fileno())
    return True


def _free_name(path: Path) -> Path:
    if not path.exists():
        return path
    n = 2
    while (candidate := path.with_name(f"{path.stem}-{n}{path.suffix}")).exists():
        n += 1
    return candidate


def recover_part(part: Path, final: Path | None = None) -> Path | None:
    """Turn an unfinished ``.part`` take into a valid FLAC; the new path, or None if empty.

    A take closed properly is just renamed. One whose writer died (crash, kill,
    full disk) gets the length of its readable part written into its header (or
    is re-encoded when that is not possible). A ``.part`` that
    holds no audio at all is removed; any other that cannot be opened is left alone.
    """
    import soundfile as sf

    final = _free_name(final or part.with_name(part.name.removesuffix(".part")))
    try:
        with sf.SoundFile(str(part)) as f:
            declared, samplerate = f.frames, f.samplerate
    except Exception:
        # libsndfile refuses a FLAC with no audio frame at all; a file this small
        # cannot hold a useful fraction of a second, anything bigger is left alone.
        if part.stat().st_size <= _EMPTY_BYTES:
            part.unlink()
        return None
    samples = _read_salvageable(part)
    if 0 < declared < _UNKNOWN_LENGTH and len(samples) == declared:  # closed properly and whole
        os.replace(part, final)
        return final
    if not len(samples):
        part.unlink()
        return None
    # Patching the header needs no free space: it works on the disk that just filled up.
    if _patch_length(part, len(samples)) and len(_read_salvageable(part)) == len(samples):
        os.replace(part, final)
        return final
    tmp = final.with_name(final.name + ".tmp")
    try:
        _write_flac(tmp, samples, samplerate)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, final)
    part.unlink()
    return final


def _is_abandoned(part: Path) -> bool:
    """True when no live writer holds ``part`` (its flock is free)."""
    try:
        fd = os.open(part, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def recover_abandoned(folders: list[Path]) -> list[Path]:
    """Recover every ``*.part`` take in ``folders`` left by a process that died."""
    recovered = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for part in sorted(folder.glob("*.part")):
            if _is_abandoned(part):
                path = recover_part(part)
                if path is not None:
                    recovered.append(path)
    return recovered
