"""``git voice commit``: a spoken note → a commit message by convention → ``git commit -F``."""

from __future__ import annotations

import click

from .. import ui


def _compose_message(repo, settings, text: str, convention: str, all_tracked: bool, diff: str = "", editing: bool = False) -> str:
    """The message text for the staged change (``templates/commit-<convention>.j2``); with
    ``editing``, comment lines saying why the type is what it is (git strips them)."""
    from ..compose.conventions import compose
    from ..compose.render import render
    from ..gitops import changes

    msg = compose(text, changes.staged(repo, all_tracked=all_tracked), convention, scope=settings.scope, diff=diff)
    out = render(
        f"commit-{convention}", settings.template_dir,
        header=msg.header, type=msg.type, scope=msg.scope, subject=msg.subject, body=msg.body, footer=msg.footer, text=text,
    )
    return out + ("\n" + msg.comment_lines(changes.comment_char(repo)) if editing and msg.comments else "")


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--audio", "audio", type=click.Path(dir_okay=False, path_type=str), help="The spoken note (any audio file).")
@click.option("--record", is_flag=True, help="Record the note from the microphone now.")
@click.option("--convention", type=click.Choice(["conventional", "kernel", "plain"]), help="Message style (default: voice.convention).")
@click.option("--no-edit", is_flag=True, help="Commit without opening the editor.")
@click.option("--model", help="Speech model (default: voice.model or the bundled one).")
@click.option("--device", help="auto, cpu, cuda, cuda:N or mps.")
@click.argument("git_args", nargs=-1, type=click.UNPROCESSED)
def commit(audio, record, convention, no_edit, model, device, git_args) -> None:
    """Commit the staged change with a message made from a spoken note.

    Runs the real `git commit -F` (your other hooks run), opening the editor on the
    message unless --no-edit. GIT_ARGS after `--` go to git commit (e.g. -- -s).
    The note (text and audio) is attached to the new commit (refs/notes/voice).
    Without --audio/--record the takes waiting in .git/voice/pending are used.
    """
    from ..config import load_settings
    from ..errors import GitError
    from ..gitops import changes, notes
    from ..gitops.repo import Repo
    from ..takes import mark_used
    from . import _voice

    repo = Repo.discover()
    settings = load_settings(repo.cwd)
    args = [a for a in git_args if a != "--"]
    all_tracked = any(a in ("-a", "--all") for a in args)
    if not changes.staged(repo, all_tracked=all_tracked) and not any(a in ("--allow-empty", "--amend") for a in args):
        raise GitError("nothing staged to commit (git add the change first)")
    takes = _voice.choose_audio(repo, settings, audio, record)
    diff = changes.staged_diff(repo, all_tracked=all_tracked)

    def source():
        from ..codeterms import candidates

        return candidates.from_diff_text(diff)

    text = _voice.transcribe(takes.paths, settings, source, model, device)
    message = _compose_message(repo, settings, text, convention or settings.convention, all_tracked, diff, not no_edit)
    msg_file = repo.voice_dir / "COMMIT_EDITMSG"
    msg_file.write_text(message, "utf-8")
    rc = repo.git_passthrough("commit", "-F", str(msg_file), *([] if no_edit else ["--edit"]), *args)
    if rc != 0:
        raise GitError(f"git commit failed (exit status {rc}); the message is kept in {msg_file}")
    notes.ensure_rewrite_refs(repo)
    _voice.attach(repo, "HEAD", text, takes.paths[0], settings)
    if len(takes.paths) > 1:
        ui.warn(f"{len(takes.paths)} takes were used; the first one's audio is attached to the commit")
    mark_used(repo, takes.pending)
