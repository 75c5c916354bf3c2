"""`git voice --help` is answered by git through `man git-voice`: the page must be current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from git_voice import manpage

from .helpers import ROOT


def test_committed_man_page_matches_the_cli():
    committed = (ROOT / "man" / "git-voice.1").read_text(encoding="utf-8")
    assert committed == manpage.render(), "regenerate: python -m git_voice.manpage > man/git-voice.1"


def test_every_command_is_documented():
    from git_voice.cli import COMMANDS

    page = manpage.render()
    for name in COMMANDS:
        assert f".SS git voice {name}\n" in page


@pytest.mark.skipif(shutil.which("man") is None, reason="no man program")
def test_git_voice_help_shows_the_page(tmp_path):
    """Through git itself, with the page installed beside the interpreter's bin/ as `make` does."""
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "share" / "man" / "man1").mkdir(parents=True)
    (prefix / "share" / "man" / "man1" / "git-voice.1").write_text(manpage.render())
    script = prefix / "bin" / "git-voice"
    script.write_text(f"#!{sys.executable}\nfrom git_voice.cli import main\nmain()\n")
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}", "MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100"}
    env.pop("MANPATH", None)
    proc = subprocess.run(["git", "voice", "--help"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "explain code changes by voice" in proc.stdout
