from __future__ import annotations

from git_voice.compose.change import read

from .diffs import staged_diff


def test_function_touched_and_strings():
    facts = read(staged_diff({"src/t.py": ("def report(n):\n    echo(f'Recieved {n}')\n", "def report(n):\n    echo(f'Received {n}')\n")}))
    assert facts.paths == ["src/t.py"] and facts.functions == ["report"] and facts.object() == "report"
    assert not facts.whitespace_only


def test_whitespace_only_and_not():
    assert read(staged_diff({"r.c": ("int f(void)\n{\n    return 1;\n}\n", "int f(void)\n{\n\treturn 1;\n}\n")})).whitespace_only
    assert not read(staged_diff({"m.js": ("const a = {b:1}\n", "const a = { b: 1 };\n")})).whitespace_only


def test_removed_public_names_flags_and_options():
    facts = read(staged_diff({
        "api.py": ("def get_json(u):\n    pass\n\ndef fetch_json(u):\n    pass\n\ndef _hidden():\n    pass\n", "def get_json(u):\n    pass\n"),
        "cli.py": ("p.add_argument('--legacy')\np.add_argument('--quiet')\n", "p.add_argument('--quiet')\n"),
        "c.js": ("const d = {\n  minify: true,\n  legacyChunks: false,\n};\n", "const d = {\n  minify: true,\n};\n"),
    }))
    assert facts.removed_public == ["fetch_json", "--legacy", "legacyChunks"]


def test_a_rename_removes_nothing_public_but_adds_a_name():
    facts = read(staged_diff({"c.py": ("def get_conf(p):\n    return p\n", "def load_config(p):\n    return p\n")}))
    assert facts.added_defs == ["load_config"] and facts.removed_defs == ["get_conf"]


def test_comment_only_change():
    assert read(staged_diff({"s.py": ("def f(a):\n    return a\n", "def f(a):\n    \"\"\"Return a.\"\"\"\n    return a\n")})).comments_only
