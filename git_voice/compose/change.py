"""What a diff says about a change, for the message: the functions it touches, the public
names, flags and options it removes, and whether it changes whitespace only.

Read from ``git diff`` text (any context size; ``-U0`` is what commands pass). Plain
regular expressions over the common languages' definition forms: enough to name a
change's object, not a parser.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..codetext import defined_name

_FILE_RE = re.compile(r"^\+\+\+ (?:b/)?(.+)$")
_OLD_FILE_RE = re.compile(r"^--- (?:a/)?(.+)$")
_HUNK_RE = re.compile(r"^@@ [^@]* @@ ?(.*)$")
_FLAG_RE = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]+)")
# An option or setting: a key in a mapping or object literal ("legacyChunks: false", "'minify': True").
_KEY_RE = re.compile(r"^\s*['\"]?([A-Za-z_][\w-]*)['\"]?\s*:\s*\S")
_COMMENT_RE = re.compile(r'^\s*(?:#|//|/\*|\*|"""|\'\'\'|--\s)')
_STRING_RE = re.compile(r"'([^'\n]{2,})'|\"([^\"\n]{2,})\"")


@dataclass
class ChangeFacts:
    """A diff, read for the message. All lists keep first-seen order, without repeats."""

    paths: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)  # enclosing or defined on a changed line
    added_defs: list[str] = field(default_factory=list)
    removed_defs: list[str] = field(default_factory=list)  # defined on a removed line, not re-added
    removed_flags: list[str] = field(default_factory=list)
    removed_options: list[str] = field(default_factory=list)
    whitespace_only: bool = False
    comments_only: bool = False  # every changed line is a comment or docstring
    changed_strings: list[str] = field(default_factory=list)
    identifiers: frozenset[str] = frozenset()  # names on changed lines and hunk headers

    @property
    def removed_public(self) -> list[str]:
        """Public names, flags and options the change takes away (``_private`` names excluded)."""
        names = [n for n in self.removed_defs if not n.startswith("_")]
        return list(dict.fromkeys(names + self.removed_flags + self.removed_options))

    def object(self) -> str | None:
        """What the change is about, most specific first: one function, else one file's name."""
        if len(self.added_defs) == 1 and not self.removed_defs:
            return self.added_defs[0]
        if len(self.functions) == 1:
            return self.functions[0]
        if len(self.paths) == 1:
            return PurePosixPath(self.paths[0]).name
        return None


def _add(items: dict[str, None], value: str | None) -> None:
    """Add ``value`` to an ordered set (a dict's keys: first-seen order, no repeats)."""
    if value:
        items.setdefault(value)


# Where a removed flag may still be (``--name`` followed by more flag characters), and a
# key that an added line still sets (a whole ``[\w-]`` run, an optional quote, then ``:``).
_FLAG_AT = r"(?=(--[a-z][a-z0-9-]{0,%d}))"
_KEY_SET_RE = re.compile(r"(?<![\w-])([\w-]+)['\"]?\s*:")


def _substring_test(text: str, flags: list[str]):
    """``flag in text`` for each of ``flags`` (all matching ``_FLAG_RE``) without a search
    of ``text`` per flag: a flag is in it exactly where it starts one of the runs of flag
    characters that begin at a ``--`` followed by a letter, so those runs (cut to the
    longest flag) are sorted once and each flag is looked up by bisection. A few flags,
    or one longer than any real flag, are searched for as they are."""
    distinct = set(flags)
    indexed = {f for f in distinct if len(f) <= _LONGEST_FLAG}
    if len(distinct) <= _FEW_FLAGS or not indexed:
        return _memo(lambda flag: flag in text)
    longest = max(map(len, indexed))
    runs = sorted({m.group(1) for m in re.finditer(_FLAG_AT % (longest - 3), text)})

    def contains(flag: str) -> bool:
        if flag not in indexed:
            return flag in text
        at = bisect.bisect_left(runs, flag)
        return at < len(runs) and runs[at].startswith(flag)

    return contains


_FEW_FLAGS = 16
_LONGEST_FLAG = 128


def _memo(test):
    seen: dict[str, bool] = {}

    def once(flag: str) -> bool:
        if flag not in seen:
            seen[flag] = test(flag)
        return seen[flag]

    return once


def _squash(lines: list[str]) -> str:
    return "".join("".join(line.split()) for line in lines)


def read(diff: str) -> ChangeFacts:
    """``git diff`` text → :class:`ChangeFacts`.

    Linear in the diff's size: the lists are built as ordered sets, and what the removed
    lines name is looked up in the added lines through one index each, not a search of
    the added text per removed line.
    """
    facts = ChangeFacts()
    paths: dict[str, None] = {}
    functions: dict[str, None] = {}
    added_defs: dict[str, None] = {}
    removed_defs: dict[str, None] = {}
    removed_flags: dict[str, None] = {}
    removed_options: dict[str, None] = {}
    changed_strings: dict[str, None] = {}
    minus: list[str] = []
    plus: list[str] = []
    hunks: list[tuple[list[str], list[str]]] = []
    headers: list[str] = []
    in_header = False
    old_path = None
    for line in diff.splitlines():
        if line.startswith("diff --git"):
            in_header, old_path = True, None
            continue
        if in_header:
            m = _OLD_FILE_RE.match(line)
            if m and line.startswith("--- "):
                old_path = m.group(1)
                continue
            m = _FILE_RE.match(line)
            if m:
                _add(paths, m.group(1) if m.group(1) != "/dev/null" else old_path)
                in_header = False
                continue
        m = _HUNK_RE.match(line)
        if m:
            in_header = False
            hunks.append(([], []))
            headers.append(m.group(1))
            _add(functions, defined_name(m.group(1)) if m.group(1) else None)
            continue
        if not hunks or line[:1] not in ("+", "-"):
            continue
        body = line[1:]
        (hunks[-1][0] if line[0] == "-" else hunks[-1][1]).append(body)
        (minus if line[0] == "-" else plus).append(body)
        name = defined_name(body)
        _add(functions, name)
    plus_names = [defined_name(b) for b in plus]
    minus_names = [defined_name(b) for b in minus]
    added = set(plus_names) - {None}
    removed = set(minus_names) - {None}
    for n in plus_names:
        if n and n not in removed:
            _add(added_defs, n)
    for n in minus_names:
        if n and n not in added:
            _add(removed_defs, n)
    plus_text = "\n".join(plus)
    minus_flags = [_FLAG_RE.findall(b) for b in minus]
    flag_in_plus = _substring_test(plus_text, [f for flags in minus_flags for f in flags])
    keys_in_plus: set[str] | None = None
    for b, flags in zip(minus, minus_flags):
        for flag in flags:
            if not flag_in_plus(flag):
                _add(removed_flags, flag)
        k = _KEY_RE.match(b)
        if k:
            if keys_in_plus is None:
                keys_in_plus = {m.group(1) for m in _KEY_SET_RE.finditer(plus_text)}
            if k.group(1) not in keys_in_plus:
                _add(removed_options, k.group(1))
    names = re.findall(r"[A-Za-z_]\w+", "\n".join(minus + plus + headers))
    # Two-letter names only when cased like code ("Do", "ID"): "if", "in", "or" are keywords.
    facts.identifiers = frozenset(n for n in names if len(n) > 2 or not n.islower())
    facts.comments_only = bool(plus or minus) and all(_COMMENT_RE.match(b) or not b.strip() for b in plus + minus)
    facts.whitespace_only = bool(hunks) and all(_squash(m) == _squash(p) for m, p in hunks)
    old_strings = {a or b for b_line in minus for a, b in _STRING_RE.findall(b_line)}
    for b_line in plus:
        for a, b in _STRING_RE.findall(b_line):
            if (a or b) not in old_strings:
                _add(changed_strings, a or b)
    facts.paths, facts.added_defs, facts.removed_defs = list(paths), list(added_defs), list(removed_defs)
    facts.removed_flags, facts.removed_options = list(removed_flags), list(removed_options)
    facts.changed_strings = list(changed_strings)
    # A function both added and removed on changed lines was edited, not defined anew.
    facts.functions = [f for f in functions if f not in removed_defs or f in added]
    return facts
