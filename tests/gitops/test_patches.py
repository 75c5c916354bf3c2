from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from git_voice.errors import ConfigError, GitError
from git_voice.gitops import notes, patches
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo

SUBJECT = "修复解析器在空输入时的崩溃"
BLURB = "解析器在输入为空时会越界读取。这个系列先补上测试，再修复它。Déjà vu, naïve café."


@pytest.fixture
def four(tmp_path, monkeypatch) -> Path:
    """A root commit and three more, so HEAD~3 names a series of three."""
    path = make_repo(tmp_path / "four", commits=4)
    monkeypatch.chdir(path)
    return path


def _am(clone: Path, *files: Path) -> None:
    git(clone, "-c", "user.name=Rev Iewer", "-c", "user.email=rev@example.com", "am", "-q", *map(str, files))


def _read(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_non_ascii_cover_letter_is_a_correct_email_and_series_applies(four, tmp_path):
    series = patches.format_series(Repo.discover(four), ["HEAD~3", "-o", "out"], subject=SUBJECT, blurb=BLURB, patch_note="")
    assert [f.parent for f in series.files] == [four / "out"] * 4
    cover = _read(series.cover_letter)
    assert cover["Subject"] == f"[PATCH 0/3] {SUBJECT}"
    raw_subject = series.cover_letter.read_bytes().split(b"\nSubject: ", 1)[1].split(b"\n")[0]
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject  # RFC 2047 on the wire
    assert cover.get_content_charset() == "utf-8"
    body = cover.get_content()
    assert BLURB in body and "***" not in body
    assert "Ada Tester (3):" in body and "3 files changed" in body  # git's shortlog and diffstat kept
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(four), str(clone))
    git(clone, "reset", "-q", "--hard", "HEAD~3")
    _am(clone, *series.files[1:])
    assert git(clone, "rev-parse", "HEAD^{tree}") == git(four, "rev-parse", "HEAD^{tree}")
    assert not list((four / ".git" / "voice" / "tmp").iterdir())


def test_options_that_rename_the_cover_letter_are_kept(four):
    series = patches.format_series(Repo.discover(four), ["-3", "-v2", "--rfc", "-o", "v2"], subject="Fix the parser", blurb="Because.", patch_note="")
    assert series.cover_letter.name == "v2-0000-cover-letter.patch"
    assert _read(series.cover_letter)["Subject"] == "[RFC PATCH v2 0/3] Fix the parser"


def test_one_patch_gets_the_note_below_the_dashes(repo, tmp_path):
    r = Repo.discover(repo)
    series = patches.format_series(r, ["-1", "-o", "one"], subject="x", blurb="x", patch_note="Über die Änderung: warum.\n")
    assert series.cover_letter is None and len(series.files) == 1
    msg = _read(series.files[0])
    assert msg.get_content_charset() == "utf-8"
    above, below = ("\n" + msg.get_content()).split("\n---\n", 1)
    assert "Über" not in above and "Voice note:\n    Über die Änderung: warum." in below
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "reset", "-q", "--hard", "HEAD~1")
    _am(clone, series.files[0])
    assert "Über" not in git(clone, "log", "-1", "--format=%B")


def test_commit_notes_ride_each_patch_audio_never(four, tmp_path):
    r = Repo.discover(four)
    audio = tmp_path / "a.flac"
    audio.write_bytes(b"fLaC-binary-AUDIO-bytes")
    notes.set_text(r, "HEAD~1", "Why this commit exists.\n")
    notes.set_audio(r, "HEAD~1", audio)
    series = patches.format_series(r, ["HEAD~3", "-o", "n"], subject="S", blurb="B", patch_note="")
    texts = [f.read_bytes() for f in series.files]
    assert b"Notes (voice):\n    Why this commit exists." in texts[2]
    assert not any(b"AUDIO-bytes" in t for t in texts)


def test_failure_leaves_no_files(repo):
    with pytest.raises(GitError):
        patches.format_series(Repo.discover(repo), ["no-such-rev", "-o", "bad"], subject="S", blurb="B", patch_note="")
    assert not (repo / "bad").exists()
    with pytest.raises(ConfigError):
        patches.split_output_dir(["--stdout", "-3"])


@pytest.mark.parametrize("args", [[], ["--notes"], ["--no-notes", "--notes"], ["--stdout"]])
def test_one_patch_keeps_its_commits_own_voice_note_beside_the_spoken_one(repo, args):
    """Defect 18 of #16: a one-patch series made with ``--audio`` must keep the note the
    commit already carries (git's ``Notes (voice):``) next to the new ``Voice note:``; a
    bare ``--notes`` (git's default notes ref) used to hide it."""
    r = Repo.discover(repo)
    notes.set_text(r, "HEAD", "Why this commit exists.\n")
    args = [a for a in args if a != "--stdout"] + (["-o", "one"] if "--stdout" not in args else [])
    series = patches.format_series(r, ["-1", *args], subject="x", blurb="x", patch_note="What the series does.\n")
    assert series.cover_letter is None and len(series.files) == 1
    below = series.files[0].read_text().split("\n---\n", 1)[1]
    diff_at = below.index("diff --git")
    assert 0 <= below.index("Voice note:\n    What the series does.") < diff_at
    assert 0 <= below.index("Notes (voice):\n    Why this commit exists.") < diff_at


def test_notes_the_user_names_or_turns_off_are_kept_as_chosen(repo):
    r = Repo.discover(repo)
    notes.set_text(r, "HEAD", "Why this commit exists.\n")
    for args in (["--no-notes"], ["--notes=refs/notes/commits"], ["--notes", "--no-notes"]):
        (f,) = patches.format_series(r, ["-1", "-o", "x", *args], subject="x", blurb="x", patch_note="").files
        assert "Why this commit exists." not in f.read_text(), args
        f.unlink()


def test_paths_after_double_dash_and_no_cover_letter_are_kept(four):
    """Options git-voice adds go before a ``--`` (after it everything is a path) and after
    the user's own, except ``--cover-letter``, which the user's ``--no-cover-letter`` beats."""
    r = Repo.discover(four)
    notes.set_text(r, "HEAD", "Why this commit exists.\n")
    series = patches.format_series(r, ["HEAD~3", "--no-cover-letter", "-o", "p", "--", "."], subject="S", blurb="B",
                                   patch_note="")
    assert series.cover_letter is None and len(series.files) == 3
    assert "Why this commit exists." in series.files[-1].read_text()
    one = patches.format_series(r, ["-1", "-o", "q", "--", "."], subject="S", blurb="B", patch_note="Spoken.\n")
    assert one.cover_letter is None and "Voice note:\n    Spoken." in one.files[0].read_text()


@pytest.mark.parametrize("mode", ["--attach", "--inline"])
@pytest.mark.parametrize("count", [1, 3])
def test_non_ascii_note_keeps_an_attached_or_inline_patch_multipart(four, tmp_path, mode, count):
    """Defect 1 of the misc report: with ``--attach``/``--inline`` git writes a
    multipart/mixed patch; a non-ASCII note replaced that header with text/plain, so
    ``git am`` took "This is a multi-part message in MIME format." and the part headers
    into the commit message. The charset goes on the text part; the series applies with
    every commit message as it was. ``count`` 3 is the cover-letter path (the note in
    the cover letter, the multipart patches as git wrote them)."""
    (four / "src" / "module_3.py").write_text("def café():\n    return 'crème'\n")
    git(four, "commit", "-q", "-a", "-m", "Änderung: café", "-m", "Warum: naïve — œuvre.\n\nZweite Zeile.")
    r = Repo.discover(four)
    series = patches.format_series(r, [f"-{count}", mode, "-o", "out"], subject=SUBJECT, blurb=BLURB,
                                   patch_note=f"{BLURB}\n\n— said aloud\n")
    assert (series.cover_letter is None) == (count == 1)
    applied = series.files if count == 1 else series.files[1:]
    for f in applied:
        msg = _read(f)
        assert msg.get_content_type() == "multipart/mixed", f.read_text()
        text, patch = list(msg.iter_parts())
        assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
        assert patch.get_content_type() == "text/x-patch" and "diff --git" in patch.get_content()
    if count == 1:
        text = next(_read(series.files[0]).iter_parts()).get_content()
        assert "Voice note:\n    解析器" in text.split("\n---\n", 1)[1] and "    — said aloud" in text
    else:
        cover = _read(series.cover_letter)
        assert cover["Subject"] == f"[PATCH 0/3] {SUBJECT}" and BLURB in cover.get_content()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(four), str(clone))
    git(clone, "reset", "-q", "--hard", f"HEAD~{count}")
    _am(clone, *applied)
    log = ["log", f"-{count}", "--format=%B%x00"]
    assert git(clone, *log) == git(four, *log)
    assert git(clone, "rev-parse", "HEAD^{tree}") == git(four, "rev-parse", "HEAD^{tree}")


def test_a_text_part_declared_ascii_is_declared_utf8_and_other_parts_are_kept(repo):
    """The text part of an attached patch that says us-ascii/7bit (git writes UTF-8; a
    patch from elsewhere may not) says UTF-8/8bit once a non-ASCII note is in it; its
    other parameters, the multipart header and the patch part stay as they were."""
    raw = git(repo, "format-patch", "-1", "--attach", "--stdout").encode()
    raw = raw.replace(b"charset=UTF-8; format=fixed\nContent-Transfer-Encoding: 8bit",
                      b"charset=us-ascii; format=fixed\nContent-Transfer-Encoding: 7bit", 1)
    out = patches.add_note_below_dashes(raw, "Über.\n")
    msg = email.message_from_bytes(out, policy=email.policy.default)
    text, patch = list(msg.iter_parts())
    assert text.get_content_charset() == "utf-8" and text.get_param("format") == "fixed"
    assert text["Content-Transfer-Encoding"] == "8bit" and "Voice note:\n    Über." in text.get_content()
    assert out.split(b"\n\n", 1)[0] == raw.split(b"\n\n", 1)[0]
    after = b"\nContent-Type: text/x-patch"
    assert out.split(after)[1] == raw.split(after)[1]  # the patch part, byte for byte
    with pytest.raises(GitError, match="iso-8859-1"):
        patches.add_note_below_dashes(raw.replace(b"charset=us-ascii", b"charset=iso-8859-1"), "Über.\n")
