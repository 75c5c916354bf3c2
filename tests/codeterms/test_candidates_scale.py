"""Code-term candidates of a huge change cost work in proportion to its size (defect 2
of the misc report: a lock file's update, one ``--function-context`` hunk of thousands
of changed blocks, read the hunk again for every block)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from git_voice.codeterms.candidates import from_diff_text
from git_voice.codetext import enclosing, enclosing_each
from git_voice.gitops.changes import ChangeRef, diff
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo


def _lock_update_diff(root: Path, entries: int) -> str:
    """The staged diff (as every command reads it) of a package-lock.json whose every version changed."""
    repo = make_repo(root)
    lock = repo / "package-lock.json"

    def write(major: int) -> None:
        lock.write_text(json.dumps({f"pkg-{i}": {"version": f"{major}.{i}.0", "resolved": f"https://r/pkg-{i}.tgz"}
                                    for i in range(entries)}, indent=2))

    write(1)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "lock")
    write(2)
    git(repo, "add", "-A")
    return diff(Repo.discover(repo), ChangeRef.staged())


def _calls(fn, *args) -> int:
    """How many functions (Python and built-in) ``fn(*args)`` calls: a count of work, not a time."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return count


def test_a_lock_file_update_costs_work_in_proportion_to_its_size(tmp_path):
    small, large = (_lock_update_diff(tmp_path / str(n), n) for n in (100, 400))
    assert large.count("\n@@ ") == 1 and large.count("\n-    \"version\"") == 400  # one hunk, a block per entry
    ratio = _calls(from_diff_text, large) / _calls(from_diff_text, small)
    assert ratio < 5.5, ratio  # four times the entries: about four times the calls (it was 15 times)
    terms = [c.term for c in from_diff_text(large)]
    assert terms[0] == "package-lock.json"


_LINES = [
    "impl<'a> Printer<'a> {", "    fn write_line(&self) {}", "    fn print_snip(&self, line: &[u8]) -> io::Result<()> {",
    "class Store:", "    def get_user(self, user_id):", "        def inner():", "static int parse_header(struct h *h)",
    "func (c *PlanCommand) Run(args []string) int {", "function send(res) {", "  apply(compiler) {", "module Foo",
    "        let max = self.max();", "        return load_config()[user_id]", "x = 1", "    if x:", "}", "  },", ")", "{",
    "", "    ", "\t\treturn 1;", "  \"pkg-1\": {", "    \"version\": \"1.0\",", "# a comment", "export const f = (a) => {",
]


def test_enclosing_each_answers_as_enclosing_does():
    """The one-walk reading gives, line for line, the lists the walk up from each line gives."""
    rnd = random.Random(7)
    for _ in range(2000):
        lines = [rnd.choice(["", "  ", "    ", "\t", "        "]) * rnd.randint(0, 1) + rnd.choice(_LINES)
                 for _ in range(rnd.randint(1, 50))]
        ats = sorted(rnd.sample(range(len(lines)), rnd.randint(1, len(lines))))
        assert list(enclosing_each(lines, ats)) == [enclosing(lines, at) for at in ats], lines
    lines = ["class A:", "    def f(self):", "        x = 1", "    def g(self):", "        y = 2"]
    assert list(enclosing_each(lines, [4, 2])) == [[3, 0], [1, 0]]  # out of order: still right
