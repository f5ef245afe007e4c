"""Fault localisation ranks the buggy line first, from frames and from coverage spectra."""

from __future__ import annotations

from pathlib import Path

from sandbox_helpers import make_project

from sea_lsp.actions import pytree
from sea_lsp.agent.faults import hang_weights, is_test_file, localize, ochiai_scores
from sea_lsp.sandbox.results import TestOutcome, TestRun
from sea_lsp.sandbox.sandbox import Limits, Sandbox


def _run() -> TestRun:
    return TestRun(
        {
            "tests/test_a.py::t1": TestOutcome(
                "tests/test_a.py::t1", "failed",
                frames=[("tests/test_a.py", 3), ("pkg/a.py", 10), ("pkg/b.py", 4)],
            ),
            "tests/test_a.py::t2": TestOutcome("tests/test_a.py::t2", "passed"),
        }
    )  # fmt: skip


def test_frames_weight_the_deepest_workspace_frame_and_skip_tests() -> None:
    ranked = localize(_run(), ["pkg/a.py", "pkg/b.py", "tests/test_a.py"])
    assert [(s.path, s.line) for s in ranked] == [("pkg/b.py", 4), ("pkg/a.py", 10)]
    assert ranked[0].score > ranked[1].score
    assert localize(_run(), ["pkg/a.py"])[0].path == "pkg/a.py"  # unknown files dropped
    assert is_test_file("tests/helpers.py") and not is_test_file("pkg/a.py")
    assert is_test_file("testcases/node.py") and is_test_file("pkg/unittests/util.py")
    assert is_test_file("pkg/tests.py") and not is_test_file("pkg/contest.py")
    assert not is_test_file("pkg/attestation/a.py")


def test_ochiai_prefers_lines_only_failing_tests_run() -> None:
    cov = {
        "tests/test_a.py::t1": {"pkg/a.py": [1, 2, 3]},
        "tests/test_a.py::t2": {"pkg/a.py": [1, 2]},
    }
    scores = ochiai_scores(_run(), cov, lambda p: True)
    assert scores[("pkg/a.py", 3)] == 1.0
    assert scores[("pkg/a.py", 3)] > scores[("pkg/a.py", 1)] > 0
    ranked = localize(_run(), ["pkg/a.py", "pkg/b.py"], coverage=cov)
    assert (ranked[0].path, ranked[0].line) == ("pkg/a.py", 3)


def test_real_run_with_coverage_points_at_the_bug(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "shop.py": """\
                def total(prices, discount):
                    s = sum(prices)
                    if discount:
                        s = s - s * discount / 10
                    return s
                """,
            "tests/test_shop.py": """\
                from shop import total

                def test_plain():
                    assert total([1, 2], 0) == 3

                def test_discount():
                    assert total([10, 10], 0.5) == 10
                """,
        },
    )
    run = Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).run_tests(coverage=True)
    ranked = localize(run, root)
    assert (ranked[0].path, ranked[0].line) == ("shop.py", 4)
    assert all(not is_test_file(s.path) for s in ranked)


def test_a_fixtures_lines_are_its_tests_and_a_failing_fixture_is_localised(
    tmp_path: Path,
) -> None:
    """A test that fails in its fixture (an error in setup) ran the lines the fixture ran:
    without them the failure has no spectrum and only its crash line is suspect."""
    root = make_project(
        tmp_path / "p",
        {
            "ids.py": """\
                class Ids:
                    def __init__(self):
                        self.next = 1
                        self.seen = set()

                    def take(self):
                        rid = self.next
                        if rid in self.seen:
                            raise KeyError(rid)
                        self.seen.add(rid)
                        return rid
                """,
            "tests/test_ids.py": """\
                import pytest
                from ids import Ids

                @pytest.fixture
                def two():
                    ids = Ids()
                    return [ids.take(), ids.take()]

                def test_first():
                    assert Ids().take() == 1

                def test_two(two):
                    assert two == [1, 2]

                @pytest.fixture
                def fresh():
                    return Ids()

                def test_fresh(fresh):
                    assert fresh.take() == 1

                @pytest.fixture
                def nothing():
                    pytest.skip("not here")

                def test_skipped(nothing):
                    pass
                """,
        },
    )
    run = Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).run_tests(coverage=True)
    assert run.outcomes["tests/test_ids.py::test_two"].outcome == "error"
    assert {3, 4, 7, 8, 9, 10, 11} <= set(run.coverage["tests/test_ids.py::test_two"]["ids.py"])
    # a test whose body ran keeps its body's lines: its fixture's (``__init__``) are not
    assert set(run.coverage["tests/test_ids.py::test_fresh"]["ids.py"]).isdisjoint({3, 4})
    assert not run.coverage.get("tests/test_ids.py::test_skipped")  # skipped in setup: none
    ranked = [(s.path, s.line) for s in localize(run, root)]
    assert ranked[0] == ("ids.py", 9)  # the crash, then the lines only the failing test ran
    assert ("ids.py", 7) in ranked and ("ids.py", 10) in ranked


SEARCH = """\
def leftmost(items, target):
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        note = mid
        if items[mid] < target:
            lo = mid
        else:
            hi = mid
        if note is None:
            raise ValueError("lost")
    return lo
"""


def weights(text: str, line: int) -> dict[int, float]:
    return hang_weights(pytree.parse(text), line)


def test_a_hung_loop_weighs_the_lines_that_decide_whether_it_ends() -> None:
    got = weights(SEARCH, 5)  # stopped at `note = mid`: the loop, not that line
    deciding = {n for n, w in got.items() if w == 1.0}
    # the header, the two assignments to what it reads, the condition guarding an exit
    assert deciding == {3, 7, 9, 10}
    assert {n for n, w in got.items() if w < 1.0} == {4, 5, 6, 11}  # not `else:`
    assert weights(SEARCH, 2) == {} and weights(SEARCH, 12) == {}
    drain = "def drain(todo):\n    while todo:\n        x = todo.pop()\n        print(x)\n"
    assert weights(drain, 4) == {2: 1.0, 3: 1.0, 4: 0.5}


def test_what_decides_a_hung_loop_follows_the_loop_itself() -> None:
    walk = """\
def walk(node, items):
    while True:
        items[node.key] = 0
        for child in node.kids:
            if child is None:
                break
        node = node.next
    else:
        return items
"""
    got = weights(walk, 3)
    # `while True` ends by what it steps (`node = node.next`); the inner loop's `break`
    # leaves the inner loop only; writing into `items[...]` does not step `node`
    assert {n for n, w in got.items() if w == 1.0} == {2, 7}
    assert got[3] == got[5] == 0.5
    assert weights(walk, 9) == {}  # `else:` runs once, after the loop
    inner = weights(walk, 6)  # the innermost loop holding the line: the `for`
    assert inner[4] == 1.0 and inner[5] == 1.0 and 2 not in inner
    assert isinstance(weights("def f(:\n  while x\n", 2), dict)  # broken syntax: no crash


def _hung(line: int) -> TestRun:
    frames = [("tests/test_s.py", 4), ("s.py", line)]
    return TestRun(
        {
            "tests/test_s.py::t": TestOutcome(
                "tests/test_s.py::t", "failed", frames=frames, timed_out=True
            )
        }
    )


def test_where_a_timeout_struck_does_not_decide_the_ranking() -> None:
    """A timeout interrupts a hung loop at whatever line it was on: the ranking is the same
    wherever it struck, with the lines that decide whether the loop ends first."""
    read = {"s.py": SEARCH}.get
    rankings = {
        line: [(s.line, s.score) for s in localize(_hung(line), ["s.py"], read=read)]
        for line in range(3, 12)
    }
    assert len({tuple(r) for r in rankings.values()}) == 1
    first = rankings[4]
    assert {n for n, _ in first[:4]} == {3, 7, 9, 10}
    assert first[0][1] > first[-1][1] > 0
    # without the source, the struck line is all there is (as before)
    assert [s.line for s in localize(_hung(5), ["s.py"])] == [5]
    # coverage that missed the loop (a tracer stopped early) leaves its weights whole
    run = _hung(5)
    run.coverage = {"tests/test_s.py::t": {"s.py": [1, 2]}}
    assert {3, 7, 9, 10} <= {s.line for s in localize(run, ["s.py"], read=read)}
    unreadable = {"s.py": None}.get  # a file that cannot be read: the frames as before
    assert [s.line for s in localize(_hung(5), ["s.py"], read=unreadable)] == [5]
