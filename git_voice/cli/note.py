"""``git voice note``: attach a spoken note to a commit, or stage a take for the next one."""

from __future__ import annotations

import click

from .. import ui
from . import options


@click.group()
def note() -> None:
    """Per-commit voice notes (refs/notes/voice and refs/notes/voice-audio)."""


@note.command("add")
@click.argument("rev", default="HEAD")
@options.audio
@options.record
@options.model
@options.device
def add(rev, audio, record, model, device) -> None:
    """Transcribe a note about REV (default HEAD) and attach text and audio to it."""
    from ..app.notes import add_note
    from ..errors import ConfigError

    if not (audio or record):
        raise ConfigError("give --audio FILE or --record")
    repo, settings = options.repo_and_settings()
    click.echo(ui.sanitize(add_note(repo, settings, rev, audio, record, model, device)))


@note.command("stage")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
def stage_take(audio) -> None:
    """Copy AUDIO into .git/voice/pending: the next commit (or the hook) uses it."""
    from ..gitops.repo import Repo
    from ..gitops.takes import stage

    dest = stage(Repo.discover(), audio)
    ui.info(f"staged {dest.name} for the next commit")
