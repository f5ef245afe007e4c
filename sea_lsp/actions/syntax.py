"""Syntax repair: small token insertions/deletions and re-indentation around parse errors.

Each try is kept only when the whole file then parses with no ERROR/MISSING node and
``compile()`` accepts it (kind ``syntax.fix``). An editor request (``ctx.editor``) looks only
at errors that start near its range and requires only the block around them to parse
cleanly and compile, a few milliseconds at a time (``SyntaxGenerator.fixes_near``).
"""

from __future__ import annotations

import re
import threading
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import replace

from tree_sitter import Node, Tree

from sea_lsp.actions import focus, pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef
from sea_lsp.workspace.changes import Change, TextEdit

TOKENS = (":", ")", "]", "}", '"', "'", ",", "(", "):")
MAX_TRIES = 400
MAX_EDITOR_TRIES = 120
EDITOR_BUDGET_S = 0.004  # per request; the next request on the same version goes on


def error_rows(data: bytes, text: str, path: str) -> tuple[list[Node], set[int]]:
    """ERROR/MISSING nodes and the 0-based rows around them (or around ``compile``'s error)."""
    tree = pytree.parse(data)
    bad = [n for n in pytree.walk(tree.root_node) if n.type == "ERROR" or n.is_missing]
    rows: set[int] = set()
    for n in bad:
        rows.update(_rows_around(n))
    if not bad:
        lineno = _compile_error_line(text, path)
        if lineno is not None:
            rows.update({max(lineno - 2, 0), lineno - 1})
    return bad, rows


def _rows_around(n: Node) -> range:
    """The 0-based rows a fix for error ``n`` may touch: the one before it, then up to three."""
    first = n.start_point.row
    return range(max(first - 1, 0), min(n.end_point.row, first + 3) + 1)


def _lines(data: bytes) -> tuple[list[bytes], list[int]]:
    """The lines of ``data`` and each line's start offset (plus one past the end)."""
    return data.split(b"\n"), focus.line_starts(data)


def _tries(
    data: bytes,
    bad: list[Node],
    rows: set[int],
    split: tuple[list[bytes], list[int]] | None = None,
    span: tuple[int, int] | None = None,
) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, new_text, title) edits to try, nearest the errors first (error tokens
    only inside ``span`` when given)."""
    for n in bad:
        if n.is_missing and n.type and not n.type.isidentifier():
            yield n.start_byte, n.start_byte, n.type, f"Insert missing `{n.type}`"
    lines, offsets = split or _lines(data)
    for row in sorted(rows):
        if row >= len(lines):
            continue
        raw = lines[row]
        body = (
            raw.split(b"#", 1)[0].rstrip() if b'"' not in raw and b"'" not in raw else raw.rstrip()
        )
        end = offsets[row] + len(body)
        for tok in TOKENS:
            yield end, end, tok, f"Insert `{tok}` at the end of line {row + 1}"
        if body.endswith((b",", b";", b":")):
            yield end - 1, end, "", f"Delete `{body[-1:].decode()}` at the end of line {row + 1}"
        yield from _reindents(lines, offsets, row)
    for n in bad:
        leaves = pytree.walk(n) if span is None else focus.walk_overlapping(n, *span)
        for leaf in leaves:
            if leaf.child_count == 0 and leaf.end_byte > leaf.start_byte and not leaf.is_missing:
                tok = pytree.text_of(leaf)
                if len(tok) <= 3:
                    line = leaf.start_point.row + 1
                    yield leaf.start_byte, leaf.end_byte, "", f"Delete `{tok}` in line {line}"
        for tok in TOKENS:
            yield n.start_byte, n.start_byte, tok, f"Insert `{tok}` in line {n.start_point.row + 1}"


def _reindents(
    lines: list[bytes], offsets: list[int], row: int
) -> Iterator[tuple[int, int, str, str]]:
    """Re-indent line ``row`` like the previous non-blank line, one level deeper or shallower."""
    raw = lines[row]
    if not raw.strip():
        return
    current = len(raw) - len(raw.lstrip(b" \t"))
    prev = next((lines[r] for r in range(row - 1, -1, -1) if lines[r].strip()), b"")
    base = len(prev) - len(prev.lstrip(b" \t"))
    for width in dict.fromkeys((base, base + 4, base - 4, base - 8)):
        if width >= 0 and width != current:
            yield (
                offsets[row],
                offsets[row] + current,
                " " * width,
                f"Indent line {row + 1} by {width} spaces",
            )


class SyntaxGenerator:
    """Candidates that make a file with a syntax error parse and compile again."""

    name = "syntax"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        if ctx.editor and ctx.focus_path and not ctx.suspicious:
            out = self.fixes_near(ctx, ctx.focus_path)
            return out[: ctx.limit] if ctx.limit else out
        paths = [ctx.focus_path] if ctx.focus_path else []
        paths += sorted({s.path for s in ctx.suspicious} - set(paths))
        out: list[Candidate] = []
        for path in paths:
            text = ctx.view.read_text(path)
            if text is None or not path.endswith(".py"):
                continue
            out.extend(self.fixes(path, text))
        return out[: ctx.limit] if ctx.limit else out

    def fixes(self, path: str, text: str) -> list[Candidate]:
        """Every single edit near the errors of ``text`` after which it parses and compiles."""
        data = text.encode("utf-8")
        bad, rows = error_rows(data, text, path)
        if not rows:
            return []
        out: list[Candidate] = []
        seen: set[bytes] = set()
        for i, (start, end, new, title) in enumerate(_tries(data, bad, rows)):
            if i >= MAX_TRIES:
                break
            fixed = data[:start] + new.encode("utf-8") + data[end:]
            if fixed in seen:
                continue
            seen.add(fixed)
            # compile() first: it fails fast where tree-sitter's error recovery is slow.
            if not pytree.compiles(fixed.decode("utf-8", errors="replace"), path):
                continue
            if not pytree.parses_cleanly(fixed):
                continue
            out.append(_candidate(path, data, start, end, new, title))
        return out

    def fixes_near(self, ctx: ActionContext, path: str) -> list[Candidate]:
        """Fixes for the errors that start near the focus range (an editor's request).

        Each try is checked on the smallest unit around the error that stands alone (the
        enclosing ``def`` or ``class`` block, else the top-level statements), and the tries
        of one document version run at most ``EDITOR_BUDGET_S`` per request, resumed by
        the next request on that version: a user typing in a long class gets an answer at
        once, where checking each try on the whole class costs milliseconds apiece."""
        got = focus.source(ctx.view, path) if path.endswith(".py") else None
        if got is None:
            return []
        data, tree = got
        lo, hi = focus.focus_range(ctx, data) or (0, len(data))
        win = focus.window(data, lo, hi)
        split = focus.per_version("lines", data, lambda: _lines(data))
        first_row = bisect_right(split[1], win[0]) - 1
        last_row = bisect_right(split[1], win[1]) - 1
        bad: list[Node] = []
        rows: set[int] = set()
        if tree.root_node.has_error:
            for n in focus.errors_starting_in(tree, *win):
                bad.append(n)
                rows.update(_rows_around(n))
        else:
            lineno = _compile_error_near(tree, data, split, win, path, (lo, hi))
            if lineno is not None and first_row <= lineno - 1 <= last_row:
                rows.update({max(lineno - 2, 0), lineno - 1})
        if not rows:
            return []
        offsets = split[1]
        span_lo = min([win[0], offsets[min(rows)]] + [n.start_byte for n in bad])
        span_hi = max(win[1], offsets[min(max(rows) + 1, len(offsets) - 1)] - 1)
        # the unit holds the error nearest the focus and the line before it (where a
        # missing `:` or `)` often belongs); tries on rows past it are skipped
        focus_row = bisect_right(offsets, lo) - 1
        anchor = min(
            [n.start_point.row for n in bad] or [max(rows)], key=lambda r: abs(r - focus_row)
        )
        above = anchor - 1 if anchor > 0 and split[0][anchor - 1].strip() else anchor
        unit = _block_around(split, above, anchor)
        if unit is None:
            unit = (*_segment_bounds(tree, data, span_lo, span_hi), False)
        memo = focus.per_version("syntax.near", tree, dict)
        key = (unit, frozenset(rows), tuple((n.start_byte, n.end_byte, n.type) for n in bad))
        if key not in memo:
            tries = _tries(data, bad, rows, split, win)
            memo[key] = _Tries(path, data, unit, tries)
        found = memo[key].advance(time.perf_counter() + EDITOR_BUDGET_S)
        return [replace(c) for c in found]  # callers may set tokens on theirs


class _Tries:
    """The tries for one error of one document version, checked a budget at a time."""

    def __init__(
        self,
        path: str,
        data: bytes,
        unit: tuple[int, int, bool],
        tries: Iterator[tuple[int, int, str, str]],
    ) -> None:
        self.path, self.data, self.unit = path, data, unit
        self.tries = tries
        self.count = 0
        self.found: list[Candidate] = []
        self.seen: set[tuple[int, int, str]] = set()
        self.done = False

    def advance(self, deadline: float) -> list[Candidate]:
        """Check tries until ``deadline`` (at least one); the fixes found so far."""
        lo, hi, indented = self.unit
        data = self.data
        while not self.done:
            attempt = next(self.tries, None)
            self.count += 1
            if attempt is None or self.count > MAX_EDITOR_TRIES:
                self.done = True
                break
            start, end, new, title = attempt
            if (start, end, new) in self.seen or start < lo or end > hi:
                continue
            self.seen.add((start, end, new))
            fixed = data[lo:start] + new.encode("utf-8") + data[end:hi]
            if indented:
                fixed = b"if 1:\n" + fixed
            # CPython fails fast on a broken unit; tree-sitter's error recovery does not.
            if pytree.compiles(fixed.decode("utf-8", errors="replace"), self.path) and (
                pytree.parses_cleanly(fixed)
            ):
                self.found.append(_candidate(self.path, data, start, end, new, title))
            if time.perf_counter() >= deadline:
                break
        return self.found


_HEADER = re.compile(rb"^([ \t]*)(?:async[ \t]+def|def|class)[ \t]")
BLOCK_REACH = 600  # lines searched up for a header and down for a block's end


def _indent(line: bytes) -> int:
    wide = line.expandtabs(8)
    return len(wide) - len(wide.lstrip())


def _block_around(
    split: tuple[list[bytes], list[int]], first: int, last: int
) -> tuple[int, int, bool] | None:
    """The smallest ``def``/``class`` block, by indentation (the tree is broken here), whose
    lines hold rows ``first``..``last``: (start byte, end byte, indented).
    None when there is none within reach, or when it names an outer function's variable
    (``nonlocal`` compiles only inside that function)."""
    lines, offsets = split
    below: int | None = None  # a header must be shallower than this to hold the rows
    for row in range(min(first, len(lines) - 1), max(-1, first - BLOCK_REACH), -1):
        m = _HEADER.match(lines[row])
        if m is None:
            continue
        depth = _indent(m.group(1))
        if below is not None and depth >= below:
            continue
        end = _block_end(lines, row, depth)
        if end is None:
            return None
        if end > last:
            if b"nonlocal" in b"\n".join(lines[row:end]):
                return None
            return offsets[row], offsets[end] - 1, depth > 0
        below = depth
        if depth == 0:
            return None
    return None


def _block_end(lines: list[bytes], header: int, depth: int) -> int | None:
    """The first row after ``header``'s block (its next line at ``depth`` or shallower);
    None when the block runs on past ``BLOCK_REACH`` lines."""
    stop = min(len(lines), header + BLOCK_REACH)
    for row in range(header + 1, stop):
        text = lines[row].strip()
        if text and not text.startswith(b"#") and _indent(lines[row]) <= depth:
            return row
    return len(lines) if stop == len(lines) else None


def _compile_error_near(
    tree: Tree,
    data: bytes,
    split: tuple[list[bytes], list[int]],
    win: tuple[int, int],
    path: str,
    span: tuple[int, int] | None = None,
) -> int | None:
    """The line of a ``compile()`` error in the function (else the top-level statements)
    around ``win`` of a file that parses cleanly, ``span`` being the focus range (default
    ``win``): compiling the whole of a long file costs tens of milliseconds. Statements are
    compiled one at a time, each once for its text (``_statement_error``); a statement of
    the window that the focus does not touch is compiled only up to
    ``NEIGHBOUR_COMPILE_BYTES``, so the work of a request is bounded by its focus (each of
    the seven 10,000-character lines of a window cost 3 ms to compile)."""
    span = span or win
    starts = split[1]
    root = tree.root_node
    node = root.named_descendant_for_byte_range(win[0], win[1]) or root
    while node is not None:
        if node.type == "function_definition" and node.start_byte <= win[0]:
            if b"nonlocal" not in (node.text or b""):
                return _statement_error(data, starts, node, path)
            break
        node = node.parent
    child = focus.first_child_ending_at_or_after(root, win[0])
    while child is not None and child.start_byte <= win[1]:
        touched = child.start_byte <= span[1] and child.end_byte >= span[0]
        if touched or child.end_byte - child.start_byte <= NEIGHBOUR_COMPILE_BYTES:
            unit: Node | None = child
        else:  # a long neighbour: the function of it that the window reaches, if short
            unit = _function_in(child, win)
        line = None if unit is None else _statement_error(data, starts, unit, path)
        if line is not None:
            return line
        child = child.next_sibling
    return None


NEIGHBOUR_COMPILE_BYTES = 2_000
NEIGHBOUR_FUNCTION_BYTES = 16_000


def _function_in(statement: Node, win: tuple[int, int]) -> Node | None:
    """The innermost ``def`` of ``statement`` around the part of it inside ``win``, when it
    is at most ``NEIGHBOUR_FUNCTION_BYTES`` long and names no outer variable."""
    lo, hi = max(win[0], statement.start_byte), min(win[1], statement.end_byte)
    node = statement.named_descendant_for_byte_range(lo, hi)
    while node is not None and node.type != "function_definition":
        node = None if node == statement else node.parent
    if node is None or node.end_byte - node.start_byte > NEIGHBOUR_FUNCTION_BYTES:
        return None
    return None if b"nonlocal" in (node.text or b"") else node


class _CompileCache:
    """Statement texts with their ``compile()`` outcome (the error's line relative to the
    text, or None), least recently used dropped past ``limit`` bytes of text."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[bytes, int | None] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, chunk: bytes) -> tuple[bool, int | None]:
        """(whether ``chunk`` was compiled, its outcome)."""
        with self.lock:
            if chunk not in self.items:
                return False, None
            self.items.move_to_end(chunk)
            return True, self.items[chunk]

    def put(self, chunk: bytes, line: int | None) -> None:
        with self.lock:
            if chunk in self.items:
                return
            self.items[chunk] = line
            self.size += len(chunk)
            while self.size > self.limit and len(self.items) > 1:
                old, _ = self.items.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


_COMPILED = _CompileCache(8_000_000)


def _statement_error(data: bytes, starts: list[int], node: Node, path: str) -> int | None:
    """The 1-based line of ``compile()``'s error in statement ``node`` (a ``def`` at any
    depth is compiled under ``if 1:``), or None. Kept per statement text, across document
    versions: an edit elsewhere does not compile it again. A ``from __future__`` import
    after other code is an error only in its file, so it is looked at here."""
    if node.type == "future_import_statement" and _after_code(node):
        return node.start_point.row + 1
    memo = focus.per_version("syntax.compile", data, dict)  # no copy of a long def's text
    where = (node.start_byte, node.end_byte)
    if where not in memo:
        memo[where] = _text_error(data, starts, node, path)
    return memo[where]


def _text_error(data: bytes, starts: list[int], node: Node, path: str) -> int | None:
    """``_statement_error`` from the text of ``node``, compiled once per text (``_COMPILED``)."""
    top = node.parent is None or node.parent.type == "module"
    indented = node.start_point.column > 0 and not top
    lo = starts[node.start_point.row]
    if top and data[lo : node.start_byte].strip():
        lo = node.start_byte  # after a `;`: the line's first statement is compiled on its own
    # (a top-level statement indented by whitespace alone keeps it: "unexpected indent")
    chunk = (b"if 1:\n" if indented else b"") + data[lo : node.end_byte]
    known, line = _COMPILED.get(chunk)
    if not known:
        line = _compile_error_line(chunk, path)
        _COMPILED.put(chunk, line)
    return None if line is None else node.start_point.row + line - int(indented)


def _after_code(node: Node) -> bool:
    """Whether a top-level statement other than a docstring, a comment or another
    ``from __future__`` import comes before ``node``."""
    prev = node.prev_named_sibling
    while prev is not None and prev.type in ("comment", "future_import_statement"):
        prev = prev.prev_named_sibling
    if prev is None:
        return False
    before = prev.prev_named_sibling
    while before is not None and before.type == "comment":
        before = before.prev_named_sibling
    first = before is None
    return not (first and pytree.is_docstring(prev))


def _segment_bounds(tree: Tree, data: bytes, lo: int, hi: int) -> tuple[int, int]:
    """The whole lines of the top-level statements overlapping ``[lo, hi]``: a unit that
    parses and compiles on its own when it is right."""
    tops = []
    child = focus.first_child_ending_at_or_after(tree.root_node, lo)
    while child is not None and child.start_byte <= hi:
        tops.append(child)
        child = child.next_sibling
    first = min([lo] + [t.start_byte for t in tops])
    last = max([hi] + [t.end_byte for t in tops])
    return pytree.line_start(data, first), pytree.line_end(data, last)


def _compile_error_line(data: bytes | str, path: str) -> int | None:
    try:
        compile(data, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno or None
    except ValueError:
        return None
    return None


def _candidate(path: str, data: bytes, start: int, end: int, new: str, title: str) -> Candidate:
    row = data.count(b"\n", 0, start) + 1
    return Candidate(
        kind="syntax.fix",
        title=title if "line" in title else f"{title} in line {row}",
        change=Change(edits=(TextEdit(path, start, end, new),)),
        target=NodeRef(path, start, end, "ERROR"),
        lsp_kind="quickfix",
        data={"line": row},
    )
