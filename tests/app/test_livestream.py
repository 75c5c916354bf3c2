"""The bounds of live takes streamed in chunks (git_voice.app.livestream): no model runs."""

from __future__ import annotations

import numpy as np
import pytest

from git_voice.app.livestream import LiveStreamError, LiveStreams, samples_of
from git_voice.app.transcribe import Request
from git_voice.config import load_settings
from git_voice.errors import AudioError


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_stream_is_dropped(repo):
    clock = Clock()
    streams = LiveStreams(max_streams=1, idle_seconds=60, clock=clock)
    request = Request(settings=load_settings(repo), progress=None)
    streams.start("page-load-a", "0" * 40, 16000, request, max_seconds=10)
    with pytest.raises(LiveStreamError) as full:
        streams.start("page-load-b", "0" * 40, 16000, request, max_seconds=10)
    assert full.value.kind == "full"
    clock.now = 30
    streams.get("page-load-a").feed(np.zeros(1600, "<f4").tobytes())  # fed: not idle
    clock.now = 89
    assert streams.get("page-load-a").seconds == pytest.approx(0.1)
    clock.now = 91
    with pytest.raises(LiveStreamError) as gone:
        streams.get("page-load-a")
    assert gone.value.kind == "unknown" and len(streams) == 0
    streams.start("page-load-b", "0" * 40, 16000, request, max_seconds=10)


def test_a_take_is_no_longer_than_max_seconds(repo):
    streams = LiveStreams()
    stream = streams.start("page-load-a", "0" * 40, 8000, Request(settings=load_settings(repo), progress=None), max_seconds=2)
    stream.feed(np.zeros(8000, "<f4").tobytes())
    stream.feed(np.zeros(8000, "<f4").tobytes())
    with pytest.raises(LiveStreamError, match="voice.maxSeconds") as over:
        stream.feed(np.zeros(8, "<f4").tobytes())
    assert over.value.kind == "too_big"
    stream.abandon()


@pytest.mark.parametrize("data, kind", [(b"abc", "bad"), (np.array([np.inf], "<f4").tobytes(), "bad"),
                                        (np.array([50.0], "<f4").tobytes(), "bad"),
                                        (np.zeros(5 * 16000 + 1, "<f4").tobytes(), "too_big")])
def test_samples_of_refuses_what_is_not_audio(data, kind):
    with pytest.raises(LiveStreamError) as refused:
        samples_of(data, 16000)
    assert refused.value.kind == kind


def test_samples_of_reads_float32():
    given = np.array([0.0, 0.5, -1.0, 1.2], "<f4")
    assert samples_of(given.tobytes(), 16000).tolist() == [0.0, 0.5, -1.0, 1.0]


def test_a_failing_live_transcription_gives_none_for_the_post_hoc_path(repo, speech, tmp_path):
    """A model that cannot load fails the worker: finish() says None (the web page then
    transcribes the take whole, as an upload), it does not raise."""
    import soundfile as sf

    path = speech("The cache of users is kept between requests.")
    samples, rate = sf.read(path, dtype="float32")
    request = Request(settings=load_settings(repo), model=str(tmp_path / "no-such-model"), progress=None)
    stream = LiveStreams().start("page-load-a", "0" * 40, rate, request, max_seconds=60)
    for i in range(0, len(samples), rate // 2):
        stream.feed(samples[i : i + rate // 2].astype("<f4").tobytes())
    assert stream.finish(path) is None and stream.live.error is not None
    junk = tmp_path / "take.wav"
    junk.write_bytes(b"RIFF but no audio")
    with pytest.raises(AudioError, match="not a readable audio file"):
        LiveStreams().start("page-load-b", "0" * 40, rate, request, max_seconds=60).finish(junk)
