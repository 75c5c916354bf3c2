"""``git voice hook install|uninstall|run|attach``: the prepare-commit-msg and post-commit
hooks. ``run`` and ``attach`` are what the installed scripts call (see :mod:`git_voice.app.hook`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import ui


@click.group()
def hook() -> None:
    """Install, remove or run the git-voice hooks (prepare-commit-msg, post-commit, post-rewrite)."""


@hook.command()
def install() -> None:
    """Install the hooks where git looks for hooks (core.hooksPath, worktrees honoured).

    prepare-commit-msg fills the message from a spoken take; post-commit stores the
    transcript and recording as the commit's voice notes; post-rewrite keeps one whole
    recording on a squashed commit. A hook already there is moved to NAME.legacy and
    still runs; where pre-commit's script is the hook, it stays and runs git-voice's
    as NAME.legacy. Also sets notes.rewriteRef so amend and rebase keep voice notes.
    """
    from ..gitops import hooks, notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    result = hooks.install(repo)
    notes.ensure_rewrite_refs(repo)
    report_install(result)
    ui.info(f"{'refreshed' if result.refreshed else 'installed'} {result.path}")


def report_install(result) -> None:
    """One line per hook that was not simply written: moved aside, or run by pre-commit."""
    from ..gitops import hooks

    for name in result.moved:
        ui.info(f"kept the existing {name} hook as {name}{hooks.LEGACY_SUFFIX}; it still runs")
    if result.moved:
        # pre-commit's own install moves the hook at NAME to NAME.legacy, over what is there.
        ui.warn("a later `pre-commit install` would overwrite those .legacy hooks with ours (pre-commit "
                "moves the hook it finds to NAME.legacy); install pre-commit first, then git-voice")
    for name in result.under_pre_commit:
        ui.info(f"pre-commit's {name} hook stays; it runs git-voice's as {name}{hooks.LEGACY_SUFFIX}")


@hook.command()
def uninstall() -> None:
    """Remove the hooks, wherever they are (hooks that were moved aside come back)."""
    from ..gitops import hooks
    from ..gitops.repo import Repo

    if hooks.uninstall(Repo.discover()):
        ui.info("removed the git-voice hooks")
    else:
        ui.info("no git-voice hook was installed")


@hook.command("run", hidden=True)
@click.argument("msg_file", type=click.Path(path_type=Path))
@click.argument("source", required=False, default=None)
@click.argument("sha", required=False, default=None)
def run(msg_file, source, sha) -> None:
    """prepare-commit-msg MSG_FILE [SOURCE [SHA]] (also PRE_COMMIT_COMMIT_MSG_SOURCE)."""
    from ..app.hook import prepare

    if source is None:
        source = os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    prepare(msg_file, source or "")


@hook.command("rewritten", hidden=True)
@click.argument("kind", required=False, default="")
def rewritten(kind) -> None:
    """post-rewrite KIND, ``OLD NEW`` lines on stdin: keep one whole recording on each commit that squashed several."""
    import sys

    from ..app.hook import rewritten as run

    run([tuple(ln.split()[:2]) for ln in sys.stdin.read().splitlines() if len(ln.split()) >= 2])


@hook.command("attach", hidden=True)
def attach() -> None:
    """post-commit: store the note the prepare-commit-msg hook left as the commit's voice notes."""
    from ..app.hook import post_commit

    post_commit()
