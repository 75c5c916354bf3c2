"""``git voice serve``: keep a model loaded so hooks and commands answer at once."""

from __future__ import annotations

import signal
import threading

import click

from .. import ui


@click.command()
@click.option("--listen", metavar="ADDRESS",
              help="unix:/path.sock or http://127.0.0.1:PORT (default: voice.server when local, else the user's socket).")
@click.option("--model", "-m", help="Model to keep loaded (default: voice.model, else the bundled tiny.en).")
@click.option("--device", "-d", help="auto (default), cpu, cuda, cuda:N or mps.")
@click.option("--print-address", is_flag=True, help="Print the bound address on stdout once ready.")
@click.option("--read-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds a client may stay silent before its connection is closed.")
def serve(listen, model, device, print_address, read_timeout) -> None:
    """Keep a model loaded and answer the OpenAI-style /v1/audio/transcriptions API.

    `git voice transcribe`, `commit` and the prepare-commit-msg hook use it when it
    runs and load the model themselves when it does not. Stop it with Ctrl-C.
    """
    from ..asr import models, server
    from ..asr.engine import load_engine
    from ..config import load_settings

    settings = load_settings()
    addr = _listen_address(listen, settings.server)
    name = model if model is not None else settings.model
    server.ensure_free(addr)  # before the slow model load, not after
    engine, seconds = load_engine(name, device or settings.device, ui.info)
    from ..codeterms.everyday import everyday_words
    from ..codeterms.snap import PLAIN_ZIPF

    everyday_words(PLAIN_ZIPF)  # writes the cached word list the hook's snapping reads
    model_thread = server.ModelThread()  # this (the main) thread runs the model
    transcriber = server.Transcriber(engine, models.resolve(name).key, settings, model_thread)
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
        if print_address:
            click.echo(str(bound))
        model_thread.run()
    finally:
        srv.shutdown()
        server.cleanup(srv, bound)
        # Only now: a signal repeated during the shutdown must not kill it before the socket is gone.
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _listen_address(listen: str | None, configured: str | None):
    """--listen, else voice.server if it names this machine, else the default socket."""
    from ..asr import client
    from ..errors import ConfigError

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
