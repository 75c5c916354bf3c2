"""Jinja2 templates: ``templates/*.j2``, overridable one by one with ``voice.templateDir``.

Transcripts are *data*: they are passed as variables and never compiled as
template source, so a note that says "{{ config }}" is printed as it was said.
Autoescape is off (the output is plain text, not HTML).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..resources import data_path
from .wrap import WIDTH, wrap


@lru_cache(maxsize=8)
def _environment(template_dir: str | None):
    import jinja2

    searchpath = [template_dir] if template_dir else []
    searchpath.append(str(data_path("templates")))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(searchpath),
        autoescape=False,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["wrap"] = lambda text, limit=WIDTH, indent="": wrap(str(text), int(limit), str(indent))
    return env


def render(name: str, template_dir: Path | None = None, **variables: Any) -> str:
    """Render ``templates/<name>.j2`` with ``variables``; the result ends with one newline.

    ``template_dir`` (``voice.templateDir``) is searched first. A template that fails
    to render is a :class:`ConfigError` naming it.
    """
    import jinja2

    if template_dir and not Path(template_dir).is_dir():  # a typo must not mean the built-in templates
        raise ConfigError(f"voice.templateDir {template_dir} is not a folder")
    env = _environment(str(template_dir) if template_dir else None)
    try:
        out = env.get_template(f"{name}.j2").render(**variables)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"template {name}.j2: {exc}") from None
    return out.strip("\n") + "\n"
