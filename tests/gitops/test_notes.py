from __future__ import annotations

import pytest

from git_voice.gitops import notes
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo


def test_text_and_audio_notes_round_trip(repo, tmp_path):
    r = Repo.discover(repo)
    audio = tmp_path / "take.flac"
    audio.write_bytes(bytes(range(256)) * 40 + b"\n\n  trailing  \n")  # any bytes: must survive exactly
    notes.set_text(r, "HEAD~1", "修复了解析器。\n")
    notes.set_audio(r, "HEAD~1", audio)
    assert notes.get_text(r, "HEAD~1") == "修复了解析器。\n"
    assert notes.get_audio(r, "HEAD~1") == audio.read_bytes()
    assert notes.get_text(r, "HEAD") is None and notes.get_audio(r, "HEAD") is None
    log = git(repo, "log", "-1", "--notes=voice", "HEAD~1")
    assert "Notes (voice):" in log and "修复了解析器。" in log


def test_amend_keeps_notes_only_with_rewrite_ref(repo, tmp_path):
    r = Repo.discover(repo)
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFFaudio")
    notes.set_text(r, "HEAD", "first note\n")
    git(repo, "commit", "-q", "--amend", "-m", "Amended")
    assert notes.get_text(r, "HEAD") is None  # git's default: notes stay on the old commit
    assert notes.ensure_rewrite_refs(r) == [notes.TEXT_REF, notes.AUDIO_REF]
    assert notes.ensure_rewrite_refs(r) == []  # idempotent
    notes.set_text(r, "HEAD", "second note\n")
    notes.set_audio(r, "HEAD", audio)
    git(repo, "commit", "-q", "--amend", "-m", "Amended again")
    assert notes.get_text(r, "HEAD") == "second note\n"
    assert notes.get_audio(r, "HEAD") == b"RIFFaudio"


def test_bundle_hand_off_carries_transcript_and_audio(repo, tmp_path):
    r = Repo.discover(repo)
    audio = tmp_path / "note.flac"
    audio.write_bytes(b"fLaC" + bytes(1000))
    notes.set_text(r, "HEAD", "explained by voice\n")
    notes.set_audio(r, "HEAD", audio)
    bundle = tmp_path / "hand-off.bundle"
    git(repo, "bundle", "create", str(bundle), "--all")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(bundle), str(clone))
    # A clone copies branches only; the notes refs are fetched from the bundle explicitly.
    git(clone, "fetch", "-q", "origin", "refs/notes/*:refs/notes/*")
    c = Repo.discover(clone)
    assert notes.get_text(c, "HEAD") == "explained by voice\n"
    assert notes.get_audio(c, "HEAD") == audio.read_bytes()


def test_a_batch_of_notes_moves_both_refs_at_once_and_can_be_undone(tmp_path):
    from git_voice.errors import GitError
    from git_voice.gitops import notes as gn
    from git_voice.gitops.repo import Repo

    path = make_repo(tmp_path / "r", commits=3)
    repo = Repo.discover(path)
    shas = git(path, "rev-list", "HEAD").split()
    gn.set_text(repo, shas[2], "old note")
    before = git(path, "for-each-ref", "refs/notes")
    audio = tmp_path / "a.flac"
    audio.write_bytes(b"fLaC not really")
    plan = gn.prepare_batch(repo, {shas[0]: "one", shas[1]: "two"}, {shas[0]: audio, shas[1]: None})
    assert git(path, "for-each-ref", "refs/notes") == before  # built, nothing moved, no scratch ref left
    gn.apply_batch(repo, plan)
    assert gn.get_text(repo, shas[0]) == "one\n" and gn.get_text(repo, shas[1]) == "two\n"
    assert gn.get_text(repo, shas[2]) == "old note\n" and gn.get_audio(repo, shas[0]) == audio.read_bytes()
    gn.undo_batch(repo, plan)
    assert git(path, "for-each-ref", "refs/notes") == before
    # A ref another process moved in between: the transaction refuses, nothing moves.
    plan = gn.prepare_batch(repo, {shas[0]: "one"}, {shas[0]: audio})
    gn.set_text(repo, shas[1], "meanwhile")
    moved = git(path, "for-each-ref", "refs/notes")
    with pytest.raises(GitError):
        gn.apply_batch(repo, plan)
    assert git(path, "for-each-ref", "refs/notes") == moved
