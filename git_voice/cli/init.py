"""``git voice init``: set this repository up for voice notes."""

from __future__ import annotations

import click

from .. import ui


@click.command()
@click.option("--hook/--no-hook", default=False, help="Also install the prepare-commit-msg hook.")
def init(hook) -> None:
    """Keep voice notes through amend and rebase (notes.rewriteRef), show them in git log
    (notes.displayRef), and optionally install the hook."""
    from ..gitops import hooks, notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    for ref in notes.ensure_rewrite_refs(repo):
        ui.info(f"notes.rewriteRef += {ref} (amend and rebase keep the notes)")
    if notes.ensure_display_ref(repo):
        ui.info(f"notes.displayRef += {notes.TEXT_REF} (git log shows the transcripts)")
    if hook:
        result = hooks.install(repo)
        ui.info(f"installed {result.path}")
    ui.info("share notes with: git push origin 'refs/notes/voice*'")
