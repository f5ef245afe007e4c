"""Edits that compile to the same program share one test run: the budget pays once."""

from __future__ import annotations

from contextlib import ExitStack

from sea_lsp.agent.environment import SEState
from sea_lsp.agent.equivalence import ProgramIndex, text_fingerprint
from sea_lsp.agent.search import _environment, assign_task
from sea_lsp.config import Settings
from sea_lsp.sandbox.sandbox import Limits, Sandbox
from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.workspace import Workspace
from tests.agent.conftest import write_project

CALC = "def add(a, b):\n    return a - b\n"
TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"


def test_the_fingerprint_sees_code_not_layout() -> None:
    same = text_fingerprint("m.py", "x = a\n")
    assert text_fingerprint("m.py", "x = (a)  # note\n") == same
    assert text_fingerprint("m.py", "x = b\n") != same
    # line for line: a reused run's frames and coverage must point at the same lines
    assert text_fingerprint("m.py", "\nx = a\n") != same
    plain = text_fingerprint("m.py", "def f():\n    return 1\n")
    assert text_fingerprint("m.py", 'def f():\n    """One."""\n    return 1\n') != plain
    assert text_fingerprint("m.py", "def f(a=1):\n    return 1\n") != plain
    assert text_fingerprint("m.py", "def g():\n    return 1\n") != plain
    assert text_fingerprint("m.py", "def f(:\n") is None
    assert text_fingerprint("notes.txt", "a") != text_fingerprint("notes.txt", "b")


def test_a_program_index_keys_a_state_by_what_it_changed() -> None:
    original = {"m.py": "x = a\n", "n.py": "y = 1\n"}
    index = ProgramIndex(original.get)
    assert index.key(["m.py"], {"m.py": "x = (a)\n"}.get) == frozenset()
    assert index.key(["m.py"], {"m.py": "x = (\n    a)\n"}.get) != frozenset()
    changed = index.key(["m.py", "n.py"], {"m.py": "x = b\n", "n.py": "y = 1  # same\n"}.get)
    assert changed is not None and [p for p, _ in changed] == ["m.py"]
    assert index.key(["m.py"], {"m.py": "x = (\n"}.get) is None
    index.put(changed, "run")
    assert index.get(changed) == "run" and index.get(None) is None


def test_a_repeated_program_reuses_its_run_and_costs_no_evaluation(tmp_path) -> None:
    root = write_project(tmp_path / "p", {"calc.py": CALC, "tests/test_calc.py": TEST})
    settings = Settings(trusted=True)
    ws = Workspace(root)
    task = assign_task("fix the failing tests", ws, settings=settings)
    box = Sandbox(ws.root, trusted=True, limits=Limits(timeout_s=60, per_test_timeout_s=5))
    with ExitStack() as stack:
        env, baseline = _environment(task, ws, box, settings, stack, None)

        def state(text: str) -> SEState:
            return SEState(overlay=Overlay(ws, {"calc.py": text}), steps=(), parent_level=0.0)

        first = state("def add(a, b):\n    return b - a\n")
        env.reward_function(first)
        assert env.evaluations == 1 and first.run is not None and not first.solved
        again = state("def add(a, b):\n    return (b - a)  # the same program\n")
        env.reward_function(again)
        assert again.details.get("same_program") and again.run is first.run
        noop = state("def add(a, b):\n    return (a - b)\n")  # what the tests already ran
        env.reward_function(noop)
        assert noop.run is baseline and noop.reward == again.reward
        assert env.evaluations == 1 and env.evaluation_cost(noop) == 0 and env.repeats == 2
        fixed = state("def add(a, b):\n    return a + b\n")
        env.reward_function(fixed)
        assert fixed.solved and env.evaluations == 2 and env.evaluation_cost(fixed) == 1
        deep = state("def add(a, b):\n    return " + "-" * 100_000 + "a\n")
        env.reward_function(deep)  # too deep for CPython's parser (MemoryError): no crash
        assert deep.run is None and deep.reward < 0  # judged without a test run
