"""Changes to LSP ``WorkspaceEdit``s, in the negotiated position encoding, against the
text the editor has now (open documents before disk)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from sea_lsp.changes import Change
from sea_lsp.safe_fs import to_workspace_edit

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def workspace_edit(ls: SeaServer, change: Change) -> lsp.WorkspaceEdit:
    ws = ls.state.workspace
    return to_workspace_edit(change, ws.root, ws.read_text, ls.state.position_encoding)
