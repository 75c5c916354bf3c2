"""A cover letter whose note begins "From now on" stays one message for mbox readers:
Python's ``mailbox.mbox`` and ``b4 am`` (offline) on the ``--stdout`` mbox."""

from __future__ import annotations

import mailbox
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from git_voice.compose.cover import cover_texts
from git_voice.gitops import patches
from git_voice.gitops.repo import Repo

from ..helpers import make_repo

B4 = shutil.which("b4", path=str(Path(sys.executable).parent)) or shutil.which("b4")
NOTE = ("From now on paginate returns every item when no page size is given. Before, it failed with a type "
        "error, and callers had to pass a huge size to get everything back. From the old behaviour nothing else "
        "changes.")


def _cover_message_id(mbox: Path) -> str:
    first = next(iter(mailbox.mbox(str(mbox))))
    return first["Message-Id"].strip("<>")


def b4_cover(mbox: Path, out: Path) -> tuple[str, str]:
    """(b4's report, the cover letter b4 am wrote) for the series in ``mbox``."""
    proc = subprocess.run([B4, "--offline-mode", "am", "-m", str(mbox), "-o", str(out), _cover_message_id(mbox)],
                          capture_output=True, text=True, cwd=out.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    covers = list(out.glob("*.cover"))
    assert len(covers) == 1, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr, covers[0].read_text()


def _series_mbox(tmp_path: Path, note: str) -> Path:
    """``--stdout`` as git voice writes it: the series' files one after the other."""
    repo = make_repo(tmp_path / "repo", commits=3)
    subject, blurb, patch_note = cover_texts(note)
    series = patches.format_series(Repo.discover(repo), ["-o", str(tmp_path / "out"), "--thread", "HEAD~2"],
                                   subject=subject, blurb=blurb, patch_note=patch_note, cwd=repo)
    mbox = tmp_path / "series.mbox"
    mbox.write_bytes(b"".join(f.read_bytes() for f in series.files))
    return mbox


def test_no_blurb_line_starts_with_from():
    _, blurb, note = cover_texts(NOTE)
    assert not any(line.startswith("From ") for line in blurb.splitlines() + note.splitlines())
    assert " ".join(blurb.split()) == NOTE


def test_mailbox_reads_one_cover_letter(tmp_path):
    messages = list(mailbox.mbox(str(_series_mbox(tmp_path, NOTE))))
    assert [m["Subject"].split("]")[0] for m in messages] == ["[PATCH 0/2", "[PATCH 1/2", "[PATCH 2/2"]
    assert " ".join(messages[0].get_payload().split()).startswith(NOTE)


@pytest.mark.skipif(B4 is None, reason="b4 not installed (pip install -e '.[test]')")
def test_b4_am_reads_the_whole_cover_letter(tmp_path):
    report, cover = b4_cover(_series_mbox(tmp_path, NOTE), tmp_path / "b4")
    assert "Not plaintext" not in report
    assert "Total patches: 2" in report
    assert NOTE in " ".join(cover.split())


@pytest.mark.skipif(B4 is None, reason="b4 not installed (pip install -e '.[test]')")
def test_b4_oracle_rejects_what_git_alone_writes(tmp_path):
    """The check can fail: git's own cover letter with a "From now on" line loses its body in b4."""
    repo = make_repo(tmp_path / "repo", commits=3)
    raw = subprocess.run(["git", "format-patch", "--stdout", "--thread", "--cover-letter", "HEAD~2"], cwd=repo,
                         capture_output=True, check=True).stdout
    mbox = tmp_path / "git.mbox"
    mbox.write_bytes(raw.replace(b"*** BLURB HERE ***", b"From now on paginate returns every item."))
    report, cover = b4_cover(mbox, tmp_path / "b4")
    assert "Not plaintext" in report and "paginate" not in cover


def test_cli_format_patch_stdout_with_a_spoken_from_now_on(tmp_path, monkeypatch, gv, speech, bundled_model):
    """End to end: the note spoken, transcribed, and the --stdout mbox read by b4 and mailbox."""
    repo = make_repo(tmp_path / "repo", commits=3)
    monkeypatch.chdir(repo)
    r = gv("format-patch", "--stdout", "--thread", "HEAD~2", "--audio",
           str(speech("From now on paginate returns every item when no page size is given.")))
    assert r.code == 0, r
    mbox = tmp_path / "series.mbox"
    mbox.write_text(r.out)
    messages = list(mailbox.mbox(str(mbox)))
    assert len(messages) == 3
    assert "returns every item" in messages[0].get_payload()
    if B4:
        report, cover = b4_cover(mbox, tmp_path / "b4")
        assert "Not plaintext" not in report and "returns every item" in cover
