"""The README documents what the code does: every setting, every command."""

from __future__ import annotations

from git_voice.cli import COMMANDS
from git_voice.config import Settings

from .helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0].lower()
    for key in Settings.KEYS:
        assert f"| `{key}` |" in table, key


def test_every_command_is_mentioned():
    for name in COMMANDS:
        assert f"git voice {name}" in README, name


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith(("#", "set ", "cd "))]
    assert commands and all(c in README for c in commands)
