"""The use cases: transcribe a take against a change, commit, format-patch, notes, the
hook protocol, serve. The only layer that combines the others; the CLI calls it."""
