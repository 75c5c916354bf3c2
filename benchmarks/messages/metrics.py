"""What makes a commit subject bad, measured: cut, framed, a question, too wide; and the
linters' verdicts (commitizen's ``cz check``, commitlint's config-conventional).

The checks here are the benchmark's own, written independently of
``git_voice.compose`` so that the code under test does not grade itself.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from wcwidth import wcswidth

MARK = re.compile(r"\{([^|{}]+)\|([^{}]+)\}")
HEADER = re.compile(r"^(?P<type>\w+)(?:\((?P<scope>[^)]*)\))?(?P<bang>!)?: (?P<subject>.*)$")
# A subject that ends on one of these was cut inside a phrase.
FUNCTION_WORDS = frozenset(
    """the a an to of in on at by for with from into onto that which who and or but nor so
    because since than as if when while whose whom is are was were be been being has have had
    do does did will would can could should may might must its their our your his her my
    this these those there then""".split()
)
# Openings that are talk, not a statement of the change.
FRAMING = re.compile(
    r"(?i)^(?:um+|uh+|erm?|so|okay|ok|well|right|yeah|basically|like|you know|i mean|i think|just|"
    r"kind of|sort of|what i did|this commit|in this commit|this patch|this change|this does|"
    r"this is|two things|a couple|quick one|first(?:ly)?|second(?:ly)?|here\b)\b"
)
# "what" and "do" also open framing ("what I did") and imperatives ("do not ..."): not here.
QUESTION_WORDS = frozenset("should why how is are does did can could would who where".split())


def spoken_text(say: str) -> str:
    """The words the voice says: the left side of each ``{spoken|code}`` mark."""
    return MARK.sub(lambda m: m.group(1), say)


def expected_terms(say: str) -> list[str]:
    """The code terms the note names (right sides of the marks), in order, once each."""
    return list(dict.fromkeys(m.group(2) for m in MARK.finditer(say)))


def width(text: str) -> int:
    w = wcswidth(text)
    return w if w >= 0 else len(text)


def parse_header(header: str) -> dict:
    """``type(scope)!: subject`` → its parts (type None for kernel/plain headers)."""
    m = HEADER.match(header)
    if not m:
        return {"type": None, "scope": None, "bang": False, "subject": header}
    return {"type": m["type"], "scope": m["scope"], "bang": bool(m["bang"]), "subject": m["subject"]}


def subject_of(header: str, convention: str) -> str:
    """The subject: after ``type(scope): `` (conventional) or ``subsystem: `` (kernel)."""
    if convention == "conventional":
        return parse_header(header)["subject"]
    if convention == "kernel" and re.match(r"^[\w.\-/]+: ", header):
        return header.split(": ", 1)[1]
    return header


def cut_mid_phrase(subject: str) -> bool:
    """Ends on a function word, a comma, a hyphen or an open bracket."""
    s = subject.rstrip()
    if not s or s[-1] in ",;:-([{":
        return True
    last = re.sub(r"[^\w']", "", s.split()[-1]).lower()
    return last in FUNCTION_WORDS


def starts_with_framing(subject: str) -> bool:
    return bool(FRAMING.match(subject.strip()))


def is_question(subject: str, said: str) -> bool:
    """Ends with "?", opens with a question word, or is the start of a question the note asked."""
    s = subject.strip()
    if s.endswith("?") or (s.split() and s.split()[0].lower() in QUESTION_WORDS):
        return True
    norm = lambda t: " ".join(re.sub(r"[^\w\s]", " ", t.lower()).split())  # noqa: E731
    questions = [q for q in re.split(r"(?<=[.!?])\s+", said) if q.strip().endswith("?")]
    words = norm(s).split()
    return any(len(words) >= 3 and norm(q).startswith(" ".join(words[:3])) for q in questions)


def term_recall(message: str, terms: list[str]) -> tuple[int, int]:
    """(terms written verbatim in the message, terms expected)."""
    text = message.replace("`", "")
    found = sum(1 for t in terms if re.search(r"(?<![\w.:/-])" + re.escape(t) + r"(?![\w])", text))
    return found, len(terms)


def word_f1(subject: str, reference: str) -> float:
    """Bag-of-words F1 between a subject and the person's reference subject (case folded)."""
    a = re.findall(r"[\w.'-]+", subject.lower())
    b = re.findall(r"[\w.'-]+", reference.lower())
    if not a or not b:
        return 0.0
    common = sum(min(a.count(w), b.count(w)) for w in set(a))
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


# -- linters -----------------------------------------------------------------------------


def cz_check(messages: list[str], cz: str) -> list[bool]:
    """commitizen's verdict on each message (``cz check --message``)."""
    out = []
    for m in messages:
        proc = subprocess.run([cz, "check", "--message", m], capture_output=True, text=True)
        out.append(proc.returncode == 0)
    return out


_LINT_JS = r"""
const lint = require('@commitlint/lint').default;
const load = require('@commitlint/load').default;
const messages = JSON.parse(require('fs').readFileSync(0, 'utf8'));
(async () => {
  const config = await load({extends: ['@commitlint/config-conventional']});
  const opts = config.parserPreset ? {parserOpts: config.parserPreset.parserOpts} : {};
  const out = [];
  for (const m of messages) {
    const r = await lint(m, config.rules, opts);
    out.push({valid: r.valid, errors: r.errors.map(e => e.name), warnings: r.warnings.map(e => e.name)});
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(String(e)); process.exit(1); });
"""


def commitlint_dir(cache: Path) -> Path | None:
    """A folder with @commitlint/cli and config-conventional installed (npm, once); None without npm."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    if not (cache / "node_modules" / "@commitlint" / "config-conventional").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        if not (cache / "package.json").exists():
            (cache / "package.json").write_text('{"name": "git-voice-bench-commitlint", "private": true}\n')
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent",
                        "@commitlint/cli", "@commitlint/config-conventional"], cwd=cache, check=True)
    (cache / "lint.js").write_text(_LINT_JS)
    return cache


def commitlint(messages: list[str], cache: Path) -> list[dict] | None:
    """commitlint config-conventional on each message; None when node/npm are missing."""
    folder = commitlint_dir(cache)
    node = shutil.which("node")
    if folder is None or node is None:
        return None
    proc = subprocess.run([node, "lint.js"], cwd=folder, input=json.dumps(messages),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)
