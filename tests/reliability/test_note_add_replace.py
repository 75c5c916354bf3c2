"""``git voice note add`` never replaces a commit's voice note silently."""

from __future__ import annotations

from ..cli.notes_audio import NOTE
from ..helpers import git

OTHER = "The cache now expires entries after an hour instead of keeping them forever."


def test_note_add_refuses_to_replace_unless_forced(repo, gv, speech, bundled_model):
    first = speech(NOTE)
    assert gv("note", "add", "HEAD", "--audio", str(first)).code == 0
    text = git(repo, "notes", "--ref=voice", "show", "HEAD")
    audio = git(repo, "notes", "--ref=voice-audio", "list", "HEAD")
    r = gv("note", "add", "HEAD", "--audio", str(speech(OTHER)))
    lines = r.err.strip().splitlines()
    assert r.code == 2 and len(lines) == 1 and "already has a voice note" in lines[0] and "--force" in lines[0], r
    assert git(repo, "notes", "--ref=voice", "show", "HEAD") == text
    assert git(repo, "notes", "--ref=voice-audio", "list", "HEAD") == audio
    r = gv("note", "add", "HEAD", "--audio", str(speech(OTHER)), "--force")
    assert r.code == 0, r
    assert "expires" in git(repo, "notes", "--ref=voice", "show", "HEAD")
    assert git(repo, "notes", "--ref=voice-audio", "list", "HEAD") != audio
