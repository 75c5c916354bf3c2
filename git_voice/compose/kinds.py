"""The type of a conventional commit, and whether it breaks the public interface.

From the diff: only tests → ``test``, only docs → ``docs``, CI files → ``ci``, build
files → ``build``, whitespace only → ``style``. From the words, in this order:
"revert" → ``revert``; security (escape, sanitise, XSS, injection, CSRF,
vulnerability, CVE) → ``fix``; formatting (reformat, black, prettier, whitespace,
"no functional change") → ``style``; a bug (fix, crash, broken, leak, timing out)
→ ``fix``; speed → ``perf``; renames, clean-ups and removals → ``refactor``; new
things → ``feat``. A revert said aloud wins over the diff; otherwise the diff
wins. Where the two disagree, :class:`Kind` says which won, for a comment line.

Breaking: the diff removes a public function, flag or option and the note calls it
deprecated or breaking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Sequence

from .change import ChangeFacts

_SPOKEN: tuple[tuple[str, str, str], ...] = (
    ("revert", "a revert", r"\brevert(?:s|ed|ing)?\b|\bgoing\s+back\s+to\s+the\s+old\b"),
    ("fix", "a security fix", r"\b(?:escap(?:e|es|ed|ing)|saniti[sz](?:e|es|ed|ing)|xss|cross[\s-]+site|injection|"
     r"csrf|vulnerab\w*|cve\b|security|path\s+traversal|mask(?:s|ed|ing)?\s+the\s+password|secrets?\s+leak\w*)"),
    ("style", "formatting only", r"\b(?:re-?format\w*|black|prettier|gofmt|go\s+fmt|rustfmt|clang-format|whitespace|"
     r"indent\w*|tabs\s+instead\s+of\s+spaces|no\s+functional\s+changes?|(?:just|only)\s+formatting|formatting\s+only|lint(?:ing)?\s+fixes)\b"),
    ("fix", "a bug", r"\b(?:fix(?:es|ed|ing)?|crash(?:es|ed|ing)?|bugs?|broken|broke|regression|typo|leak(?:s|ed|ing)?|"
     r"timing\s+out|timed\s+out|off\s+by\s+one|wrong|race|deadlock|hang(?:s|ing)?|lost|stale|failing|piling\s+up|"
     r"null\s+check|no\s+longer\s+fails|annoying|cannot|can't|couldn't|could\s+not|wasn't|didn't|kept\s+failing)\b"),
    ("perf", "speed", r"\b(?:faster|speed(?:s|ed|ing)?\s+up|sped\s+up|performance|quicker|slow(?:er|ness)?|cached|caching|"
     r"memoi[sz]\w*|up\s*front)\b"),
    ("refactor", "a restructuring", r"\b(?:renam(?:e|es|ed|ing)|clean(?:s|ed|ing)?\s+up|cleanup|refactor(?:s|ed|ing)?|"
     r"mov(?:e|es|ed|ing)|restructur\w*|simplif\w*|extract\w*|remov(?:e|es|ed|ing)|delet(?:e|es|ed|ing)|"
     r"drop(?:s|ped|ping)?\s+(?:the|support|a|an)|is\s+gone|tid(?:y|ied))\b"),
    ("docs", "documentation", r"\b(?:document(?:s|ed|ing|ation)?|readme|docstrings?)\b"),
    ("test", "tests", r"\b(?:tests?|testing)\b"),
    ("feat", "something new", r"\b(?:add(?:s|ed|ing)?|support(?:s|ed|ing)?|new|introduc\w*|implement\w*|allow\w*)\b"),
)
# No type word said: a change in what the code does ("now", "make X", "lets you") is a feature.
_BEHAVIOUR = re.compile(r"(?i)\b(?:now|makes?|made|lets?\s+you|can\s+now|by\s+default|defaults?|follows?|honou?rs?|"
                        r"accepts?|options?|arguments?|also|so\s+people|works)\b")
_BREAKING_WORDS = re.compile(r"(?i)\b(?:deprecat\w*|breaking|incompatib\w*|no\s+longer\s+(?:supported|available|accepted))\b")
_GENERIC_DIRS = {"src", "lib", "libs", "pkg", "app", "source", "sources", "internal", "include", "python", "test", "tests", "doc", "docs"}
_DOC_SUFFIXES = {".md", ".rst", ".txt", ".adoc", ".texi"}
_BUILD_NAMES = {
    "pyproject.toml", "setup.py", "setup.cfg", "makefile", "cmakelists.txt", "meson.build", "cargo.toml",
    "cargo.lock", "package.json", "package-lock.json", "yarn.lock", "requirements.txt", "poetry.lock",
    "uv.lock", "dockerfile", "build.gradle", "pom.xml", "go.mod", "go.sum", "manifest.in", "tox.ini",
}
_CODE_SUFFIXES = {".py", ".js", ".mjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".c", ".h", ".cc", ".cpp", ".hpp", ".java",
                  ".kt", ".rb", ".php", ".cs", ".swift", ".m", ".scala", ".sh", ".lua", ".pl", ".ex", ".exs", ".zig", ".dart"}
_CI_PREFIXES = (".github/workflows/", ".gitlab-ci", ".circleci/", ".travis.yml", "azure-pipelines", "jenkinsfile", ".buildkite/")


@dataclass
class Kind:
    """A commit's type, whether it breaks callers (and what it removes), and a note when words and diff disagree."""

    type: str
    breaking: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


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


def type_from_paths(paths: Sequence[str]) -> str | None:
    """The type the changed paths alone imply, or None when they are (also) code."""
    if not paths:
        return None
    for kind, test in (("test", _is_test), ("docs", _is_doc), ("ci", _is_ci), ("build", _is_build)):
        if all(test(p) for p in paths):
            return kind
    if all(_is_ci(p) or _is_build(p) for p in paths):
        return "ci" if any(_is_ci(p) for p in paths) else "build"
    return None


def spoken(text: str) -> tuple[str, str] | None:
    """(type, why) the spoken words imply, or None."""
    lowered = text.lower()
    for kind, why, pattern in _SPOKEN:
        m = re.search(pattern, lowered)
        if m:
            return kind, f'{why} ("{m.group(0)}")'
    return None


def type_from_speech(text: str) -> str | None:
    """The type the spoken words imply, or None."""
    found = spoken(text)
    return found[0] if found else None


def classify(text: str, paths: Sequence[str], subject: str = "", facts: ChangeFacts | None = None,
             any_added: bool = False) -> Kind:
    """The :class:`Kind` of a change from the note, its subject, the changed paths and the diff."""
    by_paths = type_from_paths(paths)
    by_diff = by_paths or ("style" if facts and facts.whitespace_only else None)
    said = spoken(text)
    said_subject = spoken(subject) if subject else None
    # The subject's own verb speaks first unless the note names a revert, a security issue or a bug.
    # Why a change was made (a revert, a bug, security, formatting, speed) outranks the verb of what was done.
    if said_subject and (not said or said[0] not in ("revert", "fix", "style", "perf")) and said_subject[0] not in ("docs", "test"):
        said = said_subject
    words = said[0] if said else None
    if words == "docs" and by_diff is None and facts is not None and facts.comments_only:
        by_diff = "docs"  # a docstring or comment said and changed: documentation in a code file
    elif words in ("docs", "test") and by_diff is None:
        words = None  # saying "tests" about a code change does not make it a test-only commit
    comments: list[str] = []
    if words == "revert":
        kind = "revert"
        if by_diff:
            comments.append(f"type revert from the words, {said[1]}; the diff alone says {by_diff}")
    elif by_diff:
        kind = by_diff
        why = f"only {by_diff} files" if by_paths else ("whitespace only" if by_diff == "style" else "comments only")
        if words and words != by_diff:
            comments.append(f"type {by_diff} from the diff ({why}); the words said {words}, {said[1]}")
    elif words:
        kind = words
        if words == "style":
            comments.append(f"type style from the words, {said[1]}; the diff changes more than whitespace")
    else:
        # chore is for changes outside the code; a code change no word explains most often fixes something.
        code = any(PurePosixPath(p).suffix.lower() in _CODE_SUFFIXES for p in paths)
        kind = "feat" if any_added or _BEHAVIOUR.search(text) else ("fix" if code else "chore")
    breaking = _breaking(text, facts)
    if breaking is None and facts is not None and _BREAKING_WORDS.search(text):
        comments.append("the note says deprecated or breaking, but the diff removes no public name: no '!'")
    return Kind(type=kind, breaking=breaking or [], comments=comments)


def _breaking(text: str, facts: ChangeFacts | None) -> list[str] | None:
    """The public names the change removes, when the note calls them deprecated or breaking; else None."""
    if facts is None or not _BREAKING_WORDS.search(text):
        return None
    removed = facts.removed_public
    return removed or None
