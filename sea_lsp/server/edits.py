"""Changes to LSP ``WorkspaceEdit``s, in the negotiated position encoding, against the
text the editor has now (open documents before disk).

Edits are ``documentChanges``: file operations first, then one ``TextDocumentEdit`` per
file, its positions counted in the text as it is after those operations."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from sea_lsp.workspace.changes import Change, ChangeError, FileOp, TextEdit
from sea_lsp.workspace.positions import LineIndex

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

_REAL_ROOTS: dict[Path, Path] = {}

DocumentChange = lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile | lsp.TextDocumentEdit


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
    edits = _text_edits(change.edits, doc.index, encoding)
    root = _REAL_ROOTS.get(ws.root)
    if root is None:
        root = _REAL_ROOTS[ws.root] = Path(os.path.realpath(ws.root))
    # an open document's version: the editor refuses the edit if its text moved on since
    document = _document_edit((root / path).as_uri(), edits, version=doc.version)
    return lsp.WorkspaceEdit(document_changes=[document])


def to_workspace_edit(
    change: Change,
    root: Path,
    texts: Callable[[str], str | None],
    encoding: str = "utf-16",
) -> lsp.WorkspaceEdit:
    """An LSP ``WorkspaceEdit`` (``documentChanges``) for ``change``; ``texts`` gives current text.

    Edits address the text as it is after the file operations: a created file's content,
    or a renamed file's text under its new name.
    """
    root = Path(os.path.realpath(root))
    doc_changes, known = _file_operations(change.file_ops, root, texts)
    for path, edits in _edits_by_path(change.edits).items():
        text = known[path] if path in known else texts(path)
        if text is None:
            raise ChangeError(f"cannot express edits of {path!r}: its text is unknown")
        out = _text_edits(edits, LineIndex(text), encoding)
        doc_changes.append(_document_edit(_uri(root, path), out))
    return lsp.WorkspaceEdit(document_changes=doc_changes)


def _file_operations(
    file_ops: Iterable[FileOp], root: Path, texts: Callable[[str], str | None]
) -> tuple[list[DocumentChange], dict[str, str | None]]:
    """The LSP file operations of ``file_ops``, and the text each path they touch has
    after them (None: no file there any more)."""
    doc_changes: list[DocumentChange] = []
    known: dict[str, str | None] = {}
    for op in file_ops:
        if op.kind == "create":
            doc_changes.extend(_create_file(op, root))
            known[op.path] = op.content or ""
        elif op.kind == "rename" and op.new_path:
            doc_changes.append(
                lsp.RenameFile(
                    old_uri=_uri(root, op.path),
                    new_uri=_uri(root, op.new_path),
                    options=lsp.RenameFileOptions(overwrite=op.overwrite or None),
                )
            )
            known[op.new_path] = known.get(op.path, texts(op.path))
            known[op.path] = None
        elif op.kind == "delete":
            doc_changes.append(lsp.DeleteFile(uri=_uri(root, op.path)))
            known[op.path] = None
    return doc_changes, known


def _create_file(op: FileOp, root: Path) -> list[DocumentChange]:
    """A ``CreateFile``, then the insertion of its content if it has any."""
    uri = _uri(root, op.path)
    create = lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(overwrite=op.overwrite or None))
    if not op.content:
        return [create]
    start = lsp.Position(0, 0)
    insert = lsp.TextEdit(range=lsp.Range(start, start), new_text=op.content)
    return [create, _document_edit(uri, [insert])]


def _edits_by_path(edits: Iterable[TextEdit]) -> dict[str, list[TextEdit]]:
    by_path: dict[str, list[TextEdit]] = {}
    for e in edits:
        by_path.setdefault(e.path, []).append(e)
    return by_path


def _text_edits(edits: Iterable[TextEdit], index: LineIndex, encoding: str) -> list[lsp.TextEdit]:
    """LSP text edits of one file's byte-offset edits, in document order."""
    return [
        lsp.TextEdit(
            range=lsp.Range(_position(index, e.start, encoding), _position(index, e.end, encoding)),
            new_text=e.new_text,
        )
        for e in sorted(edits, key=lambda e: (e.start, e.end))
    ]


def _document_edit(
    uri: str, edits: Sequence[lsp.TextEdit], version: int | None = None
) -> lsp.TextDocumentEdit:
    document = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return lsp.TextDocumentEdit(text_document=document, edits=list(edits))


def _position(index: LineIndex, offset: int, encoding: str) -> lsp.Position:
    """LSP position of a UTF-8 byte offset; out-of-range offsets are an error, not clamped."""
    if not 0 <= offset <= len(index.data):
        raise ChangeError(f"byte offset {offset} lies outside the text ({len(index.data)} bytes)")
    line, character = index.byte_to_position(offset, encoding)
    return lsp.Position(line=line, character=character)


def _uri(root: Path, path: str) -> str:
    return (root / path).as_uri()
