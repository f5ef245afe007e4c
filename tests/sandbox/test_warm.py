"""The warm evaluator re-imports what a candidate changed, even through cached code."""

from __future__ import annotations

from pathlib import Path

from sandbox_helpers import make_project

from sea_lsp.sandbox.sandbox import Limits, Sandbox

PKG_TESTS = """\
from pkg.mod import f
from pkg import helper


def test_f():
    assert f(2) == 4


def test_helper():
    assert helper.g() == "g"
"""


def test_changed_function_is_seen_through_from_import(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "pkg/__init__.py": "",
            "pkg/mod.py": "def f(x):\n    return x + 1\n",
            "pkg/helper.py": "from pkg.mod import f\n\n\ndef g():\n    return 'g'\n",
            "tests/test_pkg.py": PKG_TESTS,
        },
    )
    with Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).evaluator() as ev:
        assert ev.mode == "warm"
        assert [k.split("::")[1] for k in ev.baseline.failed] == ["test_f"]
        fixed = {"pkg/mod.py": "def f(x):\n    return x * 2\n"}
        for _ in range(2):  # the second time from the worker's compiled-code cache
            assert ev.evaluate(fixed).all_passed
            assert not ev.evaluate({}).all_passed
        broken_helper = {
            "pkg/mod.py": fixed["pkg/mod.py"],
            "pkg/helper.py": "def g():\n    return 'h'\n",
        }
        run = ev.evaluate(broken_helper, max_failures=0)
        assert run.failed == ["tests/test_pkg.py::test_helper"]


def test_changed_test_module_and_failure_report(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_c.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        },
    )
    with Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).evaluator() as ev:
        assert ev.baseline.all_passed
        stricter = (
            "from calc import add\n\n\ndef test_add():\n    x = add(1, 2)\n    assert x == 4\n"
        )
        run = ev.evaluate({"tests/test_c.py": stricter})
        out = run.outcomes["tests/test_c.py::test_add"]
        assert out.outcome == "failed" and out.line == 6 and "assert 3 == 4" in out.message
        assert ev.evaluate({}).all_passed  # the pristine test module again
        extra = "def test_more():\n    assert True\n"
        run = ev.evaluate({"tests/test_extra.py": extra}, max_failures=0)
        assert run.all_passed and "tests/test_extra.py::test_more" in run.outcomes
        assert "tests/test_extra.py::test_more" not in ev.evaluate({}).outcomes


def test_crash_in_the_child_is_reported(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "calc.py": "X = 1\n",
            "tests/test_c.py": "import calc\n\n\ndef test_x():\n    assert calc.X == 1\n",
        },
    )
    with Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).evaluator() as ev:
        exits = "import os\nos._exit(3)\n"
        run = ev.evaluate({"calc.py": exits})
        assert not run.all_passed and run.returncode == 3 and run.error
        assert ev.evaluate({}).all_passed


def test_registry_a_changed_module_registers_into_is_fresh(tmp_path: Path) -> None:
    registry = (
        "ITEMS = []\n\n\ndef register(f):\n"
        "    if any(g.__name__ == f.__name__ for g in ITEMS):\n"
        "        raise ValueError('registered twice')\n"
        "    ITEMS.append(f)\n    return f\n"
    )
    root = make_project(
        tmp_path / "p",
        {
            "registry.py": registry,
            "impl.py": "from registry import register\n\n\n@register\ndef double(x):\n    return x + 1\n",
            "other.py": "def same(x):\n    return x\n",
            "tests/test_reg.py": (
                "import impl\nimport registry\n\n\ndef test_double():\n"
                "    assert [f.__name__ for f in registry.ITEMS] == ['double']\n"
                "    assert impl.double(2) == 4\n"
            ),
            "tests/test_other.py": "from other import same\n\n\ndef test_same():\n    assert same(1) == 1\n",
        },
    )
    with Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).evaluator() as ev:
        assert ev.baseline.failed == ["tests/test_reg.py::test_double"]
        fixed = "from registry import register\n\n\n@register\ndef double(x):\n    return x * 2\n"
        run = ev.evaluate({"impl.py": fixed}, max_failures=0)
        assert run.all_passed and len(run.outcomes) == 2, run.to_dict()
        broken = {"other.py": "def same(x):\n    return -x\n", "impl.py": fixed}
        assert ev.evaluate(broken, max_failures=0).failed == ["tests/test_other.py::test_same"]
