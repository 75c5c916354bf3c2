"""git-voice's hooks chained with hooks that were already there, in real repositories:
the pre-commit framework installed before or after ours (it uses the same ``NAME.legacy``
scheme), a hook that calls back into ours, and a post-commit hook that makes a commit
of its own. Every commit runs in a session of its own under a time limit, so a hook
that recursed would be killed with all its processes, never left running."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from git_voice.gitops import hooks

from ..cli.notes_audio import NOTE
from ..helpers import git, make_repo

BIN = os.path.dirname(sys.executable)
GV = [sys.executable, "-m", "git_voice"]


def run(cmd, cwd, env=None, timeout=180):
    """``cmd`` in a new session; on timeout the whole process group is killed and the test fails."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{' '.join(map(str, cmd))} ran past {timeout}s (a hook recursing?)")
    return proc.returncode, out, err


def pre_commit_env(tmp_path):
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_EDITOR=":")
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


def pre_commit(repo, env, *args):
    pytest.importorskip("pre_commit")
    exe = shutil.which("pre-commit", path=env["PATH"]) or "pre-commit"
    code, out, err = run([exe, *args], repo, env)
    assert code == 0, out + err
    return out


def with_pre_commit_config(repo, tmp_path):
    """A pre-commit configuration whose one hook (a local command) leaves a mark when it runs."""
    mark = tmp_path / "pre-commit-ran"
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: mark\n    name: mark\n    language: system\n"
        f"    entry: sh -c 'echo ran >> {mark}'\n    stages: [prepare-commit-msg]\n"
        "    always_run: true\n    pass_filenames: false\n")
    git(repo, "add", ".pre-commit-config.yaml")
    return mark


def voice_commit(repo, env, speech, tmp_path):
    """Stage the spoken note, change a file and ``git commit`` through the hooks; git's result."""
    code, out, err = run([*GV, "note", "stage", str(speech(NOTE))], repo, env)
    assert code == 0, err
    (repo / "src" / "module_0.py").write_text("def get_user_by_id_0(user_id):\n    return None\n")
    git(repo, "add", "-A")
    return run(["git", "commit"], repo, env)


def ours_anywhere(hook_dir):
    return sorted(p.name for p in hook_dir.iterdir() if hooks.is_ours(p))


def assert_voice_commit(repo, code, err, rev="HEAD"):
    from git_voice.gitops import notes
    from git_voice.gitops.repo import Repo

    assert code == 0, err
    assert "Traceback" not in err and "migration mode" not in err, err
    subject = git(repo, "log", "-1", "--format=%s", rev)
    assert subject.startswith("fix"), subject  # the message came from the spoken note
    r = Repo.discover(repo)
    assert "config loader" in notes.get_text(r, rev)  # post-commit stored the note on that commit
    assert not any((repo / ".git" / "voice" / "pending").iterdir())


@pytest.mark.parametrize("order", ["pre-commit-after", "pre-commit-before"])
def test_pre_commit_framework_and_our_hooks_in_either_order(tmp_path, speech, bundled_model, order):
    repo = make_repo(tmp_path / "repo", commits=1)
    env = pre_commit_env(tmp_path)
    mark = with_pre_commit_config(repo, tmp_path)
    hook_dir = repo / ".git" / "hooks"
    types = ["-t", "prepare-commit-msg", "-t", "post-commit"]
    if order == "pre-commit-after":
        assert run([*GV, "hook", "install"], repo, env)[0] == 0
        pre_commit(repo, env, "install", *types)  # moves ours to NAME.legacy: pre-commit runs it
    else:
        pre_commit(repo, env, "install", *types)
        code, out, err = run([*GV, "hook", "install"], repo, env)
        assert code == 0, err
        assert "pre-commit's prepare-commit-msg hook stays; it runs git-voice's as prepare-commit-msg.legacy" in err
    assert ours_anywhere(hook_dir) == ["post-commit.legacy", "post-rewrite", "prepare-commit-msg.legacy"]
    code, out, err = voice_commit(repo, env, speech, tmp_path)
    assert_voice_commit(repo, code, err)
    assert mark.read_text() == "ran\n"  # pre-commit's own hooks ran too, once
    code, out, err = run([*GV, "hook", "uninstall"], repo, env)
    assert code == 0 and ours_anywhere(hook_dir) == [], err
    assert hooks.is_pre_commit(hook_dir / "prepare-commit-msg") and hooks.is_pre_commit(hook_dir / "post-commit")
    assert not (hook_dir / "prepare-commit-msg.legacy").exists()
    code, out, err = run(["git", "commit", "-q", "--allow-empty", "-m", "after uninstall"], repo, env)
    assert code == 0, err
    assert mark.read_text() == "ran\nran\n"


def test_reinstall_puts_back_pre_commit_moved_aside_by_an_earlier_install(tmp_path):
    """An earlier git-voice moved pre-commit's script to NAME.legacy, where pre-commit refuses to
    run ("installed in migration mode") and every commit failed; installing again repairs it."""
    repo = make_repo(tmp_path / "repo", commits=1)
    env = pre_commit_env(tmp_path)
    mark = with_pre_commit_config(repo, tmp_path)
    hook_dir = repo / ".git" / "hooks"
    pre_commit(repo, env, "install", "-t", "prepare-commit-msg")
    os.replace(hook_dir / "prepare-commit-msg", hook_dir / "prepare-commit-msg.legacy")
    (hook_dir / "prepare-commit-msg").write_text(hooks.script(name="prepare-commit-msg"))
    (hook_dir / "prepare-commit-msg").chmod(0o755)
    code, out, err = run(["git", "commit", "-q", "-m", "x"], repo, env)
    assert code != 0 and "run 'git voice hook install' again" in err, err  # pre-commit refuses; ours says how to fix it
    runs = mark.read_text() if mark.exists() else ""
    code, out, err = run([*GV, "hook", "install"], repo, env)
    assert code == 0, err
    assert hooks.is_pre_commit(hook_dir / "prepare-commit-msg")
    assert hooks.is_ours(hook_dir / "prepare-commit-msg.legacy")
    code, out, err = run(["git", "commit", "-q", "-m", "x"], repo, env)
    assert code == 0 and "migration mode" not in err, err
    assert mark.read_text() == runs + "ran\n"  # pre-commit's hooks ran, once


def test_pre_commit_already_chaining_a_foreign_hook_is_refused_with_one_line(tmp_path, gv, monkeypatch):
    repo = make_repo(tmp_path / "repo", commits=1)
    env = pre_commit_env(tmp_path)
    with_pre_commit_config(repo, tmp_path)
    hook_dir = repo / ".git" / "hooks"
    (hook_dir / "post-commit").write_text("#!/bin/sh\necho mine\n")
    (hook_dir / "post-commit").chmod(0o755)
    pre_commit(repo, env, "install", "-t", "post-commit")  # moves the user's hook to post-commit.legacy
    before = {p.name: p.read_bytes() for p in hook_dir.iterdir()}
    monkeypatch.chdir(repo)
    r = gv("hook", "install")
    assert r.code != 0 and len(r.err.strip().splitlines()) == 1, r
    assert "pre-commit's" in r.err and "id: git-voice" in r.err, r
    assert {p.name: p.read_bytes() for p in hook_dir.iterdir()} == before  # nothing moved


def test_a_chained_hook_that_calls_back_into_ours_runs_once(tmp_path):
    """A hook kept as prepare-commit-msg.legacy that runs ``prepare-commit-msg`` itself (as a
    wrapper or hook manager might) would call ours, which chains it, for ever."""
    repo = make_repo(tmp_path / "repo", commits=1)
    hook_dir = repo / ".git" / "hooks"
    log = tmp_path / "legacy-runs"
    (hook_dir / "prepare-commit-msg").write_text(
        f'#!/bin/sh\necho "$1" >> "{log}"\nexec "$(dirname "$0")/prepare-commit-msg" "$@"\n')
    (hook_dir / "prepare-commit-msg").chmod(0o755)
    assert run([*GV, "hook", "install"], repo)[0] == 0
    code, out, err = run(["git", "commit", "-q", "--allow-empty", "-m", "x"], repo, timeout=60)
    assert code == 0, err
    assert len(log.read_text().splitlines()) == 1
    assert git(repo, "log", "-1", "--format=%s") == "x\n"


STAMPING = ('#!/bin/sh\n[ -n "$BUMPING" ] && exit 0\ndate +%s > STAMP\ngit add STAMP\n'
            'BUMPING=1 git commit -q -m "chore: stamp"\n')


def test_a_post_commit_hook_that_commits_does_not_lose_the_note(tmp_path, speech, bundled_model):
    repo = make_repo(tmp_path / "repo", commits=1)
    hook_dir = repo / ".git" / "hooks"
    (hook_dir / "post-commit").write_text(STAMPING)
    (hook_dir / "post-commit").chmod(0o755)
    env = dict(os.environ, GIT_EDITOR=":")
    code, out, err = run([*GV, "hook", "install"], repo, env)
    assert code == 0 and "kept the existing post-commit hook as post-commit.legacy" in err, err
    assert "prepare-commit-msg.legacy" not in err  # the message names the hook that was moved
    assert "a later `pre-commit install` would overwrite" in err  # what pre-commit would do to it
    code, out, err = voice_commit(repo, env, speech, tmp_path)
    assert git(repo, "log", "-1", "--format=%s") == "chore: stamp\n"  # the user's hook made its commit
    assert_voice_commit(repo, code, err, rev="HEAD~1")
    assert any((repo / ".git" / "voice" / "used").iterdir())


def _our_post_commit_run_by(repo, body):
    """A post-commit hook of another tool's that runs ``body`` and then our script (kept as
    gv-post-commit), so ours runs after HEAD has moved."""
    hook_dir = repo / ".git" / "hooks"
    (hook_dir / "gv-post-commit").write_text(hooks.script(name="post-commit"))
    (hook_dir / "gv-post-commit").chmod(0o755)
    (hook_dir / "post-commit").write_text(f'#!/bin/sh\n{body}\nexec "$(dirname "$0")/gv-post-commit"\n')
    (hook_dir / "post-commit").chmod(0o755)


def test_our_post_commit_run_after_a_commit_of_another_hook_finds_its_commit(tmp_path, speech, bundled_model):
    repo = make_repo(tmp_path / "repo", commits=1)
    env = dict(os.environ, GIT_EDITOR=":")
    assert run([*GV, "hook", "install"], repo, env)[0] == 0
    _our_post_commit_run_by(repo, STAMPING.split("\n", 1)[1])
    code, out, err = voice_commit(repo, env, speech, tmp_path)
    assert git(repo, "log", "-1", "--format=%s") == "chore: stamp\n"
    assert_voice_commit(repo, code, err, rev="HEAD~1")


def test_a_note_whose_commit_is_gone_warns_once_and_the_take_waits(tmp_path, speech, bundled_model):
    """A hook amended the commit with another tree before ours ran: no commit is the one the
    note was made for, so one warning and the take is pending again (not used up silently)."""
    from git_voice.gitops import notes
    from git_voice.gitops.repo import Repo

    repo = make_repo(tmp_path / "repo", commits=1)
    env = dict(os.environ, GIT_EDITOR=":")
    assert run([*GV, "hook", "install"], repo, env)[0] == 0
    _our_post_commit_run_by(repo, '[ -n "$AMENDING" ] && exit 0\ndate > STAMP; git add STAMP\n'
                                  'AMENDING=1 git commit -q --amend --no-edit --no-verify')
    code, out, err = voice_commit(repo, env, speech, tmp_path)
    assert code == 0 and "Traceback" not in err, err
    assert git(repo, "log", "-1", "--format=%s").startswith("fix")  # the message was filled
    # (git's own "notes ref ... is invalid" from the amend is git's, not ours)
    warnings = [ln for ln in err.splitlines() if ln.startswith("git voice: warning")]
    assert len(warnings) == 1 and "pending again" in warnings[0], err
    assert notes.get_text(Repo.discover(repo), "HEAD") is None
    assert len(list((repo / ".git" / "voice" / "pending").iterdir())) == 1


def test_a_hook_that_is_a_link_to_a_sibling_hook_still_runs_and_comes_back_as_it_was(tmp_path, gv, monkeypatch):
    repo = make_repo(tmp_path / "repo", commits=1)
    monkeypatch.chdir(repo)
    hooks_dir = repo / ".git" / "hooks"
    log = tmp_path / "log"
    (hooks_dir / "post-commit").write_text(f'#!/bin/sh\necho "$(basename "$0")" >> {log}\n')
    (hooks_dir / "post-commit").chmod(0o755)
    (hooks_dir / "prepare-commit-msg").symlink_to("post-commit")  # one script for two hooks
    before = {p.name: (os.readlink(p) if p.is_symlink() else p.read_bytes()) for p in hooks_dir.iterdir()}
    assert gv("hook", "install").code == 0
    (repo / "f").write_text("x\n")
    git(repo, "add", "f")
    git(repo, "commit", "-q", "-m", "typed")
    # The user's script ran as both hooks (not our post-commit, which the link's name now holds).
    assert sorted(log.read_text().split()) == ["post-commit.legacy", "prepare-commit-msg.legacy"]
    assert gv("hook", "uninstall").code == 0
    after = {p.name: (os.readlink(p) if p.is_symlink() else p.read_bytes()) for p in hooks_dir.iterdir()}
    assert after == before
