"""``git voice format-patch``: git format-patch with the spoken note as the cover letter."""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import options


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True})
@options.audio
@options.record
@options.model
@options.device
@click.option("--split", is_flag=True, help="The note walks through the whole series: each commit gets its part as its voice note, the cover letter the overview.")
@click.option("--no-edit", is_flag=True, help="With --split: take the split as proposed, without opening the editor.")
@click.argument("git_args", nargs=-1, type=click.UNPROCESSED)
def format_patch(audio, record, model, device, split, no_edit, git_args) -> None:
    """Write a patch series whose cover letter is the spoken note.

    Every other argument goes to git format-patch (-v N, --rfc, --subject-prefix,
    -o DIR, --to/--cc, --base, --range-diff, --interdiff, a range or -N). Commits
    with voice notes carry them after their '---' line. Prints the files written,
    or with --stdout the series itself as one mbox.

    With --split the note is one walk-through of the series: it is cut into an
    overview (the cover letter) and one part per commit (its voice note, text and
    audio, after its '---'), shown in the editor first unless --no-edit.
    """
    from ..app.format_patch import format_patch as run

    from ..errors import ConfigError

    if no_edit and not split:
        raise ConfigError("--no-edit goes with --split")
    repo, settings = options.repo_and_settings()
    files = run(repo, settings, audio, record, list(git_args), model, device, split=split, edit=not no_edit)
    here = Path.cwd()
    for f in files or []:
        click.echo(os.path.relpath(f, here) if f.is_relative_to(here) else str(f))
