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


def test_commit_arguments_are_read_as_git_reads_them():
    p = changes.parse_commit_args
    assert p(["-as"]).mode == "all" and p(["-am", "msg"]).mode == "all"
    assert p(["-mfix", "a.py"]).paths == ("a.py",)  # -m's value is the rest of the cluster
    assert p(["-m", "a.py"]).paths == ()  # ... or the next argument
    assert p(["-S", "a.py"]).paths == ("a.py",)  # -S takes a key only attached
    assert p(["-i", "a", "b"]).mode == "include" and p(["a"]).mode == "only" and p(["-v", "-s"]).mode == "index"
    assert p(["--", "-x.py"]).paths == ("-x.py",)
    assert p(["--amend", "--cleanup", "scissors"]) == changes.CommitArgs(amend=True, cleanup="scissors")
    # A unique prefix is the option, as git reads it; an ambiguous one is not (--a: --all, --amend, ...).
    assert p(["--amen", "--clean=verbatim"]) == changes.CommitArgs(amend=True, cleanup="verbatim")
    assert p(["--inc", "x"]).mode == "include" and p(["--onl", "x"]).mode == "only" and not p(["--a"]).amend


def test_the_planned_commit_is_what_git_commit_records(tmp_path):
    path = make_repo(tmp_path / "r", commits=1)
    (path / "sub").mkdir()
    for name in ("a.py", "sub/a.py", "README"):
        (path / name).write_text("x\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "files")
    repo = Repo.discover(path)
    for name in ("a.py", "sub/a.py"):
        (path / name).write_text("def load_config(): pass\n")
    (path / "README").write_text("staged\n")
    git(path, "add", "README")
    index_before = git(path, "ls-files", "--stage")
    cases = {
        ("index", ()): {"README"},
        ("only", ("a.py",)): {"sub/a.py"},  # run in sub/: the path is sub/a.py, and README stays out
        ("include", ("a.py",)): {"sub/a.py", "README"},
        ("all", ()): {"a.py", "sub/a.py", "README"},
    }
    for (mode, paths), expected in cases.items():
        plan = changes.planned_commit(repo, changes.CommitArgs(mode, paths), str(path / "sub"))
        assert {c.path for c in changes.files(repo, plan.ref)} == expected, mode
    assert git(path, "ls-files", "--stage") == index_before  # worked out aside: the index is as it was
    # --amend: the amended commit's own change (it added the three files) with the index's README.
    amend = changes.planned_commit(repo, changes.CommitArgs(amend=True), str(path))
    assert {c.path for c in changes.files(repo, amend.ref)} == {"a.py", "sub/a.py", "README"}
    assert "+staged" in changes.diff(repo, amend.ref) and amend.parent_commit == git(path, "rev-parse", "HEAD~1").strip()


def test_pathspecs_name_only_files_git_knows_as_git_commit_reads_them(tmp_path):
    path = make_repo(tmp_path / "r", commits=1)
    repo = Repo.discover(path)
    (path / "src" / "module_0.py").write_text("def load_config():\n    return 2\n")
    (path / "src" / "users.py").write_text("def get_user_by_id(i):\n    return i\n")  # untracked
    for spec in (["src"], ["."], [":/"], ["src/*.py"], ["-i", "src"]):
        plan = changes.planned_commit(repo, changes.parse_commit_args(spec), str(path))
        assert {c.path for c in changes.files(repo, plan.ref)} == {"src/module_0.py"}, spec
    with pytest.raises(GitError, match="did not match any file"):
        changes.planned_commit(repo, changes.parse_commit_args(["src/users.py"]), str(path))
    (tmp_path / "list").write_text("src/module_0.py\n")
    plan = changes.planned_commit(repo, changes.parse_commit_args([f"--pathspec-from-file={tmp_path / 'list'}"]),
                                  str(path))
    assert {c.path for c in changes.files(repo, plan.ref)} == {"src/module_0.py"}


def test_amend_only_without_paths_is_the_amended_commits_own_change(tmp_path):
    path = make_repo(tmp_path / "r", commits=2)
    repo = Repo.discover(path)
    (path / "src" / "module_0.py").write_text("staged, left out\n")
    git(path, "add", "-A")
    plan = changes.planned_commit(repo, changes.parse_commit_args(["--amend", "--only"]), str(path))
    assert {c.path for c in changes.files(repo, plan.ref)} == {"src/module_1.py"}


def test_options_that_give_git_commit_a_message_are_named():
    assert changes.parse_commit_args(["-am", "x"]).message_options == ("-m",)
    assert changes.parse_commit_args(["--fixup", "HEAD", "-s"]).message_options == ("--fixup",)
    assert changes.parse_commit_args(["-s", "-v"]).message_options == ()


def test_unresolved_conflicts_are_named_as_such(tmp_path):
    path = make_repo(tmp_path / "r", commits=1)
    git(path, "checkout", "-q", "-b", "side")
    (path / "src" / "module_0.py").write_text("side\n")
    git(path, "commit", "-q", "-am", "side")
    git(path, "checkout", "-q", "main")
    (path / "src" / "module_0.py").write_text("main\n")
    git(path, "commit", "-q", "-am", "main")
    git(path, "merge", "-q", "side", check=False)
    with pytest.raises(GitError, match="unresolved conflicts"):
        changes.planned_commit(Repo.discover(path), changes.CommitArgs(), str(path))
