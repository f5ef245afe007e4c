"""The real reward of a workspace state, from tests and parsing.

``reward_function`` scores a candidate workspace against the baseline run:

    total = fixed_fraction                       # target tests failing at baseline that pass now
            - REGRESSION_WEIGHT * regressions    # tests that passed at baseline and fail now
            - PARSE_PENALTY * parse_errors       # tree-sitter ERROR/MISSING nodes (each)
            - COMPILE_PENALTY * (not compiles)   # compile() fails on a changed file
            - step_cost * steps                  # a small cost per search step
            - BROKEN_RUN_PENALTY                 # the run timed out, crashed or did not collect

``fixed_fraction`` counts target tests that were failing (or missing) at baseline and now
pass, over those that needed fixing; when every target test already passed at baseline it
is the fraction still passing. A change making all target tests pass with no regression in
one step scores ``1 - step_cost``. Without a run (no trusted sandbox) only the static terms
count, so a parse-clean change scores 0 minus the step cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sea_lsp.sandbox.results import TestRun

REGRESSION_WEIGHT = 1.0  # breaking a passing test undoes a whole fix
PARSE_PENALTY = 0.5
COMPILE_PENALTY = 1.0
BROKEN_RUN_PENALTY = 0.5


@dataclass(frozen=True)
class RewardBreakdown:
    """Each term of the reward, so logs and benchmarks can say why a state scored what it did."""

    total: float
    fixed_fraction: float
    fixed: int
    to_fix: int
    regressions: int
    parse_errors: int
    compile_errors: int
    steps: int
    step_cost: float
    broken_run: bool

    def to_dict(self) -> dict:
        return asdict(self)


def reward_function(
    baseline: TestRun | None,
    run: TestRun | None,
    target_tests: Sequence[str],
    parse_errors: int,
    compiles: bool,
    steps: int,
    step_cost: float = 0.01,
) -> RewardBreakdown:
    """The reward of ``run`` against ``baseline`` for ``target_tests``; see the module docstring."""
    fixed = to_fix = regressions = 0
    fixed_fraction = 0.0
    broken = False
    if run is not None:
        passed_now = set(run.passed)
        passed_before = set(baseline.passed) if baseline is not None else set()
        targets = list(dict.fromkeys(target_tests)) or sorted(set(run.outcomes) | passed_before)
        needing = [t for t in targets if t not in passed_before]
        if needing:
            to_fix = len(needing)
            fixed = sum(1 for t in needing if t in passed_now)
            fixed_fraction = fixed / to_fix
        elif targets:
            fixed_fraction = sum(1 for t in targets if t in passed_now) / len(targets)
        failed_now = set(run.failed)
        regressions = sum(1 for t in passed_before if t in failed_now)
        broken = run.timed_out or run.error is not None
    compile_errors = 0 if compiles else 1
    total = (
        fixed_fraction
        - REGRESSION_WEIGHT * regressions
        - PARSE_PENALTY * parse_errors
        - COMPILE_PENALTY * compile_errors
        - step_cost * steps
        - (BROKEN_RUN_PENALTY if broken else 0.0)
    )
    return RewardBreakdown(
        total=total,
        fixed_fraction=fixed_fraction,
        fixed=fixed,
        to_fix=to_fix,
        regressions=regressions,
        parse_errors=parse_errors,
        compile_errors=compile_errors,
        steps=steps,
        step_cost=step_cost,
        broken_run=broken,
    )
