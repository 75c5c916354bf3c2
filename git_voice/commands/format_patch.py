"""``git voice format-patch``: the real ``git format-patch --cover-letter``, the cover
letter filled from a spoken note (a one-patch series gets the note below ``---``)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from .. import ui
from ..errors import ConfigError


def guess_range(repo, args: list[str]) -> str | None:
    """The argument that names the series' commits (``-N``, ``A..B`` or a revision), or None.

    Returned as the user wrote it: :func:`codeterms.candidates.range_args` reads it
    the way format-patch does.
    """
    for a in args:
        if a.startswith("-") and a[1:].isdigit():
            return a
    for a in (a for a in args if not a.startswith("-")):
        if ".." in a or repo.git("rev-parse", "--verify", "--quiet", "--end-of-options", a + "^{commit}", check=False).returncode == 0:
            return a
    return None


def cover_texts(text: str, settings) -> tuple[str, str, str]:
    """(subject, blurb, patch note) for a spoken note: subject ≤ 72 columns, texts wrapped at 72."""
    from ..compose.render import render
    from ..compose.summary import capitalise_first, clean, summarise
    from ..compose.wrap import wrap

    summary = summarise(text, 72)
    subject = capitalise_first(summary.subject)  # never "Load_config ...": code keeps its case
    blurb_text = wrap(clean(text))
    blurb = render("cover-letter", settings.template_dir, subject=subject, text=text, blurb=blurb_text)
    patch_note = render("patch-note", settings.template_dir, subject=subject, text=text, blurb=wrap(clean(text), 68))
    return subject, blurb, patch_note


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True})
@click.option("--audio", "audio", type=click.Path(dir_okay=False, path_type=str), help="The spoken note (any audio file).")
@click.option("--record", is_flag=True, help="Record the note from the microphone now.")
@click.option("--model", help="Speech model (default: voice.model or the bundled one).")
@click.option("--device", help="auto, cpu, cuda, cuda:N or mps.")
@click.argument("git_args", nargs=-1, type=click.UNPROCESSED)
def format_patch(audio, record, model, device, git_args) -> None:
    """Write a patch series whose cover letter is the spoken note.

    Every other argument goes to git format-patch (-v N, --rfc, --subject-prefix,
    -o DIR, --to/--cc, --base, --range-diff, --interdiff, a range or -N). Commits
    with voice notes carry them after their '---' line. Prints the files written,
    or with --stdout the series itself as one mbox.
    """
    from ..config import load_settings
    from ..gitops import patches
    from ..gitops.repo import Repo
    from ..takes import mark_used
    from . import _voice

    repo = Repo.discover()
    settings = load_settings(repo.cwd)
    args, to_stdout = _take_stdout(list(git_args))
    if to_stdout and patches.split_output_dir(args)[1] is not None:
        raise ConfigError("--stdout and -o cannot be used together")
    patches.split_output_dir(args)  # a malformed -o fails before any transcription
    takes = _voice.choose_audio(repo, settings, audio, record)
    rev_range = guess_range(repo, [a for a in args if a != "--"])

    def source():
        from ..codeterms import candidates

        return candidates.from_range(repo, rev_range) if rev_range else []

    text = _voice.transcribe(takes.paths, settings, source, model, device)
    subject, blurb, patch_note = cover_texts(text, settings)
    if to_stdout:
        # The same series as files, written privately and streamed in order: what
        # `git format-patch --stdout` prints is those files one after the other.
        with tempfile.TemporaryDirectory(prefix="git-voice-series-") as tmp:
            series = patches.format_series(
                repo, ["-o", tmp, *args], subject=subject, blurb=blurb, patch_note=patch_note
            )
            sys.stdout.flush()
            for f in series.files:
                sys.stdout.buffer.write(f.read_bytes())
            sys.stdout.buffer.flush()
        mark_used(repo, takes.pending)
        return
    series = patches.format_series(repo, args, subject=subject, blurb=blurb, patch_note=patch_note)
    mark_used(repo, takes.pending)
    here = Path.cwd()
    for f in series.files:
        click.echo(os.path.relpath(f, here) if f.is_relative_to(here) else str(f))


def _take_stdout(args: list[str]) -> tuple[list[str], bool]:
    """The arguments without ``--stdout`` (before any ``--``), and whether it was there."""
    end = args.index("--") if "--" in args else len(args)
    head = [a for a in args[:end] if a != "--stdout"]
    return head + args[end:], len(head) != end
