"""``git voice``: a thin click layer; each command parses options and calls the library.

Nothing here imports torch or transformers at module level: ``git voice --help``
and every command that needs no model start in a fraction of a second.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__, ui
from .errors import GitVoiceError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="git-voice")
def cli() -> None:
    """Explain code changes by voice: transcribe locally, write the text where reviewers read.

    \b
    git voice transcribe NOTE.flac             print what was said
    git voice format-patch HEAD~3 --audio N    a patch series whose cover letter is the note
    git voice commit --record                  speak, then commit with a conventional message
    git voice note add HEAD --audio N          attach a spoken note to a commit
    """


def _settings():
    from .config import load_settings

    return load_settings()


# ------------------------------------------------------------------ transcribe


@cli.command()
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
    text, language, duration, model, device, segments, hotwords, rewrites, timings.
    """
    from . import formats, pipeline

    settings = _settings()
    source = None
    if hotwords_from and not no_bias:
        from .codeterms import candidates
        from .gitops.repo import Repo

        repo = Repo.discover()
        repo.out("rev-parse", "--verify", "--quiet", "--end-of-options", hotwords_from.split("..")[0] or "HEAD")

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


# ----------------------------------------------------------------------- entry


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every GitVoiceError becomes one line and exit status 2."""
    try:
        rv = cli.main(args=argv, prog_name="git voice", standalone_mode=False)
    except click.exceptions.Abort:
        ui.error("interrupted")
        sys.exit(130)
    except click.ClickException as exc:
        ui.error(exc.format_message())
        sys.exit(exc.exit_code if exc.exit_code != 1 else 2)
    except GitVoiceError as exc:
        ui.error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        ui.error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(rv if isinstance(rv, int) else 0)
    except MemoryError:
        ui.error("out of memory")
        sys.exit(2)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("GIT_VOICE_DEBUG"):
            raise
        ui.error(f"internal error: {type(exc).__name__}: {exc} (set GIT_VOICE_DEBUG=1 for the traceback)")
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)
