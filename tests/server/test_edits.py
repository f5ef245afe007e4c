"""Changes as LSP edits: document changes in the negotiated position encoding, and an open
document's edit naming its version."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lsprotocol import types as lsp

from sea_lsp.server.edits import to_workspace_edit, workspace_edit
from sea_lsp.workspace.changes import Change, ChangeError, FileOp, TextEdit
from sea_lsp.workspace.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    return root


def test_to_workspace_edit_uses_document_changes_and_utf16(ws: Path) -> None:
    text = "s = '😀'; y = 1\n"
    start = text.encode().index(b"y")
    change = Change(
        edits=(TextEdit("pkg/mod.py", start, start + 1, "z"),),
        file_ops=(FileOp("create", "new.py", content="n = 1\n"),),
    )
    edit = to_workspace_edit(change, ws, lambda p: text if p == "pkg/mod.py" else None)
    kinds = [type(d) for d in edit.document_changes]
    assert kinds == [lsp.CreateFile, lsp.TextDocumentEdit, lsp.TextDocumentEdit]
    last = edit.document_changes[-1]
    assert last.text_document.uri == (ws.resolve() / "pkg/mod.py").as_uri()
    assert last.edits[0].range.start == lsp.Position(0, text.index("y") + 1)  # emoji = 2 units
    edit8 = to_workspace_edit(change, ws, lambda p: text, encoding="utf-8")
    assert edit8.document_changes[-1].edits[0].range.start.character == start
    with pytest.raises(ChangeError, match="unknown"):
        to_workspace_edit(change, ws, lambda p: None)


def test_workspace_edit_matches_the_general_conversion(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    text = "s = 'héllo 😀'\nx = 1\n"
    ws.open("m.py", text, 1)
    start = text.encode().index(b"1")
    change = Change(edits=(TextEdit("m.py", start, start + 1, "2"), TextEdit("m.py", 0, 1, "t")))
    for encoding in ("utf-16", "utf-8", "utf-32"):
        ls = SimpleNamespace(state=SimpleNamespace(workspace=ws, position_encoding=encoding))
        expected = to_workspace_edit(change, ws.root, ws.read_text, encoding)
        # and it names the open document's version, so the editor refuses it on newer text
        expected.document_changes[0].text_document.version = 1
        assert workspace_edit(ls, change) == expected
