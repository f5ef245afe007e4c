"""Fault localisation ranks the buggy line first, from frames and from coverage spectra."""

from __future__ import annotations

from pathlib import Path

from sandbox_helpers import make_project

from sea_lsp.agent.faults import is_test_file, localize, ochiai_scores
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
