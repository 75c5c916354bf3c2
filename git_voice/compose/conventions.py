"""Commit message conventions: ``conventional`` (default), ``kernel``, ``plain``.

The type of a conventional commit comes first from what the diff touched (only
tests → ``test``, only docs → ``docs``, CI files → ``ci``, build files →
``build``), then from what was said ("fix", "crash" → ``fix``; "add", "support"
→ ``feat``; "rename", "clean up" → ``refactor``; "faster", "speed up" →
``perf``). The scope comes from the changed paths.

Every conventional header matches commitizen's ``cz check`` pattern and
commitlint's config-conventional rules (lower-case type and subject start, no
full stop, header ≤ 100; we keep it ≤ 72).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Sequence

from .summary import Summary, summarise
from .wrap import WIDTH, truncate, width

CONVENTIONS = ("conventional", "kernel", "plain")
TYPES = ("build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test")
HEADER_WIDTH = 72

# Spoken words → type, checked in this order (a "fix" that is also "faster" is a fix).
_SPOKEN: tuple[tuple[str, str], ...] = (
    ("revert", r"\brevert(?:s|ed|ing)?\b"),
    ("fix", r"\b(?:fix(?:es|ed|ing)?|crash(?:es|ed|ing)?|bugs?|broken|regression|typo)\b"),
    ("perf", r"\b(?:faster|speed(?:s|ed|ing)?\s+up|sped\s+up|performance|quicker|slow(?:er|ness)?)\b"),
    ("refactor", r"\b(?:renam(?:e|es|ed|ing)|clean(?:s|ed|ing)?\s+up|refactor(?:s|ed|ing)?|mov(?:e|es|ed|ing)|restructur\w*|simplif\w*|extract\w*)\b"),
    ("docs", r"\b(?:document(?:s|ed|ing|ation)?|readme|docstrings?)\b"),
    ("test", r"\b(?:tests?|testing)\b"),
    ("feat", r"\b(?:add(?:s|ed|ing)?|support(?:s|ed|ing)?|new|introduc\w*|implement\w*|allow\w*)\b"),
)
_GENERIC_DIRS = {"src", "lib", "libs", "pkg", "app", "source", "sources", "internal", "include", "python", "test", "tests", "doc", "docs"}
_DOC_SUFFIXES = {".md", ".rst", ".txt", ".adoc", ".texi"}
_BUILD_NAMES = {
    "pyproject.toml", "setup.py", "setup.cfg", "makefile", "cmakelists.txt", "meson.build", "cargo.toml",
    "cargo.lock", "package.json", "package-lock.json", "yarn.lock", "requirements.txt", "poetry.lock",
    "uv.lock", "dockerfile", "build.gradle", "pom.xml", "go.mod", "go.sum", "manifest.in", "tox.ini",
}
_CI_PREFIXES = (".github/workflows/", ".gitlab-ci", ".circleci/", ".travis.yml", "azure-pipelines", "jenkinsfile", ".buildkite/")


@dataclass(frozen=True)
class Change:
    """A changed path and its git status letter (A, M, D, R, ...)."""

    path: str
    status: str = "M"


@dataclass
class Message:
    """A commit message in parts; :attr:`text` joins them the way git expects."""

    header: str
    body: str
    type: str | None = None
    scope: str | None = None
    subject: str = ""

    @property
    def text(self) -> str:
        return self.header + ("\n\n" + self.body if self.body else "") + "\n"


def _is_test(path: str) -> bool:
    p = PurePosixPath(path.lower())
    return any(part in ("test", "tests", "testing", "spec", "__tests__") for part in p.parts[:-1]) or (
        p.name.startswith("test_") or p.stem.endswith(("_test", ".test", ".spec")) or p.name == "conftest.py"
    )


def _is_doc(path: str) -> bool:
    p = PurePosixPath(path.lower())
    return p.parts[0] in ("doc", "docs", "documentation") or p.suffix in _DOC_SUFFIXES


def _is_ci(path: str) -> bool:
    return path.lower().startswith(_CI_PREFIXES)


def _is_build(path: str) -> bool:
    return PurePosixPath(path.lower()).name in _BUILD_NAMES


def type_from_diff(changes: Sequence[Change]) -> str | None:
    """The type the changed paths alone imply, or None when they are (also) code."""
    paths = [c.path for c in changes]
    if not paths:
        return None
    for kind, test in (("test", _is_test), ("docs", _is_doc), ("ci", _is_ci), ("build", _is_build)):
        if all(test(p) for p in paths):
            return kind
    if all(_is_ci(p) or _is_build(p) for p in paths):
        return "ci" if any(_is_ci(p) for p in paths) else "build"
    return None


def type_from_speech(text: str) -> str | None:
    """The type the spoken words imply, or None."""
    lowered = text.lower()
    for kind, pattern in _SPOKEN:
        if re.search(pattern, lowered):
            return kind
    return None


def commit_type(text: str, changes: Sequence[Change], subject: str = "") -> str:
    """Diff first (it cannot be misheard), then the subject's words, then the whole note."""
    by_diff = type_from_diff(changes)
    if by_diff:
        return by_diff
    spoken = type_from_speech(subject) or type_from_speech(text)
    if spoken in ("docs", "test"):
        spoken = None  # saying "tests" about a code change does not make it a test-only commit
    if spoken:
        return spoken
    return "feat" if any(c.status.startswith("A") for c in changes) else "chore"


def scope_from_paths(paths: Sequence[str]) -> str | None:
    """The directory all ``paths`` share, generic ones (src, lib) skipped; a lone file's stem otherwise."""
    if not paths:
        return None
    split = [PurePosixPath(p).parts for p in paths]
    common: list[str] = []
    for parts in zip(*[s[:-1] for s in split]):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    meaningful = [c for c in common if c.lower() not in _GENERIC_DIRS and not c.startswith(".")]
    if meaningful:
        name = meaningful[-1]
    elif len(set(paths)) == 1:
        name = PurePosixPath(paths[0]).stem
    else:
        return None
    # commitlint wants a lower-case scope; cz check wants no whitespace in it. Letters of
    # any script stay ("fïle", "解析"): only what is neither a letter, digit nor _.-/ goes.
    name = re.sub(r"[^\w.\-/]+", "-", name.lower()).strip("-")
    return name or None


def _lower_first(subject: str) -> str:
    """commitlint rejects sentence-case subjects: lower-case the first word unless it is an acronym."""
    from .summary import lower_first

    return lower_first(subject)


def _upper_first(subject: str) -> str:
    from .summary import capitalise_first

    return capitalise_first(subject)


# Line starts git reads as something other than message text: a comment ("#",
# stripped by `git commit`), a patch separator or diff ("---", "diff --git", "Index:",
# cut by `git am`), an mbox boundary ("From "), a scissors line, a trailer
# ("Token: value", "(cherry picked from commit ...)": `git interpret-trailers`).
_NOT_TEXT = re.compile(
    r"^(?:#|---|diff[ -]|Index: |From |-- ?>8|>8|[A-Za-z0-9][A-Za-z0-9-]*:(?: |$)|\(cherry picked from commit)"
)


def inert_lines(body: str) -> str:
    """``body`` with no line that git would read as a comment, separator, boundary or trailer.

    Such a line takes the last word of the line above ("issue" + "#42 ..." →
    "issue #42 ..."); a first line that cannot is indented by one space, which git
    treats as plain text everywhere. Words and their order never change.
    """
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not _NOT_TEXT.match(line):
            continue
        above = lines[i - 1] if i else ""
        head, _, last = above.rpartition(" ")
        if head.strip() and last and not _NOT_TEXT.match(last + " " + line) and not _NOT_TEXT.match(head):
            lines[i - 1], lines[i] = head, last + " " + line
        else:
            lines[i] = " " + line
    return "\n".join(lines)


def compose(
    text: str,
    changes: Sequence[Change] = (),
    convention: str = "conventional",
    *,
    scope: bool = True,
    body_width: int = WIDTH,
) -> Message:
    """A spoken note and the change it describes → a :class:`Message` by ``convention``."""
    from .wrap import wrap

    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}")
    paths = [c.path for c in changes]
    scope_name = scope_from_paths(paths) if scope else None
    if convention == "conventional":
        kind = commit_type(text, changes, summarise(text).subject)
        prefix = f"{kind}({scope_name}): " if scope_name else f"{kind}: "
    elif convention == "kernel":
        kind = None
        prefix = f"{scope_name}: " if scope_name else ""
    else:
        kind, prefix = None, ""
    summary: Summary = summarise(text, HEADER_WIDTH - width(prefix))
    # A header starting with "#" is a comment to git commit; one starting with "---"
    # ends the message for git interpret-trailers. Neither carries meaning in a subject.
    subject = summary.subject.lstrip("#-").strip() or "update"
    subject = _lower_first(subject) if convention == "conventional" else _upper_first(subject)
    subject = truncate(subject, HEADER_WIDTH - width(prefix))
    body = inert_lines(wrap(summary.body, body_width)) if summary.body else ""
    return Message(header=prefix + subject, body=body, type=kind, scope=scope_name, subject=subject)
