"""``git voice transcribe``: audio files → text, JSON, srt or vtt on stdout."""

from __future__ import annotations

import click

from .. import ui


@click.command()
@click.argument("audio", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--model", "-m", help="Hugging Face id, local checkpoint folder, or 'bundled' (default).")
@click.option("--device", "-d", help="auto (default), cpu, cuda, cuda:N or mps.")
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
    from .. import formats, pipeline
    from ..config import load_settings

    settings = load_settings()
    source = None
    if hotwords_from and not no_bias:
        from ..codeterms import candidates
        from ..gitops.repo import Repo

        repo = Repo.discover()

        def source():
            return candidates.from_range(repo, hotwords_from)

    request = pipeline.Request(
        settings=settings,
        model=model,
        device=device,
        language=language,
        hotwords=() if no_bias else (*settings.hotwords, *hotwords),
        candidates=source,
        bias=not no_bias,
    )
    results = pipeline.transcribe_files(audio, request)
    out = formats.render(results, fmt)
    click.echo(ui.sanitize(out) if fmt != "json" else out, nl=False)
