"""A change to the workspace: text edits and file operations, in workspace-relative paths.

Offsets are byte offsets into the UTF-8 encoding of a file's text, the unit tree-sitter
uses; conversion to LSP positions happens at the protocol edge (``positions``).
Candidates, the overlay, safe file operations and LSP ``WorkspaceEdit`` all speak this.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal


class ChangeError(ValueError):
    """An edit that does not fit the text it is applied to (overlapping, out of range)."""


@dataclass(frozen=True, order=True)
class TextEdit:
    """Replace bytes ``[start, end)`` of file ``path`` with ``new_text``."""

    path: str  # workspace-relative, POSIX separators
    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class FileOp:
    """Create (with ``content``), rename (to ``new_path``) or delete a file."""

    kind: Literal["create", "rename", "delete"]
    path: str
    new_path: str | None = None
    content: str | None = None
    overwrite: bool = False


@dataclass(frozen=True)
class Change:
    """File operations first, then text edits (on the paths as they are after the operations)."""

    edits: tuple[TextEdit, ...] = ()
    file_ops: tuple[FileOp, ...] = field(default=())

    @property
    def paths(self) -> set[str]:
        out = {e.path for e in self.edits}
        for op in self.file_ops:
            out.add(op.path)
            if op.new_path:
                out.add(op.new_path)
        return out

    def then(self, other: Change) -> Change:
        """Both changes, in order, as one (only valid when applied step by step: see ``apply_edits``)."""
        return Change(self.edits + other.edits, self.file_ops + other.file_ops)

    def is_empty(self) -> bool:
        return not self.edits and not self.file_ops


def common_ends(a: Sequence, b: Sequence) -> tuple[int, int]:
    """How many items (lines) ``a`` and ``b`` share at the start, and then at the end."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def changed_span(before: str, after: str) -> tuple[int, str, str]:
    """(start, removed, inserted): ``after`` is ``before`` with ``removed`` at ``start``
    replaced by ``inserted``, the shortest such span (common prefix and suffix cut)."""
    lo = _common(before, after, lambda t, k: t[:k])
    b, a = before[lo:], after[lo:]
    hi = _common(b, a, lambda t, k: t[len(t) - k :])
    return lo, b[: len(b) - hi], a[: len(a) - hi]


def _common(a: str, b: str, part: Callable[[str, int], str]) -> int:
    """The largest k with ``part(a, k) == part(b, k)`` (a prefix or a suffix of length k),
    found by bisection: slices compare in C, a character loop in Python would not."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if part(a, mid) == part(b, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def diff_chars(removed: str, inserted: str, limit: int | None = None) -> int:
    """Characters inserted plus characters deleted to turn ``removed`` into ``inserted``, each
    replaced run counted once at its larger side (a minimal character diff). Longer than
    ``limit`` characters together, the diff is not searched: the larger side's length is
    returned (``difflib`` is quadratic in the worst case)."""
    if not removed or not inserted:
        return len(removed) + len(inserted)
    if limit is not None and len(removed) + len(inserted) > limit:
        return max(len(removed), len(inserted))
    sm = difflib.SequenceMatcher(None, removed, inserted, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping byte-offset edits of one file to ``text``."""
    data = text.encode("utf-8")
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[bytes] = []
    pos = 0
    for e in ordered:
        if e.start < pos or e.end < e.start or e.end > len(data):
            raise ChangeError(
                f"edit {e.start}:{e.end} on {e.path} overlaps another or lies outside the file "
                f"({len(data)} bytes)"
            )
        out.append(data[pos : e.start])
        out.append(e.new_text.encode("utf-8"))
        pos = e.end
    out.append(data[pos:])
    try:
        return b"".join(out).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChangeError("an edit splits a multi-byte character") from exc


def change_between(before: dict[str, str | None], after: dict[str, str | None]) -> Change:
    """The one change that turns the texts ``before`` into ``after`` (None: no such file):
    per file, one edit spanning what differs between the common prefix and suffix. Applied
    at once it gives exactly ``after``, whatever steps produced it."""
    edits: list[TextEdit] = []
    ops: list[FileOp] = []
    for path in sorted(after):
        old, new = before.get(path), after[path]
        if new is None:
            if old is not None:
                ops.append(FileOp("delete", path))
        elif old is None:
            ops.append(FileOp("create", path, content=new))
        elif old != new:
            a, b = old.encode("utf-8"), new.encode("utf-8")
            lo = 0
            while lo < min(len(a), len(b)) and a[lo] == b[lo]:
                lo += 1
            hi = 0
            while hi < min(len(a), len(b)) - lo and a[len(a) - 1 - hi] == b[len(b) - 1 - hi]:
                hi += 1
            while 0 < lo < len(a) and (a[lo] & 0xC0) == 0x80:  # keep whole UTF-8 characters
                lo -= 1
            while hi > 0 and (a[len(a) - hi] & 0xC0) == 0x80:
                hi -= 1
            middle = b[lo : len(b) - hi].decode("utf-8")
            edits.append(TextEdit(path, lo, len(a) - hi, middle))
    return Change(tuple(edits), tuple(ops))


def text_hash(text: str) -> str:
    """The SHA-256 of a text's UTF-8 bytes: what was verified must be what is written."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
