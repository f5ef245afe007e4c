"""Imports added for undefined names and removed when unused; modules and packages created."""

from __future__ import annotations

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate
from sea_lsp.actions.files import FilesGenerator, task_requests
from sea_lsp.actions.imports import ImportsGenerator, undefined_names
from tests.actions.conftest import DictView, apply

APP = '''"""App."""
import json
from typing import Any, List


def main(p):
    xs: List[int] = helper(os.getcwd())
    return Path(p), xs
'''


def _by_title(cands: list[Candidate]) -> dict[str, Candidate]:
    return {c.title: c for c in cands}


def test_missing_imports_are_added_and_unused_removed() -> None:
    view = DictView(
        {"app.py": APP, "pkg/__init__.py": "", "pkg/util.py": "def helper(x):\n    return x\n"}
    )
    cands = _by_title(list(ImportsGenerator().generate(ActionContext(view, focus_path="app.py"))))
    for title in (
        "Add `import os`",
        "Add `from pathlib import Path`",
        "Add `from pkg.util import helper`",
    ):
        assert title in cands
        text = apply(view, cands[title])["app.py"]
        assert title[5:-1] + "\n" in text
        assert pytree.compiles(text)
        assert title[5:-1].split()[-1] not in undefined_names(pytree.parse(text))
    assert apply(view, cands["Remove unused `import json`"])["app.py"].startswith(
        '"""App."""\nfrom typing'
    )
    removed = apply(view, cands["Remove unused `Any` from the import"])["app.py"]
    assert "from typing import List\n" in removed
    assert {c.kind for c in cands.values()} == {"imports.add", "imports.remove"}


def test_symbol_index_is_used_when_present() -> None:
    class Index:
        def definitions(self, name):
            return [("lib/tools.py", 0)] if name == "helper" else []

    view = DictView({"app.py": "helper(1)\n"})
    ctx = ActionContext(view, focus_path="app.py", symbols=Index())
    assert [c.title for c in ImportsGenerator().generate(ctx)] == [
        "Add `from lib.tools import helper`"
    ]


def test_create_module_and_package_from_task() -> None:
    assert task_requests("please create module pkg/util.py") == [("pkg/util.py", False)]
    view = DictView({"main.py": "x = 1\n"})
    ctx = ActionContext(
        view, focus_path="main.py", task="create module pkg/util.py and create package tools"
    )
    cands = list(FilesGenerator().generate(ctx))
    assert [c.title for c in cands] == ["Create module `pkg/util.py`", "Create package `tools`"]
    files = apply(view, cands[0])
    assert "pkg/util.py" in files and files["pkg/__init__.py"] == ""
    assert "tools/__init__.py" in apply(view, cands[1])
    assert all(c.kind == "files.create" and c.lsp_kind == "source.sea.files" for c in cands)


def test_create_module_for_unresolved_import() -> None:
    view = DictView(
        {
            "main.py": "import os\nimport mylib.core\nfrom pkg.missing import y\n",
            "pkg/__init__.py": "",
        }
    )
    cands = _by_title(list(FilesGenerator().generate(ActionContext(view, focus_path="main.py"))))
    assert set(cands) == {"Create module `mylib.core`", "Create module `pkg.missing`"}
    assert set(apply(view, cands["Create module `mylib.core`"])) >= {
        "mylib/__init__.py",
        "mylib/core.py",
    }
    assert [o.path for o in cands["Create module `pkg.missing`"].change.file_ops] == [
        "pkg/missing.py"
    ]


def test_defined_names_match_a_full_walk_before_and_after_edits() -> None:
    """``defined_names`` is kept per top-level statement and class member; after any
    edit it must still equal a walk of the whole tree."""
    import random

    from sea_lsp.actions.imports import defined_names
    from sea_lsp.actions.pytree import text_of

    def full_walk(tree):
        out = set()
        for n in pytree.walk(tree.root_node):
            if n.type in ("module", "function_definition", "class_definition", "lambda"):
                out.update(pytree.bound_names(n))
            elif n.type in ("global_statement", "nonlocal_statement"):
                out.update(text_of(c) for c in n.named_children)
        return out

    source = (
        "import os as o\nfrom a import (b, c as d)\n\n"
        "@deco(lambda q: q)\nclass K(Base):\n    attr = 1\n"
        "    def m(self, p, *rest, k=2, **kw):\n        global G\n        x, (y, z) = p\n"
        "        def inner():\n            nonlocal x\n            w = [v for v in rest]\n"
        "        return (n := 3)\n\n    class Inner:\n        deep = lambda e: e\n\n"
        "for i, j in pairs:\n    with open(i) as fh:\n        try:\n            pass\n"
        "        except OSError as err:\n            pass\n"
    )
    rng = random.Random(0)
    text = source
    for _ in range(200):
        tree = pytree.parse(text.encode())
        assert defined_names(tree) == full_walk(tree)
        i = rng.randrange(len(text) + 1)
        text = (
            text[:i]
            + rng.choice(["x", "(", ":", "\n", " = 1\n", "def h(a):\n  b = a\n"])
            + text[i:]
        )
        if rng.random() < 0.3:
            text = source


def test_an_editor_request_on_an_import_line_offers_its_removal_and_elsewhere_not() -> None:
    view = DictView({"app.py": APP})
    data = APP.encode()

    def kinds_at(line: str) -> list[str]:
        start = data.index(line.encode())
        ctx = ActionContext(
            view, focus_path="app.py", focus_start=start, focus_end=start + 1, editor=True
        )
        return [c.title for c in ImportsGenerator().generate(ctx) if "Remove" in c.title]

    assert any("json" in t for t in kinds_at("import json"))
    assert kinds_at("    return Path(p), xs") == []
