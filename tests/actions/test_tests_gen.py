"""Characterisation tests: built from observed behaviour, pass on the code, fail on a mutant."""

from __future__ import annotations

from pathlib import Path

import pytest

from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.tests_gen import (
    TestsGenerator,
    build_test_module,
    collect_functions,
    parse_probe_results,
    probe_module,
)
from sea_lsp.sandbox.sandbox import Sandbox
from tests.actions.conftest import DictView

CALC = '''def add(a: int, b: int) -> int:
    """Add.

    >>> add(2, 3)
    5
    """
    return a + b


def safe_div(a: int, b: int = 1) -> float:
    if b == 0:
        raise ValueError("b is zero")
    return a / b


def label(x, prefix="n"):
    return prefix + str(x)
'''
USE = "from calc import label\n\nprint(label(7, 'id'))\n"


def test_inputs_come_from_doctests_hints_defaults_and_call_sites() -> None:
    view = DictView({"calc.py": CALC, "use.py": USE})
    funcs = {f.name: f for f in collect_functions(view, "calc.py", None)}
    assert funcs["add"].calls[0] == "add(2, 3)"
    assert "add(0, 1)" in funcs["add"].calls
    assert "safe_div(0, 0)" in funcs["safe_div"].calls
    assert "label(7, 'id')" in funcs["label"].calls  # from the call site in use.py


def test_build_test_module_from_observations() -> None:
    obs = [
        {"src": "add(2, 3)", "repr": "5", "literal": True},
        {"src": "safe_div(1, 0)", "raises": "ValueError", "module": "builtins"},
        {"src": "add(None, 1)", "raises": "TypeError", "module": "builtins"},
        {"src": "safe_div(1, 3)", "repr": "<obj at 0x1>", "literal": False},
        {"src": "f(1)", "raises": "Boom", "module": "calc"},
        {"src": "g()", "repr": "None", "literal": True},
    ]
    text = build_test_module("calc", obs, synthesized={"add(None, 1)"})
    assert "from calc import Boom, add, f, g, safe_div" in text
    assert "    assert add(2, 3) == 5\n" in text
    assert "    with pytest.raises(ValueError):\n        safe_div(1, 0)\n" in text
    assert "TypeError" not in text and "0x1" not in text
    assert "    assert g() is None\n" in text
    compile(text, "t.py", "exec")
    assert build_test_module("calc", []) == ""


def test_probe_results_are_read_from_skip_messages() -> None:
    msgs = ['Skipped: SEA_PROBE {"src": "f()", "repr": "1", "literal": true}', "other"]
    assert parse_probe_results(msgs) == [{"src": "f()", "repr": "1", "literal": True}]
    compile(probe_module("calc", ["f()", "g('x')"]), "p.py", "exec")


@pytest.mark.slow  # four pytest processes in the sandbox
def test_generated_tests_pass_on_the_code_and_fail_on_a_mutant(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text(CALC)
    (tmp_path / "use.py").write_text(USE)
    sandbox = Sandbox(tmp_path, trusted=True)
    view = DictView({"calc.py": CALC, "use.py": USE})
    ctx = ActionContext(view, focus_path="calc.py", trusted=True, sandbox=sandbox)
    (cand,) = list(TestsGenerator().generate(ctx))
    assert cand.kind == "tests.create" and cand.needs_execution and cand.expensive
    (op,) = cand.change.file_ops
    assert op.kind == "create" and op.path == "tests/test_calc_generated.py"
    assert "assert add(2, 3) == 5" in op.content
    assert "pytest.raises(ValueError)" in op.content
    assert "assert label(7, 'id') == 'id7'" in op.content
    run = sandbox.run_tests({op.path: op.content}, [op.path])
    assert run.all_passed
    mutant = CALC.replace("return a + b", "return a - b")
    run = sandbox.run_tests({op.path: op.content, "calc.py": mutant}, [op.path])
    assert not run.all_passed and run.failed


def test_untrusted_or_no_sandbox_yields_nothing() -> None:
    view = DictView({"calc.py": CALC})
    assert list(TestsGenerator().generate(ActionContext(view, focus_path="calc.py"))) == []
