"""Round trips, property-based: whatever was said, the series applies and the message survives git.

No model here: transcripts are generated as text (Unicode, very long lines, and the
line starts git treats specially) and fed to the same compose and patch functions
the commands use. One repository per test; each example adds its own commits.
"""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from git_voice.app.format_patch import cover_texts
from git_voice.compose.conventions import compose
from git_voice.types import Change
from git_voice.compose.render import render
from git_voice.config import Settings
from git_voice.gitops import patches
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo

# Lines that mean something to git, mail or the trailer parser when they start a line.
TRICKY = [
    "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001",
    "From now on at 10:30 we parse",
    "---",
    "--- a/x.py",
    "diff --git a/x.py b/x.py",
    "Index: x.py",
    "# not a comment",
    "#42",
    "Signed-off-by: Eve <eve@example.com>",
    "Fixes: 1234567",
    "Subject: [PATCH] injected",
    "To: everyone@example.com",
    "-- >8 --",
    "(cherry picked from commit 1234567)",
    "*** SUBJECT HERE ***",
    "%s {{ subject }} \\n",
]
WORDS = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1, max_size=40,
)
TRANSCRIPT = st.lists(
    st.one_of(st.sampled_from(TRICKY), WORDS, st.text(alphabet="abcdefgh ", min_size=200, max_size=600)),
    min_size=1, max_size=8,
).map(lambda parts: " ".join(parts)).filter(lambda t: any(ch.isalnum() for ch in t))
# File contents: any text but NUL and CR (git am normalises CRLF in mail: git's choice, not ours).
FILE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                    min_size=1, max_size=200).filter(lambda s: s.strip())
SETTINGS = dict(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_CZ = re.compile(r"(build|bump|chore|ci|docs|feat|fix|perf|refactor|revert|style|test)(\(\S+\))?!?: ([^\n\r]+)((\n\n.*)|(\s*))?$", re.S)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A repository plus a second worktree that patch series are applied in."""
    root = tmp_path_factory.mktemp("roundtrip")
    repo = make_repo(root / "repo", commits=1)
    git(repo, "worktree", "add", "-q", "--detach", str(root / "apply"))
    return repo


def _add_commits(repo: Path, contents: list[str], n: int) -> tuple[str, str]:
    """``n`` new commits on top of HEAD changing random files; (base, tip)."""
    base = git(repo, "rev-parse", "HEAD").strip()
    for i, text in enumerate(contents[:n]):
        path = repo / "src" / f"file_{len(text) % 5}_{i}.txt"
        path.write_text(path.read_text("utf-8") + text + "\n" if path.exists() else text + "\n", "utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Change {i}: {text[:30]!r}")
    return base, git(repo, "rev-parse", "HEAD").strip()


@settings(**SETTINGS)
@given(text=TRANSCRIPT, contents=st.lists(FILE_TEXT, min_size=3, max_size=3), n=st.integers(1, 3))
def test_series_always_applies_and_cover_letter_parses_back(history, tmp_path, text, contents, n):
    repo = Repo.discover(history)
    base, tip = _add_commits(history, contents, n)
    subject, blurb, patch_note = cover_texts(text, Settings())
    out = tmp_path / f"series-{tip[:12]}"
    series = patches.format_series(repo, [f"{base}..{tip}", "-o", str(out)], subject=subject, blurb=blurb,
                                   patch_note=patch_note, cwd=history)
    assert (series.cover_letter is not None) == (n > 1)
    assert len(series.files) == n + (1 if n > 1 else 0)
    if series.cover_letter is not None:
        mail = email.message_from_bytes(series.cover_letter.read_bytes(), policy=email.policy.default)
        # Said aloud, git's placeholders lose their stars (send-email refuses them); nothing else changes.
        assert str(mail["Subject"]) == f"[PATCH 0/{n}] {patches._no_placeholders(subject)}"
        assert mail.get_content().startswith(patches._no_placeholders(blurb).strip("\n") + "\n")
        raw = series.cover_letter.read_bytes()
        assert b"*** SUBJECT HERE ***" not in raw and b"*** BLURB HERE ***" not in raw  # send-email would refuse
    else:
        mail = email.message_from_bytes(series.files[0].read_bytes(), policy=email.policy.default)
        assert re.split(r"(?:^|\n)---\n", mail.get_content(), maxsplit=1)[1].startswith("Voice note:\n")
    apply = history.parent / "apply"
    git(apply, "reset", "-q", "--hard")
    git(apply, "checkout", "-q", "--detach", base)
    patch_files = series.files[1:] if series.cover_letter is not None else series.files
    am = subprocess.run(["git", "am", "-q", *map(str, patch_files)], cwd=apply, capture_output=True, text=True)
    if am.returncode != 0:
        git(apply, "am", "--abort", check=False)
    assert am.returncode == 0, am.stderr
    assert git(apply, "rev-parse", "HEAD^{tree}") == git(history, "rev-parse", f"{tip}^{{tree}}")
    assert git(apply, "log", "--format=%B", f"{base}..HEAD") == git(history, "log", "--format=%B", f"{base}..{tip}")


PATHS = st.lists(
    st.tuples(st.sampled_from(["src/app/core.py", "tests/test_core.py", "docs/guide.md", "Makefile", "lib/ü/ß.c", "x"]),
              st.sampled_from(["A", "M", "D"])),
    max_size=4,
)


def _message(text: str, changes: list[tuple[str, str]], convention: str) -> str:
    msg = compose(text, [Change(p, s) for p, s in changes], convention)
    return render(f"commit-{convention}", None, header=msg.header, type=msg.type, scope=msg.scope,
                  subject=msg.subject, body=msg.body, text=text)


@settings(**SETTINGS)
@given(text=TRANSCRIPT, changes=PATHS, convention=st.sampled_from(["conventional", "kernel", "plain"]))
def test_commit_message_survives_git(history, text, changes, convention):
    """The message is what git keeps after comment stripping, what `git am` gets back from
    format-patch, has no trailers the speaker did not mean, and passes the convention's check."""
    message = _message(text, changes, convention)
    run = lambda *a, input: subprocess.run(["git", *a], cwd=history, input=input, capture_output=True, text=True)  # noqa: E731
    # `git commit` with an editor (and the hook's path) strips comment lines and blank runs.
    assert run("stripspace", "--strip-comments", input=message).stdout == message
    # Trailers: none invented from speech, and adding one leaves the message above it unchanged.
    assert run("interpret-trailers", "--parse", input=message).stdout == ""
    signed = run("interpret-trailers", "--trailer", "Signed-off-by: Ada <ada@example.com>", input=message).stdout
    assert signed == message + "\nSigned-off-by: Ada <ada@example.com>\n"
    # format-patch → mailinfo (what `git am` runs) gives the same subject and body back.
    tree = git(history, "rev-parse", "HEAD^{tree}").strip()
    commit = run("commit-tree", tree, input=message).stdout.strip()  # a root commit: a diff to mail
    mbox = run("format-patch", "--root", "-1", "--stdout", commit, input=None).stdout
    msg_file = history.parent / "mailinfo-msg"
    info = subprocess.run(["git", "mailinfo", str(msg_file), "/dev/null"], input=mbox, capture_output=True,
                          text=True, cwd=history)
    got_subject = re.search(r"^Subject: (.*)$", info.stdout, re.M).group(1)
    header, _, body = message.partition("\n")
    assert got_subject == header
    assert msg_file.read_text("utf-8").strip("\n") == body.strip("\n")
    for line in message.splitlines():
        assert len(line) <= 100  # commitlint's header and body limits
    if convention == "conventional":
        assert _CZ.match(message), message
