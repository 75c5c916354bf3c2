"""``git voice record``: speak a take into ``.git/voice/`` (or ``-o FILE``)."""

from __future__ import annotations

import click


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write the take here (FLAC) instead of .git/voice/.")
@click.option("--pending", is_flag=True, help="Use the take for the next commit or format-patch.")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), help="Stop at this length (default: voice.maxRecordSeconds, 600).")
@click.option("--input-device", metavar="ID", help="Device index or part of its name (default: voice.inputDevice, then the system default).")
def record(output, pending, max_seconds, input_device) -> None:
    """Record a spoken explanation from the microphone, streamed to disk as you speak.

    \b
    Keys: Enter stops, Space pauses and resumes, r twice discards and starts over.
    Ctrl-C also stops and keeps the take. Without a terminal the take stops at the
    limit or on Ctrl-C / SIGTERM. The take's path is printed on stdout.

    On a terminal the take is transcribed while you speak (voice.record.live): the
    text shows under the level meter, and is printed on stderr when the take ends.
    """
    import sys

    from ..app.takes import record_take
    from ..app.transcribe import Request, candidates_of
    from ..config import load_settings
    from ..errors import GitError
    from ..gitops.repo import Repo

    if pending and output:
        raise click.UsageError("--pending files the take under .git/voice/; it cannot go with -o")
    try:
        repo = Repo.discover()
    except GitError:
        if output is None:
            raise
        repo = None  # -o FILE works outside a repository
    settings = load_settings(repo.cwd if repo else None)
    live = None
    if sys.stderr.isatty():  # live text is only worth its CPU where someone watches it
        from ..gitops.changes import ChangeRef

        terms = candidates_of(repo, ChangeRef.staged()) if repo is not None else ()
        live = Request(settings=settings, hotwords=tuple(settings.hotwords), candidates=terms, progress=None)
    takes = record_take(
        repo, settings, live, pending=pending, output=output, max_seconds=max_seconds, device=input_device,
        require_terminal=False,
    )
    if takes.heard:
        click.echo(f"heard: {takes.heard[0].text}", err=True)
    click.echo(str(takes.paths[0]))
