"""The main job end to end, on the bundled model: `make demo`.

1. builds a small example repository (examples/demo-repo, rebuilt each run) with
   three commits: a crash fix in load_config, a rename of get_user to
   get_user_by_id, and a test;
2. transcribes the spoken note examples/voice-note.flac with the code terms of
   those commits (`git voice transcribe --hotwords-from HEAD~3..HEAD`);
3. writes the patch series with the note as its cover letter
   (`git voice format-patch HEAD~3 --audio ...`) and prints the cover letter.

Everything runs through the real `git voice` subcommand, offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE / "demo-repo"
NOTE = HERE / "voice-note.flac"

FILES_BEFORE = {
    "app/config.py": 'import json\n\n\ndef load_config(path):\n    with open(path) as f:\n        return json.load(f)\n',
    "app/user_store.py": 'from app.config import load_config\n\n\ndef get_user(user_id):\n    return load_config("users.json")["users"][user_id]\n',
}
COMMITS = [
    (
        "Fix crash in load_config when the settings file is missing",
        {
            "app/config.py": 'import json\nimport os\n\n\nclass SettingsMissing(Exception):\n    pass\n\n\n'
            'def load_config(path):\n    if not os.path.exists(path):\n'
            '        raise SettingsMissing(f"settings file not found: {path}")\n'
            '    with open(path) as f:\n        return json.load(f)\n',
        },
    ),
    (
        "Rename get_user to get_user_by_id",
        {
            "app/user_store.py": 'from app.config import load_config\n\n\ndef get_user_by_id(user_id):\n'
            '    return load_config("users.json")["users"][user_id]\n',
        },
    ),
    (
        "Test the missing-settings error message",
        {
            "tests/test_config.py": 'import pytest\n\nfrom app.config import SettingsMissing, load_config\n\n\n'
            'def test_missing_settings_file_names_the_path(tmp_path):\n'
            '    with pytest.raises(SettingsMissing, match="settings file not found"):\n'
            '        load_config(tmp_path / "nope.json")\n',
        },
    ),
]


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def write(files: dict[str, str]) -> None:
    for name, text in files.items():
        path = REPO / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def build_repo() -> None:
    shutil.rmtree(REPO, ignore_errors=True)
    REPO.mkdir()
    git("init", "-q", "-b", "main")
    git("config", "user.name", "Demo Developer")
    git("config", "user.email", "demo@example.com")
    write(FILES_BEFORE)
    git("add", "-A")
    git("commit", "-q", "-m", "Initial user store")
    for message, files in COMMITS:
        write(files)
        git("add", "-A")
        git("commit", "-q", "-m", message)


def voice(*args: str) -> str:
    """Run `git voice ARGS` in the demo repository, as a user would."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(["git", "voice", *args], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(proc.returncode)
    return proc.stdout


def main() -> None:
    build_repo()
    print(f"== example repository: {REPO}")
    print(subprocess.run(["git", "log", "--oneline"], cwd=REPO, capture_output=True, text=True).stdout)
    print(f"== git voice transcribe {NOTE.name} --hotwords-from HEAD~3..HEAD")
    print(voice("transcribe", str(NOTE), "--hotwords-from", "HEAD~3..HEAD"))
    from git_voice.cli import COMMANDS

    if "format-patch" in COMMANDS:
        out = REPO / "outgoing"
        print(f"== git voice format-patch HEAD~3 --audio {NOTE.name} -o outgoing")
        voice("format-patch", "HEAD~3", "--audio", str(NOTE), "-o", str(out))
        cover = sorted(out.glob("0000-*.patch"))
        if cover:
            print(cover[0].read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
