"""How each task kind is judged: the baseline test run, the reward of a searched state,
and the final verification of the chosen change in a fresh sandbox."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

from sea_lsp.agent.environment import SEState, SoftwareEngineeringEnv, compiles, parse_errors
from sea_lsp.agent.equivalence import ProgramIndex
from sea_lsp.agent.faults import is_test_file, localize
from sea_lsp.agent.reward import reward_function
from sea_lsp.agent.task import Task, TaskError

if TYPE_CHECKING:
    from sea_lsp.config import Settings
    from sea_lsp.sandbox.results import TestRun
    from sea_lsp.sandbox.sandbox import Sandbox
    from sea_lsp.workspace.workspace import Workspace

STEP_COST = 0.01
NEEDS_TESTS = ("repair", "free")


def baseline_run(
    task: Task, workspace: Workspace, sandbox: Sandbox, settings: Settings
) -> TestRun | None:
    """The project's tests before any change; for repair, the failing ones become targets."""
    if not settings.trusted:
        return None
    run = sandbox.run_tests(coverage=task.kind in NEEDS_TESTS)
    if task.kind not in NEEDS_TESTS:
        return run
    if not run.outcomes and "No module named pytest" in (run.output_tail or ""):
        raise TaskError(
            f"pytest is not installed for {sandbox.python}: install it there "
            "(pip install pytest), or set sea.testCommand"
        )
    if not run.outcomes:
        reason = f" ({run.error})" if run.error else ""
        raise TaskError(
            f"no tests ran in {workspace.root}{reason}: add pytest tests that show the bug, "
            "or set sea.testCommand"
        )
    if run.timed_out and not run.failed:
        raise TaskError(
            f"the tests of {workspace.root} ran past {settings.test_timeout_s:g} s before any "
            "failed: raise sea.testTimeoutS, or lower sea.testCaseTimeoutS so a hanging test "
            "fails sooner"
        )
    if not run.failed:
        raise TaskError(f"all {len(run.passed)} tests already pass: there is nothing to fix")
    task.target_tests = list(run.failed)
    return run


def attach_scorer(
    env: SoftwareEngineeringEnv,
    task: Task,
    workspace: Workspace,
    sandbox: Sandbox,
    baseline: TestRun | None,
    stack: ExitStack,
) -> None:
    """Give ``env`` the reward function of ``task``'s kind (and, for repair, a warm evaluator)."""
    root = workspace.root
    if task.kind in NEEDS_TESTS:
        assert baseline is not None
        evaluator = stack.enter_context(sandbox.evaluator(known=baseline))
        env.evaluator = evaluator

        def localize_state(state: SEState) -> list:
            """A state that fixed some tests gets its own coverage run: the bug left is
            where the tests that still fail go now (one sandbox run per promising state)."""
            run = state.run
            if (state.reward or 0.0) > 0 and sandbox.trusted:
                run = sandbox.run_tests(state.overlay.replacements, coverage=True)
            return localize(run, root, coverage=run.coverage, read=state.overlay.read_text)

        env.localize = localize_state
        env.suspicious = localize(
            baseline, root, coverage=baseline.coverage, read=workspace.read_text
        )

        programs = ProgramIndex(workspace.read_text)
        programs.put(frozenset(), baseline)  # an edit that compiles to the same code

        def score_tests(state: SEState) -> float:
            paths = state.overlay.changed_paths()
            errors = parse_errors(state.overlay, paths)
            key = programs.key(paths, state.overlay.read_text)  # None: a file does not compile
            ok = key is not None  # compiles(), from the one compile the fingerprint needs
            run = None
            if not errors and ok:
                run = programs.get(key)
                if run is not None:  # this program was tested already: its run is this one's
                    state.details["same_program"] = True
                else:
                    changed = state.overlay.replacements
                    run = evaluator.evaluate(
                        changed, max_failures=len(task.target_tests), time_left=env.time_left()
                    )
                    if run.all_passed:  # screened failing-first; the verdict: suite's order
                        run = evaluator.evaluate(
                            changed, max_failures=1, suite_order=True, time_left=env.time_left()
                        )
                    if not _cut_short(run):  # a hang under load may not happen again
                        programs.put(key, run)
                state.run = run
            breakdown = reward_function(
                baseline, run, task.target_tests, errors, ok, len(state.steps), STEP_COST
            )
            state.details["reward"] = breakdown
            state.solved = run is not None and run.all_passed
            return breakdown.total

        env.scorer = score_tests
        return

    def score_static(state: SEState) -> float:
        paths = state.overlay.changed_paths()
        errors, ok = parse_errors(state.overlay, paths), compiles(state.overlay, paths)
        done = not errors and ok and _goal_reached(task, state)
        state.solved = done
        breakdown = reward_function(None, None, (), errors, ok, len(state.steps), STEP_COST)
        state.details["reward"] = breakdown
        return (1.0 if done else 0.0) + breakdown.total

    env.scorer = score_static


def _cut_short(run: TestRun) -> bool:
    """A run stopped by a time limit (the whole run's, or a test's): not the program's
    answer to keep for the next state that compiles to it."""
    return (
        run.timed_out
        or run.error is not None
        or any(o.timed_out or o.cut_short for o in run.outcomes.values())
    )


def _goal_reached(task: Task, state: SEState) -> bool:
    """Static goals of the non-repair kinds (tests and regressions are checked in ``verify``)."""
    if not state.steps:
        return False
    last = state.steps[-1]
    overlay = state.overlay
    if task.kind == "syntax":
        return all(
            not (t := overlay.tree(p)) or not t.root_node.has_error
            for p in overlay.changed_paths()
            if p.endswith(".py")
        )
    if task.kind == "docs":
        return last.kind.startswith("docs.")
    if task.kind == "tests":
        return last.kind.startswith("tests.")
    if task.kind == "imports":
        return last.kind.startswith("imports.")
    if task.kind == "file":
        return task.name is not None and any(
            p.rstrip("/") == task.name.rstrip("/") or p.startswith(task.name.rstrip("/") + "/")
            for p in overlay.changed_paths()
        )
    return False


def verify(
    task: Task, best: SEState, sandbox: Sandbox, settings: Settings, baseline: TestRun | None
) -> tuple[TestRun | None, str]:
    """Run the whole suite on the chosen change in a fresh sandbox copy."""
    if not settings.trusted or baseline is None:
        return None, "tests not run (the workspace is not trusted)"
    after = sandbox.run_tests(best.overlay.replacements)
    if task.kind in NEEDS_TESTS:
        if after.all_passed:
            return after, "verified"
        return after, f"{len(after.failed)} tests still fail in a fresh run"
    regressions = sorted(set(baseline.passed) & set(after.failed))
    if regressions:
        return after, "regressions: " + ", ".join(regressions[:5])
    if task.kind == "tests":
        new = [
            t for t in after.passed if t not in baseline.outcomes and is_test_file(t.split("::")[0])
        ]
        if not new:
            return after, "the generated tests did not run"
    return after, "verified"
