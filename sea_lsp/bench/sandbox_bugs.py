"""``sea-lsp bench sandbox --bugs N``: evaluations per second on the repair benchmark's bugs.

For each of N hand-written bugs (benchmarks/bugs/, both splits: this measures speed, not
repair) the warm evaluator is started on the buggy project and fed the repair generator's
first candidates in the agent's order, exactly as the search would try them: failing tests
first, stopped at the first failure, a hang stopped at its first timeout.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from sea_lsp.agent.environment import SEState, SoftwareEngineeringEnv
from sea_lsp.agent.faults import localize
from sea_lsp.agent.task import Task
from sea_lsp.bench import bug_data
from sea_lsp.bench.repair import fixed_texts
from sea_lsp.sandbox.sandbox import Limits, Sandbox
from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.workspace import Workspace


class BugTiming(NamedTuple):
    bug: str
    tests: int
    evaluations: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.evaluations / self.seconds if self.seconds > 0 else 0.0


def _candidates(root: Path, run, limit: int) -> list[dict[str, str]]:
    """The agent's first ``limit`` repair candidates for the bug at ``root``, as file texts."""
    task = Task(kind="repair", text="fix the failing tests")
    task.target_tests = list(run.failed)
    suspicious = localize(run, root, coverage=run.coverage)
    env = SoftwareEngineeringEnv(task, trusted=True, baseline=run, suspicious=suspicious)
    workspace = Workspace(root)
    found = env._generate(SEState(overlay=Overlay(workspace), run=run))[:limit]
    out = []
    for cand in found:
        paths = {e.path for e in cand.change.edits}
        texts = {p: (root / p).read_text(encoding="utf-8") for p in paths}
        out.append(fixed_texts(texts, cand.change))
    return out


def time_bug(project: bug_data.BugProject, bug: bug_data.Bug, per_bug: int) -> BugTiming:
    with tempfile.TemporaryDirectory(prefix="sea-bench-bug-") as d:
        root = project.write(Path(d), bug)
        sandbox = Sandbox(root, trusted=True, limits=Limits(timeout_s=60))
        baseline = sandbox.run_tests(coverage=True)
        cands = _candidates(root, baseline, per_bug)
        with sandbox.evaluator(known=baseline) as ev:
            started = time.perf_counter()
            for replacements in cands:
                ev.evaluate(replacements)
            seconds = time.perf_counter() - started
    return BugTiming(bug.id, len(baseline.outcomes), len(cands), seconds)


def run(n_bugs: int, per_bug: int) -> list[BugTiming]:
    projects = [p for p in bug_data.load() if p.source == "handwritten"]
    bugs = sorted(((p, b) for p in projects for b in p.bugs), key=lambda pb: pb[1].id)
    step = max(1, len(bugs) // max(1, n_bugs))  # spread over the projects
    return [time_bug(p, b, per_bug) for p, b in bugs[::step][:n_bugs]]


def report(timings: list[BugTiming]) -> None:
    print(f"sea-lsp bench sandbox --bugs {len(timings)} (repair benchmark, hand-written bugs)")
    for t in timings:
        print(
            f"  {t.bug:<22} {t.tests:4d} tests  {t.evaluations:4d} candidates  "
            f"{t.rate:7.1f} evaluations/s"
        )
    if timings:
        rates = [t.rate for t in timings]
        total = sum(t.evaluations for t in timings) / sum(t.seconds for t in timings)
        print(
            f"  median {statistics.median(rates):.1f} evaluations/s per bug, "
            f"{total:.1f} over all candidates; budget >= 50/s: "
            f"{'met' if statistics.median(rates) >= 50 else 'NOT met'}"
        )
