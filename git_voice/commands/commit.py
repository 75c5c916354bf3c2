"""``git voice commit``: a spoken note → a commit message by convention → ``git commit -F``."""

from __future__ import annotations

import click

from .. import ui


def _compose_message(repo, settings, text: str, convention: str, all_tracked: bool) -> str:
    """The message text for the staged change (``templates/commit-<convention>.j2``)."""
    from ..compose.conventions import compose
    from ..compose.render import render
    from ..gitops import changes

    msg = compose(text, changes.staged(repo, all_tracked=all_tracked), convention, scope=settings.scope)
    return render(
        f"commit-{convention}", settings.template_dir,
        header=msg.header, type=msg.type, scope=msg.scope, subject=msg.subject, body=msg.body, text=text,
    )


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
    from ..gitops.repo import Repo
    from ..takes import release
    from . import _voice

    repo = Repo.discover()
    settings = load_settings(repo.cwd)
    args = [a for a in git_args if a != "--"]
    all_tracked = any(a in ("-a", "--all") for a in args)
    from ..gitops import changes

    if not changes.staged(repo, all_tracked=all_tracked) and not any(a in ("--allow-empty", "--amend") for a in args):
        raise GitError("nothing staged to commit (git add the change first)")
    takes = _voice.claim_audio(repo, settings, audio, record)
    try:
        _commit(repo, settings, takes, convention, no_edit, model, device, args, all_tracked)
    except BaseException:
        if takes.claim is not None:
            release(repo, takes.claim)  # no commit was made: the takes wait for the next one
        raise


def _commit(repo, settings, takes, convention, no_edit, model, device, args, all_tracked) -> None:
    """Transcribe, run ``git commit -F`` on a message file of this invocation's own, attach the
    notes when a commit was made (not ``--dry-run``) and mark claimed takes used."""
    import os
    import tempfile
    from pathlib import Path

    from ..errors import GitError
    from ..gitops import changes, notes
    from ..takes import consume, recording_for, release
    from . import _voice

    diff = changes.staged_diff(repo, all_tracked=all_tracked)

    def source():
        from ..codeterms import candidates

        return candidates.from_diff_text(diff)

    text = _voice.transcribe(takes.paths, settings, source, model, device)
    message = _compose_message(repo, settings, text, convention or settings.convention, all_tracked)
    if takes.claim is not None:
        # Should this process die after git commits, the next claim sees the commit was made.
        tree = "" if all_tracked else repo.out("write-tree")
        takes.claim.info.update(text=text, tree=tree, parent=_head(repo))
        takes.claim.save()
    from ..gitops.repo import private_dir

    work = private_dir(repo.voice_dir / "tmp")
    fd, name = tempfile.mkstemp(prefix="COMMIT_EDITMSG-", dir=work)  # two commits at once: a file each
    msg_file = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(message)
    before = _head(repo)
    rc = repo.git_passthrough("commit", "-F", str(msg_file), *([] if no_edit else ["--edit"]), *args)
    if rc != 0:
        raise GitError(f"git commit failed (exit status {rc}); the message is kept in {msg_file}")
    msg_file.unlink(missing_ok=True)
    if _head(repo) == before:  # --dry-run, or a commit that was not made for another reason
        ui.warn("git commit made no commit; no voice note attached")
        if takes.claim is not None:
            release(repo, takes.claim)
        return
    notes.ensure_rewrite_refs(repo)
    folder = takes.claim.dir if takes.claim is not None else work
    recording = recording_for(takes.paths, folder)
    try:
        _voice.attach(repo, "HEAD", text, recording, settings)
    finally:
        if recording not in takes.paths:
            recording.unlink(missing_ok=True)
    if takes.claim is not None:
        consume(repo, takes.claim)


def _head(repo) -> str:
    proc = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""
