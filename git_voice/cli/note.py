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
@click.option("--force", "-f", is_flag=True, help="Replace a voice note REV already has (text and audio).")
def add(rev, audio, record, model, device, force) -> None:
    """Transcribe a note about REV (default HEAD) and attach text and audio to it."""
    from ..app.notes import add_note
    from ..errors import ConfigError

    if not (audio or record):
        raise ConfigError("give --audio FILE or --record")
    repo, settings = options.repo_and_settings()
    click.echo(ui.sanitize(add_note(repo, settings, rev, audio, record, model, device, force=force)))


@note.command("split")
@click.argument("rev_range", metavar="RANGE")
@options.audio
@options.record
@options.model
@options.device
@click.option("--no-edit", is_flag=True, help="Take the split as proposed, without opening the editor.")
def split(rev_range, audio, record, model, device, no_edit) -> None:
    """Split one walk-through of a series into a voice note per commit of RANGE.

    RANGE as format-patch takes it (A..B, -N, or REV for REV..HEAD). Each sentence
    goes to the commit it names (code terms, files, subject words) or its order
    words point at ("the second patch", "finally"); the rest is the overview. The
    split opens in the editor (unless --no-edit); all notes are written, or none.
    Prints the split written.
    """
    from ..app.split import split_notes
    from ..app.takes import choose_audio
    from ..errors import ConfigError

    if not (audio or record):
        raise ConfigError("give --audio FILE or --record")
    repo, settings = options.repo_and_settings()
    takes = choose_audio(repo, settings, audio, record, use_pending=False)
    result = split_notes(repo, settings, takes.paths, rev_range, edit_split=not no_edit, model=model, device=device)
    if result is not None:
        click.echo(ui.sanitize(result.text()))


@note.command("stage")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
def stage_take(audio) -> None:
    """Copy AUDIO into .git/voice/pending: the next commit (or the hook) uses it."""
    from ..app.takes import stage_take

    repo, settings = options.repo_and_settings()
    dest = stage_take(repo, settings, audio)
    ui.info(f"staged {dest.name} for the next commit (git voice note unstage takes it back)")


@note.command("unstage")
@click.argument("take", required=False)
def unstage_take(take) -> None:
    """Take the pending takes (or the one named TAKE) off the next commit; they stay in .git/voice/takes."""
    from ..gitops.repo import Repo
    from ..gitops.takes import unstage

    moved = unstage(Repo.discover(), take)
    for path in moved:
        ui.info(f"unstaged {path.name} (kept in {path.parent})")
    if not moved:
        ui.info("no take was pending")
