"""Copy-on-write overlays: the base is never touched; diff, materialize, chains."""

from __future__ import annotations

import subprocess

import pytest

from sea_lsp.actions.base import WorkspaceView
from sea_lsp.workspace.changes import Change, ChangeError, FileOp, TextEdit
from sea_lsp.workspace.languages import PYTHON
from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.workspace import Workspace

MOD = "def add(a, b):\n    return a - b\n"


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text(MOD)
    (root / "README").write_text("no newline at end")
    (root / ".venv").mkdir()
    (root / ".venv" / "big.py").write_text("x = 1\n")
    return Workspace(root)


def fix_minus(ws) -> Change:
    start = MOD.encode().index(b"-")
    return Change(edits=(TextEdit("pkg/mod.py", start, start + 1, "+"),))


def test_apply_is_copy_on_write(ws):
    base_tree = ws.tree("pkg/mod.py")
    ov = Overlay(ws).apply(fix_minus(ws))
    assert isinstance(ov, WorkspaceView)
    assert ov.read_text("pkg/mod.py") == MOD.replace("-", "+")
    assert ws.read_text("pkg/mod.py") == MOD
    assert (ws.root / "pkg" / "mod.py").read_text() == MOD
    assert str(ws.tree("pkg/mod.py").root_node) == str(base_tree.root_node)
    assert str(ov.tree("pkg/mod.py").root_node) == str(
        PYTHON.parser().parse(MOD.replace("-", "+").encode()).root_node
    )
    assert ov.changed_paths() == ["pkg/mod.py"]


def test_file_ops_and_chains(ws):
    step1 = Overlay(ws).apply(
        Change(file_ops=(FileOp("create", "tests/test_mod.py", content="import pkg.mod\n"),))
    )
    step2 = step1.apply(Change(file_ops=(FileOp("rename", "README", "README.md"),)))
    step3 = step2.apply(fix_minus(ws))
    assert step3.base is ws  # chains flatten
    assert step3.files() == ["README.md", "pkg/mod.py", "tests/test_mod.py"]
    assert step3.replacements["README"] is None
    assert step1.files() == ["README", "pkg/mod.py", "tests/test_mod.py"]
    step4 = step3.apply(Change(file_ops=(FileOp("delete", "tests/test_mod.py"),)))
    assert "tests/test_mod.py" not in step4.files() and step4.read_text("tests/test_mod.py") is None
    with pytest.raises(ChangeError):
        step4.apply(Change(file_ops=(FileOp("create", "pkg/mod.py", content=""),)))
    with pytest.raises(ChangeError):
        step4.apply(Change(file_ops=(FileOp("delete", "nope.py"),)))
    with pytest.raises(ChangeError):
        step4.apply(Change(file_ops=(FileOp("create", "../evil.py", content=""),)))
    with pytest.raises(ChangeError):
        step4.apply(Change(edits=(TextEdit("pkg/mod.py", 0, 10_000, ""),)))


def test_undo_returns_to_base(ws):
    ov = Overlay(ws).apply(fix_minus(ws))
    start = MOD.encode().index(b"-")
    back = ov.apply(Change(edits=(TextEdit("pkg/mod.py", start, start + 1, "-"),)))
    assert back.changed_paths() == [] and back.diff() == ""


def test_diff_applies_with_git(ws, tmp_path):
    ov = Overlay(ws).apply(fix_minus(ws))
    ov = ov.apply(Change(edits=(TextEdit("README", 0, 2, "a"),)))
    ov = ov.apply(Change(file_ops=(FileOp("create", "new.py", content="x = 1\n"),)))
    diff = ov.diff()
    assert "--- a/pkg/mod.py\n+++ b/pkg/mod.py\n" in diff
    assert "-    return a - b\n+    return a + b\n" in diff
    assert "--- /dev/null\n+++ b/new.py\n" in diff
    assert "\\ No newline at end of file" in diff
    copy = tmp_path / "copy"
    Overlay(ws).materialize(copy, ws.root)
    (copy / "change.diff").write_text(diff)
    subprocess.run(["git", "apply", "change.diff"], cwd=copy, check=True, capture_output=True)
    assert (copy / "pkg" / "mod.py").read_text() == ov.read_text("pkg/mod.py")
    assert (copy / "README").read_text() == "a newline at end"
    assert (copy / "new.py").read_text() == "x = 1\n"


def test_materialize_writes_replacements_and_skips_venvs(ws, tmp_path):
    ov = Overlay(ws).apply(fix_minus(ws))
    ov = ov.apply(Change(file_ops=(FileOp("delete", "README"),)))
    dest = tmp_path / "sandbox"
    ov.materialize(dest, ws.root)
    assert (dest / "pkg" / "mod.py").read_text() == MOD.replace("-", "+")
    assert not (dest / "README").exists()
    assert not (dest / ".venv").exists()
    assert (ws.root / "README").exists()


def test_overlay_of_overlay_with_replacements(ws):
    a = Overlay(ws, {"pkg/mod.py": "x = 1\n"})
    b = Overlay(a, {"other.py": "y = 2\n"})
    assert b.read_text("pkg/mod.py") == "x = 1\n" and b.read_text("other.py") == "y = 2\n"
    assert b.tree("other.py").root_node.type == "module"
    assert a.read_text("other.py") is None
