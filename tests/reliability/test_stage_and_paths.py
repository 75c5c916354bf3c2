"""``git voice note stage`` files only audio, and can be undone; odd paths get one true line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..cli.notes_audio import NOTE

GV = [sys.executable, "-m", "git_voice"]


def pending(repo: Path) -> list[str]:
    d = repo / ".git" / "voice" / "pending"
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


@pytest.mark.parametrize("name,content", [
    ("empty.wav", b""),
    ("text.wav", b"this is not audio at all\n" * 20),
    ("note.txt", b"remember to say why\n"),
    ("song.mp3", b"not an mp3 either\n" * 50),
])
def test_stage_refuses_what_is_not_audio(repo, gv, name, content):
    bad = repo / name
    bad.write_bytes(content)
    r = gv("note", "stage", str(bad))
    lines = r.err.strip().splitlines()
    assert r.code == 2 and len(lines) == 1 and name in lines[0], r
    assert "staged" not in r.err and pending(repo) == []


def test_unstage_takes_back_what_was_staged(repo, gv, speech):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    first, second = pending(repo)
    assert gv("note", "unstage", first).code == 0
    assert pending(repo) == [second]
    assert gv("note", "unstage").code == 0 and pending(repo) == []
    assert sorted(p.name for p in (repo / ".git" / "voice" / "takes").iterdir()) == [first, second]  # kept
    r = gv("note", "unstage", "nope.flac")
    assert r.code == 2 and "no pending take called nope.flac" in r.err


def test_unstage_never_overwrites_an_earlier_take_of_the_same_name(repo, gv, speech, tmp_path):
    """Defect 3 of the misc report: takes are named by the second, so staging and unstaging
    twice within one second unstaged the second take over the first in ``takes/``, while
    saying the first was kept. Each is kept, and the line names the file it is in."""
    import soundfile as sf

    a = speech(NOTE)
    data, rate = sf.read(a)
    b = tmp_path / "b.wav"
    sf.write(b, data * 0.5, rate)  # another recording: other bytes
    takes = repo / ".git" / "voice" / "takes"
    assert gv("note", "stage", str(a)).code == 0
    (name,) = pending(repo)
    assert gv("note", "unstage").code == 0
    assert gv("note", "stage", str(b)).code == 0
    (second,) = pending(repo)
    if second != name:  # not the same second: give it the name a take staged then gets
        os.rename(repo / ".git" / "voice" / "pending" / second, repo / ".git" / "voice" / "pending" / name)
    r = gv("note", "unstage")
    assert r.code == 0 and pending(repo) == []
    assert (takes / name).read_bytes() == a.read_bytes()
    kept = [p for p in takes.iterdir() if p.name != name]
    assert [p.read_bytes() for p in kept] == [b.read_bytes()]
    assert f"unstaged {kept[0].name} (kept in {takes})" in r.err


def test_pipe_symlink_loop_and_fake_mp3_say_what_they_are(repo, tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.wav"
    loop.symlink_to(loop)
    fake = tmp_path / "fake.mp3"
    fake.write_text("hello, I am text\n" * 40)
    for path, says in ((fifo, "pipe"), (loop, "symbolic link"), (fake, "not a readable audio file")):
        proc = subprocess.run([*GV, "transcribe", str(path)], cwd=repo, capture_output=True, text=True, timeout=120)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and says in lines[0], (path, proc.stderr)
        assert "does not exist" not in lines[0] and "0 bytes" not in lines[0]
