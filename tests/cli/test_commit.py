from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ..helpers import git, wer
from .notes_audio import NOTE

CZ = shutil.which("cz", path=str(Path(sys.executable).parent)) or "cz"


def test_commit_no_edit_passes_cz_check_and_show_prints_it(repo, gv, speech, bundled_model, tmp_path):
    note = speech(NOTE)
    (repo / "src" / "module_0.py").write_text("def get_user_by_id_0(user_id):\n    return (load_config() or {})[user_id]\n")
    git(repo, "add", "src/module_0.py")
    r = gv("commit", "--audio", str(note), "--no-edit")
    assert r.code == 0, r
    message = git(repo, "log", "-1", "--format=%B")
    header = message.splitlines()[0]
    assert header.startswith("fix(module_0): ") and len(header) <= 72, message
    proc = subprocess.run([CZ, "check", "--message", message], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shown = gv("show", "HEAD")
    assert shown.code == 0 and wer(NOTE, shown.out) < 0.25, shown
    assert wer(NOTE, git(repo, "log", "-1", "--notes=voice", "--format=%N")) < 0.25
    out = tmp_path / "back.wav"
    assert gv("show", "HEAD", "--extract", str(out)).code == 0
    assert out.read_bytes() == note.read_bytes()
    # The note survives an amend (git voice commit set notes.rewriteRef).
    git(repo, "commit", "-q", "--amend", "-m", "fix: reworded")
    assert gv("show", "HEAD").out == shown.out


def test_commit_refuses_when_nothing_is_staged(repo, gv, tmp_path):
    r = gv("commit", "--audio", str(tmp_path / "unused.wav"), "--no-edit")
    assert r.code == 2 and "nothing staged" in r.err
    assert r.err.count("\n") == 1


def test_show_without_note_is_one_line_error(repo, gv):
    r = gv("show", "HEAD")
    assert r.code == 2 and "has no voice note" in r.err and r.out == ""
