"""On a terminal, the hook offers to record when no take waits (``/dev/tty``: its stdin is /dev/null)."""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import termios
import time

from ..helpers import git


def _own_terminal(slave: int):
    def setup() -> None:  # after setsid (start_new_session): the pty becomes /dev/tty
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    return setup


def test_hook_offers_to_record_on_a_terminal_and_no_means_no(repo, gv, tmp_path):
    assert gv("hook", "install").code == 0
    (repo / "f.txt").write_text("x\n")
    git(repo, "add", "f.txt")
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "Typed by hand" > "$1"\n')
    editor.chmod(0o755)
    master, slave = os.openpty()
    proc = subprocess.Popen(["git", "commit"], cwd=repo, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            env=dict(os.environ, GIT_EDITOR=str(editor)), start_new_session=True,
                            preexec_fn=_own_terminal(slave), pass_fds=(slave,))
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 300
    while b"[y/N]" not in seen and time.monotonic() < deadline and proc.poll() is None:
        if select.select([master], [], [], 1.0)[0]:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
    assert b"record a spoken note for this commit? [y/N]" in seen, seen
    os.write(master, b"n\n")
    assert proc.wait(timeout=300) == 0
    os.close(master)
    assert git(repo, "log", "-1", "--format=%s") == "Typed by hand\n"
