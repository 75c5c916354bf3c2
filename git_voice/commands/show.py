"""``git voice show``: the transcript noted on a commit; ``--play`` / ``--extract`` its audio."""

from __future__ import annotations

import click

from .. import ui


def _play(data: bytes) -> None:
    """Play recording bytes on the default output device."""
    import io

    import sounddevice as sd
    import soundfile as sf

    from ..errors import AudioError, DeviceError

    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    except Exception as exc:
        raise AudioError(f"the noted audio cannot be decoded: {exc}") from None
    try:
        sd.play(samples, rate)
        sd.wait()
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot play audio: {exc}") from None


@click.command()
@click.argument("rev", default="HEAD")
@click.option("--play", is_flag=True, help="Play the recorded note.")
@click.option("--extract", "extract", type=click.Path(dir_okay=False, path_type=str), help="Write the recorded note to FILE ('-': stdout).")
def show(rev, play, extract) -> None:
    """Print the voice note of REV (default HEAD); --play or --extract its recording."""
    from ..errors import GitError
    from ..gitops import notes
    from ..gitops.repo import Repo

    repo = Repo.discover()
    text = notes.require_text(repo, rev)
    if not (play or extract):
        click.echo(ui.sanitize(text), nl=not text.endswith("\n"))
        return
    data = notes.get_audio(repo, rev)
    if data is None:
        raise GitError(f"{rev} has a voice note but no recording")
    if extract == "-":  # the recording on stdout, as other git commands take "-"
        import sys

        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif extract:
        with open(extract, "wb") as fh:
            fh.write(data)
        ui.info(f"wrote {len(data)} bytes to {extract}")
    if play:
        _play(data)
