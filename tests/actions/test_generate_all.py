"""The registry: failures isolated, untrusted runs filtered, duplicates merged, order stable."""

from __future__ import annotations

import pytest

from sea_lsp.actions import registry
from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.registry import GENERATORS, generate_all
from sea_lsp.actions.run_tests import RunTestsGenerator
from tests.actions.conftest import DictView

FILES = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
}


def test_all_generators_run_and_order_is_stable() -> None:
    ctx = ActionContext(DictView(FILES), focus_path="calc.py", trusted=True)
    first = generate_all(ctx)
    again = generate_all(ctx)
    assert [c.key() for c in first] == [c.key() for c in again]
    assert len({c.key() for c in first}) == len(first)
    kinds = {c.kind.split(".")[0] for c in first}
    assert {"repair", "docs", "run"} <= kinds
    assert set(GENERATORS) == {"syntax", "imports", "repair", "docs", "files", "run_tests", "tests"}


def test_untrusted_drops_execution_and_kinds_filter() -> None:
    ctx = ActionContext(DictView(FILES), focus_path="calc.py", trusted=False)
    assert not any(c.needs_execution for c in generate_all(ctx))
    only = generate_all(ctx, kinds={"docs"})
    assert only and {c.kind for c in only} == {"docs.docstring"}
    negate = generate_all(
        ActionContext(DictView(FILES), focus_path="calc.py"), {"repair.arith_swap"}
    )
    assert negate and {c.kind for c in negate} == {"repair.arith_swap"}


def test_a_failing_generator_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    class Boom:
        name = "boom"

        def generate(self, ctx):
            raise RuntimeError("bad generator")

    monkeypatch.setitem(registry.GENERATORS, "boom", Boom)
    ctx = ActionContext(DictView(FILES), focus_path="calc.py")
    assert generate_all(ctx)  # the others still answer


def test_run_tests_candidates() -> None:
    view = DictView(FILES)
    path = "tests/test_calc.py"
    at = FILES[path].encode().index(b"assert")
    ctx = ActionContext(view, focus_path=path, focus_start=at, focus_end=at, failing_tests=["x::y"])
    cands = list(RunTestsGenerator().generate(ctx))
    data = [(c.data["scope"], c.data["ids"]) for c in cands]
    assert data == [
        ("failing", ["x::y"]),
        ("function", ["tests/test_calc.py::test_add"]),
        ("file", ["tests/test_calc.py"]),
        ("project", []),
    ]
    assert all(c.change.is_empty() and c.needs_execution and c.kind == "run.tests" for c in cands)
    # empty changes with different data are different candidates
    assert len(generate_all(ctx, {"run.tests"})) == 0  # untrusted
    trusted = ActionContext(view, focus_path="calc.py", trusted=True)
    ids = [c.data["ids"] for c in generate_all(trusted, {"run.tests"})]
    assert ids == [["tests/test_calc.py"], []]
