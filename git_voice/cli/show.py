"""``git voice show``: the transcript noted on a commit; ``--play`` / ``--extract`` its audio."""

from __future__ import annotations

import sys

import click

from .. import ui


@click.command()
@click.argument("rev", default="HEAD")
@click.option("--play", is_flag=True, help="Play the recorded note.")
@click.option("--extract", "extract", type=click.Path(dir_okay=False, path_type=str), help="Write the recorded note to FILE ('-': stdout).")
@click.option("--unsure", is_flag=True, help="Mark the words the model was unsure of (underlined on a terminal, else [word?]).")
def show(rev, play, extract, unsure) -> None:
    """Print the voice note of REV (default HEAD); --play or --extract its recording."""
    from ..errors import GitError
    from ..gitops import notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    text = notes.require_text(repo, rev)
    if unsure and not (play or extract):
        from ..app.voicewords import marked_text

        click.echo(marked_text(repo, rev, text, tty=sys.stdout.isatty()))
        return
    if not (play or extract):
        click.echo(ui.sanitize(text), nl=not text.endswith("\n"))
        return
    data = notes.get_audio(repo, rev)
    if data is None:
        raise GitError(f"{rev} has a voice note but no recording")
    if extract == "-":  # the recording on stdout, as other git commands take "-"
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif extract:
        with open(extract, "wb") as fh:
            fh.write(data)
        ui.info(f"wrote {len(data)} bytes to {extract}")
    if play:
        from ..audio.devices import play_bytes

        play_bytes(data)
