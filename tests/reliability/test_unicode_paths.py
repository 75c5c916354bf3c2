"""Paths with non-ASCII letters reach code terms, scopes and subjects as written, never in
git's octal-quoted form (core.quotePath)."""

from __future__ import annotations

import json

from ..helpers import git, make_repo


def test_non_ascii_file_names_are_terms_and_scopes_as_written(tmp_path, gv, monkeypatch, speech, bundled_model):
    repo = make_repo(tmp_path / "repo", commits=1)
    monkeypatch.chdir(repo)
    (repo / "fïle_name.py").write_text("def parse_headers(raw):\n    return raw.split()\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "x")
    r = gv("transcribe", str(speech("The parse headers function now splits the raw text.")),
           "--hotwords-from", "HEAD~1..HEAD", "--format", "json")
    assert r.code == 0, r
    hotwords = json.loads(r.out)["hotwords"]
    assert "fïle_name.py" in hotwords and "parse_headers" in hotwords, hotwords
    assert not any("\\" in h or '"' in h for h in hotwords), hotwords
    (repo / "fïle_name.py").write_text("def parse_headers(raw):\n    return raw.split(',')\n")
    git(repo, "add", "-A")
    r = gv("commit", "--audio", str(speech("I fixed the header parser for commas.")), "--no-edit")
    assert r.code == 0, r
    assert git(repo, "log", "-1", "--format=%s").startswith("fix(fïle_name): ")
