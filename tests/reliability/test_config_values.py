"""``voice.*`` values: what the README documents is accepted, what would silently disable a
limit (nan, inf) is refused with one line."""

from __future__ import annotations

import pytest

from ..helpers import git


@pytest.mark.parametrize("key,value", [
    ("voice.biasStrength", "0"),  # README: 0 turns biasing off
    ("voice.device", "cuda:0"),  # as --device cuda:0
    ("voice.device", "CPU"),
    ("voice.maxSeconds", "60.5"),
    ("voice.beamSize", "32"),
])
def test_documented_values_are_accepted(repo, gv, key, value):
    git(repo, "config", key, value)
    r = gv("transcribe", "missing.wav")  # settings are read before the file is looked at
    assert r.code == 2 and "missing.wav" in r.err and key.split(".")[1].lower() not in r.err.lower(), r


@pytest.mark.parametrize("key,value", [
    ("voice.maxSeconds", "nan"),
    ("voice.maxSeconds", "inf"),
    ("voice.maxRecordSeconds", "NaN"),
    ("voice.biasStrength", "nan"),
    ("voice.biasStrength", "-1"),
    ("voice.beamSize", "0"),
    ("voice.beamSize", "33"),  # the warm server's limit too
    ("voice.beamSize", "99999999999999999999"),  # overflowed inside torch
    ("voice.device", "cuda:x"),
])
def test_values_that_would_disable_a_limit_are_refused(repo, gv, key, value):
    git(repo, "config", key, value)
    r = gv("transcribe", "missing.wav")
    lines = r.err.strip().splitlines()
    assert r.code == 2 and len(lines) == 1 and key in lines[0] and repr(value) in lines[0], r
