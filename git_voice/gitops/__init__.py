"""Git access. ``repo.py`` is the only module that runs git."""
