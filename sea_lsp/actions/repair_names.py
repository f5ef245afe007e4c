"""Which in-scope name a wrong variable should have been: the features of a replacement.

A wrong-variable bug (``right[i:]`` for ``right[j:]``, ``range(p)`` for ``range(k)``,
``return account.balance``'s cousin ``return total`` for ``return payout``) is fixed by one of
a dozen names in scope, and generation order (nearest scope first) says little about which.
What the function does with each name says more: a name bound and never read is the one a
slip left unused; a name used the same way (as an index, as ``range``'s argument) is a
likelier stand-in than one that holds a list; sibling names (``i``/``j``, ``rows``/``cols``,
``n, k = ...``) are confused with each other. ``name_features`` writes these down for one
candidate; ``sea-lsp shapes`` learns their weights from the standard library (a real name
read replaced by another in scope, the engine's own candidates ranked to give it back) and
``repair_expr.identifiers`` weighs its candidates by them in the search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import field_name, text_of
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_types import names_ruled_out

GROUP = "name"  # the feature prefix in the shapes table
# What binds a name besides an assignment or a ``for`` target (``_binding``).
_BINDERS = {
    "parameters": "param", "lambda_parameters": "param", "default_parameter": "param",
    "typed_parameter": "param", "typed_default_parameter": "param", "with_item": "with",
    "as_pattern": "with", "except_clause": "except",
}  # fmt: skip


@dataclass
class NameFacts:
    """What one function does with one of its names."""

    reads: list[int] = field(default_factory=list)  # rows where it is read
    binds: list[int] = field(default_factory=list)  # rows where it is bound
    binder: str = "assign"  # how it is first bound: param, loop, with, except, assign
    roles: set[str] = field(default_factory=set)  # how it is read (``role``)
    group: int = -1  # the id of the statement that binds it with others (``a, b = ...``)


def role(n: Node) -> str:
    """How an identifier occurrence is used: its parent's type and its field there; for an
    argument, the callee's name (``arg:range``); for an operand, the operator too."""
    parent = n.parent
    if parent is None:
        return "?"
    if parent.type == "argument_list":
        call = parent.parent
        fn = call.child_by_field_name("function") if call is not None else None
        if fn is not None and fn.type == "attribute":
            fn = fn.child_by_field_name("attribute")
        return f"arg:{text_of(fn) if fn is not None else '?'}"
    if parent.type == "slice" or (
        parent.type == "subscript" and parent.child_by_field_name("value") != n
    ):
        return "index"  # ``xs[i]`` and ``xs[i:]`` alike
    if parent.type in ("binary_operator", "comparison_operator", "boolean_operator"):
        ops = [text_of(c) for c in parent.children if not c.is_named]
        return f"{parent.type}:{ops[0] if ops else ''}"
    return f"{parent.type}:{field_name(n)}"


def _binding(n: Node) -> tuple[str, Node] | None:
    """``(how, the binding statement)`` when identifier ``n`` is being bound, else None."""
    cur, child = n.parent, n
    while cur is not None and cur.type in ("pattern_list", "tuple_pattern", "list_pattern"):
        cur, child = cur.parent, cur
    if cur is None:
        return None
    if cur.type in ("assignment", "augmented_assignment"):
        if cur.child_by_field_name("left") == child:
            return ("assign", cur)
        return None
    if cur.type in ("for_statement", "for_in_clause"):
        return ("loop", cur) if cur.child_by_field_name("left") == child else None
    if cur.type in _BINDERS:
        if cur.type in ("default_parameter", "typed_default_parameter"):
            return ("param", cur) if cur.child_by_field_name("name") == child else None
        if cur.type == "typed_parameter":
            return ("param", cur) if child == cur.named_children[0] else None
        return (_BINDERS[cur.type], cur)
    return None


_NOT_NAMES = {("attribute", "attribute"), ("keyword_argument", "name")}


def name_facts(site: Site, fn: Node) -> dict[str, NameFacts]:
    """Every identifier of ``fn`` and what ``fn`` does with it (computed once per function)."""
    key = ("name_facts", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    facts: dict[str, NameFacts] = {}
    body = fn.child_by_field_name("body")
    params = fn.child_by_field_name("parameters")
    for scope in (params, body):
        if scope is None:
            continue
        for n in pytree.walk(scope):
            if n.type != "identifier":
                continue
            kind = n.parent.type
            if kind in ("attribute", "keyword_argument") and (kind, field_name(n)) in _NOT_NAMES:
                continue  # ``obj.name`` and ``f(name=...)``: not the name
            f = facts.setdefault(text_of(n), NameFacts())
            bound = _binding(n)
            row = n.start_point.row
            if bound is not None:
                if not f.binds:
                    f.binder = bound[0]
                    several = bound[1].type in ("assignment", "for_statement", "for_in_clause")
                    f.group = bound[1].id if several and n.parent.type != bound[1].type else -1
                    if bound[0] == "param":
                        f.group = params.id if params is not None else -1
                f.binds.append(row)
                if bound[1].type == "augmented_assignment":
                    f.reads.append(row)
            else:
                f.reads.append(row)
                f.roles.add(role(n))
    site.memo[key] = facts
    return facts


def _bucket(x: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if x <= e:
            return str(e)
    return f">{edges[-1]}"


def _lexical(a: str, b: str) -> list[str]:
    out = []
    if len(a) == 1 and len(b) == 1:
        out.append("single")
    elif len(a) == len(b):
        out.append("same_len")
    if len(a) > 1 and len(b) > 1:
        if a[:2] == b[:2]:
            out.append("prefix")
        if a[-2:] == b[-2:]:
            out.append("suffix")
        if a in b or b in a:
            out.append("contains")
    return out


def _kind(site: Site, fn: Node, name: str) -> str:
    """``obj`` when the code rules out a number (``repair_types``), else ``any``."""
    if name in ("self", "cls"):
        return "obj"
    return "obj" if names_ruled_out(site, fn).get(name, False) else "any"


def name_features(site: Site, node: Node, new: str) -> list[str]:
    """The features of putting ``new`` where identifier ``node`` reads another name."""
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return [f"{GROUP}|"]
    facts = name_facts(site, fn)
    old = text_of(node)
    here = role(node)
    mine = facts.get(new, NameFacts())
    theirs = facts.get(old, NameFacts())
    row = node.start_point.row
    reads = len(mine.reads)
    out = [
        "",
        f"reads={_bucket(reads, (0, 1, 2, 4))}",
        f"binder={mine.binder if mine.binds else 'outer'}",
        f"old_reads={_bucket(len(theirs.reads) - 1, (0, 1, 3))}",
        f"role_here={here in mine.roles}",
        f"kinds={_kind(site, fn, old)}>{_kind(site, fn, new)}",
    ]
    after = bool(mine.binds) and min(mine.binds) > row
    if after:
        out.append("bound_after")
    if mine.binds and not mine.reads:  # a slip leaves the right name unread, bound before
        out.append(f"never_read={'after' if after else 'before'}")
    if mine.group != -1 and mine.group == theirs.group:
        out.append(f"siblings={mine.binder}")
    union = mine.roles | theirs.roles
    jac = len(mine.roles & theirs.roles) / len(union) if union else 0.0
    out.append(f"roles={_bucket(int(jac * 3), (0, 1, 2))}")
    gaps = [abs(r - row) for r in mine.reads + mine.binds]
    out.append(f"dist={_bucket(min(gaps), (0, 2, 5, 10)) if gaps else 'none'}")
    out += [f"lex={x}" for x in _lexical(old, new)]
    out += [f"here={here.split(':')[0]}&{f}" for f in out[1:5]]  # the place crossed with use
    return [f"{GROUP}|{f}" for f in out]
