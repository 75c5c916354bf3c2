"""Candidates from a change: real repositories, real diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from git_voice.app.transcribe import candidates_of
from git_voice.codeterms import candidates
from git_voice.gitops import changes
from git_voice.gitops.changes import ChangeRef
from git_voice.gitops.repo import Repo

from ..helpers import git, make_repo

BEFORE = "import os\n\n\ndef read_settings(path):\n    return {}\n"
AFTER = (
    "import os\n\nMAX_RETRIES = 3\n\n\n"
    "def load_config(path):\n"
    "    headers = {'X-Request-Id': '1', 'Accept': 'text/html'}\n"
    "    return get_user_by_id(os.path.join(path, 'x'), self.parseHTTPHeader)\n\n\n"
    "class UserStore:\n    user = None\n"
)


def _commit(repo: Path, rel: str, body: str, msg: str) -> None:
    f = repo / rel
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(body)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", msg)


@pytest.fixture
def change(tmp_path) -> Repo:
    path = make_repo(tmp_path / "r")
    _commit(path, "app/user_store.py", BEFORE, "before")
    _commit(path, "app/user_store.py", AFTER, "after")
    return Repo.discover(path)


def test_range_gives_identifiers_symbols_and_paths(change):
    terms = [c.term for c in candidates_of(change, ChangeRef.range("HEAD~1..HEAD"))]
    for want in ("user_store.py", "app/user_store.py", "load_config", "read_settings", "get_user_by_id",
                 "UserStore", "MAX_RETRIES", "os.path.join", "parseHTTPHeader", "text/html"):
        assert want in terms, want
    # Plain words and receivers are not code terms.
    for unwanted in ("user", "headers", "self.parseHTTPHeader", "return", "os"):
        assert unwanted not in terms


def test_definitions_and_paths_outrank_plain_uses(change):
    ranked = [c.term for c in candidates_of(change, ChangeRef.range("HEAD~1..HEAD"))]
    assert ranked.index("load_config") < ranked.index("os.path.join")
    assert ranked.index("user_store.py") < ranked.index("parseHTTPHeader")


def test_single_revision_and_count_forms(change):
    expected = candidates_of(change, ChangeRef.range("HEAD~1..HEAD"))
    assert candidates_of(change, ChangeRef.range("-1")) == expected
    assert candidates_of(change, ChangeRef.range("HEAD")) == expected  # HEAD alone: that commit
    assert candidates_of(change, ChangeRef.range("HEAD~1")) == expected  # since HEAD~1


def test_staged_and_worktree(change):
    root = change.root
    (root / "app" / "cache.py").write_text("def evict_lru_entry(cache_map):\n    pass\n")
    git(root, "add", "app/cache.py")
    (root / "app" / "user_store.py").write_text(AFTER + "\ndef flush_pending_writes():\n    pass\n")
    staged = [c.term for c in candidates_of(change, ChangeRef.staged())]
    assert "evict_lru_entry" in staged and "flush_pending_writes" not in staged
    both = [c.term for c in candidates_of(change, ChangeRef.worktree())]
    assert "evict_lru_entry" in both and "flush_pending_writes" in both


def test_worktree_on_an_unborn_branch(tmp_path):
    path = make_repo(tmp_path / "new")
    (path / "main.go").write_text("func ServeHTTP(w ResponseWriter) {}\n")
    git(path, "add", "main.go")
    (path / "util.go").write_text("func parseFlags() {}\n")
    git(path, "add", "-N", "util.go")
    terms = [c.term for c in candidates_of(Repo.discover(path), ChangeRef.worktree())]
    assert "ServeHTTP" in terms and "parseFlags" in terms and "main.go" in terms


def test_hunk_header_names_the_enclosing_function(tmp_path):
    body = "def fetch_remote_refs(remote):\n" + "".join(f"    x{i} = {i}\n" for i in range(20))
    path = make_repo(tmp_path / "h")
    _commit(path, "refs.py", body, "a")
    _commit(path, "refs.py", body.replace("x15 = 15", "x15 = 16"), "b")
    terms = [c.term for c in candidates_of(Repo.discover(path), ChangeRef.range("HEAD"))]
    assert "fetch_remote_refs" in terms


@pytest.mark.parametrize(
    "line, term",
    [
        ("+    let f = std::fs::File::open(p);", "std::fs::File"),
        ("+func (c *Command) ExecuteContext(ctx context.Context) error {", "ExecuteContext"),
        ("+static int uv_tcp_keepalive(uv_tcp_t* handle) {", "uv_tcp_keepalive"),
        ("+export function useSyncExternalStore(subscribe) {", "useSyncExternalStore"),
        ("+  res.set('Content-Type', 'application/json');", "application/json"),
    ],
)
def test_languages(line, term):
    diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n" + line + "\n"
    assert term in [c.term for c in candidates.from_diff_text(diff)]


def test_flags_and_dotted_keys_in_strings_are_candidates():
    diff = ("--- a/x.lua\n+++ b/x.lua\n@@ -1 +1,3 @@\n"
            "+  find_command[#find_command + 1] = \"--no-ignore-parent\"\n"
            "+  local color = sys_props_get(\"sbt.color\")\n"
            "+  warn(\"the --dry-run flag and e.g. this are prose\")\n")
    terms = [c.term for c in candidates.from_diff_text(diff)]
    assert "--no-ignore-parent" in terms  # with its dashes
    assert "sbt.color" in terms
    assert "e.g" not in terms


def test_long_flags_on_a_shell_line_keep_their_dashes():
    diff = "--- a/x.sh\n+++ b/x.sh\n@@ -1 +1 @@\n+git log --no-merges --first-parent \"$range\"\n"
    terms = [c.term for c in candidates.from_diff_text(diff)]
    assert "--no-merges" in terms and "--first-parent" in terms


def test_scala_placeholder_is_not_part_of_a_name():
    diff = "--- a/x.scala\n+++ b/x.scala\n@@ -1 +1 @@\n+    sys.env.get(\"NO_COLOR\").exists(_.nonEmpty)\n"
    terms = [c.term for c in candidates.from_diff_text(diff)]
    assert "nonEmpty" in terms and "_.nonEmpty" not in terms


def test_list_is_capped_and_ranked():
    lines = "".join(f"+call_func_{i}(arg_{i})\n" for i in range(200))
    got = candidates.from_diff_text("--- a/x.c\n+++ b/x.c\n@@ -1 +1,200 @@\n" + lines, limit=25)
    assert len(got) == 25
    assert [c.score for c in got] == sorted((c.score for c in got), reverse=True)


def test_return_call_is_not_a_c_definition():
    diff = "+++ b/a.c\n+return compute_total(x);\n+int compute_other(int y) {\n"
    scores = {c.term: c.score for c in candidates.from_diff_text(diff)}
    assert scores["compute_other"] > scores["compute_total"]


def test_enclosing_method_on_a_context_line(tmp_path):
    path = make_repo(tmp_path / "m")
    _commit(path, "app.py", "class Flask:\n    def make_response(self, rv):\n        return rv\n", "a")
    _commit(path, "app.py", "class Flask:\n    def make_response(self, rv):\n        rv = dict(rv)\n        return rv\n", "b")
    terms = [c.term for c in candidates_of(Repo.discover(path), ChangeRef.range("HEAD"))]
    assert "make_response" in terms


# A change modelled on next.js's loadConfig: a function defined, a local bound in it,
# a parameter, a call and a type.
TS_BEFORE = "export function loadConfig(dir: string) {\n  return {}\n}\n"
TS_AFTER = (
    "export function loadConfig(dir: string, labelNames: string[]): NextConfig {\n"
    "  const userConfig = normalizeConfig(dir)\n"
    "  return assignDefaults(userConfig, labelNames)\n"
    "}\n"
)


@pytest.fixture
def ts_change(tmp_path) -> Repo:
    path = make_repo(tmp_path / "ts")
    _commit(path, "server/config.ts", TS_BEFORE, "before")
    _commit(path, "server/config.ts", TS_AFTER, "after")
    return Repo.discover(path)


def test_kinds_say_what_the_change_does_with_each_term(ts_change, change):
    kinds = {c.term: c.kind for c in candidates_of(ts_change, ChangeRef.range("HEAD"))}
    assert kinds["loadConfig"] == candidates.DEFINED
    assert kinds["config.ts"] == candidates.PATH
    assert kinds["userConfig"] == candidates.LOCAL  # const inside the body
    assert kinds["labelNames"] == candidates.LOCAL  # a parameter
    assert kinds["normalizeConfig"] == candidates.USED
    assert kinds["NextConfig"] == candidates.USED
    py = {c.term: c.kind for c in candidates_of(change, ChangeRef.range("HEAD"))}
    assert py["load_config"] == py["UserStore"] == candidates.DEFINED
    assert py["MAX_RETRIES"] == candidates.USED  # module-level: not a local
    assert py["get_user_by_id"] == candidates.USED


def test_go_method_receiver_type_is_defined(tmp_path):
    """The receiver's type of an edited Go method is a name the change edits inside, on an
    added line and on a context line alike (``impl Arg`` is the Rust counterpart)."""
    diff = "+++ b/x.go\n+func (s *LabelSet[T]) Merge(o LabelSet[T]) {\n"
    kinds = {c.term: c.kind for c in candidates.from_diff_text(diff)}
    assert kinds["LabelSet"] == candidates.DEFINED
    path = make_repo(tmp_path / "go")
    body = "func (c *PlanCommand) Run(args []string) int {\n\treturn 0\n}\n"
    _commit(path, "plan.go", body, "a")
    _commit(path, "plan.go", body.replace("\treturn 0", "\tgenerateConfigOut := c.Meta.GenerateConfigOut\n\treturn 0"), "b")
    kinds = {c.term: c.kind for c in candidates_of(Repo.discover(path), ChangeRef.range("HEAD"))}
    assert kinds["PlanCommand"] == candidates.DEFINED
    # A plain function has no receiver; nothing else is made up.
    plain = candidates.from_diff_text("+++ b/y.go\n+func parseArgs(argList []string) {\n")
    assert sorted(c.term for c in plain) == ["argList", "parseArgs", "y.go"]


def test_one_letter_receiver_is_not_said():
    """``s.GoAttach``: nobody says "s dot go attach"; the name after it stays, as do
    module prefixes such as ``os.path``."""
    diff = "+++ b/x.go\n+\ts.GoAttach(func() { s.purgeFile() })\n+\tx := os.path.join(a, b)\n"
    terms = [c.term for c in candidates.from_diff_text(diff)]
    assert "GoAttach" in terms and "purgeFile" in terms and "os.path.join" in terms
    assert not any(t.startswith("s.") for t in terms)


# ------------------------------------------- function context, calls, prose (issue 14)


def _staged_terms(tmp_path, rel: str, before: str, after: str) -> dict[str, str]:
    """Candidates (term → kind) of a real staged change, with the code-term diff options."""
    path = make_repo(tmp_path / "fc")
    _commit(path, rel, before, "before")
    (path / rel).write_text(after)
    git(path, "add", "-A")
    diff = git(path, *changes.DIFF_ARGS, "--cached")
    return {c.term: c.kind for c in candidates.from_diff_text(diff)}


_RUST_BEFORE = """impl<'a, M: Matcher> StandardImpl<'a, M> {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.write(line)
    }

    fn print_snip(&self, line: &[u8], range: Match) -> io::Result<()> {
        let max = self.config().max_columns.unwrap_or(0) as usize;
        let start = range.start();
        let end = range.end();
        let snip_left = start.saturating_sub(max / 2);
        let snip_right = cmp::min(line.len(), end + max / 2);
        self.write(&line[snip_left..snip_right])?;
        self.write_line_term()
    }
}
"""


def test_enclosing_function_beyond_the_hunk_context_is_defined(tmp_path):
    """The ``fn`` line is six lines above the change: ``-U1`` and the hunk header
    (which names the ``impl``) hide it; function context finds it."""
    after = _RUST_BEFORE.replace("        self.write(&line[snip_left", "        let snip_left = snip_left.min(end);\n        self.write(&line[snip_left")
    kinds = _staged_terms(tmp_path, "src/standard.rs", _RUST_BEFORE, after)
    assert kinds.get("print_snip") == candidates.DEFINED
    assert "StandardImpl" in kinds
    # A sibling method that does not enclose the change is not a candidate.
    assert "write_line" not in kinds


def test_plain_diff_without_function_context_still_uses_the_hunk_header(tmp_path):
    path = make_repo(tmp_path / "u0")
    _commit(path, "a.py", "class UserStore:\n    def get(self):\n        a = 1\n        b = 2\n        c = 3\n        return a\n", "x")
    (path / "a.py").write_text("class UserStore:\n    def get(self):\n        a = 1\n        b = 2\n        c = 3\n        return load_user_cache(a)\n")
    git(path, "add", "-A")
    terms = [c.term for c in candidates.from_diff_text(git(path, "diff", "-U0", "--cached"))]
    assert "UserStore" in terms and "load_user_cache" in terms


def test_words_in_strings_and_comments_are_not_candidates(tmp_path):
    before = "def dessert():\n    return None\n"
    after = ('def dessert():\n    # Crème brûlée, served as application/json by serve_dessert\n'
             '    return {"name": "Crème brûlée", "Content-Type": "text/plain"}\n')
    kinds = _staged_terms(tmp_path, "menu.py", before, after)
    assert "application/json" in kinds and "serve_dessert" in kinds and "text/plain" in kinds
    # A string that is one kebab-case key names a value, as a local does.
    assert kinds.get("Content-Type") == candidates.LOCAL
    for word in ("Crème", "brûlée", "name"):
        assert word not in kinds


def test_a_kebab_word_inside_a_sentence_string_or_comment_is_not_a_candidate(tmp_path):
    before = "def cache():\n    return None\n"
    after = ('def cache():\n    # a no-cache reply, see cache-control\n'
             '    return {"note": "a well-known no-store page", "Cache-Control": "no-cache"}\n')
    kinds = _staged_terms(tmp_path, "cache.py", before, after)
    assert kinds.get("Cache-Control") == candidates.LOCAL and kinds.get("no-cache") == candidates.LOCAL
    for word in ("well-known", "no-store", "cache-control"):
        assert word not in kinds


def test_called_functions_on_changed_lines_even_one_word(tmp_path):
    before = "def test_title():\n    title = 'A b'\n    assert title\n"
    after = "def test_title():\n    title = 'A b'\n    assert slugify(title) == 'a-b'\n    print(len(title))\n"
    kinds = _staged_terms(tmp_path, "tests/test_title.py", before, after)
    assert "slugify" in kinds
    # English and short names are not: "print", "len".
    assert "print" not in kinds and "len" not in kinds


def test_one_word_names_the_change_defines_or_binds_when_not_english(tmp_path):
    """``def truncatewords`` encloses the change and ``wordlist`` is bound on a changed
    line: one-word names, but not English, so they are candidates as ``slugify`` is."""
    before = ("module StandardFilters\n  def truncatewords(input, words = 15)\n    input = input.to_s\n"
              "    words = words.to_i\n    return if input.nil?\n\n    wordlist = input.split\n    wordlist.join(' ')\n  end\nend\n")
    after = before.replace("    wordlist = input.split\n", "    wordlist = input.lstrip.split(/\\s+/, words + 1)\n")
    kinds = _staged_terms(tmp_path, "lib/liquid/standardfilters.rb", before, after)
    assert kinds.get("truncatewords") == candidates.DEFINED
    assert kinds.get("wordlist") == candidates.LOCAL
    # English one-word names stay out, defined, bound or called.
    assert "input" not in kinds and "words" not in kinds and "split" not in kinds


def test_names_on_unchanged_lines_next_to_the_change_are_nearby(tmp_path):
    """The call just above an edited branch is a candidate of its own kind, below every
    name the change touches; names further away are not candidates."""
    before = ("def serve(self, c, rel):\n    asset = self.file(rel)\n    self.check_asset_path(rel)\n"
              "    self.log_request_start(c)\n    headers = c.res.headers\n    if self.is_fingerprinted(rel):\n"
              "        headers.cache_control('max-age=3600')\n    return self.serve_asset(c, asset)\n")
    after = before.replace("'max-age=3600'", "'public, max-age=31536000, immutable'")
    kinds = _staged_terms(tmp_path, "static.py", before, after)
    assert kinds.get("is_fingerprinted") == candidates.NEARBY
    assert kinds.get("serve_asset") == candidates.NEARBY
    assert kinds.get("cache_control") == candidates.USED
    # Three lines and more from the change: not said about it.
    assert "check_asset_path" not in kinds and "log_request_start" not in kinds
    ranked = [c.term for c in candidates.from_diff_text(_diff_of(tmp_path))]
    assert ranked.index("cache_control") < ranked.index("is_fingerprinted")


def _diff_of(tmp_path) -> str:
    return git(tmp_path / "fc", *changes.DIFF_ARGS, "--cached")


def test_all_capitals_names_in_code_are_candidates_unless_english(tmp_path):
    before = "setup_env() {\n  export GOFLAGS=${GOFLAGS:-}\n}\n"
    after = ("setup_env() {\n  export GOFLAGS=${GOFLAGS:-}\n  export GOTOOLCHAIN=${GOTOOLCHAIN:-local}\n"
             "  echo \"WARNING: TOOLCHAINXYZ\" >&2\n  echo WARNING\n}\n")
    kinds = _staged_terms(tmp_path, "hack/lib/golang.sh", before, after)
    assert kinds.get("GOTOOLCHAIN") == candidates.USED
    # English in capitals is not one; nor is a word inside a string.
    assert "WARNING" not in kinds and "TOOLCHAINXYZ" not in kinds
