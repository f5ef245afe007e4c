"""Definitions, imports and names in scope on a small fixture project."""

from __future__ import annotations

import pytest

from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.symbols import SymbolIndex, module_for_path
from sea_lsp.workspace.workspace import Workspace

MOD = """import os.path as osp, sys
from ..util import helper as h, other
from typing import *

LIMIT = 10

class Shape:
    sides = 0

    def area(self, scale=1):
        total = self.sides * scale
        return total

async def run(a, *args, b: int, **kw):
    for i, (j, k) in enumerate(args):
        pass
    with open(a) as fh:
        data = fh.read()
    return data
"""


@pytest.fixture
def index(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "shapes.py").write_text(MOD)
    (tmp_path / "pkg" / "other.py").write_text("def area():\n    return 0\n")
    (tmp_path / "notes.txt").write_text("def area(): pass\n")
    return SymbolIndex(Workspace(tmp_path))


def test_definitions_across_files(index):
    found = sorted((d.path, d.kind, d.scope) for d in index.definitions("area"))
    assert found == [("pkg/other.py", "function", ""), ("pkg/shapes.py", "function", "Shape")]
    (shape,) = index.definitions("Shape")
    assert shape.kind == "class" and MOD.encode()[shape.start : shape.end] == b"Shape"


def test_module_definitions_and_imports(index):
    names = {(d.name, d.kind) for d in index.module_definitions("pkg/shapes.py")}
    assert names == {
        ("osp", "import"), ("sys", "import"), ("h", "import"), ("other", "import"),
        ("LIMIT", "variable"), ("Shape", "class"), ("run", "function"),
    }  # fmt: skip
    imports = [(i.module, i.name, i.alias) for i in index.imports("pkg/shapes.py")]
    assert imports == [
        ("os.path", None, "osp"), ("sys", None, None),
        ("..util", "helper", "h"), ("..util", "other", None), ("typing", "*", None),
    ]  # fmt: skip


def test_names_in_scope(index):
    in_method = index.names_in_scope("pkg/shapes.py", MOD.index("return total"))
    assert {"self", "scale", "total", "Shape", "LIMIT", "osp", "h"} <= set(in_method)
    assert "sides" not in in_method  # class attributes are not visible inside methods
    assert "sides" in index.names_in_scope("pkg/shapes.py", MOD.index("sides = 0") + 5)
    in_run = set(index.names_in_scope("pkg/shapes.py", MOD.index("return data")))
    assert {"a", "args", "b", "kw", "i", "j", "k", "fh", "data"} <= in_run
    assert "total" not in in_run
    with_builtins = index.names_in_scope("pkg/shapes.py", 0, include_builtins=True)
    assert "len" in with_builtins


def test_index_follows_changes(index):
    ws = index.view
    ov = Overlay(ws, {"pkg/other.py": "def perimeter():\n    return 0\n"})
    assert [d.path for d in SymbolIndex(ov).definitions("perimeter")] == ["pkg/other.py"]
    ws.open("pkg/other.py", "def volume(): pass\n", 1)
    assert [d.name for d in index.module_definitions("pkg/other.py")] == ["volume"]
    index.update("pkg/other.py")
    assert index.definitions("area")[0].path == "pkg/shapes.py"


def test_module_for_path():
    assert module_for_path("pkg/mod.py") == "pkg.mod"
    assert module_for_path("pkg/__init__.py") == "pkg"
    assert module_for_path("src/pkg/sub/mod.py") == "pkg.sub.mod"
