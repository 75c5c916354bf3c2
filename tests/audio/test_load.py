"""Any readable file becomes 16 kHz mono float32; every bad input is one clear AudioError."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from git_voice.audio.load import SAMPLE_RATE, is_silent, load_audio
from git_voice.errors import AudioError


def tone(seconds: float, rate: int, channels: int = 1, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono


@pytest.mark.parametrize(
    "rate,channels,fmt,subtype",
    [
        (8000, 1, "WAV", "PCM_16"),
        (44100, 2, "FLAC", "PCM_16"),
        (96000, 8, "WAV", "FLOAT"),
        (22050, 1, "OGG", "VORBIS"),
        (16000, 1, "WAV", "PCM_U8"),
        (48000, 1, "MP3", "MPEG_LAYER_III"),
    ],
)
def test_any_rate_and_channel_count_becomes_16k_mono(tmp_path, rate, channels, fmt, subtype):
    path = tmp_path / f"in.{fmt.lower()}"
    sf.write(path, tone(2.0, rate, channels), rate, format=fmt, subtype=subtype)
    audio = load_audio(path)
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert abs(audio.duration - 2.0) < 0.1
    # The 440 Hz tone survives resampling: its spectrum peaks at 440 Hz.
    spectrum = np.abs(np.fft.rfft(audio.samples[: SAMPLE_RATE]))
    assert abs(int(np.argmax(spectrum)) - 440) <= 2  # one-second window: bin k is k Hz


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="no such audio file"):
        load_audio(tmp_path / "nope.wav")


def test_directory(tmp_path):
    with pytest.raises(AudioError, match="directory"):
        load_audio(tmp_path)


def test_zero_byte_file(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        load_audio(tmp_path / "empty.wav")


def test_text_renamed_wav(tmp_path):
    (tmp_path / "notes.wav").write_text("this is not audio\n" * 50)
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_audio(tmp_path / "notes.wav")


def test_header_only_has_zero_length(tmp_path):
    path = tmp_path / "header.wav"
    sf.write(path, np.zeros(0, np.float32), 16000)
    with pytest.raises(AudioError):
        load_audio(path)


def test_truncated_flac(tmp_path):
    path = tmp_path / "cut.flac"
    sf.write(path, tone(5.0, 44100) + np.random.default_rng(0).normal(0, 0.1, 5 * 44100).astype(np.float32), 44100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(AudioError, match="truncated|corrupt"):
        load_audio(path)


def test_nan_samples(tmp_path):
    path = tmp_path / "nan.wav"
    data = tone(1.0, 16000)
    data[100] = np.nan
    sf.write(path, data, 16000, subtype="FLOAT")
    with pytest.raises(AudioError, match="NaN or infinite"):
        load_audio(path)


def test_infinite_samples(tmp_path):
    path = tmp_path / "inf.wav"
    data = tone(1.0, 16000)
    data[5] = np.inf
    sf.write(path, data, 16000, subtype="FLOAT")
    with pytest.raises(AudioError, match="NaN or infinite"):
        load_audio(path)


def test_length_cap_checked_from_header(tmp_path):
    path = tmp_path / "long.wav"
    sf.write(path, np.zeros(16000 * 5, np.float32), 16000)
    with pytest.raises(AudioError, match="over the cap"):
        load_audio(path, max_seconds=4)
    assert load_audio(path, max_seconds=6).duration == pytest.approx(5.0)
    with pytest.raises(AudioError, match=r"is 0m05s long, over the cap of 0\.5s"):
        load_audio(path, max_seconds=0.5)


def test_silence_detection():
    assert is_silent(np.zeros(16000, np.float32))
    assert is_silent(np.random.default_rng(0).normal(0, 1e-4, 16000).astype(np.float32))
    assert not is_silent(tone(1.0, 16000))
