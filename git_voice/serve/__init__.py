"""The warm model: ``git voice serve`` (``server``) and its client (``client``), over the
OpenAI-style ``/v1/audio/transcriptions`` API. Knows engines, not code terms."""
