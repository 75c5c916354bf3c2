"""``git voice record`` and ``git voice devices`` as a user runs them; only the device is fake."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import soundfile as sf

from git_voice.cli import COMMANDS

from ..audio.fakedevice import FakeSoundDevice, microphone, speaker
from ..helpers import ROOT, git, normalise, wer

SENTENCE = "Fix the crash when the config file is missing."


@pytest.fixture
def device(monkeypatch):
    """``device(...)``: a FakeSoundDevice that ``import sounddevice`` returns (one key restored after)."""

    def put(*args, **kwargs) -> FakeSoundDevice:
        fake = FakeSoundDevice(*args, **kwargs)
        monkeypatch.setitem(sys.modules, "sounddevice", fake)
        return fake

    return put


def _seconds(path) -> float:
    return sf.info(str(path)).duration


@pytest.mark.skipif("commit" not in COMMANDS, reason="git voice commit (issue 3) is not registered yet")
def test_record_pending_then_commit_no_edit(repo, gv, speech, device, bundled_model):
    """The 'Done when': speak into the (fake) microphone, then commit with that sentence."""
    wav = speech(SENTENCE)
    device(wav)
    r = gv("record", "--pending", "--max-seconds", f"{_seconds(wav) + 0.5:.2f}")
    assert r.code == 0, r
    take = r.out.strip()
    assert take.startswith(str(repo / ".git" / "voice" / "pending")) and take.endswith(".flac")
    assert f"take saved: {take}" in r.err or "limit" in r.err
    (repo / "src" / "module_0.py").write_text("def get_user_by_id_0(user_id):\n    return (load_config() or {})[user_id]\n")
    git(repo, "add", "src/module_0.py")
    c = gv("commit", "--no-edit")
    assert c.code == 0, c
    message = normalise(git(repo, "log", "-1", "--format=%B"))
    assert "crash" in message and "config file" in message and "missing" in message, message
    assert not os.path.exists(take)  # the pending take was used up


def test_take_transcribes_to_what_was_spoken(repo, gv, speech, device, bundled_model):
    wav = speech(SENTENCE)
    device(wav)
    r = gv("record", "--max-seconds", f"{_seconds(wav) + 0.5:.2f}")
    assert r.code == 0, r
    t = gv("transcribe", r.out.strip())
    assert t.code == 0 and wer(SENTENCE, t.out) <= 0.1, t


def test_ctrl_c_prints_where_the_take_is(repo, gv, speech, device):
    wav = speech(SENTENCE)
    device(wav, on_block=lambda n: n == 10 and os.kill(os.getpid(), signal.SIGINT))
    r = gv("record")
    assert r.code == 0, r
    take = r.out.strip()
    assert f"stopped by Ctrl-C; the take is kept: {take}" in r.err
    assert 1.0 <= _seconds(take) < _seconds(wav)


def test_output_file_outside_a_repository(tmp_path, monkeypatch, gv, speech, device):
    monkeypatch.chdir(tmp_path)
    device(speech(SENTENCE))
    r = gv("record", "-o", "note.flac", "--max-seconds", "1")
    assert r.code == 0, r
    assert r.out.strip() == str(tmp_path / "note.flac") and _seconds(tmp_path / "note.flac") == 1.0
    assert gv("record").code == 2  # no repository and no -o: nowhere to put it


def test_bad_options_are_one_line(repo, gv, device, tmp_path):
    device()
    for args in (["--pending", "-o", str(tmp_path / "x.flac")], ["-o", str(tmp_path / "x.wav")], ["--max-seconds", "0"]):
        r = gv("record", *args)
        assert r.code == 2 and len(r.err.strip().splitlines()) == 1, (args, r)


def test_failure_half_way_says_where_the_audio_is(repo, gv, speech, device):
    device(speech(SENTENCE), fail_after=15, then="fail")
    r = gv("record", "--pending")
    assert r.code == 2 and r.out == ""
    line = r.err.strip()
    assert len(line.splitlines()) == 1 and "stopped delivering audio" in line, r
    kept = line.rsplit("kept in ", 1)[1]
    assert kept.startswith(str(repo / ".git" / "voice" / "pending")) and _seconds(kept) == 1.5


def test_no_input_device_is_one_line(repo, gv, device):
    device(devices=[speaker(index=0)])
    r = gv("record")
    assert r.code == 2 and r.err.strip() == "git voice: error: cannot record: no input device found (is a microphone connected?)"


def test_this_machine_without_portaudio_or_microphone(repo, gv):
    """The real path here: PortAudio missing, or no input device. One line, status 2."""
    try:
        import sounddevice

        if any(d["max_input_channels"] > 0 for d in sounddevice.query_devices()):
            pytest.skip("this machine has a real input device")
    except OSError:
        pass  # PortAudio is missing: exactly the case under test
    for args in (["record"], ["record", "--pending"], ["devices"]):
        r = gv(*args)
        lines = r.err.strip().splitlines()
        assert r.code == 2 and len(lines) == 1 and r.out == "", r
        assert "PortAudio" in lines[0] or "no input device" in lines[0]
    assert not list((repo / ".git" / "voice").rglob("*.flac*"))


def test_devices_lists_inputs_and_voice_input_device_picks_one(repo, gv, speech, device):
    mics = [microphone("Built-in Mic", 0), speaker("HDMI", 1), microphone("USB Headset", 2, channels=2, rate=48000.0)]
    fake = device(speech(SENTENCE), devices=mics, default_input=0, rates=(16000, 48000))
    r = gv("devices")
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0].startswith("*   0  Built-in Mic") and lines[1].startswith("    2  USB Headset (FakeALSA, 2 in, 48 kHz)")
    assert "HDMI" not in r.out
    git(repo, "config", "voice.inputDevice", "usb head")
    assert "voice.inputDevice = usb head" in gv("devices").out
    assert gv("record", "--max-seconds", "0.5").code == 0
    assert fake.streams[-1].device_index == 2
    assert gv("record", "--max-seconds", "0.5", "--input-device", "0").code == 0
    assert fake.streams[-1].device_index == 0
    r = gv("record", "--input-device", "Webcam")
    assert r.code == 2 and "no input device matches 'Webcam'" in r.err


def test_help_imports_no_audio_or_model_stack(repo):
    code = (
        "import sys; from git_voice.cli import main\n"
        "try: main(['record', '--help'])\nexcept SystemExit: pass\n"
        "try: main(['devices', '--help'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('torch', 'numpy', 'sounddevice', 'soundfile', 'transformers') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
    assert "--max-seconds" in proc.stdout and "--input-device" in proc.stdout
