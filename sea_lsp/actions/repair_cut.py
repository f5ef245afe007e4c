"""A text the code read the head of and never cut (``repair.insert_cut``).

A parser takes what it needs from the front of a string and goes on with the rest:
``scheme = rest[:colon].lower()`` is followed by ``rest = rest[colon + 1:]``, and a
forgotten cut leaves the scheme (or the separator) in everything parsed after it. After a
statement that reads the head of a name (``name[:i]``, ``name[0]``), the cut is ``name =
name[i + 1:]`` (past a one-character separator) or ``name = name[i:]`` (after a fixed
width, ``name[:4]``, only ``name[4:]``; after all but a tail, ``name[:-1]``, none); after a statement
that checks how a name starts (``name.startswith(":")``, ``name[0] == "["``), it is ``name =
name[1:]`` -- at the statement's own indentation, or after the ``if`` holding the check.
Only names the function binds (a parameter or a local), where the next statement does not
cut them already.
Search only: the menu keeps its own families.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_stmt import insertions, starts_line

MAX_CUTS = 4  # cuts per statement
MAX_INDEX_CHARS = 30


def _slices(node: Node) -> Iterator[tuple[str, str]]:
    """(name, end) of each ``name[:end]`` / ``name[start:end]`` ``node`` reads, and (name,
    ``"1"``) of ``name[0]``, ``name.startswith(...)`` and ``name.endswith``'s twin."""
    for n in pytree.walk(node):
        if n.type == "subscript":
            value, sub = n.child_by_field_name("value"), n.child_by_field_name("subscript")
            if value is None or value.type != "identifier" or sub is None:
                continue
            if sub.type == "slice":
                parts = [c for c in sub.children]
                colon = next((i for i, c in enumerate(parts) if c.type == ":"), None)
                end = parts[colon + 1] if colon is not None and colon + 1 < len(parts) else None
                if end is not None and end.type != ":" and len(text_of(end)) <= MAX_INDEX_CHARS:
                    yield text_of(value), text_of(end)
            elif text_of(sub) == "0":
                yield text_of(value), "1"
        elif n.type == "call":
            got = pytree.method_call(n)
            if got and got[0].type == "identifier" and got[1] == "startswith":
                yield text_of(got[0]), "1"


def _cut_next(node: Node, name: str) -> bool:
    """Whether the statement after ``node`` cuts ``name`` already (``name = name[...]``)."""
    nxt = pytree.next_statement(node)
    change = nxt.named_children[0] if nxt is not None and nxt.named_child_count == 1 else None
    if change is None or change.type != "assignment":
        return False
    left, right = change.child_by_field_name("left"), change.child_by_field_name("right")
    return (
        left is not None
        and right is not None
        and text_of(left) == name
        and right.type == "subscript"
        and text_of(right.child_by_field_name("value")) == name
    )


def cuts(node: Node, head: Node, site: Site) -> list[str]:
    """The cuts after ``node`` (see the module docstring), most likely first."""
    scope = set(site.value_names(node))
    out: dict[str, None] = {}
    for name, end in _slices(head):
        if name not in scope or _cut_next(node, name):
            continue
        if end == "1":
            out.setdefault(f"{name} = {name}[1:]", None)
            continue
        if end.startswith("-"):  # the head is all but the tail: no rest to go on with
            continue
        if not end.isdigit():  # past a separator at a found position (``colon + 1``)
            index = end if end.replace("_", "").isalnum() else f"({end})"
            out.setdefault(f"{name} = {name}[{index} + 1:]", None)
        out.setdefault(f"{name} = {name}[{end}:]", None)
    return list(out)[:MAX_CUTS]


def insert_cut(node: Node, site: Site) -> Iterator[Mutation]:
    """After a statement that reads a name's head (or an ``if`` that checks it): the cut."""
    if node.type not in ("expression_statement", "if_statement") or not starts_line(site, node):
        return
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    head = node.child_by_field_name("condition") if node.type == "if_statement" else node
    if head is None:
        return
    for stmt in cuts(node, head, site):
        for at, new_text, where in insertions(node, site, stmt):
            if where.startswith("after"):
                yield Mutation("insert_cut", at, at, new_text, f"Insert `{stmt}` {where}", node)
