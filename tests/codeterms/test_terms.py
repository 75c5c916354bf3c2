"""The term set every command and the warm server decode with (``codeterms/terms.py``)."""

from __future__ import annotations

from git_voice.codeterms import terms
from git_voice.codeterms.candidates import Candidate


def test_overlong_and_too_many_extra_terms_are_left_out():
    # A warm server's request names its terms in its prompt: one of 200 000 characters
    # took gigabytes to bias toward, and the kernel killed the server.
    huge = "x" * 200_000
    got = terms.collect([huge, "load_config"], [Candidate("y" * 500, 1.0), Candidate("get_user_by_id", 1.0)])
    assert got.written_forms() == ["load_config", "get_user_by_id"]
    many = [f"term_{i}" for i in range(terms.MAX_EXTRA_TERMS + 50)]
    assert len(terms.collect(many).written_forms()) == terms.MAX_EXTRA_TERMS
