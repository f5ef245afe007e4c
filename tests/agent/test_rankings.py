"""The search's baseline orders: fault localisation, the generators' plain order, random."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sea_lsp.agent.search import (
    PARTIAL_FIX_BOOST,
    _partial_fix_focus,
    _predictor,
    _value_fn,
    plain_order,
    rank_priors,
)


def cand(path: str, start: int) -> SimpleNamespace:
    return SimpleNamespace(target=SimpleNamespace(path=path, start=start))


# the agent's order (localisation first): b.py:50, a.py:90, a.py:10
CANDIDATES = [cand("b.py", 50), cand("a.py", 90), cand("a.py", 10)]


def order_of(priors: list[float]) -> list[int]:
    return sorted(range(len(priors)), key=lambda i: -priors[i])


def test_plain_order_is_file_and_line():
    assert plain_order(CANDIDATES) == [2, 1, 0]
    assert order_of(rank_priors([3.0, 1.0, 2.0])) == [0, 2, 1]


def test_each_ranking_orders_by_its_own_key_even_without_a_model():
    env = SimpleNamespace()
    fl, _ = _predictor(env, None, "fl", 0)(None, CANDIDATES)
    generator, _ = _predictor(env, None, "generator", 0)(None, CANDIDATES)
    assert order_of(fl) == [0, 1, 2]
    assert order_of(generator) == [2, 1, 0]  # a.py:10, a.py:90, b.py:50
    learned, _ = _predictor(env, None, "learned", 0)(None, CANDIDATES)  # the generators' order
    assert order_of(learned) == [0, 1, 2]
    orders = {
        tuple(order_of(_predictor(env, None, "random", s)(None, CANDIDATES)[0])) for s in range(8)
    }
    assert len(orders) > 1


def test_the_value_network_is_used_only_by_the_policy_value_ranking():
    """Measured not to save test runs, the value network's leaf estimates are left out of
    the search except in the ``policy-value`` variant kept to measure it."""
    model = SimpleNamespace(value=lambda tokens: 0.25)
    env = SimpleNamespace(state_input=lambda state: None)
    assert _value_fn(env, model, "policy-value", None) is not None
    for ranking in ("policy", "fl", "generator", "random"):
        assert _value_fn(env, model, ranking, None) is None
    assert _value_fn(env, None, "policy-value", None) is None


def test_a_partial_fix_boosts_the_other_edits_on_its_line_once():
    def edit(path: str, line: int) -> SimpleNamespace:
        return SimpleNamespace(target=SimpleNamespace(path=path), data={"line": line})

    actions = [edit("a.py", 3), edit("a.py", 7), edit("a.py", 3), edit("b.py", 3)]
    priors = [0.4, 0.3, 0.2, 0.1]

    def state(fixed: int, solved: bool = False) -> SimpleNamespace:
        return SimpleNamespace(details={"reward": SimpleNamespace(fixed=fixed)}, solved=solved)

    reprior = _partial_fix_focus()
    assert reprior("root", actions, priors, 0, state(0), -0.01) is None  # nothing passed
    assert reprior("root", actions, priors, 0, state(1, solved=True), 1.0) is None
    assert reprior("root", actions, priors, 0, state(1), -0.5) is None  # fixed one, broke one
    got = reprior("root", actions, priors, 0, state(1), 0.32)  # one of three fixed
    assert got == [0.4 * PARTIAL_FIX_BOOST, 0.3, 0.2 * PARTIAL_FIX_BOOST, 0.1]
    assert reprior("root", actions, got, 3, state(1), 0.32) is None  # no better than followed
    assert reprior("root", actions, got, 3, state(2), 0.65) is not None  # two of three: better
    after_one = state(1)  # a second step must pass more tests than its parent did
    assert reprior(after_one, actions, priors, 1, state(1), 0.3) is None
    assert reprior(after_one, actions, priors, 1, state(2), 0.5) is not None
    again = _partial_fix_focus()  # a sibling tried before the partial fix keeps its prior
    assert again("root", actions, priors, 2, state(0), -0.01) is None
    got = again("root", actions, priors, 0, state(1), 0.32)
    assert got == [0.4 * PARTIAL_FIX_BOOST, 0.3, 0.2, 0.1]


def test_the_search_ranking_is_a_setting_checked_when_read():
    from sea_lsp.config import Settings, SettingsError

    assert Settings().search_ranking == "fl"
    assert Settings().merged({"searchRanking": "policy"}).search_ranking == "policy"
    assert Settings().merged({"searchRanking": "learned"}).search_ranking == "learned"
    with pytest.raises(SettingsError, match="searchRanking must be one of fl, learned, policy"):
        Settings().merged({"searchRanking": "best"})


def test_the_verdict_says_failing_tests_were_failing_before_not_that_they_regressed() -> None:
    from sea_lsp.agent.search import _summary
    from sea_lsp.sandbox.results import TestOutcome, TestRun

    after = TestRun(
        {
            "t::a": TestOutcome("t::a", "passed"),
            "t::b": TestOutcome("t::b", "failed"),
            "t::c": TestOutcome("t::c", "failed"),
        }
    )
    text = _summary("Add a test", after, "verified", True, True, True)
    assert text == "Verified: Add a test (1 test passes; 2 tests still fail, as before the change)."
