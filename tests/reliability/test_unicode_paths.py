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


def test_a_file_name_that_is_not_utf8_is_printed_with_a_replacement_character(tmp_path, gv):
    # Silence needs no model: each file gets its header and an empty transcript.
    import numpy as np
    import soundfile as sf

    plain = tmp_path / "plain.wav"
    sf.write(str(plain), np.zeros(16000, np.float32), 16000)
    odd = tmp_path.joinpath(b"n\xffame.wav".decode("utf-8", "surrogateescape"))
    odd.write_bytes(plain.read_bytes())
    r = gv("transcribe", str(odd), str(plain))
    assert r.code == 0, r
    assert "==> " + str(tmp_path) + "/n\ufffdame.wav <==" in r.out and f"==> {plain} <==" in r.out, r
