"""Options several commands share, and the repository and settings a command works in."""

from __future__ import annotations

import click

from ..config import DEVICE_HELP


def _check_device(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from ..config import check_device
    from ..errors import ConfigError

    if value is None:
        return None
    try:
        return check_device(value, "--device")
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix("--device "), ctx, param) from None


audio = click.option("--audio", "audio", type=click.Path(dir_okay=False, path_type=str), help="The spoken note (any audio file).")
record = click.option("--record", is_flag=True, help="Record the note from the microphone now.")
_MODEL_HELP = "Hugging Face id, local checkpoint folder, or 'bundled' (default: voice.model)."
_DEVICE_HELP = f"{DEVICE_HELP} (default: voice.device, auto)."
# Commands that pass other arguments to git take no short forms (``-m`` is git commit's).
model = click.option("--model", help=_MODEL_HELP)
device = click.option("--device", callback=_check_device, help=_DEVICE_HELP)
model_short = click.option("--model", "-m", help=_MODEL_HELP)
device_short = click.option("--device", "-d", callback=_check_device, help=_DEVICE_HELP)


def repo_and_settings():
    """The repository around the current directory and its ``voice.*`` settings."""
    from ..config import load_settings
    from ..gitops.repo import Repo

    repo = Repo.discover()
    return repo, load_settings(repo.cwd)
