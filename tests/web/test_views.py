"""The pages and JSON calls of ``git voice web`` given what a repository may hold and a
client may send: bytes that are not UTF-8, a recording that is no audio, a body cut short.
``git voice web`` runs as a user would; every answer is a page or a clear 4xx, never a
traceback."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from ..helpers import git, make_repo, synth
from .browser import Server, git_voice


def get(server: Server, path: str) -> tuple[int, bytes]:
    sep = "&" if "?" in path else "?"
    try:
        with urllib.request.urlopen(f"{server.base}{path}{sep}token={server.token}", timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post(server: Server, path: str, body: bytes) -> tuple[int, bytes]:
    headers = {"X-GitVoice-Token": server.token, "Content-Type": "application/json"}
    req = urllib.request.Request(server.base + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def commit_file(repo, name: str, data: bytes, message: bytes) -> str:
    (repo / name).write_bytes(data)
    git(repo, "add", "-A")
    subprocess.run(["git", "commit", "-q", "-F", "-"], cwd=repo, input=message, check=True)
    return git(repo, "rev-parse", "HEAD").strip()


def add_note(repo, ref: str, sha: str, data: bytes) -> None:
    subprocess.run(["git", "notes", f"--ref={ref}", "add", "-f", "-F", "-", sha], cwd=repo, input=data, check=True)


def stopped_cleanly(server: Server) -> str:
    code, err = server.stop()
    assert "Traceback" not in err and "Exception" not in err, err
    return err


@pytest.fixture(scope="module")
def latin1(tmp_path_factory, bundled_model):
    """Commits whose diff, message and notes hold Latin-1 bytes; one with a recording too."""
    repo = make_repo(tmp_path_factory.mktemp("views") / "repo", commits=1)
    diff = commit_file(repo, "legacy.py", b"caf\xe9 = 1\n", b"Add the caf\xe9 table\n\nIt is caf\xe9.\n")
    noted = commit_file(repo, "other.py", b"x = 1\n", b"Add other\n")
    add_note(repo, "voice", noted, b"caf\xe9\n")
    recorded = commit_file(repo, "third.py", b"y = 2\n", b"Add third\n")
    done = git_voice(repo, "note", "add", recorded, "--audio", str(synth("The cafe opens at nine.")))
    assert done.returncode == 0, done.stderr
    add_note(repo, "voice", recorded, b"The caf\xe9 opens at nine.\n")  # another tool's Latin-1 note
    server = Server(repo)
    yield repo, server, {"diff": diff, "noted": noted, "recorded": recorded}
    stopped_cleanly(server)


def test_bytes_that_are_not_utf8_show_as_replacement_characters(latin1):
    repo, server, sha = latin1
    status, page = get(server, "/")
    assert status == 200 and "Add the caf" in page.decode(), page[:300]  # git shows the message as Latin-1
    for which, shown in (("diff", "+caf\ufffd = 1"), ("diff", "Add the caf"), ("noted", "caf\ufffd"),
                         ("recorded", "caf\ufffd")):
        status, page = get(server, f"/commit/{sha[which]}")
        assert status == 200 and shown in page.decode(), (which, page[:300])
    status, words = get(server, f"/commit/{sha['recorded']}/words.json")
    assert status == 200 and "caf\ufffd" in [w["w"] for w in json.loads(words)["words"]], words
    status, srt = get(server, f"/commit/{sha['recorded']}/note.srt")
    assert status == 200 and "caf\ufffd" in srt.decode(), srt


def test_a_note_that_is_not_unicode_text_is_refused(latin1):
    repo, server, sha = latin1
    before = git(repo, "notes", "--ref=voice", "list")
    status, body = post(server, f"/api/commit/{sha['diff']}/note", b'{"text": "hi \\ud800"}')
    assert status == 400 and "not valid Unicode" in json.loads(body)["error"], body
    assert git(repo, "notes", "--ref=voice", "list") == before


def test_subtitles_of_a_recording_that_is_no_audio_are_a_clear_400(tmp_path, bundled_model):
    repo = make_repo(tmp_path / "repo", commits=1)
    sha = git(repo, "rev-parse", "HEAD").strip()
    add_note(repo, "voice", sha, b"The note.\n")
    add_note(repo, "voice-audio", sha, b"not audio\n")
    server = Server(repo)
    try:
        status, words = get(server, f"/commit/{sha}/words.json")
        assert status == 400, words
        message = json.loads(words)["error"]
        for kind in ("srt", "vtt"):
            status, body = get(server, f"/commit/{sha}/note.{kind}")
            assert status == 400 and json.loads(body)["error"] == message, body
        # Saving the text works; only the word times are missing (it answered 400 yet saved).
        status, body = post(server, f"/api/commit/{sha}/note", b'{"text": "The new note."}')
        assert status == 200 and json.loads(body)["timed"] is False and json.loads(body)["untimed"], body
        assert git(repo, "notes", "--ref=voice", "show", sha).strip() == "The new note."
    finally:
        stopped_cleanly(server)


def test_a_take_that_does_not_decode_whole_is_not_staged(tmp_path, bundled_model):
    """A take still uploading (or cut short) is refused, as `git voice note stage` refuses it."""
    repo = make_repo(tmp_path / "repo", commits=1)
    whole = synth("The cafe opens at nine.").read_bytes()
    takes = repo / ".git" / "voice" / "takes"
    takes.mkdir(parents=True, exist_ok=True)
    (takes / "web-20261203-000000-1.wav").write_bytes(whole[: len(whole) // 2])
    server = Server(repo)
    try:
        status, body = post(server, "/api/stage", b'{"take": "web-20261203-000000-1.wav"}')
        assert status == 400 and "truncated" in json.loads(body)["error"], body
        assert not (repo / ".git" / "voice" / "pending").exists() or not any((repo / ".git" / "voice" / "pending").iterdir())
    finally:
        stopped_cleanly(server)


def test_a_take_cut_short_leaves_no_file_and_no_traceback(tmp_path, bundled_model):
    """The page closes (or the network drops) half way through an upload: the half take is
    removed, and was user-only from its first byte, whatever the umask; the server's
    terminal shows no traceback."""
    repo = make_repo(tmp_path / "repo", commits=1)
    sha = git(repo, "rev-parse", "HEAD").strip()
    old = os.umask(0)
    try:
        server = Server(repo)
    finally:
        os.umask(old)
    takes = repo / ".git" / "voice" / "takes"
    try:
        host, port = server.base.removeprefix("http://").split(":")
        for path in (f"/api/commit/{sha}/take", "/api/live/page-load-7/stop"):
            if "live" in path:
                assert post(server, f"/api/commit/{sha}/live", b'{"session": "page-load-7", "rate": 48000}')[0] == 200
            with socket.create_connection((host, int(port)), timeout=60) as s:
                s.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-GitVoice-Token: {server.token}\r\n"
                          "Content-Length: 100000\r\nX-Filename: a.wav\r\n\r\n".encode() + b"RIFF" + bytes(59996))
                deadline = time.monotonic() + 60
                while not [p for p in takes.glob("web-*") if p.stat().st_size == 60000]:
                    assert time.monotonic() < deadline, "the upload never reached a take file"
                    time.sleep(0.05)
                (half,) = takes.glob("web-*")
                assert stat.S_IMODE(half.stat().st_mode) == 0o600
            deadline = time.monotonic() + 60
            while half.exists():
                assert time.monotonic() < deadline, f"{half.name} stayed after the client went away"
                time.sleep(0.05)
        # The live take ended with its upload: its session is free again.
        assert post(server, f"/api/commit/{sha}/live", b'{"session": "page-load-7", "rate": 48000}')[0] == 200
    finally:
        err = stopped_cleanly(server)
    assert len([ln for ln in err.splitlines() if ln.strip() and "web: stopped" not in ln]) <= 1, err
