"""Each term of the reward moves it the way the docstring says."""

from __future__ import annotations

import pytest

from sea_lsp.agent.reward import COMPILE_PENALTY, PARSE_PENALTY, REGRESSION_WEIGHT, reward_function
from sea_lsp.sandbox.results import TestOutcome, TestRun


def run(**outcomes: str) -> TestRun:
    return TestRun({k: TestOutcome(k, v) for k, v in outcomes.items()})  # type: ignore[arg-type]


BASE = run(a="failed", b="failed", c="passed")


def test_all_fixed_no_regression_is_about_one() -> None:
    r = reward_function(BASE, run(a="passed", b="passed", c="passed"), ["a", "b"], 0, True, 1)
    assert r.fixed_fraction == 1.0 and r.regressions == 0
    assert r.total == pytest.approx(0.99)


def test_fixed_fraction_counts_only_target_tests_that_needed_fixing() -> None:
    r = reward_function(BASE, run(a="passed", b="failed", c="passed"), ["a", "b"], 0, True, 0)
    assert (r.fixed, r.to_fix, r.fixed_fraction) == (1, 2, 0.5)
    assert r.total == pytest.approx(0.5)


def test_regressions_are_penalised() -> None:
    r = reward_function(BASE, run(a="passed", b="passed", c="failed"), ["a", "b"], 0, True, 0)
    assert r.regressions == 1
    assert r.total == pytest.approx(1.0 - REGRESSION_WEIGHT)


def test_parse_and_compile_errors_are_heavy() -> None:
    r = reward_function(BASE, None, ["a"], parse_errors=2, compiles=False, steps=0)
    assert (r.parse_errors, r.compile_errors) == (2, 1)
    assert r.total == pytest.approx(-2 * PARSE_PENALTY - COMPILE_PENALTY)


def test_step_cost_and_broken_run() -> None:
    cheap = reward_function(BASE, None, ["a"], 0, True, steps=1)
    dear = reward_function(BASE, None, ["a"], 0, True, steps=5, step_cost=0.1)
    assert cheap.total == pytest.approx(-0.01) and dear.total == pytest.approx(-0.5)
    broken = TestRun({}, timed_out=True, error="timeout")
    r = reward_function(BASE, broken, ["a"], 0, True, 0)
    assert r.broken_run and r.total < 0


def test_without_baseline_every_target_must_pass() -> None:
    r = reward_function(None, run(a="passed", b="failed"), ["a", "b"], 0, True, 0)
    assert r.fixed_fraction == 0.5 and r.regressions == 0
