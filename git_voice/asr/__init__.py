"""Speech recognition: one engine interface (``engine``), model resolution
(``models``, ``bundled``) and one module per model family (``whisper``, ...).

Importing this package imports neither torch nor transformers; they load when a
model does.
"""
