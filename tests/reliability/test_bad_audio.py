"""A bad-audio corpus, generated here: each file gives a correct result or one line and exit 2.

Cheap checks run the loader (no model); one CLI run per outcome exercises the whole
path with the real bundled model. "Nothing is written" is checked on a real
repository: refs, HEAD, index, working tree and ``.git/voice/`` are unchanged.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from git_voice.audio.load import SAMPLE_RATE, load_audio
from git_voice.errors import AudioError

from ..cli.notes_audio import NOTE
from ..helpers import wer
from . import corpus
from .state import snapshot


def _bad_files(d: Path, speech: Path) -> dict[str, Path]:
    """Files that are not usable audio, each a different way."""
    flac = d / "note.flac"
    samples, rate = sf.read(str(speech), dtype="float32")
    corpus.write(flac, samples, rate, format="FLAC")
    raw = flac.read_bytes()
    header_only = d / "header-only.wav"
    corpus.write(header_only, np.zeros(0, np.float32), SAMPLE_RATE, subtype="PCM_16")
    nan = samples.copy()
    nan[len(nan) // 2 : len(nan) // 2 + 100] = np.nan
    # libsndfile shortens a cut WAV's or Ogg's length to what is left: only the container tells.
    wav = corpus.write(d / "whole.wav", samples, rate, subtype="PCM_16").read_bytes()
    ogg = corpus.write(d / "whole.ogg", samples, rate, format="OGG", subtype="VORBIS").read_bytes()
    files = {
        "empty": d / "empty.wav",
        "header-only": header_only,
        "truncated-flac": d / "truncated.flac",
        "truncated-wav": d / "truncated.wav",
        "truncated-ogg": d / "truncated.ogg",
        "ogg-without-end": d / "no-end.ogg",
        "text-as-wav": d / "text.wav",
        "nan": corpus.write(d / "nan.wav", nan, rate, subtype="FLOAT"),
        "inf": corpus.write(d / "inf.wav", np.full(16000, np.inf, np.float32), SAMPLE_RATE, subtype="FLOAT"),
        "directory": d / "folder.wav",
    }
    files["empty"].write_bytes(b"")
    files["truncated-flac"].write_bytes(raw[: len(raw) // 2])
    files["truncated-wav"].write_bytes(wav[: len(wav) // 2])
    files["truncated-ogg"].write_bytes(ogg[: len(ogg) // 2])
    files["ogg-without-end"].write_bytes(ogg[: ogg.rfind(b"OggS")])  # whole pages, the last one gone
    (d / "whole.wav").unlink()
    (d / "whole.ogg").unlink()
    files["text-as-wav"].write_text("RIFF? no: these are the meeting notes, saved with the wrong name\n" * 20)
    files["directory"].mkdir()
    return files


@pytest.fixture
def bad(tmp_path, speech) -> dict[str, Path]:
    d = tmp_path / "bad"
    d.mkdir()
    return _bad_files(d, speech(NOTE))


def test_every_bad_file_is_one_line_and_exit_2_and_writes_nothing(repo, gv, bad):
    before = snapshot(repo)
    for name, path in bad.items():
        for args in (("transcribe", str(path)), ("note", "add", "HEAD", "--audio", str(path))):
            r = gv(*args)
            assert r.code == 2, (name, args, r)
            lines = r.err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("git voice: error: "), (name, r.err)
            assert str(path) in lines[0] and "Traceback" not in r.err and r.out == "", (name, r)
    assert snapshot(repo) == before


def test_a_wav_a_few_bytes_short_says_so_in_bytes(tmp_path, speech):
    whole = speech(NOTE).read_bytes()
    (tmp_path / "short.wav").write_bytes(whole[:-2])
    with pytest.raises(AudioError, match=r"promises \d+ bytes of audio, the file holds \d+"):
        load_audio(tmp_path / "short.wav")


def test_loader_names_what_is_wrong(bad):
    expected = {
        "empty": "empty", "header-only": "no audio", "truncated-flac": "corrupt",
        "truncated-wav": "truncated", "truncated-ogg": "truncated", "ogg-without-end": "truncated", "text-as-wav": "not a readable audio",
        "nan": "NaN", "inf": "infinite", "directory": "directory",
    }
    for name, path in bad.items():
        with pytest.raises(AudioError, match=expected[name]):
            load_audio(path)


def _variants(d: Path, samples: np.ndarray) -> dict[str, Path]:
    """The same speech in the encodings, rates and channel counts people actually send."""
    flac_as_wav = d / "really-flac.wav"
    corpus.write(flac_as_wav, samples, SAMPLE_RATE, format="FLAC")
    eight = np.repeat(samples[:, None], 8, axis=1) * np.linspace(0.5, 1.0, 8, dtype=np.float32)
    return {
        "flac-named-wav": flac_as_wav,
        "u8": corpus.write(d / "u8.wav", samples, SAMPLE_RATE, subtype="PCM_U8"),
        "float32": corpus.write(d / "f32.wav", samples, SAMPLE_RATE, subtype="FLOAT"),
        "mono-8k": corpus.write(d / "8k.wav", corpus.resampled(samples, 8000), 8000, subtype="PCM_16"),
        "8ch-96k": corpus.write(d / "96k-8ch.wav", corpus.resampled(eight, 96000), 96000, subtype="PCM_24"),
    }


def test_formats_rates_and_channels_decode_to_the_same_speech(tmp_path, speech):
    samples, rate = sf.read(str(speech(NOTE)), dtype="float32")
    assert rate == SAMPLE_RATE
    for name, path in _variants(tmp_path, samples).items():
        got = load_audio(path).samples
        assert abs(len(got) - len(samples)) <= SAMPLE_RATE // 100, name  # within 10 ms
        n = min(len(got), len(samples))
        corr = np.corrcoef(got[:n], samples[:n])[0, 1]
        assert corr > 0.9, (name, corr)  # 8 kHz keeps the band below 4 kHz only; u8 adds noise


def test_variants_noise_and_music_through_the_model(tmp_path, gv, speech, bundled_model):
    """One CLI run (one model load): the speech variants transcribe; noise and music give no
    invented sentence, just an empty transcript and a warning each."""
    samples, _ = sf.read(str(speech(NOTE)), dtype="float32")
    variants = _variants(tmp_path, samples)
    noise = corpus.write(tmp_path / "noise.wav", corpus.noise())
    music = corpus.write(tmp_path / "music.flac", corpus.chords(), format="FLAC")
    silence = corpus.write(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE * 3, np.float32))
    paths = [variants["flac-named-wav"], variants["u8"], variants["8ch-96k"], noise, music, silence]
    r = gv("transcribe", "--format", "json", *map(str, paths))
    assert r.code == 0, r
    results = json.loads(r.out)
    for path, res in zip(paths[:3], results[:3]):
        assert wer(NOTE, res["text"]) < 0.25, (path.name, res["text"])
    for path, res in zip(paths[3:], results[3:]):
        assert len(res["text"].split()) <= 3, (path.name, res["text"])  # never a made-up sentence
        if not res["text"]:
            assert f"{path}" in r.err and "warning" in r.err, (path.name, r.err)


_RSS_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    import numpy, soundfile, soxr
    from git_voice.audio.load import load_audio
    from git_voice.errors import AudioError
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        n = len(load_audio(sys.argv[1], max_seconds=float(sys.argv[2])).samples)
        outcome = "loaded"
    except AudioError as exc:
        n, outcome = 0, str(exc)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"outcome": outcome, "samples": n, "base_kb": base, "peak_kb": peak}))
    """
)


def _peak(path: Path, max_seconds: float) -> dict:
    proc = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, str(path), str(max_seconds)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_two_hour_file_is_capped_from_the_header_and_streams_when_allowed(tmp_path):
    """7200 s at 8 kHz (115 MB of PCM): over the default cap it is refused before decoding
    (peak memory grows by less than 20 MB); with the cap raised, peak memory stays within
    the 16 kHz float32 result plus a margin, so the source is never held whole."""
    path = tmp_path / "two-hours.wav"
    rate, seconds = 8000, 7200
    block = corpus.noise(60, level=0.05)[: 60 * rate]
    with sf.SoundFile(str(path), "w", samplerate=rate, channels=1, subtype="PCM_16") as f:
        for _ in range(seconds // 60):
            f.write(block)
    capped = _peak(path, 1800)
    assert "over the cap" in capped["outcome"] and "2h00m00s" in capped["outcome"]
    assert capped["peak_kb"] - capped["base_kb"] < 20_000
    loaded = _peak(path, 8000)
    assert loaded["outcome"] == "loaded" and abs(loaded["samples"] - seconds * SAMPLE_RATE) < SAMPLE_RATE
    result_kb = seconds * SAMPLE_RATE * 4 / 1024
    # Holding the decoded source too would add 8000 * 7200 * 4 bytes (225 MB) on top.
    assert loaded["peak_kb"] - loaded["base_kb"] < result_kb * 1.15 + 40_000, loaded
