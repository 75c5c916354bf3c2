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
    """
    from ..audio.record import record as record_audio
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
    take = record_audio(
        repo,
        settings,
        pending=pending,
        output=output,
        max_seconds=max_seconds,
        device=input_device,
        require_terminal=False,
    )
    click.echo(str(take.path))
