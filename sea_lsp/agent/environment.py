"""The software-engineering environment: ``model``'s environment protocol over a workspace.

A state is a copy-on-write overlay of the workspace plus the edits made so far; the
candidates are the action generators' proposals; ``transition`` applies one to a new
overlay (the user's files are never touched); ``reward_function`` measures the result with
real signals — the project's tests in the sandbox, tree-sitter parse errors, ``compile()``.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loguru import logger

from model.env import Observation
from sea_lsp.actions import repair_crash, repair_evidence, repair_init
from sea_lsp.actions.base import ActionContext, Candidate, Suspicious
from sea_lsp.actions.registry import generate_all
from sea_lsp.agent.faults import is_test_file
from sea_lsp.agent.task import Task
from sea_lsp.encoding.encoder import StateInput, encode_candidates, encode_state
from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.symbols import SymbolIndex

if TYPE_CHECKING:
    from sea_lsp.sandbox.evaluator import Evaluator
    from sea_lsp.sandbox.results import TestRun
    from sea_lsp.sandbox.sandbox import Sandbox

# Which generators serve which task kind.
GENERATORS_FOR = {
    "repair": {"repair"},
    "syntax": {"syntax"},
    "docs": {"docs"},
    "tests": {"tests"},
    "imports": {"imports"},
    "file": {"files"},
    "free": {"llm"},
}
MAX_CANDIDATES = 3000  # per state, kept after the generators' ranking (localisation, family)


@dataclass(eq=False)
class SEState:
    """An overlay of the workspace and the candidates applied to reach it."""

    overlay: Overlay
    steps: tuple[Candidate, ...] = ()
    run: TestRun | None = None  # the tests' verdict on this state, once evaluated
    level: float | None = None  # how good this state is (reward_function of the task kind)
    parent_level: float = 0.0
    reward: float | None = None  # level - parent_level: the improvement this step made
    solved: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def parse_errors(overlay: Overlay, paths: Sequence[str]) -> int:
    """ERROR/MISSING nodes in the changed Python files."""
    count = 0
    for path in paths:
        tree = overlay.tree(path)
        if tree is not None and tree.root_node.has_error:
            count += 1
    return count


def compiles(overlay: Overlay, paths: Sequence[str]) -> bool:
    for path in paths:
        if not path.endswith(".py"):
            continue
        text = overlay.read_text(path)
        if text is None:
            continue
        try:
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False  # nested too deep for the compiler is not code to run either
    return True


def line_range(text: str, line: int) -> tuple[int, int]:
    """Byte offsets of 1-based ``line`` in ``text`` (the whole text when out of range)."""
    data = text.encode("utf-8")
    lines = data.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        return 0, len(data)
    start = sum(len(x) for x in lines[: line - 1])
    return start, start + len(lines[line - 1])


class SoftwareEngineeringEnv:
    """The environment the ThoughtTree searches for one task."""

    def __init__(
        self,
        task: Task,
        *,
        trusted: bool,
        sandbox: Sandbox | None = None,
        evaluator: Evaluator | None = None,
        baseline: TestRun | None = None,
        suspicious: Sequence[Suspicious] = (),
        localize: Callable[[SEState], list[Suspicious]] | None = None,
        scorer: Callable[[SEState], float] | None = None,
        max_depth: int = 3,
        extra_generators: Sequence[Any] = (),
    ) -> None:
        self.task = task
        self.trusted = trusted
        self.sandbox = sandbox
        self.evaluator = evaluator
        self.baseline = baseline
        self.suspicious = list(suspicious)
        self.localize = localize
        self.scorer = scorer
        self.max_depth = max_depth
        self.extra_generators = list(extra_generators)
        self.evaluations = 0
        self.repeats = 0  # states reached whose program was tested already
        self.deadline: float | None = None  # time.monotonic() by which the task must end
        self._candidates: dict[int, list[Candidate]] = {}
        # orders the repair candidates when set (``repair_rank.Ranker``: the ``learned``
        # ranking); None keeps the hand-set order
        self.ranker: Any = None

    def time_left(self) -> float | None:
        """Seconds until the task's deadline (None: no deadline)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    # -- the protocol --------------------------------------------------------------------------
    def candidates(self, state: SEState) -> list[Candidate]:
        key = id(state)
        if key not in self._candidates:
            self._candidates[key] = self._generate(state)
        return self._candidates[key]

    def transition(self, state: SEState, action: Candidate) -> SEState:
        return SEState(
            overlay=state.overlay.apply(action.change),
            steps=(*state.steps, action),
            parent_level=state.level or 0.0,
        )

    def reward_function(self, state: SEState) -> float:
        """The improvement over the parent state, so a plan's return is its final level."""
        if state.reward is None:
            state.level = self.scorer(state) if self.scorer else 0.0
            state.reward = state.level - state.parent_level
            cost = self.evaluation_cost(state)
            self.evaluations += cost
            self.repeats += 1 - cost
        return state.reward

    def evaluation_cost(self, state: SEState) -> int:
        """What reaching ``state`` took from the budget: nothing when its program was
        tested already (another edit compiled to the same code), else one evaluation."""
        return 0 if state.details.get("same_program") else 1

    def is_terminal(self, state: SEState) -> bool:
        return state.solved or len(state.steps) >= self.max_depth

    def is_solution(self, state: SEState) -> bool:
        return state.solved

    def observe(self, state: SEState, candidates: Sequence[Candidate]) -> Observation:
        tokens = encode_state(self.state_input(state))
        cand_tokens = [c.tokens or [] for c in candidates]
        return Observation(state_tokens=tokens, candidate_tokens=cand_tokens)

    # -- helpers -------------------------------------------------------------------------------
    def suspicious_for(self, state: SEState) -> list[Suspicious]:
        """Fault localisation of this state (cached), else of the start state."""
        if "suspicious" not in state.details:
            found: list[Suspicious] = []
            if state.run is not None and state.run.failed and self.localize is not None:
                found = self.localize(state)
            state.details["suspicious"] = found or self.suspicious
        return state.details["suspicious"]

    def locality(self, state: SEState, candidates: Sequence[Candidate]) -> list[float]:
        """How suspicious each candidate's target line is, in [0, 1] (fault localisation)."""
        suspicious = self.suspicious_for(state)
        if not suspicious:
            return [1.0] * len(candidates)
        top = max(s.score for s in suspicious) or 1.0
        score = {(s.path, s.line): s.score / top for s in suspicious}
        starts: dict[str, list[int]] = {}
        out = []
        for c in candidates:
            target = c.target
            if target is None:
                out.append(0.0)
                continue
            if target.path not in starts:
                text = state.overlay.read_text(target.path) or ""
                data = text.encode("utf-8")
                starts[target.path] = [0] + [i + 1 for i, b in enumerate(data) if b == 10]
            line = bisect.bisect_right(starts[target.path], target.start)
            out.append(score.get((target.path, line), 0.0))
        return out

    def state_input(self, state: SEState) -> StateInput:
        task = self.task
        start, end = task.focus_start, task.focus_end
        path = task.focus_path
        suspicious = self.suspicious_for(state)
        if suspicious:
            top = suspicious[0]
            text = state.overlay.read_text(top.path)
            if text is not None:
                path = top.path
                start, end = line_range(text, top.line)
        run = state.run or self.baseline
        failing = []
        if run is not None:
            for nodeid in run.failed[:4]:
                outcome = run.outcomes[nodeid]
                failing.append(f"{nodeid} {outcome.message[:200]}")
        return StateInput(
            view=state.overlay,
            task=task.text,
            focus_path=path,
            focus_start=start,
            focus_end=end,
            failing_tests=failing,
        )

    def _generate(self, state: SEState) -> list[Candidate]:
        task = self.task
        run = state.run or self.baseline
        failing = list(run.failed) if run else []
        hangs = run is not None and any(run.outcomes[t].timed_out for t in failing)
        messages = [run.outcomes[t].message for t in failing] if run is not None else []
        unbound = repair_init.unset_names(messages)
        evidence = repair_evidence.tags(messages)
        crashes = (
            repair_crash.crash_sites([run.outcomes[t] for t in failing], is_test_file)
            if run is not None
            else {}
        )
        ctx = ActionContext(
            view=state.overlay,
            task=task.text,
            focus_path=task.focus_path,
            focus_start=task.focus_start,
            focus_end=task.focus_end,
            suspicious=self.suspicious_for(state),
            failing_tests=failing or list(task.target_tests),
            hangs=hangs,
            unbound=unbound,
            evidence=evidence,
            crashes=crashes,
            symbols=SymbolIndex(state.overlay),
            trusted=self.trusted,
            sandbox=self.sandbox,
            limit=MAX_CANDIDATES,  # a generator validates no more than the state keeps
            ranker=self.ranker,
        )
        kinds = GENERATORS_FOR.get(task.kind, {"repair"})
        found = generate_all(ctx, kinds=kinds) if kinds != {"llm"} else []
        for gen in self.extra_generators:
            try:
                found.extend(gen.generate(ctx))
            except Exception:
                logger.exception("generator {} failed; its candidates are skipped", gen)
        found = found[:MAX_CANDIDATES]
        encode_candidates(found, state.overlay)
        return found
