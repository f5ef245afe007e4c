"""An ignored offer whose edit the user then typed by hand is recorded as an accept."""

from __future__ import annotations

from pathlib import Path

from sea_lsp.feedback.store import TYPED_REASON, FeedbackStore, Offer
from sea_lsp.feedback.typed import changed_span, typed_by_hand

BEFORE = "def f(a, b):\n    if a < b:\n        return a\n    return b\n"
SWAP = BEFORE.replace("a < b", "a <= b")
NEGATE = BEFORE.replace("a < b", "not a < b")
DOC = BEFORE.replace("):\n", '):\n    """Min."""\n', 1)


def test_changed_span_is_the_shortest_replacement():
    assert changed_span("abcXdef", "abcYYdef") == (3, "X", "YY")
    assert changed_span("same", "same") == (4, "", "")
    assert changed_span("aa", "aaa") == (2, "", "a")


def test_the_edit_typed_by_hand_is_found_and_nothing_else():
    afters = [NEGATE, SWAP, None, DOC]
    assert typed_by_hand(BEFORE, SWAP, afters) == 1
    assert typed_by_hand(BEFORE, DOC, afters) == 3
    assert typed_by_hand(BEFORE, BEFORE, afters) is None  # nothing typed
    other = BEFORE.replace("a < b", "a > b")
    assert typed_by_hand(BEFORE, other, afters) is None  # something else typed
    assert typed_by_hand(BEFORE, SWAP + "\nx = 1\n", afters) is None  # more than the edit


def test_a_typed_edit_is_an_accept_of_that_candidate(tmp_path: Path):
    with FeedbackStore(tmp_path / "f.sqlite3") as store:
        offer = store.record_offer(
            Offer("/w", "m.py", [5], [[1], [2], [3]], ["a", "b", "c"], "m1", "v1", [-1.0] * 3)
        )
        store.record_superseded(offer)  # the grace period ran out first
        store.record_typed(offer, 2)
        (logged,) = list(store.offers())
        reasons = store._rows("SELECT reason FROM decisions WHERE kind = 'accept'")
    assert (logged.outcome, logged.chosen) == ("accepted", 2)
    assert reasons == [(TYPED_REASON,)]
