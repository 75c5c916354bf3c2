from __future__ import annotations

import pytest

from git_voice.compose.change import read
from git_voice.compose.kinds import classify

from .diffs import staged_diff

CODE = {"web/render.py": ("def greeting(name):\n    return name\n", "def greeting(name):\n    return html.escape(name)\n")}


@pytest.mark.parametrize(
    "said, kind",
    [
        ("Escape the user name in greeting to prevent cross site scripting.", "fix"),
        ("Sanitise the file name, it was a path traversal vulnerability.", "fix"),
        ("Parameterise the query, it was open to SQL injection.", "fix"),
        ("Check the CSRF token on submit.", "fix"),
        ("Bump the parser for CVE 2024 1234.", "fix"),
        ("Reformat the util module with black. No functional changes.", "style"),
        ("I ran prettier over the file.", "style"),
        ("Revert the page cache, it served stale pages.", "revert"),
        ("Added a retry loop to fetch.", "feat"),
        ("Renamed greeting.", "refactor"),
    ],
)
def test_type_from_words(said, kind):
    assert classify(said, list(CODE), facts=read(staged_diff(CODE))).type == kind


def test_whitespace_only_diff_is_style_and_the_comment_says_the_diff_won():
    diff = staged_diff({"r.c": ("int f(void)\n{\n    return 1;\n}\n", "int f(void)\n{\n\treturn 1;\n}\n")})
    kind = classify("I fixed the ring code.", ["r.c"], facts=read(diff))
    assert kind.type == "style"
    assert kind.comments and "from the diff" in kind.comments[0] and "whitespace" in kind.comments[0] and "fix" in kind.comments[0]


def test_formatting_words_over_a_real_change_say_the_words_won():
    kind = classify("Just formatting.", list(CODE), facts=read(staged_diff(CODE)))
    assert kind.type == "style" and "from the words" in kind.comments[0]


def test_test_only_diff_wins_over_fix_words():
    diff = staged_diff({"tests/test_a.py": ("def test_a():\n    pass\n", "def test_a():\n    assert True\n")})
    kind = classify("I fixed the flaky test.", ["tests/test_a.py"], facts=read(diff))
    assert kind.type == "test" and "the words said fix" in kind.comments[0]


def test_breaking_needs_both_a_removed_public_name_and_the_word():
    removal = staged_diff({"api.py": ("def a():\n    pass\n\ndef old_api():\n    pass\n", "def a():\n    pass\n")})
    assert classify("Remove old_api, it was deprecated.", ["api.py"], facts=read(removal)).breaking == ["old_api"]
    assert classify("Remove old_api, nobody used it.", ["api.py"], facts=read(removal)).breaking == []
    kind = classify("This is a breaking change to greeting.", list(CODE), facts=read(staged_diff(CODE)))
    assert kind.breaking == [] and "removes no public name" in kind.comments[0]
