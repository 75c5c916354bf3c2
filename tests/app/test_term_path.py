"""One term path: every command that transcribes against a change draws the same code
terms from it (``app.transcribe.candidates_of``), and writes them in code form.

One real repository, one synthesised note, the real model: the note names the change's
``dry_run`` flag and ``deploy_release`` function, said as words.
"""

from __future__ import annotations

import json

import pytest

from git_voice.app.transcribe import candidates_of
from git_voice.gitops.changes import ChangeRef
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo

SAID = "With the dry run flag, deploy release prints the plan and runs nothing."
BEFORE = "def deploy_release(tag):\n    run_steps(tag)\n"
AFTER = (
    "def deploy_release(tag, dry_run=False):\n"
    "    if dry_run:\n"
    "        print_plan(tag)\n"
    "        return\n"
    "    run_steps(tag)\n"
)
TERMS = ("dry_run", "deploy_release")


@pytest.fixture(scope="module")
def note(tmp_path_factory):
    from ..helpers import synth

    return synth(SAID)


@pytest.fixture
def change(tmp_path, monkeypatch):
    """A repository whose HEAD commit adds ``dry_run`` to ``deploy_release``."""
    path = make_repo(tmp_path / "repo", commits=1)
    (path / "deploy.py").write_text(BEFORE)
    git(path, "add", "deploy.py")
    git(path, "commit", "-q", "-m", "Add deploy_release")
    (path / "deploy.py").write_text(AFTER)
    monkeypatch.chdir(path)
    return path


def _has_terms(text: str) -> bool:
    return all(term in text for term in TERMS)


def test_every_change_kind_gives_the_same_candidates(change):
    repo = Repo.discover(change)
    git(change, "add", "deploy.py")
    staged = candidates_of(repo, ChangeRef.staged())
    assert {"dry_run", "deploy_release"} <= {c.term for c in staged}
    git(change, "commit", "-q", "-m", "Add a dry run")
    assert candidates_of(repo, ChangeRef.commit("HEAD")) == staged
    assert candidates_of(repo, ChangeRef.range("HEAD~1..HEAD")) == staged
    assert candidates_of(repo, ChangeRef.range("-1")) == staged


def test_a_change_that_cannot_be_resolved_is_an_error_not_no_terms(change, gv, note):
    r = gv("transcribe", str(note), "--hotwords-from", "no-such-branch..HEAD")
    assert r.code == 2 and "cannot read the change" in r.err and r.err.count("\n") == 1, r


def test_note_add_writes_what_transcribe_hotwords_from_writes(change, gv, note, bundled_model):
    git(change, "add", "deploy.py")
    git(change, "commit", "-q", "-m", "Add a dry run")
    said = gv("transcribe", str(note), "--hotwords-from", "HEAD~1..HEAD", "--format", "json")
    assert said.code == 0, said
    text = json.loads(said.out)["text"]
    assert _has_terms(text), text
    added = gv("note", "add", "HEAD", "--audio", str(note))
    assert added.code == 0, added
    assert added.out.strip() == text
    assert _has_terms(git(change, "notes", "--ref=voice", "show", "HEAD"))


def test_commit_and_format_patch_write_code_forms(change, gv, note, bundled_model, tmp_path):
    git(change, "add", "deploy.py")
    r = gv("commit", "--audio", str(note), "--no-edit")
    assert r.code == 0, r
    assert _has_terms(git(change, "log", "-1", "--format=%B"))
    out = tmp_path / "series"
    r = gv("format-patch", "-1", "-o", str(out), "--audio", str(note))
    assert r.code == 0, r
    (patch,) = sorted(out.glob("*.patch"))
    assert _has_terms(patch.read_text("utf-8"))


def test_the_hook_writes_code_forms(change, gv, note, bundled_model):
    assert gv("hook", "install").code == 0
    assert gv("note", "stage", str(note)).code == 0
    git(change, "add", "deploy.py")
    git(change, "commit", "-q")  # GIT_EDITOR=: in the tests: the hook's message is kept
    assert _has_terms(git(change, "log", "-1", "--format=%B"))
    assert _has_terms(git(change, "notes", "--ref=voice", "show", "HEAD"))


def test_subtitles_and_json_segments_write_the_code_forms_the_text_writes(change, gv, note, bundled_model):
    git(change, "add", "deploy.py")
    git(change, "commit", "-q", "-m", "Add a dry run")
    said = gv("transcribe", str(note), "--hotwords-from", "HEAD~1..HEAD", "--format", "json")
    assert said.code == 0, said
    data = json.loads(said.out)
    assert _has_terms(data["text"]), data
    assert _has_terms(" ".join(s["text"] for s in data["segments"])), data["segments"]
    for fmt in ("srt", "vtt"):
        cues = gv("transcribe", str(note), "--hotwords-from", "HEAD~1..HEAD", "--format", fmt)
        assert cues.code == 0 and _has_terms(cues.out), (fmt, cues)
