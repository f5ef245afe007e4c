"""Debugging candidates: single-edit mutations at suspicious nodes (``repair.<family>``).

Where to look: the suspicious lines from fault localisation (best first), else the focus
range, else the whole focus file. Every candidate is reparsed (only the top-level statement
it touches) and dropped if the result has ERROR/MISSING nodes; candidates producing the
same text are merged. Order: locality (suspicious rank) first, then family cheapness.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef
from sea_lsp.actions.repair_expr import EXPRESSION_FAMILIES
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_stmt import STATEMENT_FAMILIES, is_statement
from sea_lsp.changes import Change, TextEdit

# Cheapest / most local first; the policy does the real ranking.
FAMILY_ORDER = (
    "compare_swap",
    "bool_swap",
    "arith_swap",
    "augassign_swap",
    "constant",
    "constant_swap",
    "off_by_one",
    "slice",
    "negate",
    "method_swap",
    "identifier",
    "name_swap_call",
    "swap_args",
    "swap_elements",
    "drop_operand",
    "drop_condition",
    "unwrap_call",
    "guard",
    "replace_operand",
    "wrap_call",
    "delete_stmt",
    "insert_copy",
    "insert_template",
)
_RANK = {f: i for i, f in enumerate(FAMILY_ORDER)}
# Families valid by construction (a token replaced by one of the same grammatical class, or a
# one-line simple statement inserted at a line start with its indentation): the reparse is
# skipped for them (it is most of the generation time otherwise).
TOKEN_FAMILIES = frozenset(
    {
        "compare_swap",
        "bool_swap",
        "arith_swap",
        "augassign_swap",
        "constant",
        "constant_swap",
        "method_swap",
        "identifier",
        "name_swap_call",
        "insert_copy",
        "insert_template",
    }
)


@dataclass(frozen=True)
class Region:
    """Where to mutate: a file and either a set of 0-based rows or a byte range (None = all)."""

    path: str
    rows: frozenset[int] | None = None
    start: int | None = None
    end: int | None = None

    def holds(self, node: Node) -> bool:
        if self.rows is not None:
            return node.start_point.row in self.rows
        if self.start is not None and node.start_byte < self.start:
            return False
        return not (self.end is not None and node.start_byte >= self.end)


def regions(ctx: ActionContext) -> list[Region]:
    """Suspicious lines first (one region each, in rank order), else the focus range or file."""
    out: list[Region] = []
    seen: set[tuple[str, int]] = set()
    for s in ctx.suspicious:
        if (s.path, s.line) not in seen and s.line >= 1:
            seen.add((s.path, s.line))
            out.append(Region(s.path, rows=frozenset({s.line - 1})))
    if out:
        return out
    if ctx.focus_path is None:
        return []
    return [Region(ctx.focus_path, start=ctx.focus_start, end=ctx.focus_end)]


def mutations(site: Site, region: Region) -> Iterator[Mutation]:
    """Every raw mutation (not yet validated) of the nodes that start inside ``region``."""
    for node in pytree.walk(site.tree.root_node):
        if node.type in ("comment", "ERROR") or node.is_missing or not region.holds(node):
            continue
        if node.type in ("string_content", "escape_sequence", "interpolation", "string_start"):
            continue
        for family in EXPRESSION_FAMILIES:
            yield from family(node, site)
        if is_statement(node) or node.type == "elif_clause":
            for family in STATEMENT_FAMILIES:
                yield from family(node, site)


def _segment(site: Site, m: Mutation) -> tuple[int, bytes]:
    """The edited text of the top-level statement(s) a mutation touches, and its start."""
    top = pytree.top_level_ancestor(m.node)
    lo = pytree.line_start(site.data, min(m.start, top.start_byte))
    hi = pytree.line_end(site.data, max(m.end, top.end_byte))
    new = site.data[lo : m.start] + m.new_text.encode("utf-8") + site.data[m.end : hi]
    return lo, new


class RepairGenerator:
    """Single-edit mutations at suspicious nodes; see the module docstring."""

    name = "repair"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        ranked: list[tuple[int, int, int, Candidate]] = []
        seen: set[tuple[str, int, bytes]] = set()
        for r_index, region in enumerate(regions(ctx)):
            site = self._site(ctx, region.path)
            if site is None:
                continue
            for m in mutations(site, region):
                if site.data[m.start : m.end] == m.new_text.encode("utf-8"):
                    continue
                if m.start == m.end and m.family in TOKEN_FAMILIES:  # a line inserted
                    row = site.data.count(b"\n", 0, m.start) - (not m.new_text.startswith("\n"))
                    key = (site.path, row, m.new_text.strip().encode("utf-8"))
                elif m.family in TOKEN_FAMILIES:
                    key = (site.path, m.start, m.new_text.encode("utf-8"))
                else:
                    lo, segment = _segment(site, m)
                    key = (site.path, -lo - 1, segment)
                    if key not in seen and not pytree.parses_cleanly(segment):
                        seen.add(key)
                        continue
                if key in seen:
                    continue
                seen.add(key)
                cand = Candidate(
                    kind=f"repair.{m.family}",
                    title=m.title,
                    change=Change(edits=(TextEdit(site.path, m.start, m.end, m.new_text),)),
                    target=NodeRef(site.path, m.node.start_byte, m.node.end_byte, m.node.type),
                    lsp_kind="quickfix",
                    data={"line": m.node.start_point.row + 1},
                )
                ranked.append((r_index, _RANK.get(m.family, len(_RANK)), len(ranked), cand))
        ranked.sort(key=lambda t: t[:3])
        out = [c for *_, c in ranked]
        return out[: ctx.limit] if ctx.limit else out

    @staticmethod
    def _site(ctx: ActionContext, path: str) -> Site | None:
        text = ctx.view.read_text(path)
        if text is None:
            logger.debug("repair: {} is not in the workspace view", path)
            return None
        data = text.encode("utf-8")
        tree = ctx.view.tree(path)
        if tree is None or tree.root_node.end_byte != len(data):
            tree = pytree.parse(data)
        return Site(path=path, data=data, tree=tree, symbols=ctx.symbols)
