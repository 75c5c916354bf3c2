"""Smaller promises: bare ``git voice``, ``show --extract -``, several files as one srt/vtt,
JSON segments inside the audio."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import soundfile as sf

from ..cli.notes_audio import NOTE

GV = [sys.executable, "-m", "git_voice"]
OTHER = "The cache now expires entries after an hour instead of keeping them forever."


def test_bare_git_voice_prints_the_overview_not_an_error(repo):
    proc = subprocess.run([*GV], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "transcribe" in proc.stdout and "format-patch" in proc.stdout
    assert "error" not in proc.stderr.lower() and "Usage" not in proc.stderr


def test_show_extract_dash_writes_the_recording_to_stdout(repo, tmp_path):
    from git_voice.gitops import notes
    from git_voice.gitops.repo import Repo

    take = tmp_path / "t.flac"
    sf.write(str(take), (0.1 * np.sin(np.arange(8000) / 5)).astype(np.float32), 16000, format="FLAC")
    r = Repo.discover(repo)
    notes.set_text(r, "HEAD", "said\n")
    notes.set_audio(r, "HEAD", take)
    proc = subprocess.run([*GV, "show", "HEAD", "--extract", "-"], cwd=repo, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == take.read_bytes()
    assert not (repo / "-").exists()


def test_several_files_make_one_srt_and_one_vtt_on_one_timeline(repo, gv, speech, bundled_model):
    first, second = str(speech(NOTE)), str(speech(OTHER))
    duration = sf.info(first).duration
    vtt = gv("transcribe", first, second, "--format", "vtt")
    assert vtt.code == 0, vtt
    assert vtt.out.count("WEBVTT") == 1 and vtt.out.startswith("WEBVTT\n")
    srt = gv("transcribe", first, second, "--format", "srt")
    numbers = [int(n) for n in re.findall(r"^(\d+)\n\d\d:", srt.out, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 2, srt.out
    starts = [s for s in re.findall(r"^(\d\d:\d\d:\d\d,\d+) -->", srt.out, re.M)]
    seconds = [int(h) * 3600 + int(m) * 60 + float(s.replace(",", ".")) for h, m, s in (x.split(":") for x in starts)]
    assert seconds == sorted(seconds) and seconds[-1] >= duration - 0.5, srt.out  # the second file comes after


def test_json_segments_end_inside_the_audio(repo, gv, speech, tmp_path, bundled_model):
    cut = []
    for i, text in enumerate((NOTE, OTHER)):  # speech cut off mid-word: Whisper's last timestamp overshoots
        samples, rate = sf.read(str(speech(text)))
        cut.append(str(tmp_path / f"cut{i}.wav"))
        sf.write(cut[-1], samples[: int(len(samples) * 0.7)], rate)
    r = gv("transcribe", *cut, "--format", "json")
    assert r.code == 0, r
    for item in json.loads(r.out):
        assert item["segments"] and all(0 <= s["start"] <= s["end"] <= item["duration"] for s in item["segments"]), item
