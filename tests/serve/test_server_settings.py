"""The warm server decodes with the calling repository's voice.beamSize and voice.biasStrength,
not with the settings it was started with."""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

import pytest

from git_voice.app import transcribe as pipeline
from git_voice.app.serve import request_options
from git_voice.asr import models
from git_voice.serve import client, server
from git_voice.asr.registry import load_engine
from git_voice.config import Settings

from .test_server import TEXT, no_default_server, short_dir  # noqa: F401 (fixtures)


def engine_tokenizer():
    return load_engine(None, "cpu")[0].processor.tokenizer


@contextlib.contextmanager
def serving(settings: Settings, seen: list) -> Iterator[client.Address]:
    """The real server and engine; ``seen`` records the options each request decoded with."""
    engine, _ = load_engine(None, "cpu")
    real = engine.transcribe

    def recording(samples, options):
        seen.append(options)
        return real(samples, options)

    engine.transcribe = recording
    addr = client.Address("http", "127.0.0.1", 0)
    srv = server.make_server(addr, server.Transcriber(engine, models.resolve(None).key, settings, request_options))
    bound = server.bound_address(srv, addr)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield bound
    finally:
        srv.shutdown()
        server.cleanup(srv, bound)


@pytest.mark.parametrize("server_side,caller", [
    (Settings(), Settings(bias_strength=0.0, beam_size=2)),
    (Settings(bias_strength=0.0, beam_size=2), Settings()),
])
def test_server_applies_the_callers_beam_size_and_bias_strength(bundled_model, speech, server_side, caller):
    seen: list = []
    with serving(server_side, seen) as addr:
        caller.server = str(addr)
        request = pipeline.Request(settings=caller, hotwords=("max_wait",), progress=None)
        result = pipeline.transcribe_files([speech(TEXT)], request)[0]
    assert result.device == "cpu" and result.timings["load"] == 0.0  # the server did it
    (options,) = seen
    assert options.beam_size == caller.beam_size
    assert options.biasing.strength == caller.bias_strength
    assert (options.biasing.logits_processors(engine_tokenizer()) == []) == (caller.bias_strength == 0)


def test_bad_settings_fields_are_a_400(bundled_model):
    with pytest.raises(server.BadRequest):
        server.request_settings(Settings(), {"bias_strength": "nan"})
    with pytest.raises(server.BadRequest):
        server.request_settings(Settings(), {"beam_size": "0"})
