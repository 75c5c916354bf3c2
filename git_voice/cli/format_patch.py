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
@click.argument("git_args", nargs=-1, type=click.UNPROCESSED)
def format_patch(audio, record, model, device, git_args) -> None:
    """Write a patch series whose cover letter is the spoken note.

    Every other argument goes to git format-patch (-v N, --rfc, --subject-prefix,
    -o DIR, --to/--cc, --base, --range-diff, --interdiff, a range or -N). Commits
    with voice notes carry them after their '---' line. Prints the files written,
    or with --stdout the series itself as one mbox.
    """
    from ..app.format_patch import format_patch as run

    repo, settings = options.repo_and_settings()
    files = run(repo, settings, audio, record, list(git_args), model, device)
    here = Path.cwd()
    for f in files or []:
        click.echo(os.path.relpath(f, here) if f.is_relative_to(here) else str(f))
