"""``git voice web``: serve a local page to review, listen to and record voice notes."""

from __future__ import annotations

import click


@click.command()
@click.argument("rev_range", required=False)
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port on 127.0.0.1 (0: any free one).")
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
def web(rev_range, port, no_browser) -> None:
    """Serve the commits of RANGE (default: the last 50 of HEAD) and their voice notes on 127.0.0.1.

    The printed URL carries a secret token made for this launch; every request needs it.
    Ctrl-C stops the server.
    """
    from ..config import load_settings
    from ..gitops.repo import Repo
    from ..web.server import serve

    repo = Repo.discover()
    if rev_range:
        repo.out("rev-list", "-n", "1", "--end-of-options", rev_range, "--")  # a bad range: one line from git, before serving
    serve(repo, load_settings(repo.cwd), rev_range, port, open_browser=not no_browser)
