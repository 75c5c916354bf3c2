"""``git voice commit``: a spoken note → a commit message by convention → ``git commit -F``."""

from __future__ import annotations

import click

from ..config import CONVENTIONS
from . import options


@click.command(context_settings={"ignore_unknown_options": True})
@options.audio
@options.record
@click.option("--convention", type=click.Choice(CONVENTIONS), help="Message style (default: voice.convention).")
@click.option("--no-edit", is_flag=True, help="Commit without opening the editor.")
@options.model
@options.device
@click.argument("git_args", nargs=-1, type=click.UNPROCESSED)
def commit(audio, record, convention, no_edit, model, device, git_args) -> None:
    """Commit the staged change with a message made from a spoken note.

    Runs the real `git commit -F` (your other hooks run), opening the editor on the
    message unless --no-edit. GIT_ARGS after `--` go to git commit (e.g. -- -s).
    The note (text and audio) is attached to the new commit (refs/notes/voice).
    Without --audio/--record the takes waiting in .git/voice/pending are used.
    """
    from ..app.commit import commit as run

    repo, settings = options.repo_and_settings()
    run(repo, settings, audio, record, list(git_args), convention=convention, edit=not no_edit, model=model, device=device)
