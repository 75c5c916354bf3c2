"""``git voice serve``: load the model once, then answer transcription requests until stopped."""

from __future__ import annotations

import signal
import threading
from typing import Callable

from .. import ui
from ..asr import models
from ..asr.registry import load_engine
from ..codeterms import terms as codeterms
from ..codeterms.everyday import everyday_words
from ..codeterms.snap import PLAIN_ZIPF
from ..config import Settings
from ..errors import ConfigError
from ..serve import client, server
from .transcribe import decode_options


def listen_address(listen: str | None, configured: str | None) -> client.Address:
    """--listen, else voice.server if it names this machine, else the default socket."""
    if listen:
        addr = client.parse_address(listen)
        if addr.scheme == "http" and not addr.is_local:
            ui.warn(f"listening on {addr.host}: anyone who reaches it can send audio to this model")
        return addr
    addr, _ = client.configured_address(configured)
    if addr is None or not addr.is_local:
        addr = client.Address("unix", path=str(client.default_socket_path()))
    if addr.scheme == "https":
        raise ConfigError("git voice serve speaks plain HTTP: put a TLS proxy in front for https")
    return addr


def options_for(settings: Settings) -> server.OptionsFor:
    """How the server builds a request's decode options: as in-process, from ``settings``."""

    def build(terms: list[str], language: str | None):
        return decode_options(settings, language, codeterms.collect(terms))

    return build


def serve(
    settings: Settings, listen: str | None, model: str | None, device: str | None,
    ready: Callable[[client.Address], None] | None = None,
) -> None:
    """Load the model, bind the address, call ``ready(address)``, and serve until SIGINT or SIGTERM."""
    addr = listen_address(listen, settings.server)
    name = model if model is not None else settings.model
    server.ensure_free(addr)  # before the slow model load, not after
    engine, seconds = load_engine(name, device or settings.device, ui.info)
    everyday_words(PLAIN_ZIPF)  # writes the cached word list the hook's snapping reads

    model_thread = server.ModelThread()  # this (the main) thread runs the model
    transcriber = server.Transcriber(engine, models.resolve(name).key, settings, options_for(settings), model_thread)
    engine.warm_up()  # on this thread, which runs every request: the first take pays no one-off costs
    srv = server.make_server(addr, transcriber)
    bound = server.bound_address(srv, addr)
    # Before saying it is ready: a SIGTERM right after the ready line must stop it cleanly.
    # SIGINT (Ctrl-C, kill -INT) too, set here rather than inherited: a shell starts
    # background jobs with SIGINT ignored, and Python then never turns it into
    # KeyboardInterrupt. A request in hand finishes first.
    stop = lambda *_: model_thread.stop()  # noqa: E731
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    http = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    http.start()
    try:
        ui.info(f"{engine.name} on {engine.device} loaded in {seconds:.1f} s; listening on {bound}")
        if ready:
            ready(bound)
        model_thread.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        srv.shutdown()
        server.cleanup(srv, bound)
