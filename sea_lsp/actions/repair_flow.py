"""Values that go nowhere: the statement a function forgot to use them (``repair.insert_use``).

Two data-flow smells that correct code rarely has and a forgotten statement leaves behind:

- **a dead store**: ``best = score(x)`` whose value no later line reads (and no loop around
  it reads again) was computed to be used: ``out.append(best)``, ``seen.add(best)``,
  ``total += best`` or ``return best`` after it;
- **an accumulator never fed**: ``count = 0``, ``out = []`` or ``text = ""`` that the
  function reads later but never changes: a loop after it should grow it (``count += 1``,
  ``out.append(item)``, ``text += part``), at the end of the loop's body or after one of
  its statements.

- **a table never written**: ``out = [0] * n`` (or ``[0 for _ in range(n)]``) read later
  but never stored into: a loop over indices after it should fill it (``out[i] = value``,
  ``i`` the loop's index, ``value`` a name the loop computes).

Only a function with one of these smells gets candidates, so they are few and come early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import LOOPS, text_of
from sea_lsp.actions.repair_site import Mutation, Site, short
from sea_lsp.actions.repair_stmt import name_kinds

MAX_USES = 16  # per smell
MAX_EVENTS = 200  # a name used more often than this is not judged (the check is quadratic)
_FEEDS = {"num": ("{x} += 1", "{x} += {v}"), "list": ("{x}.append({v})",), "set": ("{x}.add({v})",)}
_FEEDS["str"] = ("{x} += {v}",)
_EMPTY = frozenset({"0", "0.0", '""', "''", "[]", "set()", "list()"})
_UNUSED = frozenset({"dummy", "unused", "ignored"})


@dataclass(frozen=True)
class Use:
    offset: int
    text: str  # the inserted text, indentation included
    title: str


def _events(fn: Node) -> dict[str, list[tuple[str, Node]]]:
    """Per name, in source order: ``store`` (``x = ...``), ``change`` (``x += ...``,
    ``x.m(...)``, ``x[k] = ...``, ``for x in``) and ``read``."""
    out: dict[str, list[tuple[str, Node]]] = {}
    for n in pytree.walk(fn):  # nested functions too: a closure's read is a read
        if n.type != "identifier" or n.parent is None:
            continue
        parent, name = n.parent, text_of(n)
        field = pytree.field_name(n)
        if parent.type == "assignment" and field == "left":
            kind = "store"
        elif parent.type in _PATTERNS:  # ``a, b = ...``: each a store, never a lone one
            kind = "store" if _in_target(parent) else "read"
        elif (
            parent.type == "augmented_assignment"
            and field == "left"
            or parent.type in ("for_statement", "for_in_clause")
            and field == "left"
            or parent.type == "attribute"
            and field == "object"
            and _called(parent)
            or parent.type == "subscript"
            and field == "value"
            and _stored_into(parent)
        ):
            kind = "change"
        elif (
            parent.type == "attribute"
            and field == "attribute"
            or parent.type in ("keyword_argument", "parameters", "default_parameter")
            and field
            in (
                "name",
                None,
            )
        ):
            continue
        else:
            kind = "read"
        out.setdefault(name, []).append((kind, n))
    return out


_PATTERNS = frozenset({"pattern_list", "tuple_pattern", "list_pattern"})


def _in_target(pattern: Node) -> bool:
    while pattern.parent is not None and pattern.parent.type in _PATTERNS:
        pattern = pattern.parent
    p = pattern.parent
    return (
        p is not None
        and p.type in ("assignment", "for_statement", "for_in_clause")
        and (p.child_by_field_name("left") == pattern)
    )


def _called(attr: Node) -> bool:
    return attr.parent is not None and attr.parent.type == "call"


def _stored_into(sub: Node) -> bool:
    p = sub.parent
    return (
        p is not None
        and p.type in ("assignment", "augmented_assignment")
        and (p.child_by_field_name("left") == sub)
    )


def _loops_around(node: Node, fn: Node) -> list[Node]:
    out, n = [], node.parent
    while n is not None and n != fn:
        if n.type in LOOPS:
            out.append(n)
        n = n.parent
    return out


def dead_stores(fn: Node) -> list[Node]:
    """Statements ``x = ...`` (one name) whose value nothing reads afterwards."""
    out = []
    shared = pytree.declared_shared(fn)
    for name, events in _events(fn).items():
        if name.startswith("_") or name in _UNUSED or name in shared or len(events) > MAX_EVENTS:
            continue
        for i, (kind, n) in enumerate(events):
            stmt = pytree.statement_of(n)
            left = n.parent.child_by_field_name("left") if n.parent is not None else None
            if kind != "store" or left != n or stmt.type != "expression_statement":
                continue
            later = [k for k, m in events[i + 1 :] if m.start_byte > stmt.end_byte]
            loops = _loops_around(stmt, fn)
            again = any(
                k != "store" and any(lp.start_byte <= m.start_byte < lp.end_byte for lp in loops)
                for k, m in events
                if m != n
            )
            if not any(k in ("read", "change") for k in later) and not again:
                out.append(stmt)
    return sorted(out, key=lambda s: s.start_byte)


def _set_once(fn: Node, holds: Callable[[str, Node | None], bool]) -> list[tuple[str, Node]]:
    """(name, its initialiser) for each name of ``fn`` stored once, to a value ``holds``
    accepts for it, read after that statement and never changed."""
    out = []
    for name, events in _events(fn).items():
        stores = [n for k, n in events if k == "store"]
        if len(stores) != 1 or any(k == "change" for k, _ in events):
            continue
        right = stores[0].parent.child_by_field_name("right") if stores[0].parent else None
        if not holds(name, right):
            continue
        init = pytree.statement_of(stores[0])
        if any(k == "read" and n.start_byte > init.end_byte for k, n in events):
            out.append((name, init))
    return out


def never_fed(fn: Node, kinds: dict[str, str]) -> list[tuple[str, Node]]:
    """(name, its initialiser) for each accumulator set to a literal once, read later, and
    never changed (a constant, ``name = "x"``, is no accumulator)."""
    return _set_once(
        fn,
        lambda name, right: (
            kinds.get(name) in _FEEDS and right is not None and text_of(right) in _EMPTY
        ),
    )


def _table(value: Node | None) -> bool:
    """``[x] * n``, ``n * [x]`` or ``[x for _ in range(n)]``: a table of ``n`` slots."""
    if value is None:
        return False
    if value.type == "list_comprehension":  # ``[0 for _ in range(n)]``, not ``[f(x) for x in xs]``
        body = value.child_by_field_name("body")
        loop = next((c for c in value.named_children if c.type == "for_in_clause"), None)
        if body is None or loop is None or len(value.named_children) != 2:
            return False
        target = loop.child_by_field_name("left")
        names = {text_of(n) for n in pytree.walk(body) if n.type == "identifier"}
        in_range = _range_call(loop.child_by_field_name("right"))
        return in_range and target is not None and text_of(target) not in names
    if value.type != "binary_operator" or text_of(value.child_by_field_name("operator")) != "*":
        return False
    sides = (value.child_by_field_name("left"), value.child_by_field_name("right"))
    return any(s is not None and s.type == "list" and s.named_child_count == 1 for s in sides)


def never_written(fn: Node) -> list[tuple[str, Node]]:
    """(name, its initialiser) for each table (``_table``) set once, read later, and never
    stored into or changed."""
    return _set_once(fn, lambda _, right: _table(right))


def _range_call(node: Node | None) -> bool:
    """``range(...)``."""
    return (
        node is not None
        and node.type == "call"
        and text_of(node.child_by_field_name("function")) == "range"
    )


def _index(loop: Node) -> str | None:
    """``i`` of ``for i in range(...)``."""
    left = loop.child_by_field_name("left")
    if loop.type != "for_statement" or left is None or left.type != "identifier":
        return None
    return text_of(left) if _range_call(loop.child_by_field_name("right")) else None


def _loop_targets(loop: Node) -> list[str]:
    """Names a loop binds or assigns, its own target first: what it could feed in."""
    names: list[str] = []
    if loop.type == "for_statement":
        pytree._target_names(loop.child_by_field_name("left"), names)
    body = loop.child_by_field_name("body")
    for n in pytree.walk_local(body) if body is not None else ():
        if n.type == "assignment":
            pytree._target_names(n.child_by_field_name("left"), names)
    return list(dict.fromkeys(names))


def _feed_points(loop: Node) -> list[Node]:
    """Where a forgotten feed most likely goes: after the body's last statement, then after
    each of its other statements (the nested blocks' last statements included)."""
    body = loop.child_by_field_name("body")
    if body is None:
        return []
    stmts = [c for c in body.named_children if c.type != "comment"]
    points = stmts[-1:] + stmts[:-1]
    for s in stmts:
        for block in (c for c in pytree.walk_local(s) if c.type == "block" and c != body):
            owner = block.parent
            if owner is not None and block.start_point.row == owner.start_point.row:
                continue  # ``if xs: v = 1``: a line after it would split the clauses
            inner = [c for c in block.named_children if c.type != "comment"]
            points += inner[-1:]
    return list(dict.fromkeys(points))[:6]


def _after(site: Site, stmt: Node, text: str, why: str) -> Use:
    indent = pytree.indent_of(site.data, stmt.start_byte)
    line = site.line_of_offset(stmt.end_byte)
    return Use(
        stmt.end_byte, f"\n{indent}{text}", f"Insert `{short(text, 40)}` after line {line} ({why})"
    )


def _fed_in_loops(
    site: Site, fn: Node, init: Node, forms_of: Callable[[Node], list[str]], why: str
) -> list[Use]:
    """The first three of ``forms_of(loop)`` after each feed point of every loop of ``fn``
    after ``init``, at most ``MAX_USES``."""
    fed: list[Use] = []
    for loop in (
        n for n in pytree.walk_local(fn) if n.type in LOOPS and n.start_byte > init.end_byte
    ):
        forms = forms_of(loop)[:3]
        for point in _feed_points(loop) if forms else ():
            fed += [_after(site, point, f, why) for f in forms]
    return fed[:MAX_USES]


def function_uses(site: Site, fn: Node) -> list[Use]:
    """Every candidate of the function's smells, computed once per function."""
    key = ("uses", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    kinds = name_kinds(site, fn)
    out: list[Use] = []
    for stmt in dead_stores(fn):
        name = text_of(stmt.named_children[0].child_by_field_name("left"))
        forms: list[str] = []
        for a, kind in kinds.items():
            if a != name and kind in ("list", "set", "num"):
                forms.append(_FEEDS[kind][-1].format(x=a, v=name))
        scope = pytree.enclosing(stmt, ("function_definition", "class_definition"))
        if scope is not None and scope.type == "function_definition":  # not in a class body
            forms.append(f"return {name}")
        out += [_after(site, stmt, f, "its value is never used") for f in forms[:MAX_USES]]
    for name, init in never_fed(fn, kinds):

        def feeds(loop: Node, name: str = name) -> list[str]:
            values = _loop_targets(loop)
            forms = [f.format(x=name, v=v) for f in _FEEDS[kinds[name]] for v in values or [name]]
            return list(dict.fromkeys(f for f in forms if f != f"{name} += {name}"))

        out += _fed_in_loops(site, fn, init, feeds, "it is never changed")
    for name, init in never_written(fn):

        def writes(loop: Node, name: str = name) -> list[str]:
            i = _index(loop)
            values = [v for v in _loop_targets(loop) if v not in (i, name)]
            return [f"{name}[{i}] = {v}" for v in values] if i is not None else []

        out += _fed_in_loops(site, fn, init, writes, "it is never written")
    site.memo[key] = out
    return out


def insert_use(node: Node, site: Site) -> Iterator[Mutation]:
    """The candidates of the function holding statement ``node`` (see the module's text)."""
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    for use in function_uses(site, fn):
        yield Mutation("insert_use", use.offset, use.offset, use.text, use.title, node)
