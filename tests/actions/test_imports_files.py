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
