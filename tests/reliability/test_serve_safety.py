"""``git voice serve`` must never destroy a user's file, hang on SIGTERM, or let a client eat its memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

GV = [sys.executable, "-m", "git_voice"]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    # Unix socket paths are limited to about 100 bytes; pytest's tmp_path can be longer.
    d = Path(tempfile.mkdtemp(prefix="gv-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("form", ["unix:{}", "{}"], ids=["unix-scheme", "bare-path"])
def test_serve_never_deletes_a_file_at_the_socket_path(short_dir, form):
    victim = short_dir / "notes.txt"
    victim.write_text("my notes, not a socket\n")
    proc = subprocess.run([*GV, "serve", "--device", "cpu", "--listen", form.format(victim)],
                          capture_output=True, text=True, timeout=120)
    assert victim.read_text() == "my notes, not a socket\n"
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "not a socket" in lines[0] and "Traceback" not in proc.stderr, proc.stderr
