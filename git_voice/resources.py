"""Where the files shipped beside the code live: ``templates/`` and ``hooks/``.

In a wheel they are force-included at ``git_voice/_data/<name>`` (see
pyproject.toml); in a source checkout they sit at the top level, beside the
package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    """The folder or file ``name`` (``"templates"``, ``"hooks/prepare-commit-msg"``) of this install."""
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"git-voice is missing its {name} (broken install?)")
