from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from git_voice.compose.conventions import commit_type, compose, scope_from_paths
from git_voice.types import Change
from git_voice.compose.wrap import width

CZ = shutil.which("cz", path=str(Path(sys.executable).parent)) or shutil.which("cz")
# commitlint config-conventional, the rules a generated header can break.
COMMITLINT_TYPES = "build chore ci docs feat fix perf refactor revert style test".split()


def commitlint_problems(message: str) -> list[str]:
    header, _, rest = message.partition("\n")
    m = re.match(r"^(\w+)(?:\(([^)]+)\))?!?: (.+)$", header)
    if not m:
        return ["header-pattern"]
    kind, scope, subject = m.groups()
    problems = []
    if kind not in COMMITLINT_TYPES:
        problems.append("type-enum")
    if scope and scope != scope.lower():
        problems.append("scope-case")
    if subject[:1].isupper():
        problems.append("subject-case")
    if subject.endswith("."):
        problems.append("subject-full-stop")
    if len(header) > 100:
        problems.append("header-max-length")
    if rest and not rest.startswith("\n"):
        problems.append("body-leading-blank")
    if any(len(line) > 100 for line in rest.splitlines()):
        problems.append("body-max-line-length")
    return problems


@pytest.mark.parametrize(
    "spoken, changes, kind",
    [
        ("I fixed a crash when the file is empty.", [Change("src/app/loader.py")], "fix"),
        ("Added support for kernel style messages.", [Change("git_voice/compose/k.py", "A")], "feat"),
        ("Renamed the helper and cleaned up the imports.", [Change("lib/util.py")], "refactor"),
        ("This makes loading a lot faster by caching the model.", [Change("src/cache.py")], "perf"),
        ("I fixed the flaky test.", [Change("tests/test_loader.py")], "test"),
        ("I fixed a typo.", [Change("docs/usage.md"), Change("README.md")], "docs"),
        ("Run the suite on Python 3.13 too.", [Change(".github/workflows/ci.yml")], "ci"),
        ("Bump the torch pin.", [Change("pyproject.toml")], "build"),
    ],
)
def test_type_from_diff_then_speech(spoken, changes, kind):
    assert commit_type(spoken, changes) == kind


def test_scope_from_paths():
    assert scope_from_paths(["git_voice/compose/a.py", "git_voice/compose/b.py"]) == "compose"
    assert scope_from_paths(["src/Parser.py"]) == "parser"
    assert scope_from_paths(["a.py", "b/c.py"]) is None


@pytest.mark.skipif(CZ is None, reason="commitizen not installed")
@pytest.mark.parametrize(
    "spoken",
    [
        "So, um, I fixed the crash in the config loader when the file is empty. It used to index past the end.",
        "Uh we've added a brand new way to record notes straight from the terminal and it also keeps the take on disk when the recorder dies halfway through",
        "The parser is faster now.",
        "I. Um.",
    ],
)
def test_conventional_messages_pass_cz_check_and_commitlint(spoken):
    msg = compose(spoken, [Change("git_voice/audio/record.py")])
    text = msg.text
    assert width(msg.header) <= 72
    assert commitlint_problems(text) == []
    assert all(width(line) <= 72 for line in text.splitlines())
    proc = subprocess.run([CZ, "check", "--message", text], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_kernel_and_plain():
    kernel = compose("I fixed the race in the recorder.", [Change("git_voice/audio/record.py")], "kernel")
    assert kernel.header == "audio: Fix the race in the recorder"
    plain = compose("I fixed the race in the recorder.", [Change("git_voice/audio/record.py")], "plain")
    assert plain.header == "Fix the race in the recorder"


def test_scope_can_be_turned_off():
    assert compose("I fixed it.", [Change("git_voice/audio/record.py")], scope=False).header == "fix: fix it"


def _removal_diff():
    from .diffs import staged_diff

    return staged_diff({"cli/options.py": ("p.add_argument('--legacy', action='store_true')\np.add_argument('--quiet')\n",
                                           "p.add_argument('--quiet')\n")})


def test_breaking_removal_gets_a_bang_and_a_footer_that_linters_accept():
    msg = compose("Removed the deprecated legacy flag. It has been deprecated for two releases.",
                  [Change("cli/options.py")], diff=_removal_diff())
    assert msg.header.startswith("refactor(cli)!: ") and msg.footer == "BREAKING CHANGE: --legacy is removed."
    assert msg.text.endswith("\n\nBREAKING CHANGE: --legacy is removed.\n")
    assert commitlint_problems(msg.text) == []
    if CZ:
        proc = subprocess.run([CZ, "check", "--message", msg.text], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_comment_lines_say_which_won():
    from .diffs import staged_diff

    diff = staged_diff({"r.c": ("int f(void)\n{\n    return 1;\n}\n", "int f(void)\n{\n\treturn 1;\n}\n")})
    msg = compose("I fixed the ring code.", [Change("r.c")], diff=diff)
    assert msg.type == "style"
    assert msg.comment_lines(";").startswith("; git voice: type style from the diff (whitespace only)")
    assert ";" not in msg.text and "#" not in msg.text


def test_code_term_first_is_not_capitalised_in_kernel_and_plain():
    assert compose("load_config now caches the file.", [Change("a/b.py")], "plain").header == "Make load_config cache the file"
    assert compose("getUser is faster now.", [Change("a/b.py")], "kernel").header == "a: getUser is faster"
    assert compose("getUser is faster now.", [Change("a/b.py")], "plain").body == ""


@pytest.mark.parametrize(
    "spoken, subject",
    [
        ("RANGO FMT on the strings package.", "rango FMT on the strings package"),
        ("LOGIN_TIMEOUT is thirty seconds now.", "`LOGIN_TIMEOUT` is thirty seconds"),
        ("TextModel is faster.", "`TextModel` is faster"),
        ("HTTP retries are enabled.", "http retries are enabled"),
    ],
)
def test_conventional_subject_never_starts_with_a_capital(spoken, subject):
    msg = compose(spoken, [Change("a/b.py")])
    assert msg.subject == subject
    assert commitlint_problems(msg.text) == []


def test_a_code_change_no_word_explains_is_a_fix_not_a_chore():
    assert commit_type("I changed normalize to lower case header names.", [Change("httpx/_headers.py")]) == "fix"
    assert commit_type("I changed the ignore list.", [Change(".gitignore")]) == "chore"


def test_the_reason_outranks_the_verb():
    assert commit_type("The lexer was slow. I moved the compiling out of tokenize.", [Change("jinja/lexer.py")]) == "perf"


def test_a_subject_never_starts_with_separator_dashes_however_many():
    """hypothesis found it: "--- --- From ..." left "--- From ..." as the header after one strip,
    and git interpret-trailers took the header for the patch separator."""
    for convention in ("conventional", "kernel", "plain"):
        header = compose("--- --- From 1234567890abcdef Mon Sep 17 00:00:00 2001", [], convention).header
        assert "---" not in header.split(":")[-1][:4] and not header.startswith(("-", "#")), header
