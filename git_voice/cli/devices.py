"""``git voice devices``: the input devices a take can be recorded from."""

from __future__ import annotations

import click


@click.command()
def devices() -> None:
    """List input devices; '*' marks the default. Pick one with voice.inputDevice.

    \b
    git config voice.inputDevice 3          by index
    git config voice.inputDevice "USB Mic"  by part of its name
    """
    from ..audio.devices import input_devices, load_sounddevice
    from ..config import load_settings
    from ..errors import RecordingError

    found = input_devices(load_sounddevice())
    if not found:
        raise RecordingError("no input device found (is a microphone connected?)")
    for dev in found:
        click.echo(dev.describe())
    chosen = load_settings().input_device
    if chosen:
        click.echo(f"voice.inputDevice = {chosen}")
