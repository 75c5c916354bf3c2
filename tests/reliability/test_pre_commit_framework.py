"""The pre-commit framework installs git-voice's ``.pre-commit-hooks.yaml`` entry from a local
clone and the hook fills a commit message from the pending take."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

from ..cli.notes_audio import NOTE
from ..helpers import ROOT, git, make_repo, wer

GV = [sys.executable, "-m", "git_voice"]


def test_pre_commit_framework_fills_a_commit(tmp_path, speech, bundled_model):
    pytest.importorskip("pre_commit")
    if not (ROOT / ".git").exists():
        pytest.skip("the checkout is not a git repository to clone")
    clone = tmp_path / "git-voice"
    git(tmp_path, "clone", "-q", str(ROOT), str(clone))
    rev = git(clone, "rev-parse", "HEAD").strip()
    repo = make_repo(tmp_path / "repo", commits=1)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {clone}\n  rev: {rev}\n  hooks:\n  - id: git-voice\n")
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        # The hook's own virtualenv gets git-voice from the clone; its heavy dependencies
        # (torch, transformers) are found already installed in this environment, so pip
        # downloads no second copy.
        PYTHONPATH=sysconfig.get_paths()["purelib"],
        GIT_EDITOR=":",
    )
    bin_dir = os.path.dirname(sys.executable)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    pc = [shutil.which("pre-commit", path=env["PATH"]) or "pre-commit"]
    proc = subprocess.run([*pc, "install", "--hook-type", "prepare-commit-msg"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run([*pc, "install-hooks"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert subprocess.run([*GV, "note", "stage", str(speech(NOTE))], cwd=repo, env=env).returncode == 0
    (repo / "src" / "module_0.py").write_text("def get_user_by_id_0(user_id):\n    return None\n")
    git(repo, "add", "-A")
    proc = subprocess.run(["git", "commit"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    subject = git(repo, "log", "-1", "--format=%s")
    assert subject.startswith("fix") and wer("fix the crash in the config loader when the file is empty",
                                               subject.split(": ", 1)[1]) < 0.3, subject
