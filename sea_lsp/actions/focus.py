"""What keeps generators cheap on an editor's request: the focus window, walks that visit
only the subtrees overlapping it, and results cached per document version.

A cache entry is keyed by the identity of the object it was computed from (a tree or a
text, which every edit replaces) and holds that object, so an id reused after garbage
collection can never return a stale result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from tree_sitter import Node, Tree

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, WorkspaceView

T = TypeVar("T")
CACHE_SIZE = 64
EDITOR_WINDOW_ROWS = 3  # rows around the focus range an editor request looks at

_CACHE: OrderedDict[tuple[str, int], tuple[Any, Any]] = OrderedDict()
_LOCK = threading.Lock()


def per_version(what: str, source: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``source`` object (a tree or text of one document version)."""
    key = (what, id(source))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is source:
            _CACHE.move_to_end(key)
            return hit[1]
    value = compute()
    with _LOCK:
        _CACHE[key] = (source, value)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def line_starts(data: bytes) -> list[int]:
    """The start offset of every line of ``data``, then one past the end (a line after the
    last newline counts); computed once per document version for every generator."""

    def compute() -> list[int]:
        starts = [0]
        for line in data.split(b"\n"):
            starts.append(starts[-1] + len(line) + 1)
        return starts

    return per_version("line_starts", data, compute)


def source(view: WorkspaceView, path: str) -> tuple[bytes, Tree] | None:
    """The bytes and tree of ``path``: the view's own tree when it matches the text."""
    text = view.read_text(path)
    if text is None:
        return None
    data = per_version("utf8", text, lambda: text.encode("utf-8"))
    tree = view.tree(path)
    if tree is None or tree.root_node.end_byte != len(data):
        tree = per_version("parse", text, lambda: pytree.parse(data))
    return data, tree


def focus_range(ctx: ActionContext, data: bytes) -> tuple[int, int] | None:
    """The focus byte range, or None for the whole file. In an editor request an empty
    range (a cursor) means its whole line."""
    lo, hi = ctx.focus_start, ctx.focus_end
    if lo is None:
        return None
    hi = lo if hi is None else hi
    lo, hi = sorted((max(0, min(lo, len(data))), max(0, min(hi, len(data)))))
    if ctx.editor and lo == hi:
        lo, hi = pytree.line_start(data, lo), pytree.line_end(data, lo)
    return lo, hi


def window(data: bytes, lo: int, hi: int, rows: int = EDITOR_WINDOW_ROWS) -> tuple[int, int]:
    """``[lo, hi]`` widened by ``rows`` whole lines on each side."""
    start = pytree.line_start(data, lo)
    for _ in range(rows):
        if start == 0:
            break
        start = pytree.line_start(data, start - 1)
    end = pytree.line_end(data, hi)
    for _ in range(rows):
        if end >= len(data):
            break
        end = pytree.line_end(data, end + 1)
    return start, end


def error_near(tree: Tree, data: bytes, lo: int, hi: int) -> bool:
    """True when an ERROR or MISSING node starts in the editor window around ``[lo, hi]``:
    the code there does not parse (the user is most likely typing it). Repairs and imports
    wait for it to parse; the syntax fixes are the ones that apply."""
    if not tree.root_node.has_error:
        return False
    win = window(data, lo, hi)
    memo = per_version("error_near", tree, dict)  # repairs and imports ask for the same range
    if win not in memo:
        memo[win] = next(errors_starting_in(tree, *win), None) is not None
    return memo[win]


def errors_starting_in(tree: Tree, lo: int, hi: int) -> Iterator[Node]:
    """ERROR and MISSING nodes that start in ``[lo, hi]``, in source order. One that only
    overlaps the range is left out: the parser's recovery swallowed everything from a
    break far away (a typo at row 2500 gave an ERROR over rows 1714–2508)."""
    if not tree.root_node.has_error:
        return
    for n in walk_overlapping(tree.root_node, lo, hi):
        if (n.type == "ERROR" or n.is_missing) and lo <= n.start_byte <= hi:
            yield n


def walk_overlapping(node: Node, lo: int, hi: int, skip_errors: bool = False) -> Iterator[Node]:
    """``pytree.walk`` limited to nodes overlapping ``[lo, hi]`` (touching counts), in
    source order; subtrees entirely outside are skipped unvisited, and with
    ``skip_errors`` so are ERROR nodes and everything in them."""
    stack = [node]
    while stack:
        n = stack.pop()
        if skip_errors and n.type == "ERROR":
            continue
        yield n
        child = first_child_ending_at_or_after(n, lo)
        inside = []
        while child is not None and child.start_byte <= hi:
            if child.end_byte >= lo:
                inside.append(child)
            child = child.next_sibling
        stack.extend(reversed(inside))


def first_child_ending_at_or_after(node: Node, offset: int) -> Node | None:
    """Binary search over the children (``Node.first_child_for_byte`` crashes on some
    trees with errors in tree-sitter 0.26)."""
    lo, hi = 0, node.child_count
    while lo < hi:
        mid = (lo + hi) // 2
        child = node.child(mid)
        if child is not None and child.end_byte < offset:
            lo = mid + 1
        else:
            hi = mid
    return node.child(lo) if lo < node.child_count else None
