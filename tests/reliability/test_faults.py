"""Faults injected for real while git-voice works inside ``git commit`` and ``format-patch``.

Mechanisms: SIGINT / SIGKILL sent at a moment read off the tool's own progress
output; RLIMIT_AS (out of memory) and RLIMIT_FSIZE (disk full: writes fail with
EFBIG, children get SIGXFSZ) set in the child before it starts; a truncated
model.safetensors in a private GIT_VOICE_CACHE; a converter killed half way;
paths git-voice must write squatted by a directory or file it cannot replace
(tests run as root, where chmod stops nothing); concurrent processes.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ..cli.notes_audio import NOTE
from ..helpers import git, make_repo
from .state import snapshot

GV = [sys.executable, "-m", "git_voice"]


# -- set-up ----------------------------------------------------------------------------


def long_take(path: Path, speech: Path, repeats: int) -> Path:
    """The note said ``repeats`` times with a second of quiet between: a take that keeps the model busy."""
    samples, rate = sf.read(str(speech), dtype="float32")
    gap = np.zeros(rate, np.float32)
    sf.write(str(path), np.concatenate([np.concatenate([samples, gap])] * repeats), rate)
    return path


@pytest.fixture
def hooked(repo, gv, tmp_path):
    """Our hook installed over a foreign one that snapshots the message file (``before``);
    the editor snapshots what it is handed (``after``) and types a line on top."""
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    foreign = hooks / "prepare-commit-msg"
    foreign.write_text(f'#!/bin/sh\ncp "$1" "{tmp_path}/before"\n')
    foreign.chmod(0o755)
    assert gv("hook", "install").code == 0
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" "{tmp_path}/after"\n{{ echo "Typed by hand"; cat "$1"; }} > "$1.t" && mv "$1.t" "$1"\n')
    editor.chmod(0o755)
    p = repo / "src" / "module_0.py"
    p.write_text(p.read_text() + "# changed\n")
    git(repo, "add", "src/module_0.py")
    return repo


def commit_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, GIT_EDITOR=str(tmp_path / "editor.sh"), **extra)


def assert_untouched_and_committed(repo: Path, tmp_path: Path, proc) -> None:
    """The hook failed: git's message reached the editor byte for byte and the commit went on."""
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "before").read_bytes() == (tmp_path / "after").read_bytes()
    assert git(repo, "log", "-1", "--format=%s") == "Typed by hand\n"
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("git voice: warning: hook:")]
    assert len(warnings) == 1 and warnings[0].endswith("commit message left as it was"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list((repo / ".git").glob("*.git-voice")), "a temporary message file was left behind"


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def descendants(pid: int) -> list[int]:
    """Children, grandchildren, ... of ``pid`` (git → hook script → Python)."""
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def wait_for_line(proc: subprocess.Popen, needle: str, seen: list[str], timeout: float = 600) -> None:
    """Read ``proc``'s stderr until a line holds ``needle`` (lines kept in ``seen``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return
    raise AssertionError(f"never saw {needle!r}: {''.join(seen)}")


# -- interrupts and kills ---------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_ctrl_c_in_the_hook_mid_transcription_keeps_message_and_take(hooked, gv, speech, tmp_path, bundled_model, sig):
    """Ctrl-C (the hook says so) or SIGKILL (it cannot) mid-decoding: git's message reaches the
    editor untouched, the commit goes on, and the take stays pending for the next try."""
    take = long_take(tmp_path / "long.wav", speech(NOTE), repeats=8)  # about 40 s: long-form decoding
    assert gv("note", "stage", str(take)).code == 0
    pending = list((hooked / ".git" / "voice" / "pending").iterdir())
    proc = subprocess.Popen(["git", "commit"], cwd=hooked, env=commit_env(tmp_path),
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    seen: list[str] = []
    wait_for_line(proc, "transcribing", seen)
    time.sleep(1.0)  # well inside decoding now
    hook_pids = [p for p in descendants(proc.pid) if b"git_voice" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert len(hook_pids) == 1
    os.kill(hook_pids[0], sig)  # as Ctrl-C from the terminal would, or the OOM killer
    _, rest = proc.communicate(timeout=300)
    proc.stderr = "".join(seen) + (rest or "")
    if sig == signal.SIGINT:
        assert "interrupted" in proc.stderr
        assert_untouched_and_committed(hooked, tmp_path, proc)
    else:
        assert proc.returncode == 0, proc.stderr
        assert (tmp_path / "before").read_bytes() == (tmp_path / "after").read_bytes()
        assert git(hooked, "log", "-1", "--format=%s") == "Typed by hand\n"
    assert list((hooked / ".git" / "voice" / "pending").iterdir()) == pending  # the take waits for a retry


def test_sigkill_mid_transcription_leaves_no_commit_and_no_trace(repo, speech, tmp_path, bundled_model):
    take = long_take(tmp_path / "long.wav", speech(NOTE), repeats=8)
    p = repo / "src" / "module_1.py"
    p.write_text(p.read_text() + "# changed\n")
    git(repo, "add", "src/module_1.py")
    before = snapshot(repo)
    proc = subprocess.Popen([*GV, "commit", "--audio", str(take), "--no-edit"], cwd=repo,
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    seen: list[str] = []
    wait_for_line(proc, "transcribing", seen)
    time.sleep(1.0)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(repo) == before  # no commit, no note, index and .git/voice as they were


# -- out of memory ----------------------------------------------------------------------


def _limit_memory() -> None:
    # Enough to start Python and import torch, too little to load the model and decode
    # (measured: torch imports in ~640 MB of address space, the loaded engine holds ~860 MB).
    # Failing earlier (at the import, on a build that maps more) is an out-of-memory hook too.
    resource.setrlimit(resource.RLIMIT_AS, (760 << 20, 760 << 20))


def test_out_of_memory_in_the_hook_leaves_message_and_commit_goes_on(hooked, gv, speech, tmp_path, bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    proc = subprocess.run(["git", "commit"], cwd=hooked, env=commit_env(tmp_path), capture_output=True,
                          text=True, preexec_fn=_limit_memory, timeout=600)
    assert_untouched_and_committed(hooked, tmp_path, proc)
    assert "memory" in proc.stderr.lower(), proc.stderr  # it failed for want of memory, not for another reason


# -- the model: corrupt in the cache, or half converted ---------------------------------


@pytest.fixture
def corrupt_cache(tmp_path, bundled_model) -> Path:
    """A private cache holding a copy of the converted model with its weights cut in half."""
    cache = tmp_path / "cache"
    copy = cache / bundled_model.relative_to(bundled_model.parent.parent)  # models/<name>
    shutil.copytree(bundled_model, copy)
    weights = copy / "model.safetensors"
    size = weights.stat().st_size
    with open(weights, "r+b") as fh:
        fh.truncate(size // 2)
    return cache


def test_corrupt_model_is_one_line_and_writes_nothing(repo, speech, corrupt_cache):
    before = snapshot(repo)
    proc = subprocess.run([*GV, "note", "add", "HEAD", "--audio", str(speech(NOTE))], cwd=repo,
                          env=dict(os.environ, GIT_VOICE_CACHE=str(corrupt_cache)), capture_output=True, text=True)
    errors = [ln for ln in proc.stderr.splitlines() if "error" in ln]
    assert proc.returncode == 2 and len(errors) == 1, proc.stderr
    assert "cannot load" in errors[0] and str(corrupt_cache) in errors[0]  # names the broken files
    assert snapshot(repo) == before


def test_corrupt_model_in_the_hook_commit_goes_on_or_stops_when_strict(hooked, gv, speech, tmp_path, corrupt_cache):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    env = commit_env(tmp_path, GIT_VOICE_CACHE=str(corrupt_cache))
    head = git(hooked, "rev-parse", "HEAD")
    git(hooked, "config", "voice.hook.strict", "true")
    strict = subprocess.run(["git", "commit"], cwd=hooked, env=env, capture_output=True, text=True)
    assert strict.returncode != 0 and git(hooked, "rev-parse", "HEAD") == head
    assert "voice.hook.strict is set: commit stopped" in strict.stderr and "Traceback" not in strict.stderr
    git(hooked, "config", "voice.hook.strict", "false")
    proc = subprocess.run(["git", "commit"], cwd=hooked, env=env, capture_output=True, text=True)
    assert_untouched_and_committed(hooked, tmp_path, proc)


_CONVERT = "from git_voice.asr.bundled import ensure_bundled_model; print(ensure_bundled_model())"


def test_a_converter_killed_half_way_is_never_used(tmp_path):
    cache = tmp_path / "cache"
    env = dict(os.environ, GIT_VOICE_CACHE=str(cache))
    proc = subprocess.Popen([sys.executable, "-c", _CONVERT], env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    partial = None
    while time.monotonic() < deadline and proc.poll() is None:
        found = [p for p in cache.glob("models/*.tmp-*/model.safetensors") if p.stat().st_size > 0]
        if found:
            partial = found[0]
            break
        time.sleep(0.01)
    if partial is None:
        proc.kill()
        pytest.fail("the converter finished before it could be killed: nothing was tested")
    proc.kill()
    proc.wait()
    final = partial.parent.parent / partial.parent.name.split(".tmp-")[0]
    assert not final.exists()  # the half-written model never took the final name
    done = subprocess.run([sys.executable, "-c", _CONVERT], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == final and (final / ".git-voice-complete").is_file()
    assert not list(final.parent.glob("*.tmp-*"))  # the killed converter's leftovers are gone


# -- disk full -------------------------------------------------------------------------


def test_disk_full_in_format_patch_leaves_no_partial_series(tmp_path, speech, bundled_model):
    repo = make_repo(tmp_path / "repo", commits=2)
    (repo / "big.txt").write_text("".join(f"line {i} of a large generated file\n" for i in range(2000)))
    git(repo, "add", "big.txt")
    git(repo, "commit", "-q", "-m", "Add a big file")
    git(repo, "commit", "-q", "--allow-empty", "-m", "A small one after it")
    before = snapshot(repo)

    def disk_full() -> None:  # room for the small patches, not for the 60 KB one
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    proc = subprocess.run([*GV, "format-patch", "HEAD~3", "--audio", str(speech(NOTE)), "-o", "out"], cwd=repo,
                          capture_output=True, text=True, preexec_fn=disk_full, timeout=600)
    errors = [ln for ln in proc.stderr.splitlines() if "error" in ln]
    assert proc.returncode == 2 and len(errors) == 1 and "SIGXFSZ" in errors[0], proc.stderr
    assert not list(repo.rglob("*.patch"))  # none in out/, none in .git/voice/tmp
    after = snapshot(repo)
    after["voice"] = {k: v for k, v in after["voice"].items() if k != "tmp"}  # the work folder may stay, empty
    before["voice"] = {k: v for k, v in before["voice"].items() if k != "tmp"}
    assert after == before


_FSIZE_WRAPPER = textwrap.dedent(
    """\
    #!{python}
    # Runs git-voice's hook with no room to write more than git's own message file holds.
    import os, resource, sys
    room = os.path.getsize(sys.argv[1]) + 16
    resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))
    real = os.path.join(os.path.dirname(sys.argv[0]), "prepare-commit-msg.real")
    os.execv(real, [real, *sys.argv[1:]])
    """
)


def test_disk_full_in_the_hook_leaves_message_and_commit_goes_on(hooked, gv, speech, tmp_path, bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    hooks = hooked / ".git" / "hooks"
    os.replace(hooks / "prepare-commit-msg", hooks / "prepare-commit-msg.real")
    wrapper = hooks / "prepare-commit-msg"
    wrapper.write_text(_FSIZE_WRAPPER.format(python=sys.executable))
    wrapper.chmod(0o755)
    proc = subprocess.run(["git", "commit"], cwd=hooked, env=commit_env(tmp_path), capture_output=True, text=True)
    assert "File too large" in proc.stderr
    assert_untouched_and_committed(hooked, tmp_path, proc)


# -- a read-only .git ------------------------------------------------------------------


def block(path: Path, as_dir: bool) -> None:
    """Make ``path`` unwritable for git-voice: a directory (or file) squatting where it must write.

    chmod would be the obvious way, but these tests may run as root, which ignores
    permissions; a directory where a file must be written (or a file where a folder
    must be made) fails for root too, with the same OSError paths.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if as_dir:
        path.mkdir()
        (path / "keep").write_text("squatter\n")
    else:
        path.write_text("squatter\n")


def test_read_only_git_dir_format_patch_and_commit_fail_cleanly(repo, gv, speech, bundled_model):
    note = str(speech(NOTE))
    block(repo / ".git" / "voice" / "tmp", as_dir=False)
    block(repo / ".git" / "voice" / "COMMIT_EDITMSG", as_dir=True)
    p = repo / "src" / "module_2.py"
    p.write_text(p.read_text() + "# changed\n")
    git(repo, "add", "src/module_2.py")
    before = snapshot(repo)
    for args in (("format-patch", "HEAD~2", "--audio", note, "-o", "out"), ("commit", "--audio", note, "--no-edit")):
        r = gv(*args)
        errors = [ln for ln in r.err.splitlines() if ln.startswith("git voice: error:")]
        assert r.code == 2 and len(errors) == 1 and "Traceback" not in r.err, (args, r)
        assert "internal error" not in r.err and ".git/voice" in errors[0], r
    assert snapshot(repo) == before and not (repo / "out").exists()


def test_read_only_git_dir_in_the_hook_leaves_message(hooked, gv, speech, tmp_path, bundled_model):
    assert gv("note", "stage", str(speech(NOTE))).code == 0
    block(hooked / ".git" / "voice" / "tmp", as_dir=False)  # where the new message is written first
    proc = subprocess.run(["git", "commit"], cwd=hooked, env=commit_env(tmp_path), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "before").read_bytes() == (tmp_path / "after").read_bytes()
    assert "commit message left as it was" in proc.stderr and "Traceback" not in proc.stderr


# -- a second git-voice at the same time ------------------------------------------------

_WRITER = textwrap.dedent(
    """\
    import sys, time
    from git_voice.gitops import notes
    from git_voice.gitops.repo import Repo
    repo = Repo.discover()
    while time.time() < float(sys.argv[1]):
        time.sleep(0.001)
    for rev in sys.argv[2:]:
        notes.set_text(repo, rev, "note on " + rev + "\\n")
    """
)


def test_concurrent_note_writers_lose_no_note(tmp_path):
    """Six processes write notes on different commits at the same instant; every note lands.

    (Without git-voice's lock, ``git notes add`` run concurrently drops notes silently.)
    """
    repo = make_repo(tmp_path / "repo", commits=1)
    for i in range(23):
        git(repo, "commit", "-q", "--allow-empty", "-m", f"c{i}")
    revs = git(repo, "rev-list", "HEAD").split()
    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(start), *revs[i::6]], cwd=repo) for i in range(6)]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    listed = git(repo, "notes", "--ref=voice", "list").split("\n")
    assert len([ln for ln in listed if ln]) == len(revs)
    for rev in revs:
        assert git(repo, "notes", "--ref=voice", "show", rev) == f"note on {rev}\n"


_CONFIGURER = textwrap.dedent(
    """\
    import sys, time
    from git_voice.gitops import notes
    from git_voice.gitops.repo import Repo
    repo = Repo.discover()
    while time.time() < float(sys.argv[1]):
        time.sleep(0.001)
    notes.ensure_rewrite_refs(repo)
    notes.ensure_display_ref(repo)
    """
)


def test_concurrent_first_runs_configure_the_notes_refs_once(tmp_path):
    """Six processes set up the notes refs at the same instant: none fails on git's config lock, none adds twice."""
    repo = make_repo(tmp_path / "repo", commits=1)
    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", _CONFIGURER, str(start)], cwd=repo, stderr=subprocess.PIPE,
                              text=True) for _ in range(6)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert git(repo, "config", "--get-all", "notes.rewriteRef").split() == ["refs/notes/voice", "refs/notes/voice-audio"]
    assert git(repo, "config", "--get-all", "notes.displayRef").split() == ["refs/notes/voice"]


def test_two_git_voice_note_adds_at_once_both_land(repo, speech, tmp_path, bundled_model):
    note = str(speech(NOTE))
    procs = [subprocess.Popen([*GV, "note", "add", rev, "--audio", note], cwd=repo, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for rev in ("HEAD", "HEAD~1")]
    results = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    for rev in ("HEAD", "HEAD~1"):
        assert "config loader" in git(repo, "notes", "--ref=voice", "show", rev)
        assert git(repo, "notes", "--ref=voice-audio", "list", rev).strip()
