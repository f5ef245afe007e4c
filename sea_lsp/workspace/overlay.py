"""A copy-on-write view of a workspace: what the project would look like after some changes.

Search applies candidate edits to overlays, never to the user's files. An overlay of an
overlay flattens to one set of replacements over the ultimate base, and reuses its
parent's parsed trees so each step reparses incrementally.
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from loguru import logger
from tree_sitter import Tree

from sea_lsp.actions.base import WorkspaceView
from sea_lsp.workspace.changes import Change, ChangeError, TextEdit, apply_edits
from sea_lsp.workspace.ignore import walk_files
from sea_lsp.workspace.languages import language_for_path
from sea_lsp.workspace.positions import LineIndex

_TreeCache = dict[str, tuple[bytes, Tree | None]]


def _common_affixes(a: bytes, b: bytes) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two byte strings."""
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:  # binary search on slice equality: memcmp speed
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, n - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def reparse(old_data: bytes, old_tree: Tree, new_data: bytes, path: str) -> Tree | None:
    """Parse ``new_data`` reusing ``old_tree`` (the tree of ``old_data``) for the unchanged parts."""
    lang = language_for_path(path)
    if lang is None:
        return None
    prefix, suffix = _common_affixes(old_data, new_data)
    old_end, new_end = len(old_data) - suffix, len(new_data) - suffix
    old_index, new_index = LineIndex(data=old_data), LineIndex(data=new_data)
    edited = old_tree.copy()
    edited.edit(
        start_byte=prefix,
        old_end_byte=old_end,
        new_end_byte=new_end,
        start_point=old_index.byte_to_point(prefix),
        old_end_point=old_index.byte_to_point(old_end),
        new_end_point=new_index.byte_to_point(new_end),
    )
    return lang.parser().parse(new_data, edited)


class Overlay:
    """``base`` with some files replaced (new text) or deleted (None); the base is never written."""

    def __init__(
        self,
        base: WorkspaceView,
        replacements: Mapping[str, str | None] | None = None,
        *,
        _parent_trees: _TreeCache | None = None,
    ):
        replacements = dict(replacements or {})
        if isinstance(base, Overlay):  # flatten the chain: one set of replacements
            merged = dict(base.replacements)
            merged.update(replacements)
            _parent_trees = _parent_trees if _parent_trees is not None else base._trees
            replacements, base = merged, base.base
        self.base = base
        self._replacements = replacements
        self._trees: _TreeCache = {}
        self._parent_trees = _parent_trees or {}

    # -- WorkspaceView ----------------------------------------------------------------------
    @property
    def replacements(self) -> dict[str, str | None]:
        """Path → new text, or None where the file is deleted (relative to the base)."""
        return dict(self._replacements)

    def changed_paths(self) -> list[str]:
        return sorted(self._replacements)

    def read_text(self, path: str) -> str | None:
        if path in self._replacements:
            return self._replacements[path]
        return self.base.read_text(path)

    def files(self) -> list[str]:
        out = set(self.base.files())
        for path, text in self._replacements.items():
            if text is None:
                out.discard(path)
            else:
                out.add(path)
        return sorted(out)

    def tree(self, path: str) -> Tree | None:
        if path not in self._replacements:
            return self.base.tree(path)
        text = self._replacements[path]
        if text is None or language_for_path(path) is None:
            return None
        data = text.encode("utf-8")
        cached = self._trees.get(path)
        if cached is not None and cached[0] == data:
            return cached[1]
        tree = self._incremental(path, data)
        self._trees[path] = (data, tree)
        return tree

    def _incremental(self, path: str, data: bytes) -> Tree | None:
        """Reparse from the parent overlay's tree or the base tree when one exists."""
        source = self._parent_trees.get(path)
        if source is None or source[1] is None:
            old_text = self.base.read_text(path)
            old_tree = self.base.tree(path) if old_text is not None else None
            source = (old_text.encode("utf-8"), old_tree) if old_tree is not None else None
        if source is not None and source[1] is not None:
            return reparse(source[0], source[1], data, path)
        lang = language_for_path(path)
        return lang.parser().parse(data) if lang else None

    # -- changes ----------------------------------------------------------------------------
    def apply(self, change: Change) -> Overlay:
        """A new overlay with ``change`` applied (file operations first, then text edits).

        Raises ``ChangeError`` when the change does not fit (a missing file, an existing
        target without ``overwrite``, edits outside a file).
        """
        new: dict[str, str | None] = {}

        def current(path: str) -> str | None:
            return new[path] if path in new else self.read_text(path)

        for op in change.file_ops:
            _check_relative(op.path)
            if op.kind == "create":
                if current(op.path) is not None and not op.overwrite:
                    raise ChangeError(f"cannot create {op.path}: it exists (set overwrite)")
                new[op.path] = op.content or ""
            elif op.kind == "rename":
                if not op.new_path:
                    raise ChangeError(f"rename of {op.path} has no new_path")
                _check_relative(op.new_path)
                text = current(op.path)
                if text is None:
                    raise ChangeError(f"cannot rename {op.path}: no such file")
                if current(op.new_path) is not None and not op.overwrite:
                    raise ChangeError(f"cannot rename to {op.new_path}: it exists")
                new[op.path] = None
                new[op.new_path] = text
            elif op.kind == "delete":
                if current(op.path) is None:
                    raise ChangeError(f"cannot delete {op.path}: no such file")
                new[op.path] = None
            else:
                raise ChangeError(f"unknown file operation {op.kind!r}")
        by_path: dict[str, list[TextEdit]] = defaultdict(list)
        for e in change.edits:
            by_path[e.path].append(e)
        for path, edits in by_path.items():
            text = current(path)
            if text is None:
                raise ChangeError(f"cannot edit {path}: no such file")
            new[path] = apply_edits(text, edits)
        merged = dict(self._replacements)
        for path, text in new.items():
            if text == self.base.read_text(path):
                merged.pop(path, None)  # back to the base's content
            else:
                merged[path] = text
        return Overlay(self.base, merged, _parent_trees=self._trees)

    # -- output -----------------------------------------------------------------------------
    def diff(self, context: int = 3) -> str:
        """A unified diff (``a/`` and ``b/`` prefixes) of every change against the base."""
        chunks = []
        for path in self.changed_paths():
            old = self.base.read_text(path)
            new = self._replacements[path]
            a = f"a/{path}" if old is not None else "/dev/null"
            b = f"b/{path}" if new is not None else "/dev/null"
            lines = difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                a,
                b,
                n=context,
            )
            for line in lines:
                chunks.append(
                    line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                )
        return "".join(chunks)

    def materialize(self, dest: Path, source_root: Path) -> None:
        """Copy ``source_root`` (minus VCS data, virtual envs, caches) to ``dest``, then write
        the replacements there: a runnable copy of the project as this overlay sees it."""
        dest, source_root = Path(dest), Path(source_root)
        dest.mkdir(parents=True, exist_ok=True)
        for rel in walk_files(source_root, gitignore=False):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(source_root / rel, target)
            except OSError as exc:
                logger.warning("materialize: cannot copy {}: {}; skipped", rel, exc)
        for path, text in self._replacements.items():
            _check_relative(path)
            target = dest / path
            if text is None:
                if target.exists() or target.is_symlink():
                    target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()  # never write through a link
            target.write_bytes(text.encode("utf-8"))


def _check_relative(path: str) -> None:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or os.path.isabs(path) or not p.parts:
        raise ChangeError(f"{path!r} is not a workspace-relative path")
