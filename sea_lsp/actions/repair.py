"""Debugging candidates: single-edit mutations at suspicious nodes (``repair.<family>``).

Where to look: the suspicious lines from fault localisation (best first), else the focus
range, else the whole focus file. Every candidate is reparsed (only the top-level statement
it touches) and dropped if the result has ERROR/MISSING nodes; candidates producing the
same text are merged. Order: locality (suspicious rank) first, then family cheapness.
"""

from __future__ import annotations

import itertools
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions import focus, pytree, repair_evidence, repair_lines
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef
from sea_lsp.actions.repair_args import ARG_FAMILIES
from sea_lsp.actions.repair_clause import clauses
from sea_lsp.actions.repair_crash import crash_guard
from sea_lsp.actions.repair_cut import insert_cut
from sea_lsp.actions.repair_expr import EXPRESSION_FAMILIES
from sea_lsp.actions.repair_flow import insert_use
from sea_lsp.actions.repair_guard import GUARD_FAMILIES, SEARCH_EXPRESSION_FAMILIES, else_binding
from sea_lsp.actions.repair_init import initialised, insert_init
from sea_lsp.actions.repair_loop import insert_progress, insert_reset
from sea_lsp.actions.repair_operands import compare_all, init_value, negate_operand
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_state import insert_counter, insert_state
from sea_lsp.actions.repair_stmt import (
    STATEMENT_FAMILIES,
    clause_kind_after,
    conditions,
    is_statement,
)
from sea_lsp.actions.repair_table import insert_entry
from sea_lsp.workspace.changes import Change, TextEdit

# Cheapest / most local first; the policy does the real ranking. A family backed by evidence
# (a loop that cannot progress, an accumulator never started again, a value never used)
# comes first: when two families make the same text, it names it.
FAMILY_ORDER = (
    "insert_progress",
    "insert_reset",
    "insert_use",
    "insert_init",
    "crash_guard",
    "compare_swap",
    "compare_all",
    "bool_swap",
    "arith_swap",
    "augassign_swap",
    "constant",
    "constant_swap",
    "off_by_one",
    "slice",
    "negate",
    "negate_operand",
    "method_swap",
    "identifier",
    "name_swap_call",
    "swap_args",
    "swap_elements",
    "drop_operand",
    "drop_condition",
    "clause_kind",
    "unwrap_call",
    "guard",
    "replace_operand",
    "wrap_call",
    "insert_arg",
    "drop_arg",
    "add_method",
    "delete_stmt",
    "insert_copy",
    "insert_template",
    "insert_state",
    "insert_counter",
    "insert_entry",
    "insert_cut",
    "insert_call",
    "swap_operands",
    "operand_plus",
    "operand_name",
    "return_value",
    "attribute",
    "two_token",
    "add_slice",
    "wrap_two",
    "call_to_assign",
    "insert_control",
    "swap_stmt",
    "insert_far_copy",
    "insert_guard",
    "wrap_if",
    "insert_branch",
    "insert_update",
    "qualify",
    "unalias",
    "init_value",
)
_RANK = {f: i for i, f in enumerate(FAMILY_ORDER)}
LINE_POWER = 2.0  # P(line) ~ (score / top score) ** LINE_POWER
COUNT_POWER = 0.5  # a family's share of a line is spread over its candidates ** COUNT_POWER
# A family that weighs its candidates (``insert_template``, by ``repair_shapes``) has a share
# of n ** WEIGHED_COUNT_POWER, split by weight: fitted on the train projects (0 to 0.3 cost
# them at most one fix in the first 10; 0.1 none) so the likeliest template of a line comes
# before the other families' long tails without pushing their first candidates back.
WEIGHED_COUNT_POWER = 0.1
# A wrong variable's replacements (a dozen names, weighed by ``repair_names``) and a missing
# method call's receivers and methods (``other._check_open()``, weighed by ``repair_shapes``)
# keep the share the even spread gives them (n ** COUNT_POWER): the weights only say which
# goes first. A condition's missing clause (hundreds a condition, weighed by
# ``repair_clause``) keeps n ** 0.3: of the 219 mined fixes the engine reaches, the 14 clauses
# rank a median 300th at n ** 0.3 (110th at 0.5; 845th at 0.1), and all 219 reach the top 10
# 56 times at 0.3, 58 at 0.5; but at 0.5 two train bugs fall from 9th to 10th and 11th at the
# root (fixed within 10 evaluations 20 -> 18), at 0.3 no train root position moves.
WEIGHED_POWER = {
    "identifier": COUNT_POWER,
    "insert_call": COUNT_POWER,
    "guard": 0.3,
    "crash_guard": COUNT_POWER,
}
# How often each family is the fix of a real bug, relative (the learned policy refines the
# order). The hand-set table of 2026-12-04, refitted on the benchmark's *train* projects
# only (one pass of x0.5 / x2 steps per family, kept within [0.1, 2], minimising the mean
# log position of the human fix; ±1 kept at 0.6). Held-out projects never seen.
FAMILY_PRIOR = {
    "compare_swap": 2.0, "bool_swap": 1.0, "swap_args": 0.8, "constant": 0.8,
    "arith_swap": 0.7, "off_by_one": 0.6, "operand_plus": 0.6, "return_value": 0.6,
    "add_slice": 0.6, "swap_elements": 0.6, "identifier": 0.5, "augassign_swap": 0.5,
    "constant_swap": 0.5, "attribute": 0.5, "slice": 0.3, "insert_template": 0.3,
    "wrap_call": 0.3, "swap_stmt": 0.3, "delete_stmt": 0.25, "insert_copy": 0.25,
    "method_swap": 0.25, "negate": 0.25, "replace_operand": 0.25, "drop_operand": 0.2,
    "guard": 0.2, "insert_control": 0.2, "name_swap_call": 0.2, "swap_operands": 0.2,
    "call_to_assign": 0.15, "drop_condition": 0.15, "unwrap_call": 0.15, "wrap_two": 0.15,
    "clause_kind": 0.15, "insert_far_copy": 0.1, "operand_name": 0.1, "two_token": 0.1,
    "insert_guard": 0.2, "wrap_if": 0.15, "insert_update": 0.15, "insert_branch": 0.15,
    "qualify": 0.15, "unalias": 0.6, "insert_arg": 0.15, "drop_arg": 0.15, "add_method": 0.15, "insert_progress": 1.0,
    "insert_reset": 0.6, "insert_use": 0.6, "insert_init": 0.6, "crash_guard": 1.0, "insert_state": 0.3, "insert_counter": 0.5, "insert_entry": 0.3, "insert_cut": 0.3, "compare_all": 1.0, "negate_operand": 0.15, "init_value": 0.3, "insert_call": 0.15,
}  # fmt: skip
# An editor shows the policy's best 20; encoding and ranking hundreds costs more than the
# whole latency budget, so an editor request keeps at most this many (all families kept).
EDITOR_LIMIT = 24  # repair candidates per editor request: the menu shows 20 (MAX_OFFERED)
# Families valid by construction (a token replaced by one of the same grammatical class, or
# simple statements (a guard: ``if`` and one simple statement) inserted at a line start with
# its indentation): the reparse is skipped for them (it is most of the generation time
# otherwise).
TOKEN_FAMILIES = frozenset(
    {
        "compare_swap",
        "compare_all",
        "negate_operand",
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
        "insert_control",
        "insert_guard",
        "insert_update",
        "insert_progress",
        "insert_reset",
        "insert_use",
        "insert_init",
        "crash_guard",
        "insert_state",
        "insert_counter",
        "insert_entry",
        "insert_cut",
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
    start, end = ctx.focus_start, ctx.focus_end
    if ctx.editor and start is not None:
        got = focus.source(ctx.view, ctx.focus_path)  # bytes kept per document version
        start, end = focus.focus_range(ctx, got[0] if got else b"") or (start, end)
    return [Region(ctx.focus_path, start=start, end=end)]


def line_weights(ctx: ActionContext, count: int) -> list[float]:
    """How likely each of the first ``count`` regions holds the fault: its localisation
    score over the top score, squared (scores of the faulty line cluster near the top);
    1 for every region when there is no localisation (a focus range)."""
    scores: list[float] = []
    seen: set[tuple[str, int]] = set()
    for s in ctx.suspicious:
        if (s.path, s.line) not in seen and s.line >= 1:
            seen.add((s.path, s.line))
            scores.append(s.score)
    top = max(scores, default=0.0)
    if top <= 0:
        return [1.0] * count
    return [(scores[i] / top) ** LINE_POWER if i < len(scores) else 0.0 for i in range(count)]


HANG_FAMILIES = frozenset({"insert_progress"})  # a stuck loop's update: a hang confirms it
HANG_BOOST = 10.0
EVIDENCE_PRIOR = 1.0  # the least family prior of a candidate the failing tests' evidence backs


def order(
    found: list[Found],
    weights: list[float],
    hangs: bool = False,
    unbound: frozenset[str] = frozenset(),
    evidence: frozenset[str] = frozenset(),
    ranker: Any = None,
    line_priors: Sequence[float] = (),
) -> list[Found]:
    """Most probable fix first, by ``hand_scores``, or by ``ranker`` over them (a
    ``repair_rank.Ranker``: the search's ``learned`` ranking)."""
    scored = hand_scores(found, weights, hangs, unbound, evidence, line_priors)
    if ranker is not None:
        return ranker.order(scored, weights, evidence)
    return [f for f, _, _ in sorted(scored, key=hand_key)]


def hand_key(row: tuple[Found, float, bool]) -> tuple[float, int, int]:
    """The hand order's sort key of a ``hand_scores`` row: the score, then the family's rank
    and the generation order."""
    f, score, _ = row
    return (-score, f.rank, f.seq)


def hand_scores(
    found: list[Found],
    weights: list[float],
    hangs: bool = False,
    unbound: frozenset[str] = frozenset(),
    evidence: frozenset[str] = frozenset(),
    line_priors: Sequence[float] = (),
) -> list[tuple[Found, float, bool]]:
    """Each candidate with its hand-set score and whether the failing tests' evidence backs
    it. The score: P(line) x P(family) / sqrt(the family's candidates there),
    P(line) being the line's localisation weight times, for an edit of the line's own
    tokens, the prior of the line's kind (``line_priors``, ``repair_lines``: a ``def`` line
    or a ``return result`` is seldom the fault localisation ties it with),
    the family's share split by its candidates' own weights where it has them (how natural
    an inserted statement's shape is, ``repair_shapes``).
    Lines localisation cannot tell apart are interleaved by family instead of taken whole
    in path and line order; a family that offers dozens of variants on a line (names,
    templates) spreads its share over them. When a failing test hangs, the update a stuck
    loop lacks is the likeliest fix wherever the loop's lines rank: a timeout stops the
    test at whatever line the loop was on, so localisation hardly tells its lines apart.
    Likewise, when a failing test read a name unset (``unbound``: its ``NameError`` or
    ``UnboundLocalError``), that name's starting value (``insert_init``) is; and when the
    messages point at a kind of fix (``evidence``, ``repair_evidence.tags``: a fraction
    where a whole number was wanted), the candidates of that kind on each line are, by that
    line's weight. Candidates the evidence backs share their line's weight among
    themselves, with at least ``EVIDENCE_PRIOR``: the evidence, not how many variants
    their family makes elsewhere on the line, says how likely they are."""

    memo: dict = {}

    def anywhere(m: Mutation) -> bool:
        """A hang or a name read unset backs its fix wherever localisation puts its line
        (a timeout strikes anywhere in the loop; a start goes before the read, and so does
        the missing ``else`` of an ``if`` chain whose branches bind the name); a message's
        other evidence keeps its line's weight."""
        return (hangs and m.family in HANG_FAMILIES) or (
            bool(unbound) and (initialised(m) in unbound or not unbound.isdisjoint(else_binding(m)))
        )

    def is_backed(m: Mutation) -> bool:  # evidence a test gave
        return anywhere(m) or (bool(evidence) and repair_evidence.backed(m, evidence, memo))

    backed = (
        {id(f) for f in found if is_backed(f.mutation)} if hangs or unbound or evidence else set()
    )
    counts: dict[tuple[int, str, bool], int] = {}
    mass: dict[tuple[int, str, bool], float] = {}
    weighed: set[tuple[int, str, bool]] = set()
    for f in found:
        key = (f.region, f.mutation.family, id(f) in backed)
        counts[key] = counts.get(key, 0) + 1
        mass[key] = mass.get(key, 0.0) + f.mutation.weight
        if f.mutation.weight != 1.0:
            weighed.add(key)

    def score(f: Found) -> float:
        w = weights[f.region] if f.region < len(weights) else 0.0
        if f.region < len(line_priors) and repair_lines.in_place(f.mutation.family):
            w *= line_priors[f.region]
        prior = FAMILY_PRIOR.get(f.mutation.family, 0.2)
        key = (f.region, f.mutation.family, id(f) in backed)
        if key[2]:  # a hang, a name read unset, a value of the wrong kind
            w = (max(w, 1.0) if anywhere(f.mutation) else w) * HANG_BOOST
            prior = max(prior, EVIDENCE_PRIOR)
        if key not in weighed:  # spread evenly: 1 / n ** COUNT_POWER each
            return w * prior / counts[key] ** COUNT_POWER
        # split by the candidates' own weights: the family's share of the line grows only
        # slowly with its size (the weights, not the count, say which variant is likely)
        power = WEIGHED_POWER.get(f.mutation.family, WEIGHED_COUNT_POWER)
        share = counts[key] ** power * f.mutation.weight / mass[key]
        return w * prior * share

    return [(f, score(f), id(f) in backed) for f in found]


def _change_key(site: Site, m: Mutation, editor: bool) -> tuple[tuple | None, bytes | None, Any]:
    """What makes two mutations the same change, and the edited segment to check for
    validity: a token family's key is where and what it writes (an inserted line, with its
    indentation); another family's is its reparsed segment, built lazily in the editor."""
    if m.start == m.end and m.family in TOKEN_FAMILIES:  # a line inserted
        newlines = bisect_right(site.line_offsets(), m.start) - 1
        row = newlines - (not m.new_text.startswith("\n"))
        line = (
            m.new_text[1:]
            if m.new_text.startswith("\n")
            else pytree.indent_of(site.data, m.start) + m.new_text.rsplit("\n", 1)[0]
        )  # the inserted lines, with their indentation
        return (site.path, row, line.rstrip().encode("utf-8")), None, None
    if m.family in TOKEN_FAMILIES:
        return (site.path, m.start, m.new_text.encode("utf-8")), None, None
    if editor:  # built and deduplicated only when looked at
        return None, None, site
    lo, segment = _segment(site, m)
    return (site.path, -lo - 1, segment), segment, None


def _nodes(site: Site, region: Region) -> Iterator[Node]:
    """The nodes that may start inside ``region``: only subtrees overlapping it are walked."""
    root = site.tree.root_node
    if region.rows is not None and len(region.rows) == 1:
        (row,) = region.rows
        offsets = site.line_offsets()
        if row + 1 >= len(offsets):
            return iter(())
        return focus.walk_overlapping(root, offsets[row], offsets[row + 1] - 1)
    if region.rows is None and region.start is not None and region.end is not None:
        # an editor's range: code the parser could not make sense of (the user is typing
        # there) is left to the syntax fixes; every mutation in it would fail its reparse
        return focus.walk_overlapping(root, region.start, region.end, skip_errors=True)
    return pytree.walk(root)


# Expression families too speculative for an editor's menu (dozens a line, or rare fixes
# whose candidates would crowd its 20 out): the search makes them, a menu does not.
SEARCH_EXPRESSIONS = (
    *SEARCH_EXPRESSION_FAMILIES, init_value, compare_all, negate_operand, *ARG_FAMILIES
)  # fmt: skip

# The statement families, a clause added to a condition (``repair_clause``) right after the
# condition's own edits (negated, dropped)
_AT = STATEMENT_FAMILIES.index(conditions) + 1
_STATEMENTS = (*STATEMENT_FAMILIES[:_AT], clauses, *STATEMENT_FAMILIES[_AT:])


def mutations(
    site: Site,
    region: Region,
    full: set[str] | None = None,
    synthesis: bool = True,
    stop: Callable[[], bool] | None = None,
) -> Iterator[Mutation]:
    """Every raw mutation (not yet validated) of the nodes that start inside ``region``;
    a family named in ``full`` (which the caller may grow meanwhile) stops early at each node.
    ``synthesis`` adds the synthesised guards and updates (``repair_guard``): dozens per
    statement, for the search to test, too speculative for an editor's menu. ``stop`` (an
    editor request's deadline) is asked at every node: once every family is full, the rest
    of a long statement's nodes would be walked for nothing."""
    for node in _nodes(site, region):
        if stop is not None and stop():
            return
        if node.type in ("comment", "ERROR") or node.is_missing or not region.holds(node):
            continue
        if node.type in ("string_content", "escape_sequence", "interpolation", "string_start"):
            continue
        families = EXPRESSION_FAMILIES
        if synthesis:
            families += SEARCH_EXPRESSIONS
        if is_statement(node) or node.type == "elif_clause":
            families = (*families, *_STATEMENTS)
            if synthesis:
                families += (
                    *GUARD_FAMILIES,
                    clause_kind_after,
                    insert_progress,
                    insert_reset,
                    insert_use,
                    insert_init,
                    crash_guard,
                    insert_counter,
                    insert_state,
                    insert_entry,
                    insert_cut,
                )
        for family in families:
            for m in family(node, site):
                if full and m.family in full:
                    break
                yield m


def _segment(site: Site, m: Mutation) -> tuple[int, bytes]:
    """The edited text of the top-level statement(s) a mutation touches, and its start."""
    key = ("top", m.node.id)
    top = site.memo.get(key)
    if top is None:  # every mutation of a node asks; the walk up is not free
        top = site.memo[key] = pytree.top_level_ancestor(m.node)
    lo = pytree.line_start(site.data, min(m.start, top.start_byte))
    hi = pytree.line_end(site.data, max(m.end, top.end_byte))
    new = site.data[lo : m.start] + m.new_text.encode("utf-8") + site.data[m.end : hi]
    return lo, new


_CLAUSES = frozenset(
    {"elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause"}
)


_DROPPABLE = frozenset({"elif_clause", "else_clause"})  # of an ``if``: optional clauses


def _stubs(stmt: Node, m: Mutation) -> list[tuple[int, int, bytes]]:
    """What compound ``stmt`` can lose and still tell whether the mutation parses: the
    ``elif``/``else`` clauses of an ``if`` it does not touch (a long ``if``/``elif``
    chain would otherwise be reparsed whole for every mutation of one condition), the
    bodies it does not touch, and in the body it does touch (when it replaces a whole
    statement there) the other statements: each becomes ``pass``, so deleting one method
    reparses a few lines, not its whole class."""

    def untouched(n: Node) -> bool:
        return n.end_byte < m.start or n.start_byte > m.end

    out = []
    for child in stmt.children:
        if untouched(child) and stmt.type == "if_statement" and child.type in _DROPPABLE:
            out.append((child.start_byte, child.end_byte, b""))
            continue
        inner = child.children if child.type in _CLAUSES else (child,)
        for b in inner:
            if b.type != "block":
                continue
            if untouched(b):
                out.append((b.start_byte, b.end_byte, b"pass"))
                continue
            out += _stub_around(b, m)
    return out


def _stub_around(block: Node, m: Mutation) -> list[tuple[int, int, bytes]]:
    """The statements of ``block`` before and after those ``m`` touches, each run as one
    ``pass`` (as good as one per statement for whether the edit parses). The touched
    statements are found by binary search: the work is the same in a block of 20,000
    statements as in one of ten."""
    out = []
    touched = focus.first_child_ending_at_or_after(block, m.start)
    last_before = (
        touched.prev_sibling if touched is not None else block.child(block.child_count - 1)
    )
    while touched is not None and touched.start_byte <= m.end:
        touched = touched.next_sibling
    first = _statement_from(block.child(0) if block.child_count else None, forward=True)
    last = _statement_from(last_before, forward=False)
    if first is not None and last is not None and first.start_byte <= last.start_byte:
        out.append((first.start_byte, last.end_byte, b"pass"))
    first = _statement_from(touched, forward=True)
    last = _statement_from(block.child(block.child_count - 1), forward=False)
    if first is not None and last is not None and first.start_byte <= last.start_byte:
        out.append((first.start_byte, last.end_byte, b"pass"))
    return out


def _statement_from(node: Node | None, forward: bool) -> Node | None:
    """``node`` or the nearest sibling in the direction given that is a statement (not a
    comment, which may sit at any column and so must not become ``pass``)."""
    while node is not None and (node.type == "comment" or not node.is_named):
        node = node.next_sibling if forward else node.prev_sibling
    return node


def _local_segment(site: Site, m: Mutation) -> tuple[int, int, bytes, bytes]:
    """``_segment`` for one statement instead of the whole top-level one: the statement the
    mutation touches (its parent statement when the mutation replaces all of it, which may
    leave a block empty), the edit applied. Returns (start, original end, the edited text,
    the text to parse): in that one the bodies the edit does not touch are ``pass`` and it
    is nested under ``if 1:`` when indented, so it parses alone and quickly (``_stubs``)."""
    stmt = pytree.statement_of(m.node)
    block = stmt.parent
    whole = m.start <= stmt.start_byte and m.end >= stmt.end_byte
    if whole and block is not None and block.type == "block" and block.parent is not None:
        stmt = pytree.statement_of(block.parent)
    lo = pytree.line_start(site.data, min(m.start, stmt.start_byte))
    hi = pytree.line_end(site.data, max(m.end, stmt.end_byte))
    inserted = m.new_text.encode("utf-8")
    edited = site.data[lo : m.start] + inserted + site.data[m.end : hi]
    pieces = [(m.start, m.end, inserted)]
    pieces += _stubs(stmt, m)
    pieces.sort()
    parts, at = [], lo
    for start, end, text in pieces:
        parts += [site.data[at:start], text]
        at = end
    parts.append(site.data[at:hi])
    to_parse = b"".join(parts)
    if stmt.start_point.column > 0 or to_parse[:1] in (b" ", b"\t"):
        to_parse = b"if 1:\n" + to_parse
    return lo, hi, edited, to_parse


class Found(NamedTuple):
    """A raw mutation kept for ranking: its order keys, and the text to reparse (None for
    families valid by construction). ``lazy`` holds the site of an editor request's
    mutation whose segment (and duplicate check) is built only if it is looked at."""

    region: int
    rank: int
    seq: int
    path: str
    mutation: Mutation
    segment: bytes | None
    lazy: Site | None = None


def _candidate(f: Found) -> Candidate:
    m = f.mutation
    return Candidate(
        kind=f"repair.{m.family}",
        title=m.title,
        change=Change(edits=(TextEdit(f.path, m.start, m.end, m.new_text),)),
        target=NodeRef(f.path, m.node.start_byte, m.node.end_byte, m.node.type),
        lsp_kind="quickfix",
        data={"line": m.node.start_point.row + 1},
    )


def _valid_round_robin(found: list[Found], limit: int) -> list[Found]:
    """At most ``limit`` valid mutations, taken round-robin over families (so a line with
    many operands cannot crowd out the rarer families), returned in ``found`` order. Only
    the ones looked at are built (``lazy``), checked for duplicates and reparsed: a line
    of a long ``if``/``elif`` chain has hundreds of statement mutations, and building the
    segment of each costs more than the rest of the request."""
    queues: dict[str, list[int]] = {}
    for i, f in enumerate(found):
        queues.setdefault(f.mutation.family, []).append(i)
    heads = dict.fromkeys(queues, 0)
    keep: set[int] = set()
    seen: set[tuple] = set()  # the edited statements of the lazy ones looked at so far
    while len(keep) < limit and heads:
        for family in list(heads):
            queue, h = queues[family], heads[family]
            while h < len(queue):
                f = found[queue[h]]
                h += 1
                seg = f.segment
                if f.lazy is not None:
                    lo, hi, edited, seg = _local_segment(f.lazy, f.mutation)
                    key = (f.path, lo, hi, edited)
                    if key in seen:  # the same change as one already looked at
                        continue
                    seen.add(key)
                if seg is None or pytree.parses_cleanly(seg):
                    keep.add(queue[h - 1])
                    break
            heads[family] = h
            if h >= len(queue):
                del heads[family]
            if len(keep) >= limit:
                break
    return [f for i, f in enumerate(found) if i in keep]


def _line_prior(site: Site | None, region: Region) -> float:
    """``repair_lines.line_prior`` of a one-line region (1 for a range or a lost file)."""
    if site is None or region.rows is None or len(region.rows) != 1:
        return 1.0
    (row,) = region.rows
    offsets = site.line_offsets()
    if row + 1 >= len(offsets):
        return 1.0
    return repair_lines.line_prior(site.tree, site.data, offsets[row], offsets[row + 1])


def _past(deadline: float, found: int) -> bool:
    """Whether ``deadline`` has passed, once something was found (an answer with nothing
    in it would be no answer)."""
    return found > 0 and time.perf_counter() >= deadline


class RepairGenerator:
    """Single-edit mutations at suspicious nodes; see the module docstring."""

    name = "repair"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        found: list[Found] = []
        seen: set[tuple] = set()
        made: dict[tuple, int] = {}  # the edited text -> its candidate in ``found``
        limit = ctx.limit or EDITOR_LIMIT
        per_family: dict[str, int] = {}
        tick = itertools.count()  # generation order, the last tie-breaker
        full: set[str] = set()  # editor: token families that already have ``limit`` candidates
        where = regions(ctx)

        def stop() -> bool:  # an editor request's deadline, asked at every node
            return ctx.deadline is not None and _past(ctx.deadline, len(found))

        sites: dict[str, Site | None] = {}  # one per file: its memos serve all its lines
        for r_index, region in enumerate(where):
            if region.path not in sites:
                sites[region.path] = self._site(ctx, region.path)
            site = sites[region.path]
            if site is None:
                continue
            editing = ctx.editor and region.start is not None and region.end is not None
            if editing and focus.error_near(site.tree, site.data, region.start, region.end):
                continue  # the syntax fixes apply here; every mutation would fail
            for m in mutations(site, region, full, synthesis=not ctx.editor, stop=stop):
                if ctx.deadline is not None and _past(ctx.deadline, len(found)):
                    break  # an editor request's deadline: what was found so far is the answer
                if site.data[m.start : m.end] == m.new_text.encode("utf-8"):
                    continue
                if not ctx.editor:  # two families making the same text are one candidate:
                    same = (site.path, *_segment(site, m))  # the more specific family's
                    at = made.get(same)
                    if at is not None:
                        if _RANK.get(m.family, 99) < found[at].rank:
                            found[at] = found[at]._replace(  # in the new family's order
                                mutation=m, rank=_RANK.get(m.family, 99), seq=next(tick)
                            )
                        continue
                key, segment, lazy = _change_key(site, m, ctx.editor)
                if key is not None:
                    if key in seen:  # the same change: the first one stands (valid or not)
                        continue
                    seen.add(key)
                rank = _RANK.get(m.family, len(_RANK))
                if not ctx.editor:
                    made[same] = len(found)
                found.append(Found(r_index, rank, next(tick), site.path, m, segment, lazy))
                if ctx.editor:
                    # a family gives at most ``limit``; a lazy one may turn out invalid or a
                    # duplicate when looked at, so twice that many are kept for it
                    per_family[m.family] = per_family.get(m.family, 0) + 1
                    if per_family[m.family] >= (limit if lazy is None else 2 * limit):
                        full.add(m.family)
        if ctx.editor:
            found.sort(key=lambda f: (f.region, f.rank, f.seq))
            return [_candidate(f) for f in _valid_round_robin(found, limit)]
        ranked = order(
            found,
            line_weights(ctx, len(where)),
            ctx.hangs,
            ctx.unbound,
            ctx.evidence,
            ctx.ranker,
            [_line_prior(sites.get(r.path), r) for r in where],
        )
        out = []
        for f in ranked:  # validated in rank order, only as far as the limit needs
            if f.segment is None or pytree.parses_cleanly(f.segment):
                out.append(_candidate(f))
                if ctx.limit and len(out) >= ctx.limit:
                    break
        return out

    @staticmethod
    def _site(ctx: ActionContext, path: str) -> Site | None:
        got = focus.source(ctx.view, path)
        if got is None:
            logger.debug("repair: {} is not in the workspace view", path)
            return None
        data, tree = got
        if not ctx.editor:
            crashes = dict(ctx.crashes.get(path, {}))
            return Site(
                path=path, data=data, tree=tree, symbols=ctx.symbols, weigh=True, crashes=crashes
            )
        # Scope names and file calls are kept per document version across requests, and
        # come from the tree around the focus (the workspace symbol index would index the
        # whole file again after every edit).
        site = focus.per_version("repair.site", tree, lambda: Site(path=path, data=data, tree=tree))
        if site.path != path or site.data is not data:
            return Site(path=path, data=data, tree=tree)
        return site
