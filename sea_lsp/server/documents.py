"""Document synchronisation: the workspace follows the editor's incremental changes, and
offers made on an older version of a changed document are recorded as superseded."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from loguru import logger
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from sea_lsp.feedback.typed import typed_by_hand
from sea_lsp.server import bursts
from sea_lsp.server.state import PendingOffer
from sea_lsp.workspace.changes import ChangeError, apply_edits
from sea_lsp.workspace.workspace import Document, OutsideWorkspaceError

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def workspace_path(ls: SeaServer, uri: str) -> str:
    """The workspace path of ``uri``: InvalidParams when it cannot name a file at all (a NUL
    byte); ``OutsideWorkspaceError`` when it names one outside the workspace."""
    try:
        return ls.state.workspace.path_from_uri(uri)
    except OutsideWorkspaceError:
        raise
    except ValueError as exc:  # "embedded null byte", from the file system calls
        reason = "it contains a NUL byte (%00)" if "\x00" in unquote(uri) else str(exc)
        raise JsonRpcInvalidParams.of(
            ValueError(
                f"{uri!r} is not a valid file path: {reason}; send the file: URI of a file "
                "in the workspace"
            )
        ) from exc


def _path(ls: SeaServer, uri: str, strict: bool = False) -> str | None:
    """The workspace path of ``uri``, or None (logged) outside the workspace; a URI that
    names no file at all is None too, or InvalidParams when ``strict``."""
    if ls.state.workspace is None:
        return None
    try:
        return workspace_path(ls, uri)
    except OutsideWorkspaceError as exc:
        logger.info("ignoring {}: {}", uri, exc)
    except JsonRpcInvalidParams as exc:
        if strict:
            raise
        logger.info("ignoring {}: {}", uri, exc)
    return None


def open_document(ls: SeaServer, uri: str) -> tuple[str, Document]:
    """The workspace path and open document for ``uri``, or an InvalidParams error."""
    path = _path(ls, uri, strict=True)
    ws = ls.state.workspace
    if path is None or ws is None or path not in ws.open_paths():
        raise JsonRpcInvalidParams.of(
            ValueError(f"{uri} is not an open document of this workspace; open it first")
        )
    doc = ws.document(path)
    if doc is None:
        raise JsonRpcInvalidParams.of(ValueError(f"{uri} cannot be read as text"))
    return path, doc


def valid_text(text: str, uri: str) -> str:
    """``text`` with lone surrogates (bytes that were not UTF-8, forwarded by a client as
    ``surrogateescape`` does, or a JSON ``\\udcXX``) replaced by U+FFFD: one UTF-16 unit
    for one, so the client's positions still hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        logger.info("{}: characters that are not valid Unicode replaced by U+FFFD", uri)
        return _SURROGATE.sub("\ufffd", text)
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


def too_big(ls: SeaServer, path: str, doc: Document | None) -> bool:
    """True when the open document is over ``maxFileBytes``: no generator and no parse
    for it; the user is told once per file what to change."""
    limit = ls.state.settings.max_file_bytes
    if doc is None or len(doc.data) <= limit:
        return False
    ls.show_once(
        f"{path} is over sea.maxFileBytes ({limit:,} bytes): SEA offers no code actions "
        "for it. Raise sea.maxFileBytes to include it."
    )
    return True


def did_open(ls: SeaServer, params: lsp.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    path = _path(ls, item.uri)
    if path is not None:
        doc = ls.state.workspace.open(path, valid_text(item.text, item.uri), item.version)
        ls.state.symbols.update(path)
        bursts.synced(ls, path)
        too_big(ls, path, doc)


def did_change(
    ls: SeaServer, params: lsp.DidChangeTextDocumentParams
) -> tuple[str, bursts.Burst] | None:
    """Apply the changes; returns the document's path and typing burst (None when it is not
    an open document of the workspace)."""
    doc_id = params.text_document
    path = _path(ls, doc_id.uri)
    if path is None:
        return None
    changes: list[Any] = list(params.content_changes)
    for i, change in enumerate(changes):
        text = valid_text(change.text, doc_id.uri)
        if text is not change.text:
            changes[i] = (getattr(change, "range", None), text)
    applied: list[Any] = []
    enc = ls.state.position_encoding
    doc = ls.state.workspace.change(path, changes, doc_id.version, enc, applied)
    ls.state.symbols.update(path)
    ls.state.mark_stale(path, doc_id.version)
    flush_superseded(ls)
    if doc is None:
        return None
    return path, bursts.changed(ls, path, doc, None if None in applied else applied)


def did_close(ls: SeaServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = _path(ls, params.text_document.uri)
    if path is not None:
        ls.state.workspace.close(path)
        ls.state.symbols.update(path)
        ls.state.mark_stale(path, None)
        bursts.synced(ls, path)


def flush_superseded(ls: SeaServer) -> None:
    """Record offers whose grace period ran out with no decision: as typed by hand when the
    user's own change since the offer is exactly one candidate's edit (an accept, the
    strongest signal there is), else as superseded (no preference for training)."""
    superseded = []
    for offer in ls.state.take_superseded():
        if offer.offer_id.startswith("unrecorded-"):
            continue
        index = _typed_index(ls, offer)
        if index is None:
            superseded.append(offer.offer_id)
        else:
            logger.info("offer {}: candidate {} was typed by hand", offer.offer_id, index)
            ls.state.record("record_typed", offer.offer_id, index)
    if superseded:
        ls.state.record("record_superseded_many", superseded)


def _typed_index(ls: SeaServer, offer: PendingOffer) -> int | None:
    """The candidate of ``offer`` whose edit the document now shows, made by hand."""
    if offer.source_text is None or offer.path is None:
        return None
    doc = ls.state.workspace.document(offer.path)
    if doc is None:
        return None
    afters: list[str | None] = []
    for c in offer.candidates:
        edits = [e for e in c.change.edits if e.path == offer.path]
        if not edits or c.change.file_ops or len(edits) != len(c.change.edits):
            afters.append(None)  # not (only) an edit of this document
            continue
        try:
            afters.append(apply_edits(offer.source_text, edits))
        except ChangeError:
            afters.append(None)
    return typed_by_hand(offer.source_text, doc.text, afters)
