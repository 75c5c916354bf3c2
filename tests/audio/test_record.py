"""Recording a take: a faked sounddevice feeds real speech; everything else is real."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from git_voice.audio.record import record
from git_voice.audio.takefile import recover_part
from git_voice.config import load_settings
from git_voice.errors import RecordingError
from git_voice.gitops.repo import Repo

from ..helpers import ROOT
from .fakedevice import FakeSoundDevice, microphone

SENTENCE = "Fix the crash when the config file is missing."
BLOCK = 1600  # the recorder asks for 0.1 s blocks


@pytest.fixture
def install(monkeypatch):
    """``install(fake)``: make ``import sounddevice`` return the fake.

    Only that one key is put back afterwards: ``patch.dict(sys.modules)`` would
    also drop modules first imported during the test (soxr), and importing a
    nanobind extension twice aborts the interpreter.
    """

    def put(fake: FakeSoundDevice) -> FakeSoundDevice:
        monkeypatch.setitem(sys.modules, "sounddevice", fake)
        return fake

    return put


def _read(path) -> np.ndarray:
    info = sf.info(str(path))
    assert (info.format, info.samplerate, info.channels) == ("FLAC", 16000, 1)
    return sf.read(str(path), dtype="float32")[0]


def _speech(path) -> np.ndarray:
    return sf.read(str(path), dtype="float32")[0]


def _take(repo, **kw):
    return record(Repo.discover(repo), load_settings(repo), require_terminal=False, **kw)


def test_take_is_streamed_speech_in_git_dir_user_only(repo, speech, install):
    src = _speech(speech(SENTENCE))
    install(FakeSoundDevice(src))
    take = _take(repo, max_seconds=len(src) / 16000 + 1.0)
    assert take.reason == "limit"
    assert take.path.parent == repo / ".git" / "voice" / "takes"
    assert stat.S_IMODE(take.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(take.path.parent.stat().st_mode) == 0o700
    got = _read(take.path)
    assert len(got) == len(src) + 16000  # the speech, then a second of room tone up to the limit
    assert np.abs(got[: len(src)] - src).max() < 2 / 32768  # 16-bit FLAC: lossless to the LSB
    assert not list(take.path.parent.glob("*.part"))
    assert not (repo / "take.flac").exists() and "voice" not in subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True
    ).stdout


def test_pending_take_and_record_signature(repo, speech, install):
    src = _speech(speech(SENTENCE))
    install(FakeSoundDevice(src))
    path = record(Repo.discover(repo), load_settings(repo), pending=True, max_seconds=2.0, require_terminal=False).path
    assert path.parent == repo / ".git" / "voice" / "pending" and len(_read(path)) == 32000


def test_device_that_cannot_do_16k_is_resampled(repo, speech, install):
    src = _speech(speech(SENTENCE))
    fake = install(FakeSoundDevice(src, devices=[microphone(rate=48000.0)], rates=(48000,)))
    take = _take(repo, max_seconds=len(src) / 16000)
    assert fake.streams[0].rate == 48000
    got = _read(take.path)
    assert len(got) == len(src)
    # Same speech after 48k → 16k: strongly correlated with what was spoken.
    assert np.corrcoef(got[2000:-2000], src[2000:-2000])[0, 1] > 0.9


def test_ctrl_c_keeps_the_take_and_says_so(repo, speech, install, capfd):
    src = _speech(speech(SENTENCE))
    n_blocks = -(-len(src) // BLOCK)

    def interrupt(n: int) -> None:
        if n == n_blocks + 2:  # after the sentence: the user presses Ctrl-C
            os.kill(os.getpid(), signal.SIGINT)

    install(FakeSoundDevice(src, on_block=interrupt))
    take = _take(repo, max_seconds=600)
    assert take.reason == "Ctrl-C"
    got = _read(take.path)
    assert len(src) <= len(got) < len(src) + 16000
    assert np.abs(got[: len(src)] - src).max() < 2 / 32768
    err = capfd.readouterr().err
    assert f"stopped by Ctrl-C; the take is kept: {take.path}" in err


def test_sigterm_stops_and_keeps(repo, speech, install):
    src = _speech(speech(SENTENCE))
    install(FakeSoundDevice(src, on_block=lambda n: n == 5 and os.kill(os.getpid(), signal.SIGTERM)))
    take = _take(repo, max_seconds=600)
    assert take.reason == "SIGTERM" and 5 * BLOCK <= len(_read(take.path)) < len(src)


def test_device_failing_half_way_keeps_what_was_captured(repo, speech, install):
    src = _speech(speech(SENTENCE))
    install(FakeSoundDevice(src, fail_after=12, then="fail"))
    with pytest.raises(RecordingError) as info:
        _take(repo, max_seconds=600)
    msg = str(info.value)
    assert "stopped delivering audio" in msg and "1.2 s recorded so far are kept in" in msg
    path = info.value.take
    assert str(path) in msg and path.suffix == ".flac" and path.exists()
    got = _read(path)
    assert len(got) == 12 * BLOCK and np.abs(got - src[: 12 * BLOCK]).max() < 2 / 32768


def test_busy_device_and_no_input_device(repo, install):
    from .fakedevice import PortAudioError, speaker

    install(FakeSoundDevice(open_error=PortAudioError("Device unavailable", -9985)))
    with pytest.raises(RecordingError, match="busy or unavailable"):
        _take(repo, max_seconds=1)
    install(FakeSoundDevice(devices=[speaker(index=0)]))
    with pytest.raises(RecordingError, match="no input device found"):
        _take(repo, max_seconds=1)
    assert not list((repo / ".git" / "voice").rglob("*.flac*"))  # nothing half-made left behind


def test_keys_from_a_real_terminal_pause_restart_and_enter(repo, speech, install):
    """A pty stands in for the developer's terminal: Space pauses, r r restarts, Enter stops."""
    src = _speech(speech(SENTENCE))
    master, slave = os.openpty()
    presses = {3: b"r", 4: b"r", 10: b" ", 20: b" ", 30: b"\n"}
    seen: list[int] = []

    def press(n: int) -> None:
        if n in presses:
            os.write(master, presses[n])
            # Wait for the recorder to read the key, so where it lands is exact.
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _pending_input(slave):
                time.sleep(0.001)
            seen.append(n)

    install(FakeSoundDevice(src, on_block=press, pace=0.01))
    try:
        take = _take(repo, max_seconds=20, tty=os.ttyname(slave))
    finally:
        os.close(master)
        os.close(slave)
    assert take.reason == "enter" and seen == sorted(presses)
    # Kept: blocks 5..10 and 21..30 (give or take the block in flight at each key).
    got = len(_read(take.path)) / BLOCK
    assert 14 <= got <= 19, got


def _pending_input(fd: int) -> bool:
    import fcntl
    import termios

    buf = bytearray(4)
    fcntl.ioctl(fd, termios.FIONREAD, buf)
    return int.from_bytes(buf, sys.byteorder) > 0


def test_live_line_on_a_terminal_shows_level_and_silence_warning(repo, speech, install):
    src = _speech(speech(SENTENCE))
    master, slave = os.openpty()
    install(FakeSoundDevice(src, pace=0.002))
    status = os.fdopen(slave, "w")
    chunks: list[bytes] = []

    def drain() -> None:  # the terminal reading what the recorder draws
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other end closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        _take(repo, max_seconds=len(src) / 16000 + 6, status=status)
    finally:
        status.close()
        reader.join(timeout=10)
        os.close(master)
    text = b"".join(chunks).decode()
    assert "REC 0:0" in text and "[####" in text and " dB" in text
    assert "no sound for 4 s" in text  # six seconds of room tone after the sentence


def test_hook_without_terminal_refuses_to_record(repo, tmp_path):
    """As in a git hook run with no terminal: stdin /dev/null, no controlling tty."""
    code = (
        "import sys; from tests.audio.fakedevice import FakeSoundDevice; "
        "sys.modules['sounddevice'] = FakeSoundDevice(); "
        "from git_voice.audio.record import record; from git_voice.config import load_settings; "
        "from git_voice.gitops.repo import Repo; from git_voice.errors import RecordingError\n"
        "try: record(Repo.discover(), load_settings(), pending=True)\n"
        "except RecordingError as e: print(e); sys.exit(2)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True, timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "no terminal to control the recording" in proc.stdout
    assert not list((repo / ".git" / "voice").rglob("*.flac*"))


def _fake_process(repo, config: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.audio.fakedevice", json.dumps(config), *args],
        cwd=repo, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
    )


def test_disk_full_half_way_keeps_a_valid_take(repo, speech):
    src = speech(SENTENCE)
    # 40 kB: the file limit is hit a second or two into the sentence.
    proc = _fake_process(repo, {"source": str(src), "fsize": 40_000}, "record", "--pending")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("git voice: error: cannot write"), err
    assert "File too large" in lines[0] and "recorded so far are kept in" in lines[0]
    kept = lines[0].rsplit("kept in ", 1)[1]
    got = _read(kept)
    assert 16000 <= len(got) and np.abs(got - _speech(src)[: len(got)]).max() < 2 / 32768


def test_killed_process_leaves_a_recoverable_take(repo, speech, install, tmp_path, capfd):
    """kill -9 mid-take: the .part holds all but the last fraction of a second."""
    src = speech(SENTENCE)
    marker = tmp_path / "fed"
    proc = _fake_process(repo, {"source": str(src), "pace": 0.05, "fed_marker": str(marker)}, "record", "--pending")
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.8)  # the recorder writes what it was handed
    proc.kill()
    proc.communicate(timeout=30)
    parts = list((repo / ".git" / "voice" / "pending").glob("*.part"))
    assert len(parts) == 1
    spoken = _speech(src)
    # The next recording finds the abandoned take and makes it a normal FLAC.
    install(FakeSoundDevice(spoken))
    capfd.readouterr()
    _take(repo, max_seconds=0.5)
    err = capfd.readouterr().err
    recovered = parts[0].with_name(parts[0].name.removesuffix(".part"))
    assert f"recovered an interrupted take: {recovered}" in err
    got = _read(recovered)
    assert len(got) >= len(spoken) - 4096 - 2 * BLOCK  # at most a FLAC frame and a block lost
    n = min(len(got), len(spoken))
    assert np.abs(got[:n] - spoken[:n]).max() < 2 / 32768


def test_recover_part_leaves_locked_and_renames_closed(tmp_path):
    """A take closed properly is only renamed; an empty one is removed."""
    from git_voice.audio.takefile import TakeWriter

    w = TakeWriter(tmp_path / "a.flac")
    w.write(np.full(5000, 0.25, np.float32))
    w._close()
    assert recover_part(w.part) == tmp_path / "a.flac" and len(_read(tmp_path / "a.flac")) == 5000
    e = TakeWriter(tmp_path / "b.flac")
    e._close()
    assert recover_part(e.part) is None and not e.part.exists()
