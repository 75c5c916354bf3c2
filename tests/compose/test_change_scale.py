"""What a huge diff says, read in time linear in its size (defect 2 of the misc report:
every new string literal was looked up in the list of those seen, so a 30000-entry
package-lock.json took 45 s to read). Correctness at that size; the speed was measured
by hand (see the commit message)."""

from __future__ import annotations

import json

from git_voice.compose.change import read

from .diffs import staged_diff


def _lock(entries: int, major: int, drop: int = -1) -> str:
    return json.dumps({f"pkg-{i}": {"version": f"{major}.{i}.0", "resolved": f"https://r/pkg-{i}.tgz"}
                       for i in range(entries) if i != drop}, indent=2)


def test_a_lock_file_of_thousands_of_entries_keeps_every_string_once_in_order():
    facts = read(staged_diff({"package-lock.json": (None, _lock(5000, 1))}))
    wanted = [s for i in range(5000) for s in (f"pkg-{i}", "version", f"1.{i}.0", "resolved", f"https://r/pkg-{i}.tgz")]
    assert facts.changed_strings == list(dict.fromkeys(wanted))
    assert facts.paths == ["package-lock.json"] and not facts.removed_public


def test_an_update_of_thousands_removes_only_what_is_gone():
    facts = read(staged_diff({"package-lock.json": (_lock(3000, 1), _lock(3000, 2, drop=1234))}))
    assert facts.changed_strings == [f"2.{i}.0" for i in range(3000) if i != 1234]
    # Its "version" key is set again on an added line; no added line sets "resolved" (-U0).
    assert facts.removed_options == ["pkg-1234", "resolved"]


def test_removed_flags_and_keys_are_looked_up_as_before():
    """A removed flag is still there when the added lines hold it anywhere (``--color`` in
    ``--color-words``); a removed key when an added line sets it, quoted or spaced, not
    when it is only part of a longer key."""
    before = ("run --color --verbose --no-pager --x-y\n"
              "cfg = {\n  minify: true,\n  'legacy': 1,\n  strict: 2,\n  cache: 3,\n  deep: 4,\n}\n")
    after = ("run --color-words x--verbose ---no-pager\n"
             "cfg = {\n  \"minify\" :  true,\n  legacy\n  : 1,\n  strictMode: 2,\n  no-cache: 3,\n  _deep: 4,\n}\n")
    facts = read(staged_diff({"a.js": (before, after)}))
    assert facts.removed_flags == ["--x-y"]
    assert facts.removed_options == ["strict", "cache", "deep"]


def test_many_removed_flags_are_each_looked_up_as_before():
    """Past a few removed flags they are looked up through one index of the added text:
    the same answer as a search for each (still there inside ``--keep-b-more``, at a
    line's end, after ``---``; gone when only a shorter flag or a different case remains)."""
    names = [f"--opt-{chr(97 + i)}" for i in range(26)]
    before = "".join(f"run {n} x\n" for n in names)
    after = "run --opt-b-more --opt-c\nrun ---opt-d --opt\nrun x--opt-e --OPT-F --opt-g_\n"
    facts = read(staged_diff({"build.sh": (before, after)}))
    assert facts.removed_flags == [n for n in names if n not in after]
    assert {"--opt-b", "--opt-c", "--opt-d", "--opt-e", "--opt-g"}.isdisjoint(facts.removed_flags)
    assert "--opt-f" in facts.removed_flags and len(facts.removed_flags) == 21
