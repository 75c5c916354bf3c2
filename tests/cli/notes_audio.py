"""The one spoken note the command tests share (synthesised once, cached on disk)."""

NOTE = "I fixed the crash in the config loader when the file is empty."
