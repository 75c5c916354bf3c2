"""Diff → ranked code-term candidates: identifiers, enclosing names, paths and symbols.

Language-agnostic: anything that is written unlike an English word (snake_case,
camelCase, PascalCase, SCREAMING_CASE, dotted, ``::``, kebab, paths, MIME types)
and appears on a changed line, in a hunk header's function context or as a
changed file's path is a candidate. Plain words (``user``, ``return``) are not:
they need no code form, and biasing toward them would only add risk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..gitops.repo import Repo
from .spoken import is_codey, pieces  # noqa: F401  (is_codey: part of this module's interface)

MAX_CANDIDATES = 60
# Three lines of context: enough for git to name the enclosing function in the
# hunk header without flooding the list with untouched code.
DIFF_ARGS = ("diff", "--no-color", "--no-ext-diff", "--no-renames", "-U1")

# Identifier chains: a.b.c, a::b::C, $jq, kebab-case-words (in headers, flags, CSS).
_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*")
_KEBAB = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)+(?![\w-])")
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
_ONE_LETTER_RECEIVER = re.compile(r"[a-z]\.[A-Za-z_$]")

WEIGHT_ADDED = 1.0
WEIGHT_REMOVED = 0.8
WEIGHT_DEFINED = 3.0
WEIGHT_CONTEXT = 2.0
WEIGHT_PATH = 2.5

# What the change does with a term, strongest first. ``defined``: a function, type
# or module-level name the change defines or edits inside (def/class/fn/func/
# struct/..., a hunk header's function); ``path``: a changed file; ``local``: a
# local variable or parameter the diff's lines bind (``x = ...``, ``let x``, a
# lower-case name in a definition's parameter list); ``used``: anything else on a
# changed line (calls, attributes, names from elsewhere).
DEFINED, PATH, LOCAL, USED = "defined", "path", "local", "used"
_KIND_ORDER = (DEFINED, PATH, USED)
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

    def add(self, term: str, weight: float, kind: str = USED) -> None:
        term = term.strip(".:-/")
        if len(term) < 3 or len(term) > 80 or not is_codey(term):
            return
        self.scores[term] = self.scores.get(term, 0.0) + weight
        old = self.kinds.get(term, USED)
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
        # ``s.GoAttach``, ``c.Meta``: a one-letter receiver or variable is not said.
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


def _scan_code(text: str, weight: float, tally: _Tally) -> None:
    for m in _MIME.finditer(text):
        tally.add(m.group(0), weight)
    for m in _KEBAB.finditer(text):
        tally.add(m.group(0), weight * 0.5)  # also matches "a-b" arithmetic: rank low
    for m in _CHAIN.finditer(text):
        for term in _chain_terms(m.group(0)):
            tally.add(term, weight)


def _scan_definitions(text: str, weight: float, tally: _Tally) -> None:
    indented = text[:1].isspace()
    for m in _DEFINES.finditer(text):
        local = m.group(1) in _BINDINGS and indented
        tally.add(m.group(3), weight, USED if local else DEFINED)
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


def _scan_locals(text: str, tally: _Tally) -> None:
    """Names an indented line binds by assignment (``content_type = ...``)."""
    m = _ASSIGN.match(text)
    if m:
        tally.locals.add(m.group(1))


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
    for line in diff.splitlines():
        if line.startswith("diff --git ") or line.startswith("index "):
            continue
        if line.startswith(("+++ ", "--- ")):
            _add_path(line[4:].strip().removeprefix("a/").removeprefix("b/"), tally)
            continue
        hunk = _HUNK.match(line)
        if hunk:
            _scan_definitions(hunk.group(1), WEIGHT_CONTEXT, tally)
            _scan_code(hunk.group(1), WEIGHT_CONTEXT * 0.5, tally)
            continue
        if line.startswith(" "):
            # Context: only the names it defines count (the enclosing function of an
            # indented method, which git's default hunk header does not show).
            _scan_definitions(line[1:], WEIGHT_CONTEXT, tally)
            _scan_locals(line[1:], tally)
            continue
        if line.startswith(("+", "-")):
            weight = WEIGHT_ADDED if line[0] == "+" else WEIGHT_REMOVED
            _scan_definitions(line[1:], WEIGHT_DEFINED, tally)
            _scan_locals(line[1:], tally)
            _scan_code(line[1:], weight, tally)
    return tally.ranked(limit)


def range_args(repo: Repo, rev_range: str) -> list[str]:
    """The ``git diff`` arguments for a range given the way ``format-patch`` takes it.

    ``A..B`` and ``A...B`` pass through; ``-N`` is the last N commits; a single
    revision means "since it" (``rev..HEAD``), except HEAD itself, which means
    the HEAD commit.
    """
    if ".." in rev_range:
        return [rev_range]
    if re.fullmatch(r"-[0-9]+", rev_range):
        return [f"HEAD~{rev_range[1:]}..HEAD"]
    if repo.rev_parse(rev_range) == repo.rev_parse("HEAD"):
        return [f"{rev_range}^!"]
    return [f"{rev_range}..HEAD"]


def from_range(repo: Repo, rev_range: str, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Candidates of a revision range (see :func:`range_args`), best first."""
    # --end-of-options: a "revision" such as --output=FILE..HEAD is never read as an option.
    return from_diff_text(repo.out(*DIFF_ARGS, "--end-of-options", *range_args(repo, rev_range), "--"), limit)


def from_staged(repo: Repo, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Candidates of the staged changes (what ``git commit`` is about to record)."""
    return from_diff_text(repo.out(*DIFF_ARGS, "--cached"), limit)


def from_worktree(repo: Repo, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Candidates of every uncommitted change, staged or not, against HEAD."""
    has_head = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0
    if has_head:
        return from_diff_text(repo.out(*DIFF_ARGS, "HEAD"), limit)
    # An unborn branch has no HEAD to compare with: staged plus unstaged.
    return from_diff_text(repo.out(*DIFF_ARGS, "--cached") + "\n" + repo.out(*DIFF_ARGS), limit)
