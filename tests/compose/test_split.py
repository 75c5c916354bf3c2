"""The series splitter: sentences → overview or commit, and the text the author edits."""

from __future__ import annotations

import pytest

from git_voice.compose.split import (
    OVERVIEW, CommitInfo, SplitTextError, assign, explicit_patch, initial_order, match_sentences, parse, render,
    split_sentences,
)

COMMITS = [
    CommitInfo("Fix crash in load_config when the file is missing", ("load_config", "FileNotFoundError", "DEFAULTS"), ("app/config.py",)),
    CommitInfo("Rename get_user to get_user_by_id", ("get_user_by_id", "get_user", "user_id"), ("app/users.py",)),
    CommitInfo("Add a test for the missing config file", ("test_missing_config_file", "tmp_path"), ("tests/test_config.py",)),
]


def labels(text: str, commits=COMMITS) -> list[int]:
    return assign(split_sentences(text), commits)


def test_the_issue_example_in_order_with_order_words():
    text = ("This series makes config loading safe. First I fixed the crash in load_config when the file is "
            "missing. It now returns the defaults. Then I renamed get_user to get_user_by_id. "
            "The last patch adds the test. Thanks for reviewing.")
    assert labels(text) == [OVERVIEW, 0, 0, 1, 2, OVERVIEW]


def test_out_of_order_by_names_alone():
    text = ("The rename of get_user to get_user_by_id touches users.py. "
            "test_missing_config_file uses tmp_path. "
            "load_config catches FileNotFoundError.")
    assert labels(text) == [1, 2, 0]


def test_names_beat_a_narrative_first():
    # "First" is the order of telling here, not of the series: the names decide.
    text = "First, test_missing_config_file checks the missing file with tmp_path. Then load_config returns DEFAULTS."
    assert labels(text) == [2, 0]


@pytest.mark.parametrize("sentence, n, want", [
    ("The second patch renames it.", 3, 1),
    ("Patch three adds the test.", 3, 2),
    ("In the last commit I add a test.", 3, 2),
    ("Patch number two is a rename.", 3, 1),
    ("The first one fixes the crash.", 3, 0),
    ("The fifth patch does not exist here.", 3, None),
    ("There is a patch for that.", 3, None),
])
def test_explicit_patch(sentence, n, want):
    assert explicit_patch(sentence, n) == want


@pytest.mark.parametrize("sentence, want", [
    ("First, the crash.", 0), ("Secondly the rename.", 1), ("Finally, the test.", 2), ("And lastly a test.", 2),
    ("To start with, the crash.", 0), ("The crash first.", None), ("Firstly-named things.", 0),
])
def test_initial_order(sentence, want):
    assert initial_order(sentence, 3) == want


def test_then_moves_on_and_plain_sentences_continue():
    commits = [CommitInfo("Alpha"), CommitInfo("Beta"), CommitInfo("Gamma")]
    text = "Some context first. First, one thing. It matters. Then another. After that a third. It is short."
    assert labels(text, commits) == [OVERVIEW, 0, 0, 1, 2, 2]


def test_a_sentence_about_nothing_before_any_commit_is_overview_and_series_words_win():
    text = "Hello reviewers. These patches belong together. The rename of get_user is in users.py. Thanks!"
    assert labels(text) == [OVERVIEW, OVERVIEW, 1, OVERVIEW]


def test_evidence_shared_by_commits_goes_by_the_series_order():
    commits = [CommitInfo("Touch config.py", ("shared_name",), ("config.py",)),
               CommitInfo("Touch config.py again", ("shared_name",), ("config.py",)),
               CommitInfo("Unrelated", ("other_name",), ("other.py",))]
    said = "The shared_name in config.py matters."
    # Nothing spoken about yet: the earliest; once a patch is spoken about, that one.
    assert labels(said, commits) == [0]
    assert labels(f"The second patch is small. {said}", commits) == [1, 1]
    # After a later patch, shared evidence does not reopen an earlier one.
    assert labels(f"other_name in other.py changes. {said}", commits) == [2, 2]


def test_a_commit_never_spoken_about_gets_nothing():
    text = "First, load_config catches FileNotFoundError. Patch three adds test_missing_config_file."
    assert 1 not in labels(text)


MARKERS = [("abc1234", "Fix crash"), ("def5678", "Rename get_user"), ("0123456", "Add test")]


def test_render_then_parse_gives_the_split_back_and_moved_lines_move():
    text = render(["Overview one."], [["A."], ["B.", "C."], []], MARKERS)
    assert "# --- 2/3 def5678 Rename get_user" in text.splitlines()
    assert parse(text, MARKERS) == (["Overview one."], [["A."], ["B.", "C."], []])
    moved = text.replace("\nC.\n", "\n").replace("# --- 3/3 0123456 Add test\n", "# --- 3/3 0123456 Add test\nC.\n")
    assert parse(moved, MARKERS) == (["Overview one."], [["A."], ["B."], ["C."]])


def test_parse_refuses_lost_or_reordered_markers_and_an_empty_text_aborts():
    text = render([], [["A."], ["B."], ["C."]], MARKERS)
    with pytest.raises(SplitTextError):
        parse(text.replace("# --- 2/3 def5678 Rename get_user\n", ""), MARKERS)
    with pytest.raises(SplitTextError):
        parse(text.replace("2/3 def5678", "3/3 0123456", 1), MARKERS)
    assert parse("# only comments\n\n", MARKERS) is None


def test_match_sentences_exact_then_edited_then_new():
    originals = ["First I fixed the crash.", "Then the rename.", "The test."]
    lines = ["The test.", "First I fixed the crash in load_config.", "Something new entirely."]
    assert match_sentences(lines, originals) == [2, 0, None]


def test_a_subject_word_said_in_parts_still_names_its_commit():
    commits = [CommitInfo("Add pagesize to the exporter"), CommitInfo("Add linebreak to the exporter")]
    # Speech often writes one written word as two ("line break", "line-break").
    for said in ("line break", "line-break", "linebreak"):
        assert labels(f"The exporter gets pagesize. It also gets {said} handling.", commits) == [0, 1]
    assert labels("The exporter gets pagesize. It also handles a break in the line.", commits) == [0, 0]


def test_what_comes_before_first_is_the_introduction():
    # The opening names words of the rename's subject, but "First" starts the patches after it.
    text = ("Users are now found by their id everywhere. First I fixed the crash in load_config. "
            "Then I renamed get_user to get_user_by_id.")
    assert labels(text) == [OVERVIEW, 0, 1]
    assert labels("Users are now found by their id everywhere. Then I fixed the crash in load_config.") == [1, 0]
    # An explicit patch before "First" means "First" is not where the patches start.
    text = "The second patch renames get_user. First, though, load_config stops crashing."
    assert labels(text) == [1, 0]


def test_once_every_patch_was_spoken_about_a_sentence_pointing_back_at_nothing_sums_up():
    text = ("First I fixed the crash in load_config. Then I renamed get_user to get_user_by_id. "
            "The last patch adds the test. So a missing file no longer stops the app.")
    assert labels(text) == [0, 1, 2, OVERVIEW]
    # Pointing back ("It", "That way", "as well") continues the last patch.
    for said in ("It runs in a temporary folder.", "That way nobody breaks the fallback again.",
                 "Old behaviour is covered as well."):
        assert labels(text.rsplit(". ", 1)[0] + ". " + said) == [0, 1, 2, 2]
    # While a patch has not been spoken about, the same sentence continues the last one.
    text = "First I fixed the crash in load_config. So a missing file no longer stops the app."
    assert labels(text) == [0, 0]


def test_a_loose_series_word_does_not_pull_a_continuation_into_the_overview():
    opening = "First I fixed the crash in load_config. "
    for said in ("It also keeps the defaults together.", "That way reviewers see a clear error."):
        assert labels(opening + said) == [0, 0]
    # Not carrying on from the patch, or speaking of the series outright: the overview.
    assert labels(opening + "Overall nothing else changes.") == [0, OVERVIEW]
    assert labels(opening + "It closes this series.") == [0, OVERVIEW]
