"""Document synchronisation: the workspace follows the editor's incremental changes, and
offers made on an older version of a changed document are recorded as superseded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loguru import logger
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from sea_lsp.workspace.workspace import Document, OutsideWorkspaceError

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def _path(ls: SeaServer, uri: str) -> str | None:
    ws = ls.state.workspace
    if ws is None:
        return None
    try:
        return ws.path_from_uri(uri)
    except OutsideWorkspaceError as exc:
        logger.info("ignoring {}: {}", uri, exc)
        return None


def open_document(ls: SeaServer, uri: str) -> tuple[str, Document]:
    """The workspace path and open document for ``uri``, or an InvalidParams error."""
    path = _path(ls, uri)
    ws = ls.state.workspace
    if path is None or ws is None or path not in ws.open_paths():
        raise JsonRpcInvalidParams.of(
            ValueError(f"{uri} is not an open document of this workspace; open it first")
        )
    doc = ws.document(path)
    if doc is None:
        raise JsonRpcInvalidParams.of(ValueError(f"{uri} cannot be read as text"))
    return path, doc


def did_open(ls: SeaServer, params: lsp.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    path = _path(ls, item.uri)
    if path is not None:
        ls.state.workspace.open(path, item.text, item.version)
        ls.state.symbols.update(path)


def did_change(ls: SeaServer, params: lsp.DidChangeTextDocumentParams) -> None:
    doc_id = params.text_document
    path = _path(ls, doc_id.uri)
    if path is None:
        return
    ls.state.workspace.change(
        path, params.content_changes, doc_id.version, ls.state.position_encoding
    )
    ls.state.symbols.update(path)
    ls.state.mark_stale(path, doc_id.version)
    flush_superseded(ls)


def did_close(ls: SeaServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = _path(ls, params.text_document.uri)
    if path is not None:
        ls.state.workspace.close(path)
        ls.state.symbols.update(path)
        ls.state.mark_stale(path, None)


def flush_superseded(ls: SeaServer) -> None:
    """Record offers whose grace period ran out with no decision as superseded."""
    gone = [o for o in ls.state.take_superseded() if not o.startswith("unrecorded-")]
    if gone:
        ls.state.record("record_superseded_many", gone)
