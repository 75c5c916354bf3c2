"""Snapping spoken spans to the change's code terms: conservative, offsets into the raw text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from git_voice.codeterms.snap import allowed_edits, snap, split_words

TERMS = ["parse_header", "parse_headers", "user_store.py", "user_store", "get_user_by_id", "user_id",
         "X-Request-Id", "os.path.join", "UserStore", "MAX_RETRIES", "is_valid", "setup_logging"]


def _snap(text: str, style: str = "plain") -> str:
    return snap(text, TERMS, style)[0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("I renamed parse header to parse headers.", "I renamed parse_header to parse_headers."),
        ("It lives in user store dot py now.", "It lives in user_store.py now."),
        ("It lives in userstore.py now.", "It lives in user_store.py now."),
        ("It lives in user-store.py now.", "It lives in user_store.py now."),
        ("Now get user by it reads the cache.", "Now get_user_by_id reads the cache."),
        ("Get user by ID is faster.", "get_user_by_id is faster."),
        ("Set the X request ID header.", "Set the X-Request-Id header."),
        ("Call OS path join on both.", "Call os.path.join on both."),
        ("Stop after max retries.", "Stop after MAX_RETRIES."),
        ("It was get_user_by_id all along.", "It was get_user_by_id all along."),
    ],
)
def test_spoken_forms_become_code(raw, expected):
    assert _snap(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "The user is logged in.",  # "user is" is not user_id
        "Store the user, then parse it.",  # words of a term, not the term
        "Parse. Header files are next.",  # a sentence end splits a span
        "The setup is simple.",  # a single ordinary word stays
        "And so my fellow Americans, ask not what your country can do for you.",
    ],
)
def test_ordinary_words_stay_as_spoken(raw):
    assert _snap(raw) == raw
    assert snap(raw, TERMS)[1] == []


def test_only_candidates_are_written():
    text, rewrites = snap("I renamed parse header to parse headers.", ["parse_header"])
    # parse headers is one edit from parse_header, but an exact form wins where both exist;
    # with only parse_header known, nothing else can be written.
    assert {r.to for r in rewrites} <= {"parse_header"}


def test_rewrites_index_the_raw_text():
    raw = "So get user by id calls user store dot py, then parse header."
    text, rewrites = snap(raw, TERMS)
    assert [r.to for r in rewrites] == ["get_user_by_id", "user_store.py", "parse_header"]
    for r in rewrites:
        assert raw[r.start : r.end] == r.from_
    assert text == "So get_user_by_id calls user_store.py, then parse_header."


def test_backticks_style():
    assert _snap("Call get user by id.", "backticks") == "Call `get_user_by_id`."
    # A term the model already wrote in code form is still wrapped, once.
    assert _snap("Call get_user_by_id.", "backticks") == "Call `get_user_by_id`."
    assert _snap("Call `get_user_by_id`.", "backticks") == "Call `get_user_by_id`."


def test_exact_match_beats_a_near_one():
    text, _ = snap("parse headers and parse header", ["parse_header", "parse_headers"])
    assert text == "parse_headers and parse_header"


def test_longest_exact_span_wins():
    assert _snap("Open user store dot py first.") == "Open user_store.py first."


def test_function_word_terms_are_never_snapped():
    assert snap("it is a test", ["is_a"])[0] == "it is a test"


def test_edit_allowance_grows_with_length():
    assert allowed_edits(5) == 0 and allowed_edits(10) == 1 and allowed_edits(15) == 2


def test_spans_break_at_commas_and_sentence_ends():
    runs = split_words("parse, header. user_store.py and x")
    assert [[w.text for w in r] for r in runs] == [["parse"], ["header"], ["user", "store", "py", "and", "x"]]


def test_no_terms_no_change():
    assert snap("get user by id", []) == ("get user by id", [])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("the a user store parse header get by id is it and then we call it".split()), max_size=30))
def test_rewrites_are_candidates_and_offsets_hold(word_list):
    raw = " ".join(word_list)
    text, rewrites = snap(raw, TERMS)
    last = -1
    for r in rewrites:
        assert r.to.strip() in TERMS  # a hyphen gluing the term to a word becomes a space
        assert raw[r.start : r.end] == r.from_ and r.start > last
        last = r.end
    if not rewrites:
        assert text == raw


def test_following_word_picks_among_alike_terms():
    terms = ["user_store", "UserStore"]
    assert snap("The user store class is gone.", terms)[0] == "The UserStore class is gone."
    assert snap("The user store function is gone.", terms)[0] == "The user_store function is gone."
    assert snap("The user store is gone.", terms)[0] == "The user_store is gone."  # rank decides


@pytest.mark.parametrize(
    "raw, terms, expected",
    [
        ("It learns Max Rose now.", ["max_rows"], "It learns max_rows now."),
        ("It supports Max Weight.", ["maxWait"], "It supports maxWait."),
    ],
)
def test_sound_alike_words(raw, terms, expected):
    assert snap(raw, terms)[0] == expected


def test_sound_alike_needs_every_word_to_sound_right():
    assert snap("The user is here.", ["user_id"])[0] == "The user is here."
    assert snap("Ask not what your country can do.", ["country_code", "task_node"])[0] == "Ask not what your country can do."


@pytest.mark.parametrize(
    "raw, terms, expected",
    [
        # The edits would stand in for a word said next to the name, not for part of it.
        ("It passes it on to the meta as generate config out.", ["Meta.GenerateConfigOut", "GenerateConfigOut"],
         "It passes it on to the meta as GenerateConfigOut."),
        ("Rejected as an invalid object name.", ["ErrInvalidObjectName"], "Rejected as an invalid object name."),
        ("It parses a header twice.", ["parse_header"], "It parses a header twice."),
        # A function word that is most of a part of the name is that part misheard.
        ("It names in scale X when empty.", ["inv_scale_x"], "It names inv_scale_x when empty."),
        ("Now get user by it reads it.", ["get_user_by_id"], "Now get_user_by_id reads it."),
        # A verb ending on a word of the form is the English participle, not the name...
        ("It leaves out the allowed headers list.", ["allowHeaders"], "It leaves out the allowed headers list."),
        ("The cached value list is cleared.", ["cache_value"], "The cached value list is cleared."),
        # ...and so is a plural or possessive -s before a name's last word...
        ("It asks the nodes equal function.", ["node.equal"], "It asks the nodes equal function."),
        ("It asks the node's equal function.", ["node.equal"], "It asks the node's equal function."),
        ("It reads the users store first.", ["user_store"], "It reads the users store first."),
        # ...while a plural at its end is still the name, said of several of its calls.
        ("Both parse headers calls are gone.", ["parse_header"], "Both parse_header calls are gone."),
    ],
)
def test_a_near_match_is_not_english_said_around_or_inflecting_the_name(raw, terms, expected):
    assert snap(raw, terms)[0] == expected


def test_a_term_glued_to_a_word_by_a_hyphen_is_set_apart():
    """tiny.en hyphenates words it is unsure of, gluing a term to its neighbour."""
    text, rewrites = snap("It goes through-serde path to error, so fine.", ["serde_path_to_error"])
    assert text == "It goes through serde_path_to_error, so fine."
    assert [(r.from_, r.to) for r in rewrites] == [("-serde path to error", " serde_path_to_error")]
    # Written by the decoder already, the hyphen after it still goes.
    assert snap("try_from_uri-deserializes it", ["try_from_uri"])[0] == "try_from_uri deserializes it"
    # A term's own hyphens and a hyphen between spaces stay.
    assert snap("Set the X-request-ID header.", ["X-Request-Id"])[0] == "Set the X-Request-Id header."
    assert snap("parse header - the new one", ["parse_header"])[0] == "parse_header - the new one"


def test_a_longer_near_match_beats_an_exact_part_of_it():
    assert snap("This adds NewCounter-vek today.", ["NewCounter", "NewCounterVec"])[0] == "This adds NewCounterVec today."
    assert snap("by calling right headers title case", ["write_headers_title_case"])[0] == "by calling write_headers_title_case"


# ---------------------------------------------------- locals said as plain English


def test_local_said_as_everyday_compound_after_the_stays_plain(tmp_path):
    """Real candidates of a real diff: a local said as "the user config" is the thing, not
    the identifier; the functions around it and a defined name after "the" still snap."""
    from git_voice.app.transcribe import candidates_of
    from git_voice.codeterms import terms
    from git_voice.gitops.changes import ChangeRef
    from git_voice.gitops.repo import Repo

    from ..helpers import git, make_repo

    path = make_repo(tmp_path / "r")
    f = path / "config.ts"
    for body in (
        "export class TextModel {\n}\n",
        "export class TextModel {\n}\n\nexport function loadConfig(dir: string, labelNames: string[], async_exit_stack) {\n"
        "  const userConfig = normalizeConfig(dir)\n  return assignDefaults(userConfig, labelNames)\n}\n",
    ):
        f.write_text(body)
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "x")
    ts = terms.collect((), candidates_of(Repo.discover(path), ChangeRef.range("HEAD")))
    snap_ = lambda raw: terms.snap_text(raw, ts)[0]  # noqa: E731
    # False code terms before: locals said as ordinary noun phrases after "the".
    assert snap_("Load config runs assign defaults on the user config.") == "loadConfig runs assignDefaults on the user config."
    assert snap_("It takes the label names.") == "It takes the label names."
    # Still code: a defined name after "the", a local named as one ("variable"),
    # a local without "the", and jargon.
    assert snap_("The text model loads it.") == "The TextModel loads it."
    assert snap_("Pass the user config variable.") == "Pass the userConfig variable."
    assert snap_("It takes label names now.") == "It takes labelNames now."
    assert snap_("It needs the async exit stack.") == "It needs the async_exit_stack."
    # Without kinds (extra terms, older callers) nothing changes.
    assert snap("On the user config.", ["userConfig"])[0] == "On the userConfig."


# ------------------------------------------------- choosing among terms said alike


def test_indefinite_article_picks_the_type():
    terms = ["value_parser", "ValueParser"]
    assert snap("It has value parser now.", terms)[0] == "It has value_parser now."
    assert snap("It takes a value parser now.", terms)[0] == "It takes a ValueParser now."
    # A kind word after the name says more than the article before it.
    assert snap("It takes a value parser function.", terms)[0] == "It takes a value_parser function."


def test_a_term_already_written_stays_itself():
    terms = ["value_parser", "ValueParser", "generateConfigOut", "GenerateConfigOut"]
    kinds = {"generateConfigOut": "local"}
    for text in ("It takes a value_parser.", "It has ValueParser.", "It reads generateConfigOut."):
        assert snap(text, terms, kinds=kinds)[0] == text
    assert snap("See `ValueParser`.", terms, "backticks")[0] == "See `ValueParser`."


def test_a_local_yields_to_a_term_said_alike():
    terms = ["generateConfigOut", "GenerateConfigOut"]
    kinds = {"generateConfigOut": "local", "GenerateConfigOut": "used"}
    assert snap("It reads generate config out.", terms, kinds=kinds)[0] == "It reads GenerateConfigOut."
    # Alone, the local is still written.
    assert snap("It reads generate config out.", terms[:1], kinds=kinds)[0] == "It reads generateConfigOut."


def test_after_any_determiner_a_local_in_everyday_words_stays_plain():
    kinds = {"userConfig": "local"}
    for det in ("the", "some", "its", "this"):
        assert snap(f"Assign defaults to {det} user config.", ["userConfig"], kinds=kinds)[0].endswith(f"{det} user config.")
    assert snap("Assign defaults to user config.", ["userConfig"], kinds=kinds)[0] == "Assign defaults to userConfig."


def test_a_constant_the_change_uses_is_a_value_too():
    """A SCREAMING_CASE constant names a value as a local does: after a determiner, in
    everyday words, it is the thing; a constant the change defines, or other used names,
    still snap."""
    used = {"VERSION_FILE": "used", "user_cache": "used"}
    assert snap("A warning naming the version file.", ["VERSION_FILE"], kinds=used)[0] == "A warning naming the version file."
    assert snap("A warning naming the VERSION_FILE.", ["VERSION_FILE"], kinds=used)[0] == "A warning naming the version file."
    assert snap("It reads the version file constant.", ["VERSION_FILE"], kinds=used)[0] == "It reads the VERSION_FILE constant."
    assert snap("It sets version file first.", ["VERSION_FILE"], kinds=used)[0] == "It sets VERSION_FILE first."
    defined = {"VERSION_FILE": "defined"}
    assert snap("A warning naming the version file.", ["VERSION_FILE"], kinds=defined)[0] == "A warning naming the VERSION_FILE."
    assert snap("It reads the user cache first.", ["user_cache"], kinds=used)[0] == "It reads the user_cache first."


# ------------------------------------------------------- near misses that are not the term


def test_a_digit_is_never_an_edit():
    assert snap("It calls SQLite open first.", ["sqlite3_open"])[0] == "It calls SQLite open first."
    assert snap("It calls SQLite three open first.", ["sqlite3_open"])[0] == "It calls sqlite3_open first."
    # A number written in digits also reads as its word: "E2" is "e two", one edit from "e too".
    assert snap("It may return curl E2 many redirects.", ["CURLE_TOO_MANY_REDIRECTS"])[0] == (
        "It may return CURLE_TOO_MANY_REDIRECTS."
    )


def test_a_file_name_needs_its_ending_said():
    assert snap("Next to the length built-in.", ["builtin.c"])[0] == "Next to the length built-in."
    assert snap("The text model gets a method.", ["textModel.ts"])[0] == "The text model gets a method."
    assert snap("I added it to built-in.c today.", ["builtin.c"])[0] == "I added it to builtin.c today."
    assert snap("See text model dot ts.", ["textModel.ts"])[0] == "See textModel.ts."


def test_an_apostrophe_inside_a_word_does_not_split_a_span():
    assert snap("by calling right header's title case", ["write_headers_title_case"])[0] == (
        "by calling write_headers_title_case"
    )
    assert snap("the parser's 'value' flag", ["parser_value"])[0] == "the parser's 'value' flag"


# ---------------------------------------------------------- sound-alike, boundaries ignored


@pytest.mark.parametrize(
    "raw, term",
    [
        ("This adds you sink external store today.", "useSyncExternalStore"),  # robotic or noisy speech
        ("It returns when his Padre termination requested says so.", "IsPodTerminationRequested"),
        ("This adds UvTCP key believe, which takes a delay.", "uv_tcp_keepalive"),
        ("It takes counterops and the label names.", "CounterOpts"),  # one non-English word
        ("Request accepts configure URL as its first argument.", "configOrUrl"),
    ],
)
def test_whole_span_sound_alike(raw, term):
    assert term in snap(raw, [term])[0]


@pytest.mark.parametrize(
    "raw, terms, expected",
    [
        ("The deserializer trait gets a method.", ["deserialize_any"], None),  # the last sound differs
        ("It calls it with a background context.", ["context.Background"], None),  # "with a" is not in the name
        ("The counterpart is here.", ["CounterOpts"], None),  # an English word alone
        ("She saw a cat in the neighbor's house.", ["neighbour_host"], None),
        # An exact match keeps its words: "response js and sets" is not ``res.sendStatus``.
        ("In response.js and sets text.", ["response.js", "res.sendStatus"], "In response.js and sets text."),
        # Three of the name's four words: the fourth was never said.
        ("It is rejected as an invalid object name first.", ["ErrInvalidObjectName"], None),
    ],
)
def test_whole_span_sound_alike_is_not_loose_everywhere(raw, terms, expected):
    assert snap(raw, terms)[0] == (expected or raw)


# ------------------------------------------------- decisions in context (issue 14)


def test_head_noun_after_a_local_makes_it_a_name():
    from git_voice.codeterms.candidates import LOCAL

    kinds = {"snip_left": LOCAL, "snip_right": LOCAL, "first_line": LOCAL}
    terms = list(kinds)
    said = "It widens the snip left and snip right widths."
    assert snap(said, terms, kinds=kinds)[0] == "It widens the snip_left and snip_right widths."
    assert snap("It strips the first line variable.", terms, kinds=kinds)[0] == "It strips the first_line variable."
    # Ordinary English stays: no head noun, no sibling written.
    assert snap("It strips the first line before parsing.", terms, kinds=kinds)[0] == "It strips the first line before parsing."


def test_sibling_of_the_same_family_written_nearby_makes_it_a_name():
    from git_voice.codeterms.candidates import LOCAL

    kinds = {"seek_clips": LOCAL, "seek_points": LOCAL, "load_config": "defined", "user_config": LOCAL}
    said = "The seek clips list is built from the seek points."
    assert snap(said, list(kinds), kinds=kinds)[0] == "The seek_clips list is built from the seek_points."
    # A shared last word is no family: "user config" stays English next to load_config.
    said = "Load config reads the user config."
    assert snap(said, list(kinds), kinds=kinds)[0] == "load_config reads the user config."


def test_a_file_stem_is_matched_exactly_or_not_at_all():
    """A path's stem without its ending (``template-literal``) said as a plural English
    phrase stays English; said exactly, it is still written."""
    from git_voice.codeterms.candidates import PATH

    kinds = {"template-literal": PATH, "template-literal.js": PATH}
    terms = list(kinds)
    assert snap("Expressions inside template literals print.", terms, kinds=kinds)[0] == "Expressions inside template literals print."
    assert snap("I edited template literal dot js today.", terms, kinds=kinds)[0] == "I edited template-literal.js today."


def test_a_mime_type_said_with_slash_and_plus_becomes_code():
    text = "The converter can read application slash problem plus JSON bodies too."
    assert snap(text, ["application/problem+json", "canRead"], "plain")[0] == \
        "The converter can read application/problem+json bodies too."


def test_a_nearby_name_must_be_said_as_written():
    """A name only on an unchanged line next to the change snaps on an exact match, never
    a near one, and said as an everyday thing after a determiner it stays English."""
    nearby = {"is_fingerprinted": "nearby", "remote_url": "nearby", "hasColors": "nearby"}
    terms = list(nearby)
    assert snap("It calls is fingerprinted first.", terms, kinds=nearby)[0] == "It calls is_fingerprinted first."
    assert snap("It calls is fingerprint it first.", terms, kinds=nearby)[0] == "It calls is fingerprint it first."
    assert snap("So has color still wins.", terms, kinds=nearby)[0] == "So has color still wins."
    assert snap("Skipped when the remote url is private.", terms, kinds=nearby)[0] == "Skipped when the remote url is private."
    # After an article or determiner, at any length, it is the thing: here or decoded as the name.
    long_ = {"wrongTypeOfReturnValue": "nearby", "write_padded": "nearby"}
    for said in ("the wrong type of return value", "the wrongTypeOfReturnValue"):
        assert snap(f"It complains about {said}.", list(long_), kinds=long_)[0] == "It complains about the wrong type of return value."
    assert snap("Text lines up in write padded.", list(long_), kinds=long_)[0] == "Text lines up in write_padded."
    assert snap("It checks the write padded function.", list(long_), kinds=long_)[0] == "It checks the write_padded function."
    # The same near miss of a name on a changed line still snaps.
    used = {"hasColors": "used"}
    assert snap("So has color still wins.", ["hasColors"], kinds=used)[0] == "So hasColors still wins."


def test_a_member_after_a_determiner_with_its_dot_unsaid_is_english():
    """"whenever the request accepts JSON" is a subject and its verb, not
    ``request.accepts``, also when the decoder wrote the dot; said after a verb, with
    "dot", or with a head noun after it, the member is still written."""
    used = {"request.accepts": "used", "config.py": "path", "os.path.join": "used"}
    terms = list(used)
    for said in ("request accepts", "request.accepts"):
        assert snap(f"Whenever the {said} JSON.", terms, kinds=used)[0] == "Whenever the request accepts JSON."
    assert snap("It calls request accepts first.", terms, kinds=used)[0] == "It calls request.accepts first."
    assert snap("Whenever the request dot accepts check passes.", terms, kinds=used)[0] == "Whenever the request.accepts check passes."
    assert snap("Then the os path join call.", terms, kinds=used)[0] == "Then the os.path.join call."
    assert snap("It reads the config dot py now.", terms, kinds=used)[0] == "It reads the config.py now."


def test_a_kebab_key_from_a_string_is_a_value_like_a_local():
    """``"Retry-After"``, ``'no-cache'``: written as code when said as a name, English
    when said as the thing after a determiner."""
    keys = {"Retry-After": "local", "no-cache": "local", "Content-Type": "local"}
    terms = list(keys)
    assert snap("It sets the retry after header.", terms, kinds=keys)[0] == "It sets the Retry-After header."
    assert snap("Everything else goes out with no cache.", terms, kinds=keys)[0] == "Everything else goes out with no-cache."
    assert snap("We check the content type first.", terms, kinds=keys)[0] == "We check the content type first."


@pytest.mark.parametrize("raw, kinds, expected", [
    # a defined one-word name that runs words together, said as its words
    ("In truncate words the split stops early.", {"truncatewords": "defined"}, "In truncatewords the split stops early."),
    # an all-capitals one (an environment variable), whatever its kind
    ("The build sets go toolchain to local.", {"GOTOOLCHAIN": "used"}, "The build sets GOTOOLCHAIN to local."),
    # only as said: no letter edits ("truncate word" is not it)
    ("In truncate word the split stops early.", {"truncatewords": "defined"}, "In truncate word the split stops early."),
    # a called or bound one is English too often
    ("A line that starts with a hash.", {"startswith": "used"}, "A line that starts with a hash."),
    ("It builds a huge word list.", {"wordlist": "local"}, "It builds a huge word list."),
    # an English word is never one ("the file name")
    ("It checks the file name first.", {"filename": "defined"}, "It checks the file name first."),
])
def test_one_word_names_said_as_the_words_they_run_together(raw, kinds, expected):
    assert snap(raw, list(kinds), kinds=kinds)[0] == expected


def test_a_name_said_without_its_namespace_prefix():
    """``ngx_`` and ``ngx_http_`` open other names of the change: C's namespacing, unsaid."""
    kinds = {"ngx_http_parse_header_line": "defined", "ngx_http_parse": "path", "ngx_http_parse.c": "path",
             "ngx_int_t": "used", "ngx_hash": "nearby", "allow_underscores": "used"}
    assert snap("Only when allow underscores is on, in parse header line.", list(kinds), kinds=kinds)[0] == \
        "Only when allow_underscores is on, in ngx_http_parse_header_line."
    # Without other names sharing the prefix, the words stay.
    alone = {"ngx_http_parse_header_line": "defined"}
    assert snap("in parse header line.", list(alone), kinds=alone)[0] == "in parse header line."
    # Never down to two words, nor for a local.
    two = {"ngx_http_header_line": "defined", "ngx_http_parse": "path", "ngx_http_x": "used"}
    assert snap("in header line.", list(two), kinds=two)[0] == "in header line."
    local = {**kinds, "ngx_http_parse_header_line": "local"}
    assert snap("in parse header line.", list(local), kinds=local)[0] == "in parse header line."
