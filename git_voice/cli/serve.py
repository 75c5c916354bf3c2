"""``git voice serve``: keep a model loaded so hooks and commands answer at once."""

from __future__ import annotations

import click

from . import options


@click.command()
@click.option("--listen", metavar="ADDRESS",
              help="unix:/path.sock or http://127.0.0.1:PORT (default: voice.server when local, else the user's socket).")
@options.model_short
@options.device_short
@click.option("--print-address", is_flag=True, help="Print the bound address on stdout once ready.")
@click.option("--read-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds a client may stay silent before its connection is closed.")
def serve(listen, model, device, print_address, read_timeout) -> None:
    """Keep a model loaded and answer the OpenAI-style /v1/audio/transcriptions API.

    `git voice transcribe`, `commit` and the prepare-commit-msg hook use it when it
    runs and load the model themselves when it does not. Stop it with Ctrl-C.
    """
    from ..app.serve import serve as run
    from ..config import load_settings

    run(load_settings(), listen, model, device, ready=(lambda addr: click.echo(str(addr))) if print_address else None,
        read_timeout=read_timeout)
