"""``git voice hook install|uninstall|run``: the prepare-commit-msg hook.

``run`` is what the installed script calls. It acts only for a plain ``git
commit`` or a template (not ``-m``/``-F``, merges, squashes, amends, rebases),
takes the waiting take from ``.git/voice/pending`` or offers to record on
``/dev/tty`` (stdin is /dev/null in hooks), and fills the message by the
convention. Any failure prints one warning and leaves the message file exactly
as it was, so the commit goes on; with ``voice.hook.strict`` it stops the commit.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import ui

# prepare-commit-msg sources the hook acts on: none (plain commit) and template.
_ACT_ON = ("", "template")


@click.group()
def hook() -> None:
    """Install, remove or run the prepare-commit-msg hook."""


@hook.command()
def install() -> None:
    """Install the hook where git looks for hooks (core.hooksPath, worktrees honoured).

    A hook already there is moved to prepare-commit-msg.legacy and still runs first.
    Also sets notes.rewriteRef so amend and rebase keep voice notes.
    """
    from ..gitops import hooks, notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    result = hooks.install(repo)
    notes.ensure_rewrite_refs(repo)
    if result.moved_legacy:
        ui.info(f"kept the existing hook as {result.path.name}{hooks.LEGACY_SUFFIX}; it still runs first")
    ui.info(f"{'refreshed' if result.refreshed else 'installed'} {result.path}")


@hook.command()
def uninstall() -> None:
    """Remove the hook (a hook that was moved aside comes back)."""
    from ..gitops import hooks
    from ..gitops.repo import Repo

    if hooks.uninstall(Repo.discover()):
        ui.info("removed the git-voice hook")
    else:
        ui.info("no git-voice hook was installed")


def _offer_to_record(repo, settings) -> list[Path]:
    """Ask on /dev/tty whether to record now; [] when there is no terminal or the answer is no."""
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8", errors="replace")
    except OSError:
        return []
    with tty:
        tty.write("git voice: record a spoken note for this commit? [y/N] ")
        tty.flush()
        answer = tty.readline().strip().lower()
    if answer not in ("y", "yes"):
        return []
    from ..audio.record import record_take

    return [record_take(repo, settings, pending=False)]


def _message_for(repo, settings, takes: list[Path]) -> str:
    """Transcribe ``takes`` against the staged change → the rendered message."""
    from ..compose.conventions import compose
    from ..compose.render import render
    from ..gitops import changes
    from . import _voice

    diff = changes.staged_diff(repo)

    def source():
        from ..codeterms import candidates

        return candidates.from_diff_text(diff)

    text = _voice.transcribe(takes, settings, source)
    msg = compose(text, changes.staged(repo), settings.convention, scope=settings.scope)
    return render(
        f"commit-{settings.convention}", settings.template_dir,
        header=msg.header, type=msg.type, scope=msg.scope, subject=msg.subject, body=msg.body, text=text,
    )


def _replace(msg_file: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``msg_file``, then rename it over: git sees
    the old message or the new one, never half (disk full, a kill); no temporary is left."""
    tmp = msg_file.with_name(msg_file.name + ".git-voice")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, msg_file)
    except BaseException:
        if tmp.is_file():
            tmp.unlink()
        raise


def fill_message_file(msg_file: Path, source: str) -> str:
    """Fill ``msg_file`` for a commit whose message source is ``source``; returns what happened."""
    from ..compose import msgfile
    from ..config import load_settings
    from ..gitops import changes
    from ..gitops.repo import Repo
    from ..takes import mark_used, pending_takes

    if source not in _ACT_ON:
        return f"left alone ({source} commit)"
    repo = Repo.discover()
    busy = changes.operation_in_progress(repo)
    if busy:
        return f"left alone ({busy} in progress)"
    settings = load_settings(repo.cwd)
    pending = pending_takes(repo)
    takes = pending or _offer_to_record(repo, settings)
    if not takes:
        return "no take waiting"
    existing = msg_file.read_bytes().decode("utf-8")
    message = _message_for(repo, settings, takes)
    char = changes.comment_char(repo)
    if not msgfile.already_filled(existing, message, char):
        _replace(msg_file, msgfile.fill(existing, message, char))
    # Used now, so the next commit (or a rebase re-running hooks) does not reuse it.
    mark_used(repo, pending)
    return "filled"


@hook.command("run", hidden=True)
@click.argument("msg_file", type=click.Path(path_type=Path))
@click.argument("source", required=False, default=None)
@click.argument("sha", required=False, default=None)
def run(msg_file, source, sha) -> None:
    """prepare-commit-msg MSG_FILE [SOURCE [SHA]] (also PRE_COMMIT_COMMIT_MSG_SOURCE)."""
    from ..config import load_settings
    from ..errors import GitVoiceError

    if source is None:
        source = os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    try:
        outcome = fill_message_file(msg_file, source or "")
        if os.environ.get("GIT_VOICE_DEBUG"):
            ui.info(f"hook: {outcome}")
    except BaseException as exc:  # noqa: BLE001 - the commit must go on whatever went wrong
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else (
            "out of memory" if isinstance(exc, MemoryError) else (str(exc).splitlines() or [type(exc).__name__])[0]
        )
        try:
            strict = load_settings().hook_strict
        except GitVoiceError:
            strict = False
        if strict:
            raise GitVoiceError(f"hook: {reason} (voice.hook.strict is set: commit stopped)") from None
        ui.warn(f"hook: {reason}; commit message left as it was")
