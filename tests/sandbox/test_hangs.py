"""A test that hangs fails as a hang, the rest of the suite still runs, and a candidate
edit that makes a test hang is dropped at its first timeout (not at the run's limit)."""

from __future__ import annotations

import time
from pathlib import Path

from sandbox_helpers import make_project

from sea_lsp.agent.faults import localize
from sea_lsp.sandbox.evaluator import candidate_timeouts
from sea_lsp.sandbox.results import TestOutcome, TestRun
from sea_lsp.sandbox.sandbox import Limits, Sandbox

LOOPING = "def step(n):\n    while n != 0:\n        n -= 2\n    return n\n"
FIXED = "def step(n):\n    while n > 0:\n        n -= 2\n    return n\n"
TESTS = """\
from walk import step


def test_even():
    assert step(4) == 0


def test_odd():
    assert step(3) == -1


def test_zero():
    assert step(0) == 0


def test_other():
    assert 1 + 1 == 2
"""


def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {"walk.py": LOOPING, "tests/test_walk.py": TESTS})


def test_a_hanging_test_fails_and_the_run_goes_on(tmp_path: Path) -> None:
    box = Sandbox(
        project(tmp_path), trusted=True, limits=Limits(timeout_s=60, per_test_timeout_s=1.0)
    )
    run = box.run_tests()
    odd = "tests/test_walk.py::test_odd"
    assert run.outcomes[odd].timed_out and odd in run.failed
    assert run.outcomes["tests/test_walk.py::test_other"].outcome == "passed"
    assert run.outcomes["tests/test_walk.py::test_zero"].outcome == "passed"
    assert run.error is None or "timeout" not in run.error
    # wherever the timeout struck, the loop's header and its update are the suspects
    top = localize(run, box.root)[:2]
    assert {(s.path, s.line) for s in top} == {("walk.py", 2), ("walk.py", 3)}
    assert top[0].score == top[1].score


def test_a_candidate_that_hangs_is_dropped_at_its_first_timeout(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"walk.py": FIXED, "tests/test_walk.py": TESTS})
    box = Sandbox(root, trusted=True, limits=Limits(timeout_s=60, per_test_timeout_s=3.0))
    with box.evaluator() as ev:
        assert ev.baseline.all_passed
        started = time.monotonic()
        hung = ev.evaluate({"walk.py": LOOPING}, max_failures=0)
        seconds = time.monotonic() - started
        assert not hung.all_passed
        assert [k for k, o in hung.outcomes.items() if o.timed_out] == [
            "tests/test_walk.py::test_odd"
        ]
        # stopped there: the tests after the hang did not run
        assert "tests/test_walk.py::test_other" not in hung.outcomes
        # the candidate's timeout comes from the fast baseline, far below the 3 s cap
        assert seconds < 3.0
        # and the worker still answers for the next candidate
        assert ev.evaluate({"walk.py": FIXED}).all_passed


def test_a_hang_seen_in_a_known_run_is_not_waited_for_again(tmp_path: Path) -> None:
    box = Sandbox(
        project(tmp_path), trusted=True, limits=Limits(timeout_s=60, per_test_timeout_s=4.0)
    )
    known = box.run_tests()
    assert known.outcomes["tests/test_walk.py::test_odd"].timed_out
    with box.evaluator(known=known) as ev:
        odd = ev.baseline.outcomes["tests/test_walk.py::test_odd"]
        assert odd.timed_out
        assert odd.duration < 2.0  # stopped at a typical test's timeout, not the 4 s cap again
        assert ev.evaluate({"walk.py": FIXED}).all_passed


def test_candidate_timeouts_follow_the_baseline() -> None:
    run = TestRun(
        {
            "a": TestOutcome("a", "passed", 0.1),
            "b": TestOutcome("b", "passed", 0.3),
            "c": TestOutcome("c", "failed", 9.0, timed_out=True),
        },
        9.4,
    )
    t = candidate_timeouts(run, per_test_cap=1.5)
    assert t["a"] == 5 * 0.1 + 0.25
    assert t["b"] == 1.5  # 5 x 0.3 + 0.25 = 1.75, capped
    assert t["c"] == 1.5  # a hang gets what a typical test gets (the median of the others)
    assert candidate_timeouts(run, None)["c"] == 5 * 0.3 + 0.25


def test_after_a_hang_later_tests_get_a_shorter_limit_and_say_so(tmp_path: Path) -> None:
    """Four tests enter the same endless loop: the first is stopped at the configured limit,
    the others at the shorter one that follows a hang (marked ``cut_short``), so the run costs
    one full timeout, not four; a test that finishes is unaffected."""
    tests = "from walk import step\n\n\ndef test_ok():\n    assert step(2) == 0\n\n\n" + "".join(
        f"def test_odd_{i}():\n    assert step({2 * i + 1}) == -1\n\n\n" for i in range(4)
    )
    root = make_project(tmp_path / "p", {"walk.py": LOOPING, "tests/test_walk.py": tests})
    run = Sandbox(
        root, trusted=True, limits=Limits(timeout_s=60, per_test_timeout_s=4.0)
    ).run_tests()
    hung = [run.outcomes[f"tests/test_walk.py::test_odd_{i}"] for i in range(4)]
    assert all(o.timed_out for o in hung)
    assert [o.cut_short for o in hung] == [False, True, True, True]
    assert all(o.duration < 3.0 for o in hung[1:])  # 1 s floor, not the 4 s limit
    assert run.outcomes["tests/test_walk.py::test_ok"].outcome == "passed"
    timeouts = candidate_timeouts(run, 4.0)  # a candidate that still loops costs little
    assert all(timeouts[f"tests/test_walk.py::test_odd_{i}"] < 1.0 for i in range(4))
