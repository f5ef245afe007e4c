"""Syntax repair: small token insertions/deletions and re-indentation around parse errors.

Each try is kept only when the whole file then parses with no ERROR/MISSING node and
``compile()`` accepts it (kind ``syntax.fix``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef
from sea_lsp.changes import Change, TextEdit

TOKENS = (":", ")", "]", "}", '"', "'", ",", "(", "):")
MAX_TRIES = 400


def error_rows(data: bytes, text: str, path: str) -> tuple[list[Node], set[int]]:
    """ERROR/MISSING nodes and the 0-based rows around them (or around ``compile``'s error)."""
    tree = pytree.parse(data)
    bad = [n for n in pytree.walk(tree.root_node) if n.type == "ERROR" or n.is_missing]
    rows: set[int] = set()
    for n in bad:
        first = n.start_point.row
        last = min(n.end_point.row, first + 3)
        rows.update(range(max(first - 1, 0), last + 1))
    if not bad:
        try:
            compile(text, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            if exc.lineno:
                rows.update({max(exc.lineno - 2, 0), exc.lineno - 1})
        except ValueError:
            pass
    return bad, rows


def _tries(data: bytes, bad: list[Node], rows: set[int]) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, new_text, title) edits to try, nearest the errors first."""
    for n in bad:
        if n.is_missing and n.type and not n.type.isidentifier():
            yield n.start_byte, n.start_byte, n.type, f"Insert missing `{n.type}`"
    lines = data.split(b"\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)
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
        for leaf in pytree.walk(n):
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
            if not pytree.parses_cleanly(fixed):
                continue
            fixed_text = fixed.decode("utf-8", errors="replace")
            if not pytree.compiles(fixed_text, path):
                continue
            row = data.count(b"\n", 0, start) + 1
            out.append(
                Candidate(
                    kind="syntax.fix",
                    title=title if "line" in title else f"{title} in line {row}",
                    change=Change(edits=(TextEdit(path, start, end, new),)),
                    target=NodeRef(path, start, end, "ERROR"),
                    lsp_kind="quickfix",
                    data={"line": row},
                )
            )
        return out
