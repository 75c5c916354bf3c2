"""git-voice: spoken explanations of code changes, transcribed locally, written into git."""

__version__ = "0.1.0"
