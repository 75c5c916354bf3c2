"""The client's reading of a server's reply (``serve/client.py``): whatever a third-party
server sends, a transcription or a fall-back to transcribing here, never an internal error."""

from __future__ import annotations

import pytest

from git_voice.serve import client


def _engine() -> client.RemoteEngine:
    return client.RemoteEngine(client.parse_address("http://127.0.0.1:8798"), None, explicit=True)


@pytest.mark.parametrize("reply", [
    [{"text": "a list, not an object"}],
    {"segments": "not a list"},
    {"segments": [{"start": None, "end": 1.0, "text": "no start"}]},
    {"segments": [{"start": "soon", "end": 1.0, "text": "a word for a time"}]},
    {"segments": ["a string, not a segment"]},
    {"segments": [{"start": float("nan"), "end": 1.0, "text": "nan"}]},
    {"segments": [{"start": 0.0, "end": float("inf"), "text": "inf"}]},
])
def test_a_reply_that_is_not_a_transcription_makes_the_caller_transcribe_here(reply):
    with pytest.raises(client.ServerUnavailable, match="127.0.0.1:8798"):
        _engine()._result(reply)


def test_odd_but_readable_replies_are_read():
    result = _engine()._result({"text": " only text ", "segments": None, "rereads": 7, "language": ["en"],
                                "model": 5})
    assert [s.text for s in result.segments] == ["only text"] and result.language is None
    result = _engine()._result({"segments": [{"start": 0, "end": "1.5", "text": " hi "}], "language": "en"})
    assert [(s.start, s.end, s.text) for s in result.segments] == [(0.0, 1.5, "hi")] and result.language == "en"
