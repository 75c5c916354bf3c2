"""Takes stay private (user-only, inside .git) and nothing leaves the machine."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

from git_voice.gitops.repo import Repo
from git_voice.gitops.takes import mark_used, new_take_path, stage

from ..cli.notes_audio import NOTE
from ..helpers import git

_AUDIT = '''
import json, os, socket, sys
_log = os.environ["GIT_VOICE_TEST_CONNECT_LOG"]

def _hook(event, args):
    # Every outgoing connection and every name lookup, recorded before it happens.
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        entry = {"event": event, "family": int(sock.family), "address": repr(address)}
    elif event == "socket.getaddrinfo":
        entry = {"event": event, "host": repr(args[0])}
    else:
        return
    with open(_log, "a") as fh:
        fh.write(json.dumps(entry) + "\\n")

sys.addaudithook(_hook)
with open(_log, "a") as fh:
    fh.write(json.dumps({"event": "installed"}) + "\\n")
'''


def test_takes_are_user_only_and_never_in_the_working_tree(repo, tmp_path):
    old = os.umask(0)  # the most permissive umask a user could have
    try:
        r = Repo.discover(repo)
        take = tmp_path / "t.flac"
        import numpy as np
        import soundfile as sf

        sf.write(str(take), np.zeros(1600, np.float32), 16000, format="FLAC")  # stage checks it is audio
        staged = stage(r, take)
        recorded = new_take_path(r)
        recorded.write_bytes(b"x")
        mark_used(r, [staged])
    finally:
        os.umask(old)
    voice = repo / ".git" / "voice"
    for d in (voice, voice / "pending", voice / "takes", voice / "used"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    assert stat.S_IMODE((voice / "used" / staged.name).stat().st_mode) == 0o600
    assert git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all") == ""


def test_nothing_leaves_the_machine_without_voice_server(repo, tmp_path, speech, bundled_model):
    """A whole `git voice note add` (model load, transcription, git) with every socket connect
    and name lookup recorded by an audit hook: only unix sockets and loopback, if anything."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_AUDIT)
    log = tmp_path / "connects.jsonl"
    env = dict(os.environ, PYTHONPATH=str(site), GIT_VOICE_TEST_CONNECT_LOG=str(log))
    env.pop("HF_HUB_OFFLINE", None)  # git-voice must not need it to stay offline
    assert "voice.server" not in git(repo, "config", "--list")
    proc = subprocess.run([sys.executable, "-m", "git_voice", "note", "add", "HEAD", "--audio", str(speech(NOTE))],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "config loader" in proc.stdout  # the audit hook was live during a real transcription
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries[0]["event"] == "installed"  # the hook was live in that process
    import socket

    for e in entries[1:]:
        if e["event"] == "socket.getaddrinfo":
            assert e["host"].strip("'b") in ("localhost", "127.0.0.1", "::1"), e
        else:
            assert e["family"] == socket.AF_UNIX or any(h in e["address"] for h in ("127.0.0.1", "::1", "localhost")), e


def test_every_command_keeps_dot_git_voice_user_only_under_umask_0(repo, speech, tmp_path, bundled_model):
    """Stage, commit from the pending take, and a one-patch series with umask 0: every folder
    under .git/voice is 0700 and every file 0600 afterwards."""
    note = str(speech(NOTE))
    p = repo / "src" / "module_0.py"
    p.write_text(p.read_text() + "# changed\n")
    git(repo, "add", "-A")
    for args in (("note", "stage", note), ("commit", "--no-edit"), ("format-patch", "-1", "--audio", note, "-o", "out")):
        proc = subprocess.run([sys.executable, "-m", "git_voice", *args], cwd=repo, capture_output=True, text=True,
                              preexec_fn=lambda: os.umask(0), timeout=600)
        assert proc.returncode == 0, (args, proc.stderr)
    loose = [f"{p.relative_to(repo)} {oct(stat.S_IMODE(p.stat().st_mode))}" for p in (repo / ".git" / "voice").rglob("*")
             if stat.S_IMODE(p.stat().st_mode) != (0o700 if p.is_dir() else 0o600)]
    assert loose == []
