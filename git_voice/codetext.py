"""A light reading of source lines: code versus strings and comments (for code-term candidates), and
which lines open a function, method, class or impl.

Language-agnostic on purpose: a changed line is split into its code and its prose
(string literals and comments), so the words of a message or a comment ("Crème
brûlée", "Content-Type") do not become code terms while the names the code uses
do; and a line that defines something is recognised in the common syntaxes
(``def``/``fn``/``func``/``function``/``fun``/``sub``/``class``/``impl``/...,
C-family and Java-style signatures, shell functions), so the definitions that
enclose a change can be found from the diff's function context.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

# Prose that is still written like code: snake_case (``no_speech_threshold``), a
# path (``src/app.py``, ``/proc/meminfo``), a MIME type, a dotted file name or
# camelCase (``getUserById``). Plain and hyphenated words are not.
_CODE_IN_PROSE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?:text|application|image|audio|video|multipart|font)/[A-Za-z0-9.+-]+"  # MIME
    r"|\.?/?[\w.-]*\w/[\w./-]*\w"  # a path with a slash
    r"|\.?[A-Za-z]\w*\.(?:py|js|ts|tsx|jsx|rs|go|c|h|cc|cpp|hpp|java|kt|rb|sh|md|json|toml|yaml|yml|lock|lua|swift|php|txt|cfg|ini)\b"
    r"|[A-Za-z]\w*_\w+"  # snake_case, SCREAMING_CASE
    r"|[a-z]+[A-Z]\w*"  # camelCase
    r")"
)
# A comment starts here: ``#`` or ``//`` or ``--`` after a space or at the line's start
# (not ``#[cfg``, ``#include``, ``$#``, ``http://``), or ``/*``; ``*`` opens a doc-comment line.
_COMMENT = re.compile(r"(?:^|(?<=\s))(?:#(?![\[!]|include|define|if|endif|else|pragma)|//|--\s)|/\*|^\s*\*(?:\s|$)")
_LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!')")

# Keywords that open a definition, and the name after them.
_KEYWORD_DEF = re.compile(
    r"^\s*(?:return\s+)?(?:(?:pub(?:\([^)]*\))?|export|default|async|static|public|private|protected|internal|open|"
    r"override|abstract|final|unsafe|const|inline|extern|suspend|data|sealed|local|module_function)\s+)*"
    r"(def|class|fn|func|function|fun|sub|struct|enum|trait|interface|impl|module|object|record|type)\b\s*"
    r"(?:\([^)]*\)\s*)?(?:<[^>]*>\s*)?(?:self\.)?([A-Za-z_$][\w$]*(?:(?:\.|::|:)[A-Za-z_$][\w$]*)*[?!]?)?"
)
# ``impl<'a, M> Printer<M> for StandardImpl<'a, M>``: the type after ``for`` (or the only one).
_IMPL_TYPE = re.compile(r"\bimpl\b(?:\s*<[^{]*?>)?\s+(?:[\w:]+(?:<[^{]*?>)?\s+for\s+)?([A-Za-z_][\w:]*)")
# ``res.send = function send(``, ``const parse = (a) =>``: a name given to a function value.
# ``const f = (a) => {``, ``export const f = async (o: Opts): Handler => {``,
# ``let f: Fn = function (...)``: a function bound to a name (a return type allowed).
_ASSIGNED_FN = re.compile(
    r"^\s*(?:(?:export\s+)?(?:const|let|var)\s+)?([A-Za-z_$][\w$.]*)\s*(?::\s*[^=]+?)?=\s*(?:async\s+)?"
    r"(?:function\b|(?:<[^>]*>\s*)?\([^)]*\)\s*(?::\s*[^=]+?)?=>)"
)
# A signature without a keyword: C, C++, Java, C#, JS/TS methods, shell functions.
_SIGNATURE = re.compile(
    r"^\s*(?:[\w$<>\[\],.?*&:@]+\s+)*?\**([A-Za-z_$~][\w$]*(?:::~?[A-Za-z_]\w*)*)\s*(?:<[^>()]*>)?\s*\([^;]*$"
)
_SHELL_FN = re.compile(r"^\s*(?:function\s+)?([A-Za-z_][\w:.-]*)\s*\(\)\s*(?:\{\s*)?$")
# The function and its class (or impl): outer modules are rarely what a note names.
MAX_ENCLOSING = 2
_NOT_NAMES = frozenset(
    "if for while switch catch return new else elif elsif unless until do case when match loop with try "
    "await yield throw sizeof typeof assert print println printf echo defer go select".split()
)
_BODY_OPENS = re.compile(r"[{:,(]\s*(?://.*|#.*)?$|\bdo\s*(?:\|[^|]*\|)?\s*$|=\s*$|\)\s*(?:->\s*[^=]+|:\s*[^=]+)?$")
# A method without a type or modifier before it: ``  apply(compiler) {``, ``match(opts: T): R {``.
_BARE_METHOD = re.compile(r"^\s*[A-Za-z_$][\w$]*\s*\([^()]*\)\s*(?::\s*[^{()]+)?\{\s*$")
# Lines that only close or open a bracket, or continue a signature (``) -> Fragment {``).
_PUNCTUATION = re.compile(r"^\s*[)}\]{]")


def split_prose(line: str, path: str = "") -> tuple[str, list[str]]:
    """``line`` less its string literals and comment (blanked), and those pieces of prose.

    Takes one source line and the file's path (Rust's ``'a`` is a lifetime, not a
    quote); returns the code part and the list of strings and comment texts.
    """
    rust = path.endswith(".rs")
    code: list[str] = []
    prose: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in "\"'`":
            if c == "'" and (rust and _LIFETIME.match(line, i) or (i and line[i - 1].isalnum())):
                code.append(c)  # a lifetime, or an apostrophe inside a word
                i += 1
                continue
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            prose.append(line[i + 1 : min(j, n)])
            code.append(" " * (min(j, n - 1) - i + 1))
            i = j + 1
            continue
        m = _COMMENT.match(line, i) if c in "#/-*" else None
        if m and (i == 0 or line[:i].strip() or c != "*"):
            prose.append(line[i:])
            break
        code.append(c)
        i += 1
    return "".join(code), prose


def code_in_prose(text: str) -> list[str]:
    """The parts of a string literal or comment that are written like code (see ``_CODE_IN_PROSE``)."""
    return [m.group(0).rstrip(".") for m in _CODE_IN_PROSE.finditer(text)]


def indent(line: str) -> int:
    """The width of a line's leading whitespace, a tab counting as four."""
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].replace("\t", "    "))


def defined_name(line: str) -> str | None:
    """The name a line defines when it opens a function, method, class, module or impl, else None.

    ``    fn print_snip(&self, line: &[u8]) -> io::Result<()> {`` → ``print_snip``;
    ``impl<'a> Sleep {`` → ``Sleep``; ``func (c *PlanCommand) Run(args []string) int {``
    → ``Run``; ``    public boolean canRead(Type type) {`` → ``canRead``; a call,
    an ``if`` or an assignment → None.
    """
    code = line.split("//")[0].rstrip()
    if not code.strip() or code.rstrip().endswith(";"):
        return None
    if re.match(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?impl\b", code):
        m = _IMPL_TYPE.search(code)
        return m.group(1) if m else None
    m = _KEYWORD_DEF.match(code)
    if m:
        return m.group(2)
    m = _ASSIGNED_FN.match(code)
    if m:
        return m.group(1)
    m = _SHELL_FN.match(code)
    if m and "()" in code and m.group(1) not in _NOT_NAMES:
        return m.group(1)
    m = _SIGNATURE.match(code)
    if m and m.group(1) not in _NOT_NAMES and "=" not in code[: m.start(1)] and _BODY_OPENS.search(code):
        head = code[: m.start(1)].strip()
        if _NOT_NAMES.intersection(re.findall(r"\w+", head)):
            return None  # ``elif isinstance(...)``, ``return new Promise(...)``
        # ``foo(bar)`` alone is a call; a signature has a type or modifier before its name,
        # starts in column 0 (C), or is a method opening a block (``  apply(compiler) {``).
        if head or indent(code) == 0 or _BARE_METHOD.match(code):
            return m.group(1)
    return None


def enclosing(lines: list[str], at: int) -> list[int]:
    """The indexes of the lines that define what encloses ``lines[at]``, innermost first.

    Walks up from ``at``: a line that defines something and is indented less
    than everything seen since is an enclosing definition (the function, then
    its class or impl). Lines are source text without diff markers.
    """
    out: list[int] = []
    limit = indent(lines[at]) if lines[at].strip() else 10_000
    for i in range(at - 1, -1, -1):
        line = lines[i]
        if not line.strip() or _PUNCTUATION.match(line):
            continue
        width = indent(line)
        if width >= limit:
            continue
        name = defined_name(line)
        if name:
            out.append(i)
            if width == 0 or len(out) == MAX_ENCLOSING:
                break
        limit = min(limit, width) if name or width == 0 else limit
    return out


def enclosing_each(lines: list[str], ats: Iterable[int]) -> Iterator[list[int]]:
    """:func:`enclosing` of each of ``ats`` in turn, the same lists, in one walk down ``lines``.

    :func:`enclosing` walks up from its line, so asking it for every block of a hunk of
    thousands (a lock file under ``--function-context``) reads the hunk once per block.
    Here each line is read once: the lines that can still enclose a later one are kept
    on a stack, their indents strictly growing (a definition, or a line in column 0,
    hides every earlier one indented as far or further), and each line's answer is read
    off the top of that stack. ``ats`` ascending; one that is not is asked of
    :func:`enclosing` itself.
    """
    stack: list[tuple[int, int, bool]] = []  # (index, indent, defines something)
    done = 0
    for at in ats:
        if at < done:
            yield enclosing(lines, at)
            continue
        for i in range(done, at):
            line = lines[i]
            if not line.strip() or _PUNCTUATION.match(line):
                continue
            width = indent(line)
            defines = defined_name(line) is not None
            if not defines and width:
                continue  # neither encloses nor ends the walk: enclosing() passes it by
            while stack and stack[-1][1] >= width:
                stack.pop()
            stack.append((i, width, defines))
        done = at
        out: list[int] = []
        limit = indent(lines[at]) if lines[at].strip() else 10_000
        for i, width, defines in reversed(stack):
            if width >= limit:
                continue
            if not defines:
                break  # column 0 and no definition: nothing above encloses
            out.append(i)
            if width == 0 or len(out) == MAX_ENCLOSING:
                break
            limit = width
        yield out
