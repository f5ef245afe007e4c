"""Changes to LSP ``WorkspaceEdit``s, in the negotiated position encoding, against the
text the editor has now (open documents before disk)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from sea_lsp.workspace.changes import Change, ChangeError
from sea_lsp.workspace.safe_fs import to_workspace_edit

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

_REAL_ROOTS: dict[Path, Path] = {}


def workspace_edit(ls: SeaServer, change: Change) -> lsp.WorkspaceEdit:
    """The ``WorkspaceEdit`` of ``change``. Text edits of one document (nearly every code
    action) use that document's own line index instead of indexing its text again."""
    ws = ls.state.workspace
    encoding = ls.state.position_encoding
    paths = {e.path for e in change.edits}
    if change.file_ops or len(paths) != 1:
        return to_workspace_edit(change, ws.root, ws.read_text, encoding)
    (path,) = paths
    doc = ws.document(path)
    if doc is None:
        return to_workspace_edit(change, ws.root, ws.read_text, encoding)
    index, size = doc.index, len(doc.data)

    def position(offset: int) -> lsp.Position:
        if not 0 <= offset <= size:
            raise ChangeError(f"byte offset {offset} lies outside the text ({size} bytes)")
        line, character = index.byte_to_position(offset, encoding)
        return lsp.Position(line=line, character=character)

    edits = [
        lsp.TextEdit(range=lsp.Range(position(e.start), position(e.end)), new_text=e.new_text)
        for e in sorted(change.edits, key=lambda e: (e.start, e.end))
    ]
    root = _REAL_ROOTS.get(ws.root)
    if root is None:
        root = _REAL_ROOTS[ws.root] = Path(os.path.realpath(ws.root))
    # an open document's version: the editor refuses the edit if its text moved on since
    uri = (root / path).as_uri()
    document = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=doc.version)
    return lsp.WorkspaceEdit(
        document_changes=[lsp.TextDocumentEdit(text_document=document, edits=edits)]
    )
