"""Live transcription while recording: only the microphone is fake (real speech replayed
through tests/audio/fakedevice.py); the VAD, the model and the repository are real."""

from __future__ import annotations

import sys
import threading

import pytest

from git_voice.app.live import LiveTranscriber
from git_voice.app.transcribe import Request, candidates_of, transcribe_files
from git_voice.audio.load import SAMPLE_RATE
from git_voice.audio import record as record_module
from git_voice.audio import vad
from git_voice.audio.record import record
from git_voice.config import load_settings
from git_voice.errors import ConfigError
from git_voice.gitops.changes import ChangeRef
from git_voice.gitops.repo import Repo

from ..asr.spoken import with_pauses
from ..audio.fakedevice import FakeSoundDevice
from ..audio.test_vad import _phrases
from ..helpers import git, wer

PHRASES = [
    "This change makes config loading safe.",
    "When the file is missing, load config returns the defaults.",
    "The cache of users is kept between requests.",
    "The test covers the empty file.",
]
BLOCK = SAMPLE_RATE // 10


@pytest.fixture
def staged(repo):
    (repo / "src" / "module_0.py").write_text("def load_config(path):\n    return read(path) or DEFAULTS\n")
    git(repo, "add", "-A")
    return repo


def _request(repo) -> Request:
    settings = load_settings(repo)
    return Request(settings=settings, candidates=candidates_of(Repo.discover(repo), ChangeRef.staged()), progress=None)


def test_slices_are_transcribed_during_the_take_and_join_as_afterwards(staged, speech, monkeypatch, bundled_model):
    samples, pauses = with_pauses(speech, PHRASES)
    request = _request(staged)
    live = LiveTranscriber(request)
    waited = threading.Event()
    second_pause_over = int(pauses[1][1] * 10)  # the block after the second pause
    # The recorder loads the VAD on a thread of its own and scores what it missed at the
    # next block. The gate below holds the next block back, so the model must be there
    # before it: the real model, loaded now (on a busy machine its first import can take
    # longer than the fake microphone needs to reach the gate).
    model = vad.load_model()
    monkeypatch.setattr(vad, "load_model", lambda: model)

    def gate(n: int) -> None:
        # The microphone goes on only once a slice's text is ready (or after a long
        # wait, and then the test fails): so a slice was transcribed mid-take.
        if n == second_pause_over:
            deadline = threading.Event()
            for _ in range(600):
                if live.ready_at:
                    break
                deadline.wait(0.5)
            waited.set()

    fake = FakeSoundDevice(samples, on_block=gate)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    # The held-back microphone must not count as a device that died.
    monkeypatch.setattr(record_module, "STALL_SECONDS", 600.0)
    take = record(Repo.discover(staged), request.settings, require_terminal=False,
                  max_seconds=len(samples) / SAMPLE_RATE + 1.0, listener=live)
    heard = live.finish(take.path)
    assert waited.is_set() and heard is not None and live.error is None, repr(live.error)
    frames = int(take.seconds * SAMPLE_RATE)
    # Slices were transcribed before the take ended; the last one (the tail) after.
    assert len(live.ready_at) >= 3
    assert live.ready_at[0] < frames and live.ready_at[-1] == frames
    # The same text as transcribing the take afterwards, or within a word or two.
    after = transcribe_files([take.path], request)[0]
    assert wer(after.text, heard.text) <= 0.1, (after.text, heard.text)
    assert wer(" ".join(PHRASES), heard.text) <= wer(" ".join(PHRASES), after.text) + 0.05
    assert "load_config" in heard.text  # the change's code terms reached the live decoding too
    assert heard.duration == pytest.approx(take.seconds)
    times = [(s.start, s.end) for s in heard.segments]
    assert times == sorted(times) and times[-1][1] <= take.seconds + 0.05, (heard.segments, live.ready_at)


def test_a_restarted_take_forgets_what_was_heard(staged, speech, bundled_model):
    samples, _ = with_pauses(speech, PHRASES)
    live = LiveTranscriber(_request(staged))
    from git_voice.audio.slicer import PauseSlicer

    slicer = PauseSlicer(min_seconds=1.0)
    for i in range(0, len(samples), BLOCK):
        for piece in slicer.feed(samples[i : i + BLOCK]):
            live.slice(piece)
    live.restart()  # "r" twice: a new take, a new slicer
    slicer = PauseSlicer()
    words = samples[: int(len(samples) / 4)]
    for i in range(0, len(words), BLOCK):
        for piece in slicer.feed(words[i : i + BLOCK]):
            live.slice(piece)
    live.slice(slicer.finish())
    heard = live.finish("take.flac")
    assert heard is not None and wer(PHRASES[0], heard.text) <= 0.2, heard.text


def test_stop_after_silence(repo, speech, monkeypatch):
    samples, _ = with_pauses(speech, PHRASES[:2])  # about 2 s without speech between the two
    git(repo, "config", "voice.record.stopAfterSilence", "3")
    vad.load_model()  # loaded now: the recorder's detector is up before the speech ends
    monkeypatch.setitem(sys.modules, "sounddevice", FakeSoundDevice(samples, pace=0.1))  # real speed
    take = record(Repo.discover(repo), load_settings(repo), require_terminal=False, max_seconds=60)
    assert take.reason == "silence"
    # Not in the pause between the phrases; 3 s after the last word (the device then gives
    # endless silence: only the setting stops it before the 60 s limit). Blocks already
    # captured when it stops are kept, so the end is not exact on a busy machine.
    last_word = _phrases(samples)[-1][1]
    assert last_word + 3.0 - 0.1 <= take.seconds < 30


@pytest.mark.parametrize("value, expected", [("2.5", 2.5), ("0", 0.0), ("off", 0.0)])
def test_stop_after_silence_setting(repo, value, expected):
    git(repo, "config", "voice.record.stopAfterSilence", value)
    assert load_settings(repo).stop_after_silence == expected


@pytest.mark.parametrize("value", ["soon", "-1", "inf", "nan"])
def test_stop_after_silence_rejects(repo, value):
    git(repo, "config", "voice.record.stopAfterSilence", value)
    with pytest.raises(ConfigError, match="voice.record.stopAfterSilence must be"):
        load_settings(repo)


def test_caption_shows_the_end_of_the_text():
    from git_voice.audio.terminal import LiveLine, caption_tail

    assert caption_tail("one two three", 40) == "one two three"
    assert caption_tail("one two three four", 10) == "…hree four"

    class Tty:
        def __init__(self):
            self.out = ""

        def isatty(self):
            return True

        def write(self, s):
            self.out += s

        def flush(self):
            pass

    tty = Tty()
    line = LiveLine(tty)
    line.draw(3.0, 600.0, -20.0, caption="fix the crash")
    assert "REC 0:03/10:00" in tty.out and "\r\n\x1b[2Kfix the crash\x1b[1A\r" in tty.out
    line.close()
    assert tty.out.endswith("\r\x1b[2K\r\n\x1b[2K\x1b[1A\r")  # both lines cleared


def test_each_slice_goes_on_from_what_the_slices_before_said(staged, speech, bundled_model):
    """A slice is decoded after the text heard so far, as post-hoc decoding puts a window
    after the one before: "cors" in the second slice is written as the first one said it
    (decoded alone, tiny.en writes "core's")."""
    from git_voice.audio.slicer import PauseSlicer

    said = ["This fixes CORS for the API.", "Then the cors headers are added to the preflight answer."]
    samples, _ = with_pauses(speech, said)
    live = LiveTranscriber(_request(staged))
    slicer = PauseSlicer(min_seconds=1.0)
    slicer._ready.wait()  # scored block by block, as once the model is up
    for i in range(0, len(samples), BLOCK):
        for piece in slicer.feed(samples[i : i + BLOCK]):
            live.slice(piece)
    live.slice(slicer.finish())
    heard = live.finish("take.flac")
    assert heard is not None and len(live.ready_at) >= 2, live.ready_at  # two slices at least
    assert "the CORS headers" in heard.text, heard.text
    alone = transcribe_files([speech(said[1])], _request(staged))[0].text
    assert "CORS" not in alone, alone
