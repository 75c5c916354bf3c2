from __future__ import annotations

import email
import email.policy

from ..helpers import git, make_repo, wer
from .notes_audio import NOTE


def test_format_patch_fills_cover_letter_and_series_applies(tmp_path, monkeypatch, gv, speech, bundled_model):
    repo = make_repo(tmp_path / "repo", commits=4)
    monkeypatch.chdir(repo)
    r = gv("format-patch", "HEAD~3", "--audio", str(speech(NOTE)), "-o", "series", "--subject-prefix=PATCH demo")
    assert r.code == 0, r
    files = [repo / line for line in r.out.splitlines()]
    assert len(files) == 4 and all(f.parent == repo / "series" for f in files)
    raw = files[0].read_bytes()
    assert b"*** SUBJECT HERE ***" not in raw and b"*** BLURB HERE ***" not in raw
    cover = email.message_from_bytes(raw, policy=email.policy.default)
    subject = cover["Subject"]
    assert subject.startswith("[PATCH demo 0/3] ") and len(subject) - len("[PATCH demo 0/3] ") <= 72
    assert "config loader" in subject.lower()
    body = cover.get_content()
    assert wer(NOTE, body.split("\n\nAda Tester (3):")[0]) < 0.25
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "reset", "-q", "--hard", "HEAD~3")
    git(clone, "-c", "user.name=R", "-c", "user.email=r@example.com", "am", "-q", *map(str, files[1:]))
    assert git(clone, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")


def test_format_patch_stdout_is_an_mbox_that_applies(tmp_path, monkeypatch, gv, speech, bundled_model):
    """`--stdout` prints the filled series as one mbox, as git's own --stdout does, and writes no file."""
    import mailbox

    repo = make_repo(tmp_path / "repo", commits=3)
    monkeypatch.chdir(repo)
    r = gv("format-patch", "--stdout", "HEAD~2", "--audio", str(speech(NOTE)))
    assert r.code == 0, r
    assert git(repo, "status", "--porcelain") == ""
    mbox_path = tmp_path / "series.mbox"
    mbox_path.write_text(r.out)
    messages = list(mailbox.mbox(str(mbox_path)))
    assert [m["Subject"].split("]")[0] for m in messages] == ["[PATCH 0/2", "[PATCH 1/2", "[PATCH 2/2"]
    assert "*** SUBJECT HERE ***" not in r.out and "*** BLURB HERE ***" not in r.out
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "reset", "-q", "--hard", "HEAD~2")
    # The cover letter is an empty patch: drop it, as a maintainer applying the mbox would.
    git(clone, "-c", "user.name=R", "-c", "user.email=r@example.com", "am", "-q", "--empty=drop", str(mbox_path))
    assert git(clone, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")


def test_format_patch_stdout_with_o_is_refused_before_transcribing(repo, gv):
    r = gv("format-patch", "-3", "--stdout", "-o", "out", "--audio", "missing.wav")
    assert r.code == 2 and "--stdout and -o" in r.err


def test_one_patch_with_audio_keeps_the_commits_own_voice_note(repo, gv, speech, bundled_model, tmp_path):
    """Defect 18 of #16: the walk-through of a one-patch series goes below its ``---`` and
    the note the commit carries stays there too."""
    own = "The cache now expires entries after an hour instead of keeping them forever."
    assert gv("note", "add", "HEAD", "--audio", str(speech(own))).code == 0
    r = gv("format-patch", "-1", "-o", str(tmp_path / "out"), "--audio", str(speech(NOTE)))
    assert r.code == 0, r
    (patch,) = sorted((tmp_path / "out").glob("*.patch"))
    below = patch.read_text("utf-8").split("\n---\n", 1)[1].split("\ndiff --git", 1)[0]
    spoken, _, rest = below.partition("Voice note:\n")[2].partition("\n\n")
    assert wer(NOTE, spoken) < 0.3, below
    assert wer(own, below.split("Notes (voice):\n", 1)[1].split("\n\n", 1)[0]) < 0.3, below
