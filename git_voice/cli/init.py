"""``git voice init``: set this repository up for voice notes."""

from __future__ import annotations

import click

from .. import ui


@click.command()
@click.option("--hook/--no-hook", default=False, help="Also install the hooks (prepare-commit-msg, post-commit, post-rewrite), as `git voice hook install`.")
def init(hook) -> None:
    """Keep voice notes through amend and rebase (notes.rewriteRef), show them in git log
    (notes.displayRef), and optionally install the hooks."""
    from ..gitops import hooks, notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    for ref in notes.ensure_rewrite_refs(repo):
        ui.info(f"notes.rewriteRef += {ref} (amend and rebase keep the notes)")
    if notes.ensure_display_ref(repo):
        ui.info(f"notes.displayRef += {notes.TEXT_REF} (git log shows the transcripts)")
    if hook:
        from .hook import report_install

        result = hooks.install(repo)
        report_install(result)
        ui.info(f"{'refreshed' if result.refreshed else 'installed'} {result.path}")
    ui.info("share notes with: git push origin 'refs/notes/voice*'")
