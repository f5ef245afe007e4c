"""Content-based simulated users: choices follow the edit's content, never its offered position."""

from __future__ import annotations

import pytest

from sea_lsp.training.content_users import (
    FEATURES,
    USERS,
    LinearUser,
    changed_chars,
    edit_features,
    interval95,
    keeps_names,
    names,
    smallest_diff,
    split_projects,
    top1_agreement,
)

BEFORE = "def area(r):\n    return 3.14 * r * r\n"
SMALL = "def area(r):\n    return 3.14 * r ** 2\n"  # a few characters
RENAME = "def area(radius):\n    return 3.14 * radius * radius\n"  # new identifier
DOC = 'def area(r):\n    """Area of a circle."""\n    return 3.14 * r * r\n'


def test_changed_chars_counts_insertions_and_deletions():
    assert changed_chars("abc", "abc") == 0
    assert changed_chars("abc", "abXc") == 1
    assert changed_chars("abc", "ac") == 1
    assert changed_chars("abc", "xyz") == 3


def test_names_ignores_keywords_and_survives_broken_code():
    assert names(BEFORE) == {"area", "r"}
    assert "area" in names("def area(r:\n")  # unbalanced: the names read so far


@pytest.mark.parametrize("user", [smallest_diff, keeps_names])
def test_choice_does_not_depend_on_offered_order(user):
    afters = [RENAME, DOC, SMALL]
    pick = user(BEFORE, afters)
    for order in ([SMALL, RENAME, DOC], [DOC, SMALL, RENAME]):
        assert order[user(BEFORE, order)] == afters[pick]


def test_smallest_diff_and_keeps_names_disagree_where_they_should():
    assert [RENAME, SMALL][smallest_diff(BEFORE, [RENAME, SMALL])] == SMALL
    # The docstring is many characters but adds few names; the rename is small but renames.
    short_rename = "def area(s):\n    return 3.14 * s * s\n"
    assert smallest_diff(BEFORE, [DOC, short_rename]) == 1
    assert keeps_names(BEFORE, [DOC, short_rename]) == 0
    assert smallest_diff(BEFORE, []) is None
    assert smallest_diff(BEFORE, [BEFORE, RENAME]) == 1  # a no-op is not an edit
    assert keeps_names(BEFORE, [BEFORE]) is None


def test_linear_user_follows_its_weights():
    likes_docs = LinearUser((0.0, 0.0, 0.0, 1.0, 0.0))
    hates_growth = LinearUser((0.0, 0.0, 0.0, 0.0, -1.0))
    assert likes_docs(BEFORE, [SMALL, DOC]) == 1
    shrink = "def area(r):\n    return 3.14*r*r\n"
    assert hates_growth(BEFORE, [DOC, SMALL, shrink]) == 2
    assert len(edit_features(BEFORE, DOC)) == len(FEATURES)
    with pytest.raises(ValueError, match="weights"):
        LinearUser((1.0,))
    assert set(USERS) == {"smallest_diff", "keeps_names", "linear"}


def test_split_projects_is_disjoint_stable_and_never_empty():
    projects = [f"p{i}" for i in range(7)]
    train, held = split_projects(projects, seed=3)
    assert train and held and not set(train) & set(held)
    assert sorted(train + held) == projects
    assert split_projects(reversed(projects), seed=3) == (train, held)
    assert any(split_projects(projects, seed=s) != (train, held) for s in range(4, 10))
    assert all(split_projects(["a", "b"], seed=s)[0] for s in range(10))
    with pytest.raises(ValueError, match="two projects"):
        split_projects(["only"], seed=0)


def test_top1_agreement_and_interval():
    offers = [(BEFORE, [SMALL, RENAME]), (BEFORE, [RENAME, SMALL]), (BEFORE, [])]
    assert top1_agreement(smallest_diff, offers) == 0.5  # the empty offer has no preference
    mean, lo, hi = interval95([0.8, 0.9, 1.0])
    assert mean == pytest.approx(0.9) and lo < 0.9 < hi
    assert interval95([0.5]) == (0.5, 0.5, 0.5)


def test_different_edits_that_tie_for_best_are_no_preference():
    # Two one-character operator swaps: the preference cannot tell them apart, so neither
    # is the user's choice (breaking the tie by spelling would be a rule agreement measures).
    minus = "def area(r):\n    return 3.14 * r - r\n"
    plus = "def area(r):\n    return 3.14 * r + r\n"
    assert smallest_diff(BEFORE, [minus, plus]) is None
    assert keeps_names(BEFORE, [minus, plus, RENAME]) is None
    assert smallest_diff(BEFORE, [minus, minus, RENAME]) == 0  # the same edit twice: no tie
    assert smallest_diff(BEFORE, [RENAME, minus, minus]) == 1
