"""A text the code read the head of and never cut (``repair.insert_cut``).

A parser takes what it needs from the front of a string and goes on with the rest:
``scheme = rest[:colon].lower()`` is followed by ``rest = rest[colon + 1:]``, and a
forgotten cut leaves the scheme (or the separator) in everything parsed after it. After a
statement that reads the head of a name (``name[:i]``, ``name[0]``), the cut is ``name =
name[i + 1:]`` (past a one-character separator) or ``name = name[i:]`` (after a fixed
width, ``name[:4]``, only ``name[4:]``; after all but a tail, ``name[:-1]``, none); after a statement
that checks how a name starts (``name.startswith("//")``, ``name[0] == "["``), it is the
prefix cut off (``name = name[2:]``, ``name[1:]``) -- at the statement's own indentation,
or after the ``if`` holding the check. Only names the function binds itself (a parameter
or a local, not a global or a closure's), where neither the statement (or the ``if``'s
branch) nor the next statement cuts them already.
Search only: the menu keeps its own families.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_stmt import insertions, starts_line

MAX_CUTS = 4  # cuts per statement
MAX_INDEX_CHARS = 30


def _prefix_length(call: Node) -> str:
    """How many characters a ``startswith`` check's literal prefix holds (``"//"``: 2), or
    ``"1"`` where the argument is no plain string literal."""
    args = call.child_by_field_name("arguments")
    arg = args.named_children[0] if args is not None and args.named_child_count == 1 else None
    if arg is None or arg.type != "string" or any(c.type == "interpolation" for c in arg.children):
        return "1"
    try:
        value = ast.literal_eval(text_of(arg))
    except (ValueError, SyntaxError):
        return "1"
    return str(len(value)) if isinstance(value, str) and value else "1"


def _slices(node: Node) -> Iterator[tuple[str, str]]:
    """(name, end) of each ``name[:end]`` / ``name[start:end]`` ``node`` reads, (name, ``"1"``)
    of ``name[0]``, and (name, the prefix's length) of ``name.startswith(prefix)``."""
    for n in pytree.walk(node):
        if n.type == "subscript":
            value, sub = n.child_by_field_name("value"), n.child_by_field_name("subscript")
            if value is None or value.type != "identifier" or sub is None:
                continue
            if len(n.children_by_field_name("subscript")) != 1:  # ``name[i, j]``: no text
                continue
            if sub.type == "slice":
                parts = list(sub.children)
                colon = next((i for i, c in enumerate(parts) if c.type == ":"), None)
                end = parts[colon + 1] if colon is not None and colon + 1 < len(parts) else None
                if end is not None and end.type != ":" and len(text_of(end)) <= MAX_INDEX_CHARS:
                    yield text_of(value), text_of(end)
            elif text_of(sub) == "0":
                yield text_of(value), "1"
        elif n.type == "call":
            got = pytree.method_call(n)
            if got and got[0].type == "identifier" and got[1] == "startswith":
                yield text_of(got[0]), _prefix_length(n)


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


def _rebound(node: Node, head: Node) -> set[str]:
    """Names the statement binds itself (``text = text[:n]``), or, for an ``if``, that its
    branch rebinds (``s = s[1:]`` under ``if s.startswith("-")``): cut already."""
    if node.type != "if_statement":
        return set(pytree.assigned_names(node))
    body = node.child_by_field_name("consequence")
    out: set[str] = set()
    for n in pytree.walk_local(body) if body is not None else []:
        if n.type in ("assignment", "augmented_assignment"):
            out.update(pytree.target_names(n.child_by_field_name("left")))
    return out


def cuts(node: Node, head: Node, site: Site, fn: Node) -> list[str]:
    """The cuts after ``node`` (see the module docstring), most likely first."""
    key = ("cut_scope", fn.id)
    own = site.memo.get(key)
    if own is None:  # the function's own names: a global or a closure's is no local to cut
        bound = pytree.bound_names(fn)
        shared = pytree.declared_shared(fn)
        own = site.memo[key] = {
            n for n, kind in bound.items() if kind in ("param", "var") and n not in shared
        }
    rebound = _rebound(node, head)
    out: dict[str, None] = {}
    for name, end in _slices(head):
        if name not in own or name in rebound or _cut_next(node, name):
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
    for stmt in cuts(node, head, site, fn):
        for at, new_text, where in insertions(node, site, stmt):
            if where.startswith("after"):
                yield Mutation("insert_cut", at, at, new_text, f"Insert `{stmt}` {where}", node)
