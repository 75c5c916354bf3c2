"""``git voice format-patch``: the real ``git format-patch --cover-letter``, the cover
letter filled from a spoken note (a one-patch series gets the note below ``---``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .. import ui
from ..compose.cover import cover_texts as compose_cover
from ..config import Settings
from ..errors import ConfigError
from ..gitops import patches
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from ..gitops.takes import mark_used
from .takes import Takes, choose_audio
from .transcribe import Request, candidates_of, transcribe_text


def guess_range(repo: Repo, args: list[str]) -> str | None:
    """The argument that names the series' commits (``-N``, ``A..B`` or a revision), or None.

    Returned as the user wrote it: :func:`gitops.changes.range_args` reads it the
    way format-patch does.
    """
    words: list[str] = []  # the arguments that are not options nor an option's value
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            break  # paths follow
        if a.startswith("-") and a[1:].isdigit():
            return a
        if a in _VALUE_OPTIONS:
            i += 1  # its value (-o ../out, --to dev..list@example.org) names no commits
        elif not a.startswith("-"):
            words.append(a)
    for a in words:
        if ".." in a or repo.git("rev-parse", "--verify", "--quiet", "--end-of-options", a + "^{commit}", check=False).returncode == 0:
            return a
    return None


# git format-patch's options whose value may be the next argument (git 2.39).
_VALUE_OPTIONS = frozenset((
    "-o", "--output-directory", "-v", "--reroll-count", "--start-number", "--subject-prefix", "--to", "--cc",
    "--in-reply-to", "--base", "--suffix", "--signature", "--signature-file", "--range-diff", "--interdiff",
    "--creation-factor", "--add-header", "--cover-from-description", "--description-file",
    "--filename-max-length", "--output", "--src-prefix", "--dst-prefix", "--line-prefix", "-O", "-S", "-G",
))


def cover_texts(text: str, settings: Settings) -> tuple[str, str, str]:
    """(subject, blurb, patch note) for a spoken note (see :func:`compose.cover.cover_texts`)."""
    return compose_cover(text, settings.template_dir)


def take_stdout(args: list[str]) -> tuple[list[str], bool]:
    """The arguments without ``--stdout`` (before any ``--``), and whether it was there."""
    end = args.index("--") if "--" in args else len(args)
    head = [a for a in args[:end] if a != "--stdout"]
    return head + args[end:], len(head) != end


def format_patch(
    repo: Repo, settings: Settings, audio: str | None, record: bool, git_args: list[str],
    model: str | None = None, device: str | None = None, *, split: bool = False, edit: bool = True,
) -> list[Path] | None:
    """Write the series (or stream it as an mbox on stdout with ``--stdout``); the files written, or None.

    With ``split`` the note is a walk-through of the whole series (:mod:`.split`): each
    commit gets its part as its voice note, the cover letter the overview.
    """
    args, to_stdout = take_stdout(list(git_args))
    if to_stdout and patches.split_output_dir(args)[1] is not None:
        raise ConfigError("--stdout and -o cannot be used together")
    patches.split_output_dir(args)  # a malformed -o fails before any transcription
    takes = choose_audio(repo, settings, audio, record)
    rev_range = guess_range(repo, [a for a in args if a != "--"])
    if split:
        return _split_series(repo, settings, takes, rev_range, args, to_stdout, edit, model, device)
    if rev_range is None:
        ui.warn("cannot tell the series' commits from the arguments: the note is transcribed without code terms")
    request = Request(settings=settings, model=model, device=device, hotwords=tuple(settings.hotwords),
                      candidates=candidates_of(repo, ChangeRef.range(rev_range)) if rev_range else ())
    text = transcribe_text(takes.paths, request)
    return _write(repo, settings, takes, text, args, to_stdout)


def _split_series(repo: Repo, settings: Settings, takes: Takes, rev_range: str | None, args: list[str], to_stdout: bool,
                  edit: bool, model: str | None, device: str | None) -> list[Path] | None:
    """``--split``: the commits' notes from the walk-through, then the series with the overview as cover letter.

    The series is written while the new notes are in place; if that fails the notes go back.
    """
    from .split import split_notes

    if rev_range is None:
        raise ConfigError("--split needs the series' range among the arguments (A..B, -N or a revision)")
    written: list[list[Path] | None] = []

    def series(result) -> None:
        # Nothing said about the series as a whole: the cover letter gets all of it.
        text = " ".join(result.overview) or result.full_text
        written.append(_write(repo, settings, takes, text, args, to_stdout))

    if split_notes(repo, settings, takes.paths, rev_range, edit_split=edit, model=model, device=device, then=series) is None:
        return None
    return written[0]


def _write(repo: Repo, settings: Settings, takes: Takes, text: str, args: list[str], to_stdout: bool) -> list[Path] | None:
    """The series with ``text`` as its cover letter (or one patch's note), to files or stdout."""
    subject, blurb, patch_note = cover_texts(text, settings)
    if to_stdout:
        # The same series as files, written privately and streamed in order: what
        # `git format-patch --stdout` prints is those files one after the other.
        with tempfile.TemporaryDirectory(prefix="git-voice-series-") as tmp:
            series = patches.format_series(repo, ["-o", tmp, *args], subject=subject, blurb=blurb, patch_note=patch_note)
            sys.stdout.flush()
            for f in series.files:
                sys.stdout.buffer.write(f.read_bytes())
            sys.stdout.buffer.flush()
        mark_used(repo, takes.pending)
        return None
    series = patches.format_series(repo, args, subject=subject, blurb=blurb, patch_note=patch_note)
    mark_used(repo, takes.pending)
    return series.files
