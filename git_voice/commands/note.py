"""``git voice note``: attach a spoken note to a commit, or stage a take for the next one."""

from __future__ import annotations

import click

from .. import ui


@click.group()
def note() -> None:
    """Per-commit voice notes (refs/notes/voice and refs/notes/voice-audio)."""


@note.command("add")
@click.argument("rev", default="HEAD")
@click.option("--audio", "audio", type=click.Path(dir_okay=False, path_type=str), help="The spoken note (any audio file).")
@click.option("--record", is_flag=True, help="Record the note from the microphone now.")
@click.option("--model", help="Speech model (default: voice.model or the bundled one).")
@click.option("--device", help="auto, cpu, cuda, cuda:N or mps.")
@click.option("--force", "-f", is_flag=True, help="Replace a voice note REV already has (text and audio).")
def add(rev, audio, record, model, device, force) -> None:
    """Transcribe a note about REV (default HEAD) and attach text and audio to it."""
    from ..config import load_settings
    from ..errors import ConfigError, GitError
    from ..gitops import notes
    from ..gitops.repo import Repo
    from . import _voice

    if not (audio or record):
        raise ConfigError("give --audio FILE or --record")
    repo = Repo.discover()
    settings = load_settings(repo.cwd)
    commit = repo.rev_parse(rev)
    if not force and notes.has_voice_note(repo, commit):  # before any recording or transcription
        raise GitError(f"{rev} already has a voice note (git voice show {rev}); --force replaces it")
    takes = _voice.choose_audio(repo, settings, audio, record, use_pending=False)

    def source():
        from ..codeterms import candidates
        from ..errors import GitError

        try:
            return candidates.from_range(repo, f"{commit}^!")
        except GitError:  # a root commit has no parent to diff against
            return []

    text = _voice.transcribe(takes.paths, settings, source, model, device)
    notes.ensure_rewrite_refs(repo)
    _voice.attach(repo, commit, text, takes.paths[0], settings)
    click.echo(ui.sanitize(text))


@note.command("stage")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
def stage_take(audio) -> None:
    """Copy AUDIO into .git/voice/pending: the next commit (or the hook) uses it."""
    from ..config import load_settings
    from ..gitops.repo import Repo
    from ..takes import stage

    repo = Repo.discover()
    dest = stage(repo, audio, load_settings(repo.cwd).max_seconds)
    ui.info(f"staged {dest.name} for the next commit (git voice note unstage takes it back)")


@note.command("unstage")
@click.argument("take", required=False)
def unstage_take(take) -> None:
    """Take the pending takes (or the one named TAKE) off the next commit; they stay in .git/voice/takes."""
    from ..gitops.repo import Repo
    from ..takes import unstage

    moved = unstage(Repo.discover(), take)
    for path in moved:
        ui.info(f"unstaged {path.name} (kept in {path.parent})")
    if not moved:
        ui.info("no take was pending")
