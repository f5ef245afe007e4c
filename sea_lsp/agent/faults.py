"""Fault localisation: which workspace lines most likely cause the failing tests.

Two signals, combined per (path, line):
- traceback frames of failing tests inside the workspace but outside test files, the
  deepest (closest to where the exception was raised) weighted most: 1 / (1 + distance);
- spectrum-based Ochiai scores from per-test line coverage when it is available
  (``Sandbox.run_tests(coverage=True)``): ef / sqrt(total_failed * (ef + ep)), where ef/ep
  count failing/passing tests that executed the line.
With coverage the score is 0.7 * Ochiai + 0.3 * frame weight; without it, the frame weight.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from sea_lsp.actions.base import Suspicious
from sea_lsp.sandbox.results import TestRun

OCHIAI_WEIGHT = 0.7


def is_test_file(path: str) -> bool:
    """pytest's conventions (test_*.py, *_test.py, conftest.py, anything under tests/ or
    test/) and the folders and modules named for tests (testcases/, testing/, tests.py,
    *_tests.py): code the tests bring along is not a suspect and not a place to edit."""
    p = PurePosixPath(path)
    return (
        p.name.startswith("test_")
        or p.name.endswith(("_test.py", "_tests.py"))
        or p.name in ("conftest.py", "tests.py")
        or any(part.startswith("test") or part.endswith("tests") for part in p.parts[:-1])
    )


def _known(root_or_files: Path | str | Iterable[str]):
    if isinstance(root_or_files, (str, Path)):
        root = Path(root_or_files)
        return lambda p: (root / p).is_file()
    files = set(root_or_files)
    return lambda p: p in files


def frame_scores(run: TestRun, known) -> dict[tuple[str, int], float]:
    """Traceback weight of each non-test workspace line over the failing tests (max per line)."""
    out: dict[tuple[str, int], float] = {}
    for nodeid in run.failed:
        frames = [f for f in run.outcomes[nodeid].frames if not is_test_file(f[0]) and known(f[0])]
        for depth_from_end, (path, line) in enumerate(reversed(frames)):
            key = (path, int(line))
            out[key] = max(out.get(key, 0.0), 1.0 / (1.0 + depth_from_end))
    return out


def ochiai_scores(
    run: TestRun, coverage: dict[str, dict[str, list[int]]], known
) -> dict[tuple[str, int], float]:
    """Ochiai suspiciousness of every covered non-test workspace line."""
    failed = set(run.failed)
    total_failed = sum(1 for t in coverage if t in failed)
    if total_failed == 0:
        return {}
    ef: dict[tuple[str, int], int] = {}
    ep: dict[tuple[str, int], int] = {}
    for nodeid, files in coverage.items():
        counts = ef if nodeid in failed else ep
        for path, lines in files.items():
            if is_test_file(path) or not known(path):
                continue
            for line in set(lines):
                counts[(path, line)] = counts.get((path, line), 0) + 1
    return {key: f / math.sqrt(total_failed * (f + ep.get(key, 0))) for key, f in ef.items() if f}


def localize(
    run: TestRun,
    root_or_files: Path | str | Iterable[str],
    coverage: dict[str, dict[str, list[int]]] | None = None,
) -> list[Suspicious]:
    """Suspicious lines, best first (ties broken by path and line for a stable order)."""
    known = _known(root_or_files)
    coverage = coverage if coverage is not None else run.coverage
    frames = frame_scores(run, known)
    if coverage:
        ochiai = ochiai_scores(run, coverage, known)
        keys = set(ochiai) | set(frames)
        scores = {
            k: OCHIAI_WEIGHT * ochiai.get(k, 0.0) + (1 - OCHIAI_WEIGHT) * frames.get(k, 0.0)
            for k in keys
        }
    else:
        scores = frames
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Suspicious(path, line, round(score, 6)) for (path, line), score in ranked if score > 0]
