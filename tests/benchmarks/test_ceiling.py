"""The decisions' ceiling of benchmarks/codeterms/ceiling.py: how it sorts a note's terms."""

from __future__ import annotations

import sys

from ..helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks" / "codeterms"))
import ceiling  # noqa: E402

SAY = "Now {set cookie|set_cookie} takes {partitioned|partitioned}, and {max age|max_age} is read by {get user by id|get_user_by_id}."


def test_sorts_written_heard_and_not_heard():
    hyp = "Now set_cookie takes partition, and the max age is read by get_user_by_id."
    assert ceiling.sort_terms(SAY, hyp) == {"written": 2, "heard as words": 1, "not heard": 1}


def test_a_wrong_code_form_of_the_right_words_counts_as_heard():
    # The words were heard; a better choice could have written the right form.
    hyp = "Now setCookie takes partitioned, and MaxAge is read by get user by ID."
    assert ceiling.sort_terms(SAY, hyp) == {"written": 1, "heard as words": 3, "not heard": 0}


def test_a_written_term_is_not_counted_again_as_its_words():
    say = "{max age|max_age} then {max age|max_age} again"
    assert ceiling.sort_terms(say, "max_age then max ache again") == {"written": 1, "heard as words": 0, "not heard": 1}
    assert ceiling.sort_terms(say, "max_age then max age again") == {"written": 1, "heard as words": 1, "not heard": 0}


def test_figures_of_a_committed_result_file():
    # Batch 3's held-out run at 98b2723: the "written" count is the recall product.py printed.
    rows = ceiling.ceiling(ROOT / "benchmarks" / "codeterms" / "product-heldout-b3-98b2723.json")
    total = sum(rows["all voices"].values())
    assert (total, rows["all voices"]["written"]) == (87, 55)
