"""Render ``git-voice(1)`` from the click definitions.

``git voice --help`` is answered by git itself, which runs ``git help voice`` and
so ``man git-voice``: without a man page a user sees "No manual entry". The page
is generated from the same click commands that print ``git-voice --help``, kept in
``man/git-voice.1`` (a test checks it is current) and installed into
``share/man/man1`` by the wheel, where man-db finds it from the ``bin`` folder on
PATH. Regenerate with ``python -m git_voice.manpage > man/git-voice.1``.
"""

from __future__ import annotations

import click

from . import __version__
from .cli import COMMANDS, CONTEXT, cli


def _roff(text: str) -> str:
    lines = []
    for line in text.replace("\\", "\\e").splitlines():
        # A line starting with . or ' would be read as a roff request.
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def render() -> str:
    # The same help options as a real run: click caches each command's help option on
    # first use, so the page must not depend on whether a command ran before.
    fixed = dict(terminal_width=78, max_content_width=78, help_option_names=CONTEXT["help_option_names"])
    ctx = click.Context(cli, info_name="git voice", **fixed)
    out = [
        f'.TH GIT-VOICE 1 "" "git-voice {__version__}" "Git Manual"',
        ".SH NAME",
        "git-voice \\- explain code changes by voice",
        ".SH SYNOPSIS",
        ".B git voice",
        "\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        ".nf",
        _roff(cli.get_help(ctx)),
        ".fi",
        ".SH COMMANDS",
    ]
    for name in sorted(COMMANDS):
        cmd = cli.get_command(ctx, name)
        sub = click.Context(cmd, info_name=name, parent=ctx, **fixed)
        out += [f".SS git voice {name}", ".nf", _roff(cmd.get_help(sub)), ".fi"]
    out += [".SH SEE ALSO", "git-format-patch(1), git-commit(1), git-notes(1), githooks(5)"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
