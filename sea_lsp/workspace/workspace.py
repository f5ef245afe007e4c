"""The workspace as the agent sees it: files on disk, documents open in the editor, trees.

``Document`` keeps a text, its UTF-8 bytes, a ``LineIndex`` and a tree-sitter tree that
is edited and reparsed incrementally on every LSP change. ``Workspace`` lists the
project's files (``.gitignore`` honoured, binaries, huge files and escaping symlinks
skipped), serves open documents before disk, and converts ``file://`` URIs. Bad files
are skipped with a logged reason; they never raise into the caller.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from loguru import logger
from tree_sitter import Tree

from sea_lsp.workspace.ignore import BINARY_SNIFF_BYTES, walk_files
from sea_lsp.workspace.languages import LanguageSpec, language_for_path
from sea_lsp.workspace.positions import LineIndex, PositionError

Range = tuple[int, int, int, int]  # start line, start character, end line, end character


class OutsideWorkspaceError(ValueError):
    """A path or URI that lies outside the workspace root (or is not a file:// URI)."""


class Document:
    """One file's text and syntax tree, kept in sync with the editor's incremental changes."""

    def __init__(
        self,
        path: str,
        text: str | None,
        version: int | None = None,
        language: LanguageSpec | None = None,
        *,
        data: bytes | None = None,
    ):
        self.path = path
        self.version = version
        self.language = language
        self._data = data if data is not None else (text or "").encode("utf-8")
        self._text = text
        self.index = LineIndex(data=self._data)
        self._tree: Tree | None = None
        # the last tree with the edits made since applied to it, not yet reparsed: the
        # reparse waits for the next use of ``tree``, so a burst of keystrokes costs one
        # (an edit that breaks the syntax can cost tens of ms in error recovery)
        self._edited: Tree | None = None

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._data.decode("utf-8")
        return self._text

    @property
    def tree(self) -> Tree | None:
        """The syntax tree (parsed on first use), or None for languages sea-lsp cannot parse."""
        if self._tree is None and self.language is not None:
            parser = self.language.parser()
            edited, self._edited = self._edited, None
            self._tree = (
                parser.parse(self._data) if edited is None else parser.parse(self._data, edited)
            )
        return self._tree

    def frozen(self) -> Document:
        """A copy that this document's later changes never touch, for another thread.

        Text, bytes and ``LineIndex`` are immutable and shared; the tree is a cheap
        tree-sitter copy, so the copy's text and tree always describe the same version."""
        tree = self.tree  # reparsed here if edits wait for it
        copy = Document(self.path, self._text, self.version, self.language, data=self._data)
        copy.index = self.index
        copy._tree = tree.copy() if tree is not None else None
        return copy

    def sexp(self) -> str:
        tree = self.tree
        return str(tree.root_node) if tree is not None else ""

    def apply_change(
        self, range: Range | None, new_text: str, encoding: str = "utf-16"
    ) -> tuple[int, int, int]:
        """Apply one LSP content change; returns ``(start, old_end, new_end)`` in bytes.

        ``range`` None replaces the whole text. Positions past the end clamp (as LSP
        says); a range whose start lies after its end raises ``PositionError``.
        """
        old_len = len(self._data)
        if range is None:
            self._data = new_text.encode("utf-8")
            self._text = new_text
            self.index = LineIndex(data=self._data)
            self._tree = self._edited = None
            return 0, old_len, len(self._data)
        sl, sc, el, ec = range
        if (sl, sc) > (el, ec):
            raise PositionError(
                f"{self.path}: change range starts at {sl}:{sc}, after its end {el}:{ec}"
            )
        if el >= self.index.line_count:
            logger.debug("{}: change range end {}:{} past the end; clamped", self.path, el, ec)
        start = self.index.position_to_byte(sl, sc, encoding)
        end = self.index.position_to_byte(el, ec, encoding)
        inserted = new_text.encode("utf-8")
        new_data = b"".join((self._data[:start], inserted, self._data[end:]))
        new_index = self.index.edited(start, end, new_data, len(inserted))
        new_end = start + len(inserted)
        base = self._edited
        if base is None and self._tree is not None:
            base = self._tree.copy()  # others may hold the previous tree (overlays, search)
        if base is not None and self.language is not None:
            base.edit(
                start_byte=start,
                old_end_byte=end,
                new_end_byte=new_end,
                start_point=self.index.byte_to_point(start),
                old_end_point=self.index.byte_to_point(end),
                new_end_point=new_index.byte_to_point(new_end),
            )
        self._edited, self._tree = base, None
        self._data, self._text, self.index = new_data, None, new_index
        return start, end, new_end


def _as_range(obj: Any) -> Range | None:
    """A 4-tuple from a tuple, an lsprotocol ``Range`` or its JSON dict."""
    if obj is None:
        return None
    if isinstance(obj, (tuple, list)):
        sl, sc, el, ec = obj
        return int(sl), int(sc), int(el), int(ec)
    if isinstance(obj, dict):
        s, e = obj["start"], obj["end"]
        return s["line"], s["character"], e["line"], e["character"]
    return obj.start.line, obj.start.character, obj.end.line, obj.end.character


def _as_change(change: Any) -> tuple[Range | None, str]:
    if isinstance(change, tuple) and len(change) == 2:
        return _as_range(change[0]), change[1]
    if isinstance(change, dict):
        return _as_range(change.get("range")), change["text"]
    return _as_range(getattr(change, "range", None)), change.text


class Workspace:
    """A project directory plus the documents the editor has open in it."""

    LISTING_TTL_S = 2.0

    def __init__(self, root: Path | str, max_file_bytes: int = 1_000_000):
        self.root = Path(root).resolve()
        self.max_file_bytes = max_file_bytes
        self.position_encoding = "utf-16"  # set by the server after negotiation
        self._open: dict[str, Document] = {}
        self._disk: dict[str, tuple[tuple[int, int], Document | None]] = {}
        self._binary: dict[str, tuple[tuple[int, int], bool]] = {}
        self._lock = threading.RLock()
        self._listing: tuple[float, list[str]] | None = None

    def snapshot(self) -> Workspace:
        """The workspace as it is now, for a worker thread (the agent's search).

        Open documents are frozen copies taken under the lock, so the editor's later
        changes, applied on the event-loop thread, never alter a text or tree the worker
        reads, nor hand it a text of one version and a tree of another. Disk documents
        are immutable once loaded; their cache is shared."""
        snap = Workspace(self.root, self.max_file_bytes)
        snap.position_encoding = self.position_encoding
        snap._disk, snap._binary, snap._listing = self._disk, self._binary, self._listing
        with self._lock:
            snap._open = {path: doc.frozen() for path, doc in self._open.items()}
        return snap

    # -- paths and URIs -------------------------------------------------------------------
    def normalize(self, path: str) -> str:
        """A clean workspace-relative POSIX path; ``OutsideWorkspaceError`` if it escapes."""
        p = path.replace("\\", "/")
        if os.path.isabs(p):
            return self._relative(p)
        parts: list[str] = []
        for part in PurePosixPath(p).parts:
            if part == "..":
                if not parts:
                    raise OutsideWorkspaceError(f"{path!r} lies outside the workspace {self.root}")
                parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        if not parts:
            raise OutsideWorkspaceError(f"{path!r} names the workspace root, not a file in it")
        return "/".join(parts)

    def _relative(self, absolute: str) -> str:
        absolute = os.path.normpath(absolute)
        real = os.path.realpath(absolute)
        for base in (str(self.root), os.path.realpath(self.root)):
            rel = os.path.relpath(absolute, base)
            if rel not in (".", "..") and not rel.startswith(".." + os.sep):
                real_root = os.path.realpath(self.root)
                if real != real_root and not real.startswith(real_root + os.sep):
                    raise OutsideWorkspaceError(
                        f"{absolute} resolves (through a symlink) outside the workspace {self.root}"
                    )
                return PurePosixPath(*Path(rel).parts).as_posix()
        raise OutsideWorkspaceError(
            f"{absolute} lies outside the workspace {self.root}; open that folder as the workspace"
        )

    def path_from_uri(self, uri: str) -> str:
        """The workspace-relative path of a ``file://`` URI."""
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            raise OutsideWorkspaceError(
                f"{uri!r} is not a file:// URI; only local files are served"
            )
        return self._relative(unquote(parsed.path))

    def uri_for(self, path: str) -> str:
        return (self.root / self.normalize(path)).as_uri()

    def _safe(self, path: str) -> str | None:
        try:
            return self.normalize(path)
        except OutsideWorkspaceError as exc:
            logger.warning("refused {}: {}", path, exc)
            return None

    # -- listing --------------------------------------------------------------------------
    def files(self) -> list[str]:
        """Workspace-relative paths of the text files the agent may read, sorted.

        The disk listing is reused for ``LISTING_TTL_S`` seconds (``forget`` drops it).
        """
        now = time.monotonic()
        if self._listing is None or now - self._listing[0] > self.LISTING_TTL_S:
            self._listing = (now, self._scan())
        with self._lock:
            return sorted(set(self._listing[1]).union(self._open))

    def _scan(self) -> list[str]:
        out = []
        for rel in walk_files(self.root):
            try:
                st = os.stat(self.root / rel)
            except OSError:
                continue
            if st.st_size > self.max_file_bytes:
                logger.debug("skipping {}: {} bytes > maxFileBytes", rel, st.st_size)
                continue
            if self._is_binary(rel, (st.st_mtime_ns, st.st_size)):
                continue
            out.append(rel)
        return out

    def _is_binary(self, rel: str, stamp: tuple[int, int]) -> bool:
        cached = self._binary.get(rel)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            with open(self.root / rel, "rb") as fh:
                binary = b"\0" in fh.read(BINARY_SNIFF_BYTES)
        except OSError:
            binary = True
        self._binary[rel] = (stamp, binary)
        return binary

    # -- documents ------------------------------------------------------------------------
    def document(self, path: str) -> Document | None:
        """The open document, else the file on disk (cached until it changes), else None."""
        rel = self._safe(path)
        if rel is None:
            return None
        with self._lock:
            doc = self._open.get(rel)
            if doc is not None:
                return doc
        full = self.root / rel
        try:
            st = os.stat(full)
        except OSError:
            self._disk.pop(rel, None)
            return None
        real, real_root = os.path.realpath(full), os.path.realpath(self.root)
        if not real.startswith(real_root + os.sep):
            logger.warning("skipping {}: a symlink to {} outside the workspace", rel, real)
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._disk.get(rel)
        if cached and cached[0] == stamp:
            return cached[1]
        doc = self._load(rel, full, st.st_size)
        with self._lock:
            self._disk[rel] = (stamp, doc)
        return doc

    def _load(self, rel: str, full: Path, size: int) -> Document | None:
        if size > self.max_file_bytes:
            logger.info(
                "skipping {}: {} bytes exceeds maxFileBytes={}", rel, size, self.max_file_bytes
            )
            return None
        try:
            raw = full.read_bytes()
        except FileNotFoundError:
            logger.debug("skipping {}: deleted before it could be read", rel)
            return None
        except OSError as exc:
            logger.info("skipping {}: {}", rel, exc)
            return None
        if b"\0" in raw[:BINARY_SNIFF_BYTES]:
            logger.debug("skipping {}: binary (NUL byte)", rel)
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            logger.info(
                "skipping {}: not valid UTF-8 ({}); convert it to UTF-8 to include it", rel, exc
            )
            return None
        return Document(rel, text, None, language_for_path(rel), data=raw)

    def read_text(self, path: str) -> str | None:
        doc = self.document(path)
        return doc.text if doc is not None else None

    def tree(self, path: str) -> Tree | None:
        doc = self.document(path)
        return doc.tree if doc is not None else None

    def open_paths(self) -> list[str]:
        with self._lock:
            return sorted(self._open)

    def open_texts(self) -> dict[str, str]:
        """The text of every open document (what the editor shows, saved or not)."""
        with self._lock:
            return {path: doc.text for path, doc in self._open.items()}

    def open(self, path: str, text: str, version: int | None = None) -> Document | None:
        """``textDocument/didOpen``: the editor's text wins over the disk from now on."""
        rel = self._safe(path)
        if rel is None:
            return None
        doc = Document(rel, text, version, language_for_path(rel))
        with self._lock:
            self._open[rel] = doc
        return doc

    def change(
        self,
        path: str,
        changes: Iterable[Any],
        version: int | None = None,
        encoding: str | None = None,
        applied: list[tuple[int, int, int, bool] | None] | None = None,
    ) -> Document | None:
        """``textDocument/didChange``: apply content changes in order (incremental reparse).

        Each change is ``(range | None, text)``, an lsprotocol change event or its dict.
        An impossible range (start after end) is logged and skipped. ``applied``, when
        given, gets one entry per applied change: ``(start, old_end, new_end, lines)`` in
        bytes (``lines``: it added or removed lines), or None for a whole-text change.
        """
        rel = self._safe(path)
        with self._lock:
            doc = self._open.get(rel) if rel is not None else None
            if doc is None:
                logger.warning("didChange for {} which is not open; ignored", path)
                return None
            for change in changes:
                rng, text = _as_change(change)
                lines = doc.index.line_count
                try:
                    span = doc.apply_change(rng, text, encoding or self.position_encoding)
                except PositionError as exc:
                    logger.warning("change skipped: {}", exc)
                    continue
                if applied is not None:
                    applied.append(None if rng is None else (*span, doc.index.line_count != lines))
            doc.version = version
        return doc

    def close(self, path: str) -> None:
        """``textDocument/didClose``: the disk is the truth again."""
        rel = self._safe(path)
        with self._lock:
            self._open.pop(rel, None)

    def forget(self, paths: Sequence[str] = ()) -> None:
        """Drop the cached listing and disk reads of ``paths`` (``didChangeWatchedFiles``)."""
        with self._lock:
            self._listing = None
            for p in paths:
                self._disk.pop(p, None)
                self._binary.pop(p, None)
