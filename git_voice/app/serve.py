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
        addr = client.parse_address(listen, "--listen")
        if addr.scheme == "https":
            raise ConfigError(f"--listen {listen!r}: git voice serve speaks plain HTTP; put a TLS proxy in front for https")
        if addr.scheme == "http" and not addr.is_local:
            ui.warn(f"listening on {addr.host}: anyone who reaches it can send audio to this model")
        return addr
    addr, _ = client.configured_address(configured)
    if addr is None or not addr.is_local:
        addr = client.Address("unix", path=str(client.default_socket_path()))
    if addr.scheme == "https":
        raise ConfigError("git voice serve speaks plain HTTP: put a TLS proxy in front for https")
    return addr


def request_options(terms: list[str], language: str | None, settings: Settings):
    """A server request's decode options, built as in-process (``server.OptionsFor``)."""
    return decode_options(settings, language, codeterms.collect(terms))


def serve(
    settings: Settings, listen: str | None, model: str | None, device: str | None,
    ready: Callable[[client.Address], None] | None = None, read_timeout: float = 60.0,
) -> None:
    """Load the model, bind the address, call ``ready(address)``, and serve until SIGINT or SIGTERM."""
    addr = listen_address(listen, settings.server)
    name = model if model is not None else settings.model
    server.ensure_free(addr)  # before the slow model load, not after
    engine, seconds = load_engine(name, device or settings.device, ui.info)
    everyday_words(PLAIN_ZIPF)  # writes the cached word list the hook's snapping reads

    model_thread = server.ModelThread()  # this (the main) thread runs the model
    transcriber = server.Transcriber(engine, models.resolve(name).key, settings, request_options, model_thread)
    engine.warm_up()  # on this thread, which runs every request: the first take pays no one-off costs
    srv = server.make_server(addr, transcriber, read_timeout=read_timeout)
    bound = server.bound_address(srv, addr)
    # Before saying it is ready: a SIGTERM right after the ready line must stop it cleanly.
    # SIGINT (Ctrl-C, kill -INT) too, set here rather than inherited: a shell starts
    # background jobs with SIGINT ignored, and Python then never turns it into
    # KeyboardInterrupt. A request in hand finishes first.
    # The handler only sets a flag (ModelThread.stop): no lock, so a second signal is harmless.
    previous = {sig: signal.signal(sig, model_thread.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    http = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    http.start()
    try:
        ui.info(f"{engine.name} on {engine.device} loaded in {seconds:.1f} s; listening on {bound}")
        if ready:
            ready(bound)
        model_thread.run()
    finally:
        srv.shutdown()
        server.cleanup(srv, bound)
        # Only now: a signal repeated during the shutdown must not kill it before the socket is gone.
        for sig, handler in previous.items():
            signal.signal(sig, handler)
