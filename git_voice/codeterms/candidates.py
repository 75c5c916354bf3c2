"""Diff → ranked code-term candidates: identifiers, enclosing names, paths and symbols.

Language-agnostic: anything that is written unlike an English word (snake_case,
camelCase, PascalCase, SCREAMING_CASE, dotted, ``::``, kebab, paths, MIME types)
and appears on a changed line, in a hunk header's function context or as a
changed file's path is a candidate; so is such a name on an unchanged line at most
``NEARBY_LINES`` from a changed one, of kind ``nearby`` and ranked last. Plain
words (``user``, ``return``) are not: they need no code form, and biasing toward
them would only add risk. One-word names that are not English (``slugify``,
``truncatewords``, ``wordlist``) are, when the change calls, defines or binds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..codetext import code_in_prose, defined_name, enclosing_each, split_prose
from .spoken import is_codey, pieces  # noqa: F401  (is_codey: part of this module's interface)

MAX_CANDIDATES = 60

# Identifier chains: a.b.c, a::b::C, $jq, kebab-case-words (in headers, flags, CSS).
_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*")
_KEBAB = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)+(?![\w-])")
# A string literal that is one kebab-case key and nothing else: a header, directive or
# option name (``"Retry-After"``, ``'no-cache'``, ``"status-right"``).
_KEBAB_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)+")
# A long command-line flag, in code (a shell line) or as a whole string (``"--no-ignore-parent"``).
_FLAG = re.compile(r"(?<![\w-])--[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+(?![\w-])")
# A string literal that is one dotted lower-case key: a property or setting name
# (``"sbt.color"``, ``"java.io.tmpdir"``), which names a value as a kebab key does.
_DOTTED_KEY = re.compile(r"[a-z][a-z0-9_]+(?:\.[a-z][a-z0-9_]+)+")
_MIME = re.compile(r"(?<![\w/])(?:text|application|image|audio|video|multipart)/[A-Za-z0-9.+-]+")
_HUNK = re.compile(r"^@@ [^@]* @@ ?(.*)$")
# Names a line defines: def/class/fn/func/function/struct/... NAME (any language).
_DEFINES = re.compile(
    r"\b(def|class|fn|func|function|struct|enum|trait|interface|type|impl|const|let|var|static|macro_rules!)\s+"
    r"(?:\(([^)]*)\)\s*)?([A-Za-z_$][\w$]*)"
)
# The type in a Go method's receiver, ``(c *PlanCommand)`` or ``(s Set[T])``.
_RECEIVER_TYPE = re.compile(r"\*?\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*$")
# Keywords that bind a variable: a definition of the change only at module level
# (unindented); inside a body they name a local, which is merely used.
_BINDINGS = frozenset("const let var static".split())
_C_FUNC = re.compile(r"^[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(")
_NOT_TYPES = frozenset("return if while for switch else case goto sizeof await yield throw new delete".split())
# Receivers and module prefixes that nobody says as part of the name.
_DROP_PREFIX = ("self.", "this.", "cls.", "Self::", "super.", "super::", "crate::")
_ONE_LETTER_RECEIVER = re.compile(r"[a-z_]\.[A-Za-z_$]")
# A call: a name (or chain) right before an opening parenthesis.
_CALL = re.compile(r"([A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*)\s*\(")
# One-word called names shorter than this are left out (``len``, ``min``, ``fmt``).
MIN_CALLED_WORD = 5
# Terms from strings and comments rank below the code's own names.
PROSE_WEIGHT = 0.5

WEIGHT_ADDED = 1.0
WEIGHT_REMOVED = 0.8
WEIGHT_DEFINED = 3.0
WEIGHT_CONTEXT = 2.0
WEIGHT_PATH = 2.5
# Names on unchanged lines next to a change (``if self.is_fingerprinted(rel):`` just
# above the edited branch): a note often names them, but they rank below everything
# the change itself touches.
WEIGHT_NEARBY = 0.3
NEARBY_LINES = 2

# What the change does with a term, strongest first. ``defined``: a function, type
# or module-level name the change defines or edits inside (def/class/fn/func/
# struct/..., a hunk header's function); ``path``: a changed file; ``local``: a
# local variable or parameter the diff's lines bind (``x = ...``, ``let x``, a
# lower-case name in a definition's parameter list); ``used``: anything else on a
# changed line (calls, attributes, names from elsewhere); ``nearby``: only on an
# unchanged line at most ``NEARBY_LINES`` from a changed one.
DEFINED, PATH, LOCAL, USED, NEARBY = "defined", "path", "local", "used", "nearby"
_KIND_ORDER = (DEFINED, PATH, USED, NEARBY)
# An all-capitals one-word name in code: an environment variable or constant
# (``GOTOOLCHAIN``, ``GOFLAGS``), said as the words it runs together.
_CAPS_NAME = re.compile(r"(?<![\w$])[A-Z]{6,}(?![\w])")
# ``x = ...``, ``x: int = ...``, ``x := ...`` at a line's start (not ``==``).
_ASSIGN = re.compile(r"^\s+([A-Za-z_$][\w$]*)\s*(?::\s*[^=]+)?:?=(?!=)")
_PARAM_NAME = re.compile(r"(?<![\w$.])[a-z_$][\w$]*")


@dataclass(frozen=True)
class Candidate:
    """A code term of the change and its rank score (higher: more likely said)."""

    term: str
    score: float
    kind: str = ""  # DEFINED, PATH, LOCAL or USED; "" when not from a diff (extra terms)


class _Tally:
    """Scores per term, remembering first-seen order to break ties deterministically."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        self.kinds: dict[str, str] = {}
        self.locals: set[str] = set()

    def add(self, term: str, weight: float, kind: str = USED, word_ok: bool = False) -> None:
        """Count ``term``; a plain word only when ``word_ok`` (a call of a non-English name)."""
        if not _FLAG.fullmatch(term):  # a long flag keeps its dashes
            term = term.strip(".:-/")
        if len(term) < 3 or len(term) > 80 or not (is_codey(term) or word_ok):
            return
        self.scores[term] = self.scores.get(term, 0.0) + weight
        old = self.kinds.get(term, kind)
        self.kinds[term] = min(old, kind, key=_KIND_ORDER.index)

    def ranked(self, limit: int) -> list[Candidate]:
        order = {t: i for i, t in enumerate(self.scores)}
        best = sorted(self.scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
        return [Candidate(t, round(s, 3), self.kind(t)) for t, s in best[:limit]]

    def kind(self, term: str) -> str:
        kind = self.kinds[term]
        return LOCAL if kind == USED and term in self.locals else kind


def _chain_terms(chain: str) -> list[str]:
    """A chain and the names a speaker may say from it.

    ``self.store.get_user`` → ``store.get_user``, ``get_user``; ``std::fs::File::open`` →
    itself, ``File::open``, ``std::fs::File`` and ``open`` (a plain word: dropped).
    """
    for prefix in _DROP_PREFIX:
        if chain.startswith(prefix):
            chain = chain[len(prefix) :]
    if _ONE_LETTER_RECEIVER.match(chain):
        # ``s.GoAttach``, ``c.Meta``: a one-letter receiver or variable is not said, nor
        # Scala's placeholder (``_.nonEmpty``).
        chain = chain[2:]
    sep = "::" if "::" in chain else "."
    parts = chain.split(sep)
    out = [chain]
    if len(parts) > 1:
        # Every part on its own (``user_cache`` of ``user_cache.get``); plain words
        # among them are dropped later.
        out.extend(parts)
        if len(parts) > 2:
            out.append(sep.join(parts[-2:]))
            # ``std::fs::File::open(p)``: the type path is said as often as the call.
            out.append(sep.join(parts[:-1]))
    return out


def _scan_code(text: str, weight: float, tally: _Tally, kind: str = USED) -> None:
    for m in _MIME.finditer(text):
        tally.add(m.group(0), weight, kind)
    for m in _KEBAB.finditer(text):
        tally.add(m.group(0), weight * 0.5, kind)  # also matches "a-b" arithmetic: rank low
    for m in _FLAG.finditer(text):
        tally.add(m.group(0), weight, kind)
    for m in _CHAIN.finditer(text):
        for term in _chain_terms(m.group(0)):
            tally.add(term, weight, kind)


def _uncommon_word(name: str) -> bool:
    """A one-word name that is not English (``slugify``, ``truncatewords``, ``wordlist``):
    worth writing as code when the change calls, defines or binds it."""
    from .context import is_everyday_word

    return len(name) >= MIN_CALLED_WORD and name.isalpha() and not is_everyday_word(name.lower())


def _scan_calls(code: str, weight: float, tally: _Tally) -> None:
    """Functions a changed line calls: one-word names too (``slugify(``), unless English."""
    for m in _CALL.finditer(code):
        name = m.group(1).rsplit(".", 1)[-1].rsplit("::", 1)[-1]
        if is_codey(name):
            tally.add(name, weight * 0.5)  # already counted as a chain: ranked a little higher
        elif _uncommon_word(name):
            tally.add(name, weight, USED, word_ok=True)


def _scan_changed(text: str, path: str, weight: float, tally: _Tally) -> None:
    """A changed line: its code in full, and of its strings and comments only what is
    written like code (snake_case, a path, a MIME type, camelCase)."""
    code, prose = split_prose(text, path)
    _scan_definitions(code, WEIGHT_DEFINED, tally)
    bound = _scan_locals(code, tally)
    if bound and _uncommon_word(bound):
        tally.add(bound, weight, USED, word_ok=True)  # ``wordlist = input.split``
    _scan_code(code, weight, tally)
    _scan_calls(code, weight, tally)
    for m in _CAPS_NAME.finditer(code):
        if _uncommon_word(m.group(0)):  # not WARNING, not ERROR
            tally.add(m.group(0), weight, USED, word_ok=True)
    _scan_prose(prose, weight, tally)


def _scan_prose(prose: list[str], weight: float, tally: _Tally, kind: str = USED) -> None:
    """Of strings and comments, what is written like code; and a string that is one
    kebab-case key, which names a value as a local does (``kind`` local)."""
    for piece in prose:
        for term in code_in_prose(piece):
            tally.add(term, weight * PROSE_WEIGHT, kind)
        if _KEBAB_KEY.fullmatch(piece):
            tally.add(piece, weight * PROSE_WEIGHT, kind)
            tally.locals.add(piece)
        elif _DOTTED_KEY.fullmatch(piece):
            tally.add(piece, weight * PROSE_WEIGHT, kind)
            tally.locals.add(piece)
        elif _FLAG.fullmatch(piece):
            tally.add(piece, weight * PROSE_WEIGHT, kind)  # ``"--no-ignore-parent"``: a flag, written as code


def _scan_nearby(hunk: list[str], changed: list[int], path: str, tally: _Tally) -> None:
    """Names on the unchanged lines of one hunk within ``NEARBY_LINES`` of a changed line
    (kind ``nearby``): the call just above an edited branch, the helper the edited value
    is passed to next."""
    marks = set(changed)
    near = {c + d for c in changed for d in range(-NEARBY_LINES, NEARBY_LINES + 1)}
    for i, line in enumerate(hunk):
        if i in marks or i not in near:
            continue
        code, prose = split_prose(line, path)
        _scan_code(code, WEIGHT_NEARBY, tally, NEARBY)
        _scan_prose(prose, WEIGHT_NEARBY, tally, NEARBY)


def _scan_enclosing(hunk: list[str], changed: list[int], tally: _Tally) -> None:
    """The definitions enclosing each block of changed lines of one hunk (its function,
    method, class or impl), found in the hunk's own lines: with ``--function-context``
    they reach the function's first line, which ``-U1`` and the hunk header may hide."""
    seen: set[int] = set()
    marks = set(changed)
    firsts = [at for at in changed if at - 1 not in marks]  # the block's first line stands for the block
    for found in enclosing_each(hunk, firsts):
        for i in found:
            if i in seen:
                continue
            seen.add(i)
            _scan_definitions(hunk[i], WEIGHT_CONTEXT, tally)
            name = defined_name(hunk[i])
            if name:
                for term in _chain_terms(name):
                    term = term.rstrip("?!")
                    tally.add(term, WEIGHT_CONTEXT, DEFINED, word_ok=_uncommon_word(term))


def _scan_definitions(text: str, weight: float, tally: _Tally) -> None:
    indented = text[:1].isspace()
    for m in _DEFINES.finditer(text):
        local = m.group(1) in _BINDINGS and indented
        tally.add(m.group(3), weight, USED if local else DEFINED, word_ok=_uncommon_word(m.group(3)))
        if local:
            tally.locals.add(m.group(3))
        elif m.group(1) in ("def", "fn", "func", "function"):
            _scan_parameters(text[m.end() :], tally)
        receiver = _RECEIVER_TYPE.search(m.group(2) or "")
        if receiver and m.group(1) == "func":
            # A method's receiver type is the type the change edits inside, as
            # ``impl Arg`` is for Rust: "the plan command" names ``PlanCommand``.
            tally.add(receiver.group(1), weight, DEFINED)
    # C-family definitions start in column 0 (``static int parse_header(...)``);
    # an indented call or ``return f(...)`` is a use, not a definition.
    c = _C_FUNC.match(text)
    first = text.split(None, 1)[0] if text.strip() else ""
    if c and first not in _NOT_TYPES and not text.rstrip().endswith(";"):
        tally.add(c.group(1), weight, DEFINED)
        _scan_parameters(text[c.end(1) :], tally)


def _scan_locals(text: str, tally: _Tally) -> str | None:
    """Names an indented line binds by assignment (``content_type = ...``); returns the name."""
    m = _ASSIGN.match(text)
    if m:
        tally.locals.add(m.group(1))
        return m.group(1)
    return None


def _scan_parameters(rest: str, tally: _Tally) -> None:
    """Lower-case names in the parameter list that opens ``rest`` (types are capitalised
    in most languages and stay ``used``)."""
    m = re.match(r"\s*(?:<[^>]*>)?\s*\(([^)]*)\)", rest)
    if m:
        tally.locals.update(_PARAM_NAME.findall(m.group(1)))


def _add_path(path: str, tally: _Tally) -> None:
    if path == "/dev/null":
        return
    p = PurePosixPath(path)
    tally.add(p.name, WEIGHT_PATH, PATH)
    if len(p.parts) > 1:
        tally.add(path, WEIGHT_PATH * 0.5, PATH)
    if p.suffix:
        tally.add(p.stem, WEIGHT_PATH * 0.4, PATH)


def from_diff_text(diff: str, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Candidates of a unified diff (``git diff`` / ``format-patch`` output), best first.

    Takes the diff text; returns at most ``limit`` candidates ranked by how often
    and where each term appears (definitions, function context and paths count
    more than plain uses; added lines more than removed ones).
    """
    tally = _Tally()
    path = ""
    hunk: list[str] = []
    changed: list[int] = []
    for line in diff.splitlines():
        if line.startswith(("diff --git ", "@@ ")) or line.startswith(("+++ ", "--- ")):
            _scan_enclosing(hunk, changed, tally)
            _scan_nearby(hunk, changed, path, tally)
            hunk, changed = [], []
        if line.startswith("diff --git ") or line.startswith("index "):
            continue
        if line.startswith(("+++ ", "--- ")):
            name = line[4:].strip().removeprefix("a/").removeprefix("b/")
            path = name if name != "/dev/null" else path
            _add_path(name, tally)
            continue
        hunk_header = _HUNK.match(line)
        if hunk_header:
            _scan_definitions(hunk_header.group(1), WEIGHT_CONTEXT, tally)
            _scan_code(hunk_header.group(1), WEIGHT_CONTEXT * 0.5, tally)
            continue
        if line.startswith(" ") or line == "":
            # Context: what it binds (locals); its definitions count only when they
            # enclose a changed line (``_scan_enclosing``), not a neighbour's.
            hunk.append(line[1:])
            _scan_locals(line[1:], tally)
            continue
        if line.startswith(("+", "-")):
            changed.append(len(hunk))
            hunk.append(line[1:])
            _scan_changed(line[1:], path, WEIGHT_ADDED if line[0] == "+" else WEIGHT_REMOVED, tally)
    _scan_enclosing(hunk, changed, tally)
    _scan_nearby(hunk, changed, path, tally)
    return tally.ranked(limit)
