"""Syntax repair fixes missing colons, parentheses, brackets and bad indentation."""

from __future__ import annotations

import pytest

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.syntax import SyntaxGenerator
from tests.actions.conftest import DictView, apply

BROKEN = {
    "colon": ("def f(x)\n    return x\n", "def f(x):\n    return x\n"),
    "paren": ("def f(x):\n    return g(x, (1, 2)\n\ny = 3\n", None),
    "bracket": ("xs = [1, 2, 3\nprint(xs)\n", "xs = [1, 2, 3]\nprint(xs)\n"),
    "brace": ('d = {"a": 1\n', 'd = {"a": 1}\n'),
    "indent": ("def f():\n    x = 1\n      return x\n", "def f():\n    x = 1\n    return x\n"),
    "if_colon": ("if True\n    pass\n", "if True:\n    pass\n"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_fixes_compile(name: str) -> None:
    source, expected = BROKEN[name]
    view = DictView({"m.py": source})
    cands = list(SyntaxGenerator().generate(ActionContext(view=view, focus_path="m.py")))
    assert cands, f"no fix for {name}"
    for c in cands:
        fixed = apply(view, c)["m.py"]
        assert pytree.parses_cleanly(fixed.encode()) and pytree.compiles(fixed)
        assert c.kind == "syntax.fix"
    if expected is not None:
        assert expected in [apply(view, c)["m.py"] for c in cands]


def test_clean_file_gets_nothing() -> None:
    view = DictView({"m.py": "x = 1\n"})
    assert list(SyntaxGenerator().generate(ActionContext(view=view, focus_path="m.py"))) == []


def test_compile_only_errors_are_located() -> None:
    # tree-sitter accepts this; CPython does not ("return" outside a function is fine for
    # tree-sitter). Whatever is proposed must compile.
    view = DictView({"m.py": "x = 1\nreturn x\n"})
    for c in SyntaxGenerator().generate(ActionContext(view=view, focus_path="m.py")):
        assert pytree.compiles(apply(view, c)["m.py"])
