"""The light source reading candidates use: code versus prose, and enclosing definitions."""

from __future__ import annotations

import pytest

from git_voice.codetext import code_in_prose, defined_name, enclosing, split_prose


def test_strings_and_comments_are_prose():
    code, prose = split_prose('    label = "Crème brûlée"  # see parse_header for the rules', "app.py")
    assert "Crème" not in code and "label" in code
    assert prose == ["Crème brûlée", "# see parse_header for the rules"]


def test_rust_lifetimes_are_not_quotes():
    code, prose = split_prose("impl<'a, M: Matcher> StandardImpl<'a, M> { let c = 'x'; }", "src/standard.rs")
    assert "StandardImpl" in code and prose == ["x"]


def test_apostrophe_inside_a_word_is_not_a_quote():
    code, prose = split_prose("    raise ValueError(\"can't parse\")  # don't retry", "x.py")
    assert prose[0] == "can't parse" and "ValueError" in code


def test_url_is_not_a_comment():
    code, prose = split_prose('    url = base + "http://example.com/a"', "x.js")
    assert prose == ["http://example.com/a"]


@pytest.mark.parametrize(
    "text, wanted, unwanted",
    [
        ("Unable to detect the MIME type", [], ["MIME", "Unable"]),
        ("falls back to application/octet-stream", ["application/octet-stream"], ["falls"]),
        ("Content-Type and X-Request-Id", [], ["Content-Type", "X-Request-Id"]),
        ("set no_speech_threshold or MAX_RETRIES", ["no_speech_threshold", "MAX_RETRIES"], ["set"]),
        ("reads /proc/meminfo and src/app.py", ["/proc/meminfo", "src/app.py"], ["reads"]),
        ("call getUserById first", ["getUserById"], ["call"]),
        ("edit setup.py, then run", ["setup.py"], ["then"]),
    ],
)
def test_code_in_prose(text, wanted, unwanted):
    found = code_in_prose(text)
    for w in wanted:
        assert w in found
    for u in unwanted:
        assert u not in found


@pytest.mark.parametrize(
    "line, name",
    [
        ("    fn print_snip(&self, line: &[u8]) -> io::Result<()> {", "print_snip"),
        ("impl<'a, M: Matcher, W: WriteColor> StandardImpl<'a, M, W> {", "StandardImpl"),
        ("impl fmt::Display for ParseError {", "ParseError"),
        ("func (c *PlanCommand) Run(rawArgs []string) int {", "Run"),
        ("    def handle_template(self, template, subdir):", "handle_template"),
        ("class TemplateCommand(BaseCommand):", "TemplateCommand"),
        ("\tpublic boolean canRead(Type type, @Nullable Class<?> contextClass) {", "canRead"),
        ("  private fun loadString(resource: StringResource): String {", "loadString"),
        ("res.sendFile = function sendFile(path, options, callback) {", "res.sendFile"),
        ("  apply(compiler) {", "apply"),
        ("static int parse_header(const char *buf, size_t len)", "parse_header"),
        ("InlineResult CallAnalyzer::analyze() {", "CallAnalyzer::analyze"),
        ("nvm_install_binary() {", "nvm_install_binary"),
        ("    def timedout?(last_access)", "timedout?"),
        ("function M.apply_text_edits(text_edits, bufnr)", "M.apply_text_edits"),
        # an arrow function with a return type, and a named function expression returned
        ("export const bodyLimit = (options: BodyLimitOptions): MiddlewareHandler => {", "bodyLimit"),
        ("const pick = <T>(items: T[]): T => items[0]", "pick"),
        ("  return async function bodyLimit(c, next) {", "bodyLimit"),
    ],
)
def test_defined_name(line, name):
    assert defined_name(line) == name


@pytest.mark.parametrize(
    "line",
    [
        "    if isinstance(rv, dict):",
        "        elif isinstance(headers, Mapping):",
        "    return new Promise(function dispatch(resolve) {",
        "    self.write(&line[a..b])?;",
        "    x = compute(a, b)",
        "    return compute(a, b)",
        "    let total = (a + b) * 2",
        "    getStatementGroup().forEachStatement((name, details) -> {",
        "    find_boundary(map, point, |left, right| {",
        "  }",
    ],
)
def test_calls_and_statements_define_nothing(line):
    assert defined_name(line) is None


def test_enclosing_reaches_past_the_hunk_context():
    src = [
        "impl<'a> Printer<'a> {",
        "    fn write_line(&self) {}",
        "",
        "    fn print_snip(&self, line: &[u8], range: Match) -> io::Result<()> {",
        "        let max = self.max();",
        "        let start = range.start();",
        "        let end = range.end();",
        "        let snip_left = start.saturating_sub(max / 2);",
        "    }",
        "}",
    ]
    assert [defined_name(src[i]) for i in enclosing(src, 7)] == ["print_snip", "Printer"]


def test_enclosing_skips_a_multi_line_c_signature_tail():
    src = [
        "static void make_cover_letter(struct rev_info *rev,",
        "                              int quiet)",
        "{",
        "\tconst char *committer;",
        "\tcommitter = git_committer_info(0);",
        "}",
    ]
    assert [defined_name(src[i]) for i in enclosing(src, 4)] == ["make_cover_letter"]
