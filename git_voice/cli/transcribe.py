"""``git voice transcribe``: audio files → text, JSON, srt or vtt on stdout."""

from __future__ import annotations

import click

from .. import ui
from . import options


@click.command()
@click.argument("audio", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@options.model_short
@options.device_short
@click.option("--language", "-l", help="Spoken language (default: detect; English-only models: en).")
@click.option("--hotword", "hotwords", multiple=True, help="A code term to expect; repeatable.")
@click.option("--hotwords-from", metavar="REV_RANGE", help="Take code terms from this revision range's diff.")
@click.option("--no-bias", is_flag=True, help="Plain decoding: no code-term biasing or snapping.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "srt", "vtt"]), default="text", show_default=True)
def transcribe(audio, model, device, language, hotwords, hotwords_from, no_bias, fmt) -> None:
    """Transcribe AUDIO file(s) on this machine and print the result.

    JSON output (one object per file, a list for several) is a stable interface:
    text, language, duration, model, device, segments, hotwords, rewrites, rereads,
    timings.
    """
    from ..app.transcribe import Request, candidates_of, transcribe_files
    from ..compose import formats
    from ..config import load_settings

    settings = load_settings()
    candidates = []
    if hotwords_from and not no_bias:
        from ..gitops.changes import ChangeRef
        from ..gitops.repo import Repo

        candidates = candidates_of(Repo.discover(), ChangeRef.range(hotwords_from))
    request = Request(
        settings=settings,
        model=model,
        device=device,
        language=language,
        hotwords=() if no_bias else (*settings.hotwords, *hotwords),
        candidates=candidates,
        bias=not no_bias,
    )
    out = formats.render(transcribe_files(audio, request), fmt)
    click.echo(ui.sanitize(out) if fmt != "json" else out, nl=False)
