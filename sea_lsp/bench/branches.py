"""``sea-lsp bench branches``: the clause an ``if`` chain forgot (``repair.insert_branch``),
measured on the standard library.

Real one-line ``elif COND: STATEMENT`` and ``else: STATEMENT`` clauses of functions are
deleted, up to ``--per-file`` of a file at random, and the report says whether the family,
made where the clause stood (at the last statement of the branch before it), makes the real
clause back, token for token at its place (``bench.bug_data.same_code``), and how early
among its candidates there. Files are split as ``sea-lsp shapes`` splits them (a hash of the
path, ``training.shapes.held_out``): the family was decided on the ``train`` side.

Nothing runs but the parser.

    sea-lsp bench branches                   # every file, 6 clauses per file
    sea-lsp bench branches --files 300 --seed 0
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node, Tree

from sea_lsp.actions import pytree, repair_guard
from sea_lsp.actions.repair_site import Site
from sea_lsp.bench.bug_data import same_code
from sea_lsp.bench.unset import library_sides, read_module

CLAUSES = ("elif_clause", "else_clause")


@dataclass
class Figures:
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLAUSES, 0))
    ranks: dict[str, list[int]] = field(default_factory=lambda: {c: [] for c in CLAUSES})

    def lines(self, side: str) -> list[str]:
        out = []
        for kind in CLAUSES:
            ranks, n = self.ranks[kind], self.deleted[kind]
            median = f"{statistics.median(ranks):.0f}" if ranks else "-"
            out.append(
                f"  {side:9s} {kind.split('_')[0]:5s} deleted {n:5d}, restored {len(ranks):4d}"
                f" ({100 * len(ranks) / max(n, 1):.1f} %), first {sum(r == 0 for r in ranks):3d},"
                f" in the first 5 {sum(r < 5 for r in ranks):3d}, median place {median}"
            )
        return out


def clauses(tree: Tree) -> list[Node]:
    """One-line ``elif``/``else`` clauses (the condition line, then one one-line
    statement) of ``if`` chains in functions."""
    out = []
    for n in pytree.walk(tree.root_node):
        if n.type not in CLAUSES or n.parent is None or n.parent.type != "if_statement":
            continue
        field_name = "consequence" if n.type == "elif_clause" else "body"
        body = n.child_by_field_name(field_name)
        if body is None or len(body.named_children) != 1:
            continue
        stmt = body.named_children[0]
        one_line = stmt.start_point.row == stmt.end_point.row == n.start_point.row + 1
        after_comment = n.prev_sibling is not None and n.prev_sibling.type == "comment"
        if one_line and not after_comment and pytree.enclosing(n, ("function_definition",)):
            out.append(n)
    return out


def restore(text: str, clause: Node, path: str = "m.py") -> int | None:
    """``clause`` (of ``text``'s tree) deleted: where among the family's candidates at the
    statement before it the real clause comes back (0: first), or None."""
    data = text.encode()
    prev = clause.prev_sibling
    if prev is None:
        return None
    buggy = data[: prev.end_byte] + data[clause.end_byte :]
    site = Site(path=path, data=buggy, tree=pytree.parse(buggy), weigh=True)
    if pytree.has_error(site.tree):
        return None
    last = site.tree.root_node.descendant_for_byte_range(prev.end_byte - 1, prev.end_byte - 1)
    while last is not None and not (
        last.end_byte == prev.end_byte and last.parent is not None and last.parent.type == "block"
    ):
        last = last.parent
    if last is None:
        return None
    for i, m in enumerate(repair_guard.insert_branch(last, site)):
        after = buggy[: m.start] + m.new_text.encode() + buggy[m.end :]
        if same_code(after.decode("utf-8", errors="replace"), text):
            return i
    return None


def measure(paths: Iterable[Path], per_file: int, rng: random.Random) -> Figures:
    fig = Figures()
    for path in paths:
        text = read_module(path)
        if text is None:
            continue
        places = clauses(pytree.parse(text.encode()))
        rng.shuffle(places)
        for clause in places[:per_file]:
            fig.deleted[clause.type] += 1
            at = restore(text, clause, str(path))
            if at is not None:
                fig.ranks[clause.type].append(at)
    return fig


def main(args: argparse.Namespace) -> int:
    got = library_sides("sea-lsp bench branches", args, "clauses")
    if isinstance(got, int):
        return got
    opts, sides = got
    t0 = time.perf_counter()
    for side, paths in sides:
        for line in measure(paths, opts.per_file, random.Random(opts.seed)).lines(side):
            print(line)
    print(f"  {time.perf_counter() - t0:.1f} s")
    return 0
