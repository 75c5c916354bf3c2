"""The small exception family every user-facing failure goes through.

The CLI catches these once (see ``cli.main``) and prints a single line; nothing
below the CLI prints errors or calls ``sys.exit``.
"""

from __future__ import annotations


class GitVoiceError(Exception):
    """A failure the user can act on: printed as one line, exit status 2."""

    exit_code = 2


class AudioError(GitVoiceError):
    """The audio given cannot be used (missing, corrupt, empty, too long, ...)."""


class ModelError(GitVoiceError):
    """The speech model cannot be found, converted or loaded."""


class DeviceError(GitVoiceError):
    """The compute device asked for is not available."""


class GitError(GitVoiceError):
    """A git command failed or the repository is not in a usable state."""


class ConfigError(GitVoiceError):
    """A voice.* setting or option has a value that cannot be used."""


class RecordingError(GitVoiceError):
    """Recording from the microphone failed (no device, PortAudio missing, busy, disk full, ...).

    ``take`` is the file holding whatever was captured before the failure, if any:
    a failed take is never thrown away.
    """

    def __init__(self, message: str, take: "object | None" = None) -> None:
        super().__init__(message)
        self.take = take
