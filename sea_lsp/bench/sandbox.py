"""``sea-lsp bench sandbox``: test evaluations per second for candidate patches.

Builds a small project (a module and ~10 tests) in a temporary directory and times the
same candidates three ways: the warm evaluator (fork per candidate), a fresh sandboxed
pytest per candidate (``Sandbox.run_tests``), and a bare ``python -m pytest`` of the same
tests. Budget: >= 50 evaluations/s through the warm evaluator. The warm evaluator and the
fresh sandbox are timed with OS isolation (namespaces + Landlock, ``sandbox/isolation.py``)
and without it, in alternating rounds of the same run, so the two rates share the machine's
load; the goal is isolated >= 90 % of plain. ``--bugs N`` also times the repair benchmark's
bugs (sea_lsp/bench/sandbox_bugs.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from sea_lsp.sandbox import isolation
from sea_lsp.sandbox.sandbox import Limits, Sandbox

MODULE = """\
def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def mean(xs):
    return sum(xs) / len(xs)


def slug(text):
    return "-".join(text.lower().split())
"""

TESTS = """\
import pytest
from mathx import clamp, mean, slug


@pytest.mark.parametrize("x,want", [(-1, 0), (5, 5), (11, 10), (0, 0), (10, 10)])
def test_clamp(x, want):
    assert clamp(x, 0, 10) == want


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_one():
    assert mean([4]) == 4


def test_slug():
    assert slug("Hello World") == "hello-world"


def test_slug_spaces():
    assert slug("  a   b ") == "a-b"


def test_slug_empty():
    assert slug("") == ""
"""


CPU_PHASES = ("child", "worker", "setup", "collect", "run", "finish")


def candidates(n: int) -> list[dict[str, str]]:
    """Alternating broken and correct versions of the module (like a search would try)."""
    broken = [
        MODULE.replace("return lo", "return x"),
        MODULE.replace("x > hi", "x >= hi"),
        MODULE.replace("/ len(xs)", "/ (len(xs) + 1)"),
        MODULE.replace('"-".join', '"_".join'),
    ]
    out = []
    for i in range(n):
        out.append({"mathx.py": MODULE if i % 2 else broken[(i // 2) % len(broken)]})
    return out


class _WarmTiming(NamedTuple):
    """What timing the warm evaluator measured."""

    start_s: float
    mode: str
    count: int
    seconds: float
    passed: int
    cpu: dict[str, float]


def _parse_options(args: argparse.Namespace) -> argparse.Namespace:
    """The benchmark's own options, from the arguments after ``bench sandbox``."""
    p = argparse.ArgumentParser(prog="sea-lsp bench sandbox")
    p.add_argument("--evaluations", type=int, default=200, help="warm evaluator candidates")
    p.add_argument("--fresh", type=int, default=10, help="fresh-process candidates")
    p.add_argument(
        "--bugs", type=int, default=0, help="also time N bugs of the repair benchmark (0: none)"
    )
    p.add_argument("--per-bug", type=int, default=100, help="candidates per benchmark bug")
    return p.parse_args(getattr(args, "rest", None) or [])


def _write_project(root: Path) -> None:
    """The small project (``mathx.py`` and its tests) under ``root``."""
    (root / "tests").mkdir(parents=True)
    (root / "mathx.py").write_text(MODULE)
    (root / "tests" / "test_mathx.py").write_text(TESTS)


def _time_warm(sb: Sandbox, evaluations: int) -> _WarmTiming:
    """Start the warm evaluator and time ``evaluations`` candidates through it."""
    t = time.perf_counter()
    with sb.evaluator() as ev:
        start_s = time.perf_counter() - t
        mode = ev.mode
        cands = candidates(evaluations)
        t, client0 = time.perf_counter(), time.process_time()
        passed, cpu, first = 0, dict.fromkeys(CPU_PHASES, 0.0), {}
        for c in cands:
            passed += ev.evaluate(c).all_passed
            first = first or dict(ev.last_phases)
            for k in CPU_PHASES[2:]:
                cpu[k] += 1000 * ev.last_phases.get(f"{k}_cpu", 0.0) / len(cands)
        warm_s = time.perf_counter() - t
        client_cpu = time.process_time() - client0
        for k, total in (("child", "children_cpu_total"), ("worker", "worker_cpu_total")):
            spent = ev.last_phases.get(total, 0.0) - first.get(total, 0.0)
            cpu[k] = 1000 * spent / max(1, len(cands) - 1)
    cpu["client"] = 1000 * client_cpu / len(cands)
    return _WarmTiming(start_s, mode, len(cands), warm_s, passed, cpu)


def _time_fresh(sb: Sandbox, n: int) -> tuple[float, int, int]:
    """Seconds per candidate through a fresh sandboxed pytest, candidates passed, candidates."""
    fresh = candidates(n)
    t = time.perf_counter()
    fresh_passed = sum(sb.run_tests(c).all_passed for c in fresh)
    return (time.perf_counter() - t) / len(fresh), fresh_passed, len(fresh)


def _time_bare(root: Path, n: int) -> float:
    """Seconds per run of a bare ``python -m pytest`` of the project, over ``n`` runs."""
    t = time.perf_counter()
    for _ in range(n):
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    return (time.perf_counter() - t) / n


def _print_report(
    warm: _WarmTiming, fresh_s: float, fresh_passed: int, fresh_n: int, bare_s: float
) -> None:
    """Print the three timings side by side, with the budget verdict."""
    warm_rate = warm.count / warm.seconds
    cpu = warm.cpu
    cpu_ms = cpu["child"] + cpu["worker"] + cpu["client"]
    print("sea-lsp bench sandbox (small project: 1 module, 10 tests)")
    print(f"  warm evaluator start (copy + collect + baseline): {warm.start_s:.2f} s")
    print(
        f"  warm evaluator:   {warm_rate:7.1f} evaluations/s  ({1000 * warm.seconds / warm.count:.1f} ms each, "
        f"{warm.passed}/{warm.count} candidates passed)  budget >= 50/s: "
        f"{'met' if warm_rate >= 50 else 'NOT met'}"
    )
    print(
        f"  warm evaluator CPU: {cpu_ms:.1f} ms per evaluation (child {cpu['child']:.1f}, "
        f"worker {cpu['worker']:.1f}, client {cpu['client']:.1f}) = {1000 / cpu_ms:.0f}/s "
        "on one free core"
    )
    inner = ", ".join(f"{k} {cpu[k]:.1f}" for k in CPU_PHASES[2:])
    print(f"    in the child (ms): {inner} (evaluator mode: {warm.mode})")
    print(
        f"  fresh sandbox:    {1 / fresh_s:7.1f} evaluations/s  ({1000 * fresh_s:.0f} ms each, "
        f"{fresh_passed}/{fresh_n} passed)"
    )
    print(f"  bare pytest:      {1 / bare_s:7.1f} runs/s         ({1000 * bare_s:.0f} ms each)")
    print(
        f"  sandbox overhead vs bare pytest: {1000 * (fresh_s - bare_s):+.0f} ms per run "
        f"({fresh_s / bare_s:.2f}x); warm evaluator speed-up vs bare pytest: "
        f"{bare_s * warm_rate:.1f}x"
    )


ROUNDS = 2  # alternating plain/isolated rounds, so both see the same load


def _time_isolation(root: Path, opts: argparse.Namespace) -> tuple[_WarmTiming, dict]:
    """Warm and fresh rates with and without OS isolation, interleaved over ``ROUNDS``;
    returns the isolated warm timing (for the detailed report) and the comparison."""
    totals = {k: [0, 0.0] for k in ("warm_iso", "warm_plain", "fresh_iso", "fresh_plain")}
    warm_iso, isolated = None, False
    per_round = max(1, opts.evaluations // ROUNDS)
    for _ in range(ROUNDS):
        for iso in (False, True):
            policy = isolation.Policy(isolate=iso)
            sb = Sandbox(root, trusted=True, limits=Limits(timeout_s=60), isolation=policy)
            warm = _time_warm(sb, per_round)
            key = "iso" if iso else "plain"
            totals[f"warm_{key}"][0] += warm.count
            totals[f"warm_{key}"][1] += warm.seconds
            fresh_s, _, fresh_n = _time_fresh(sb, max(1, opts.fresh // ROUNDS))
            totals[f"fresh_{key}"][0] += fresh_n
            totals[f"fresh_{key}"][1] += fresh_s * fresh_n
            if iso:
                warm_iso = warm if warm_iso is None else warm_iso
                isolated = bool(sb.isolated)
    rates = {k: n / s for k, (n, s) in totals.items() if s > 0}
    return warm_iso, {**rates, "isolated": isolated}


def _print_isolation(cmp: dict) -> None:
    print(f"  {isolation.describe()}")
    if not cmp["isolated"]:
        print("  (no isolation here: both rows below ran the plain copy)")
    ratio = cmp["warm_iso"] / cmp["warm_plain"]
    print(
        f"  warm evaluator with isolation: {cmp['warm_iso']:7.1f} evaluations/s, without: "
        f"{cmp['warm_plain']:7.1f}/s = {100 * ratio:.0f} % (goal >= 90 %: "
        f"{'met' if ratio >= 0.9 else 'NOT met'})"
    )
    print(
        f"  fresh sandbox with isolation:  {cmp['fresh_iso']:7.2f} runs/s, without: "
        f"{cmp['fresh_plain']:7.2f}/s = {100 * cmp['fresh_iso'] / cmp['fresh_plain']:.0f} %"
    )


def main(args: argparse.Namespace) -> int:
    opts = _parse_options(args)
    with tempfile.TemporaryDirectory(prefix="sea-bench-sandbox-") as d:
        root = Path(d) / "proj"
        _write_project(root)
        warm, cmp = _time_isolation(root, opts)
        sb = Sandbox(root, trusted=True, limits=Limits(timeout_s=60))
        fresh_s, fresh_passed, fresh_n = _time_fresh(sb, opts.fresh)
        bare_s = _time_bare(root, opts.fresh)
    _print_report(warm, fresh_s, fresh_passed, fresh_n, bare_s)
    _print_isolation(cmp)
    if opts.bugs > 0:
        from sea_lsp.bench import sandbox_bugs

        sandbox_bugs.report(sandbox_bugs.run(opts.bugs, opts.per_bug))
    return 0
