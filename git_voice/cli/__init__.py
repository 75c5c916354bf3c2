"""``git voice``: the click group. Each subcommand is a module of this package that
parses options and calls one use case of :mod:`git_voice.app`; modules are imported
only when run, so ``git voice --help`` and every command that needs no model start
without torch or transformers.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__, config, ui
from ..errors import GitVoiceError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# name → (module of this package, attribute, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "transcribe": ("transcribe", "transcribe", "Transcribe audio files on this machine and print the result."),
    "serve": ("serve", "serve", "Keep a model loaded for hooks and commands (local socket, OpenAI-style API)."),
    "format-patch": ("format_patch", "format_patch", "git format-patch with the spoken note as the cover letter."),
    "commit": ("commit", "commit", "Commit with a message made from a spoken note."),
    "note": ("note", "note", "Attach a spoken note to a commit, or stage a take for the next one."),
    "show": ("show", "show", "Print a commit's voice note; play or extract its audio."),
    "hook": ("hook", "hook", "Install, remove or run the git-voice hooks (prepare-commit-msg, post-commit, post-rewrite)."),
    "init": ("init", "init", "Keep voice notes through amend and rebase; optionally install the hooks."),
    "record": ("record", "record", "Record a spoken take from the microphone into .git/voice/."),
    "devices": ("devices", "devices", "List the input devices a take can be recorded from."),
    "web": ("web", "web", "Serve a local page to review, listen to and record voice notes."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The listing uses the table's one-liners, so --help imports no command module.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="git-voice")
def cli() -> None:
    """Explain code changes by voice: transcribe locally, write the text where reviewers read.

    \b
    git voice transcribe NOTE.flac             print what was said
    git voice format-patch HEAD~3 --audio N    a patch series whose cover letter is the note
    git voice commit --record                  speak, then commit with a conventional message
    git voice note add HEAD --audio N          attach a spoken note to a commit
    """


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every GitVoiceError becomes one line and exit status 2."""
    args = sys.argv[1:] if argv is None else argv
    if not args:  # bare `git voice`: the overview, as `git voice --help` gives it, not an error
        click.echo(cli.get_help(click.Context(cli, info_name="git voice")))
        sys.exit(0)
    from ..gitops.repo import absolute_git_env

    absolute_git_env()  # `git --git-dir=r/.git voice ...` from r's parent folder
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
        sys.exit(0)
    except MemoryError as exc:
        # Ours say what ran out ("out of memory: loading ... needs about 283 MB ..."); a
        # bare MemoryError from an allocation says nothing useful.
        ui.error(str(exc) if str(exc).startswith("out of memory") else "out of memory")
        sys.exit(2)
    except OSError as exc:  # disk full, read-only or squatted paths: the machine's state, not a bug
        where = f": {exc.filename}" if exc.filename else ""
        ui.error(f"{exc.strerror or exc}{where}")
        sys.exit(2)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if config.env("GIT_VOICE_DEBUG"):
            raise
        ui.error(f"internal error: {type(exc).__name__}: {exc} (set GIT_VOICE_DEBUG=1 for the traceback)")
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)
