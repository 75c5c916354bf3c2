"""The revisions ``--hotwords-from`` and the commands take (``gitops/changes.py``), read as
git and format-patch read them."""

from __future__ import annotations

import pytest

from git_voice.errors import GitError
from git_voice.gitops import changes
from git_voice.gitops.changes import ChangeRef
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo


def _paths(repo: Repo, rev: str) -> set[str]:
    return {c.path for c in changes.files(repo, ChangeRef.range(rev))}


def test_git_revision_forms_name_the_commits_git_means(tmp_path):
    repo = Repo.discover(make_repo(tmp_path / "r", commits=3))
    last = {"src/module_2.py"}
    assert _paths(repo, "HEAD^!") == last  # the commit alone
    assert _paths(repo, "HEAD~1^!") == {"src/module_1.py"}
    assert _paths(repo, "HEAD^-") == last  # its first parent to it
    assert _paths(repo, ":/Add module 1") == {"src/module_2.py"}  # since the commit the message names
    assert _paths(repo, "-2") == {"src/module_1.py", "src/module_2.py"}


def test_more_commits_than_there_are_is_all_of_them_as_format_patch_takes_it(tmp_path):
    path = make_repo(tmp_path / "r", commits=1)
    repo = Repo.discover(path)
    assert _paths(repo, "-1") == {"src/module_0.py"}
    assert _paths(repo, "-5") == {"src/module_0.py"}
    git(path, "format-patch", "-q", "-1", "-o", str(tmp_path / "out"))  # git agrees: a root commit is fine


def test_an_unknown_revision_is_still_an_error(tmp_path):
    repo = Repo.discover(make_repo(tmp_path / "r", commits=2))
    for rev in ("nope^!", ":/no commit says this", "nope"):
        with pytest.raises(GitError):
            changes.files(repo, ChangeRef.range(rev))
