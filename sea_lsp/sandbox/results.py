"""What a test run produced: per-test outcomes (``TestOutcome``), the run (``TestRun``), and
how both are read from the in-copy pytest plugin's JSON records and the process's exit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass
class TestOutcome:
    """One test's result; ``path``/``line`` is where it failed inside the workspace."""

    __test__ = False
    nodeid: str
    outcome: Literal["passed", "failed", "error", "skipped"]
    duration: float = 0.0
    message: str = ""
    path: str | None = None
    line: int | None = None
    frames: list[tuple[str, int]] = field(default_factory=list)  # workspace frames, outermost first
    timed_out: bool = False  # stopped by its per-test timeout (a hang, as far as we can tell)
    cut_short: bool = False  # stopped under the shorter limit that follows another test's hang


@dataclass
class TestRun:
    """The result of running tests once."""

    __test__ = False
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    duration: float = 0.0
    timed_out: bool = False
    error: str | None = None
    output_tail: str = ""
    returncode: int | None = None
    coverage: dict[str, dict[str, list[int]]] | None = None  # nodeid -> path -> executed lines

    @property
    def passed(self) -> list[str]:
        return [k for k, o in self.outcomes.items() if o.outcome == "passed"]

    @property
    def failed(self) -> list[str]:
        """Failed and errored node ids."""
        return [k for k, o in self.outcomes.items() if o.outcome in ("failed", "error")]

    @property
    def all_passed(self) -> bool:
        """Something ran, nothing failed, no collection error, crash or timeout."""
        return (
            bool(self.outcomes)
            and not self.failed
            and not self.timed_out
            and self.error is None
            and any(o.outcome == "passed" for o in self.outcomes.values())
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(passed=self.passed, failed=self.failed, all_passed=self.all_passed)
        return d


def run_from_records(
    records: Sequence[dict],
    *,
    duration: float,
    timed_out: bool,
    returncode: int | None,
    output_tail: str = "",
    error: str | None = None,
) -> TestRun:
    """Build a ``TestRun`` from the plugin's JSON records and how the process ended."""
    outcomes: dict[str, TestOutcome] = {}
    coverage: dict[str, dict[str, list[int]]] = {}
    collect_errors = []
    for r in records:
        if r.get("kind") == "collect_error":
            collect_errors.append(
                f"collecting {r.get('nodeid') or 'tests'} failed:\n{r['message']}"
            )
        elif r.get("kind") == "test":
            frames = [(str(p), int(n)) for p, n in r.get("frames") or []]
            path, line = _failing_line(frames, r.get("test_path"), r.get("crash"))
            outcomes[r["nodeid"]] = TestOutcome(
                r["nodeid"], r["outcome"], float(r["duration"]), r["message"], path, line, frames,
                bool(r.get("timed_out")), bool(r.get("cut_short")),
            )  # fmt: skip
            if r.get("lines") is not None:
                coverage[r["nodeid"]] = r["lines"]
    if error is None and collect_errors:
        error = "\n".join(collect_errors)
    if error is None and returncode not in (0, 1, 5, None) and not timed_out:
        error = _exit_reason(returncode, output_tail)
    return TestRun(outcomes, duration, timed_out, error, output_tail, returncode, coverage or None)


def _failing_line(frames, test_path, crash) -> tuple[str | None, int | None]:
    if frames:
        in_test = [f for f in frames if f[0] == test_path]
        return (in_test or frames)[-1]
    if crash and crash[0]:
        return crash[0], int(crash[1])
    return None, None


def _exit_reason(code: int, tail: str) -> str:
    reasons = {
        2: "pytest was interrupted",
        3: "pytest hit an internal error",
        4: "pytest was called wrongly (check sea.testCommand)",
        -9: "the test process was killed (memory or process limit)",
        -24: "the tests ran past the CPU time limit (cpu_s)",
        -25: "the tests wrote a file past the size limit (max_file_mb)",
    }
    last = "\n".join(tail.strip().splitlines()[-5:])
    return f"{reasons.get(code, f'the test command exited with {code}')}: {last}".strip()


def read_records(report: Path) -> list[dict]:
    records = []
    if report.exists():
        for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def command_run(command: str, res) -> TestRun:
    ok = res.returncode == 0 and not res.timed_out and res.error is None
    outcome = TestOutcome(
        command, "passed" if ok else "failed", res.duration, "" if ok else res.output_tail[-4000:]
    )
    return TestRun(
        {command: outcome}, res.duration, res.timed_out, res.error, res.output_tail, res.returncode
    )
