"""Which argument of ``git voice format-patch`` names the series (``app/format_patch.py``)."""

from __future__ import annotations

from git_voice.app.format_patch import guess_range
from git_voice.gitops.repo import Repo

from ..helpers import make_repo


def test_an_options_value_is_never_the_range(tmp_path):
    repo = Repo.discover(make_repo(tmp_path / "r", commits=3))
    assert guess_range(repo, ["-o", "../out", "HEAD~2..HEAD"]) == "HEAD~2..HEAD"
    assert guess_range(repo, ["--to", "dev..list@example.org", "HEAD~2..HEAD"]) == "HEAD~2..HEAD"
    assert guess_range(repo, ["--base", "HEAD~2", "HEAD~1"]) == "HEAD~1"
    assert guess_range(repo, ["-v", "2", "--subject-prefix", "PATCH x..y", "-2"]) == "-2"
    assert guess_range(repo, ["--to=a..b@example.org", "HEAD~1"]) == "HEAD~1"
    assert guess_range(repo, ["-o", "out", "--", "src"]) is None
