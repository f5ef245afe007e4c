"""Loop data flow: the update a ``while`` loop forgot (``repair.insert_progress``) and the
restart an accumulator forgot (``repair.insert_reset``).

A ``while`` loop ends when its condition turns false or when it leaves by ``break``,
``return`` or ``raise``. A path through its body that leaves by none of these and changes
nothing the condition reads runs the same iteration again for ever: ``while n < limit:``
whose body only breaks early, or ``while True:`` that steps ``node = node.right`` in one
branch and forgets ``node = node.left`` in the other. Such a path is found from the syntax
alone, and the update it lacks is built from what the loop does elsewhere:

- the loop's own updates (``node = node.right``), as they are and with an attribute the
  stuck branch uses in place of one it does not (``right`` -> ``left``): the mirrored
  branch;
- ``x += 1`` and ``x -= 1``;
- the function's other one-line assignments to what the condition reads.

Each is inserted as the last statement of the stuck block. The family fires only on that
evidence, so it is rare, its candidates are few, and they come early in the order.

An accumulator a loop grows (``digits += ch``) and hands on (``out.append(int(digits))``)
but never starts again carries every earlier item into the next one: its initialiser
(``digits = ""``) is inserted after the statement that hands it on. Worklists (``while
todo:``, ``todo.pop()``) are not accumulators.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation, Site, short

MAX_UPDATES = 12  # per stuck block
EXITS = frozenset({"break_statement", "return_statement", "raise_statement"})
_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})
_ASSIGNMENTS = frozenset({"assignment", "augmented_assignment"})


def _statements(block: Node) -> list[Node]:
    return [c for c in block.named_children if c.type != "comment"]


def condition_paths(cond: Node) -> set[str] | None:
    """What the condition reads: its names and attribute chains (``node``, ``self.pos``,
    with each chain's base name); None when it calls a method, whose effect is unknown."""
    out: set[str] = set()
    for n in pytree.walk_local(cond):
        if n.type == "call":
            fn = n.child_by_field_name("function")
            if fn is not None and fn.type != "identifier":
                return None
        elif n.type == "attribute" and n.parent is not None and n.parent.type != "attribute":
            out.add(text_of(n))
            base = n
            while base.type == "attribute":
                base = base.child_by_field_name("object")
            if base is not None and base.type == "identifier":
                out.add(text_of(base))
        elif n.type == "identifier" and n.parent is not None:
            parent = n.parent
            if parent.type == "attribute" or (
                parent.type == "call" and parent.child_by_field_name("function") == n
            ):
                continue
            out.add(text_of(n))
    return out - pytree.BUILTIN_NAMES


def _stepped_names(body: Node) -> set[str]:
    """For ``while True``: the names the body rebinds from themselves (``node = node.right``,
    ``i += 1``): what moves the loop along."""
    out: set[str] = set()
    for n in pytree.walk_local(body):
        if n.type not in _ASSIGNMENTS:
            continue
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        if left is None or left.type != "identifier" or right is None:
            continue
        name = text_of(left)
        if n.type == "augmented_assignment" or any(
            i.type == "identifier" and text_of(i) == name for i in pytree.walk_local(right)
        ):
            out.add(name)
    return out


def progress_paths(loop: Node) -> set[str]:
    """What a ``while`` loop's progress is measured by (empty when it cannot be told)."""
    cond, body = loop.child_by_field_name("condition"), loop.child_by_field_name("body")
    if cond is None or body is None:
        return set()
    if cond.type == "true":
        return _stepped_names(body)
    return condition_paths(cond) or set()


def changes(node: Node, paths: set[str]) -> bool:
    """Whether ``node`` may change something in ``paths``: an assignment to it (or into
    it, ``x[i] = ...``), a method called on it, or it passed to a call (which may mutate it)."""
    for n in pytree.walk_local(node):
        target = None
        if n.type in _ASSIGNMENTS or n.type == "named_expression":
            target = n.child_by_field_name("left") or n.child_by_field_name("name")
        elif n.type in ("for_statement", "for_in_clause"):
            target = n.child_by_field_name("left")
        elif n.type == "delete_statement":
            target = n
        elif n.type == "call":
            method = pytree.method_call(n)
            if method is not None:  # a method of it or of its parts
                obj = method[0]
                while obj is not None and obj.type in ("attribute", "subscript"):
                    obj = obj.child_by_field_name("object" if obj.type == "attribute" else "value")
                if obj is not None and text_of(obj) in paths:
                    return True
            args = n.child_by_field_name("arguments")
            if args is not None and any(text_of(a) in paths for a in args.named_children):
                return True
        if target is not None and _targets(target, paths):
            return True
    return False


def _targets(target: Node, paths: set[str]) -> bool:
    for t in pytree.walk_local(target):
        whole = t.type == "attribute" or t.parent is None or t.parent.type != "attribute"
        if t.type in ("identifier", "attribute") and whole and text_of(t) in paths:
            return True  # the name itself or the chain, not ``node`` inside ``node.left``
        if t.type == "subscript":
            value = t.child_by_field_name("value")
            if value is not None and text_of(value) in paths:
                return True
    return False


def _branches(stmt: Node) -> list[Node]:
    """The blocks of an ``if`` statement: its body, each ``elif``'s and the ``else``'s."""
    out = []
    for c in [stmt, *stmt.named_children]:
        if c is stmt or c.type in ("elif_clause", "else_clause"):
            body = c.child_by_field_name("consequence") or c.child_by_field_name("body")
            if body is not None and body.type == "block":
                out.append(body)
    return out


def stuck_blocks(loop: Node, paths: set[str]) -> list[Node]:
    """Blocks of the loop's body (itself, or a branch of an ``if`` in it) after which the
    iteration ends without leaving the loop and without changing ``paths``."""
    out: list[Node] = []

    def visit(block: Node, moves_around: bool) -> None:
        stmts = _statements(block)
        if not stmts:
            return
        moves = [changes(s, paths) for s in stmts]
        if not any(moves) and not moves_around and stmts[-1].type not in EXITS:
            out.append(block)
        for i, s in enumerate(stmts):
            if s.type == "if_statement":  # the path through a branch runs its siblings too
                others = moves_around or any(m for j, m in enumerate(moves) if j != i)
                for b in _branches(s):
                    visit(b, others)

    body = loop.child_by_field_name("body")
    if body is not None and paths:
        visit(body, False)
    return out


def _attributes(node: Node) -> list[str]:
    out: dict[str, None] = {}
    for n in pytree.walk_local(node):
        if n.type == "attribute":
            attr = n.child_by_field_name("attribute")
            if attr is not None:
                out.setdefault(text_of(attr), None)
    return list(out)


def _mirrored(stmt: Node, block: Node) -> list[str]:
    """``stmt`` as it is, then with one of its attributes replaced by one that the stuck
    block (or the condition that leads to it) uses and ``stmt`` does not."""
    text = text_of(stmt)
    out = [text]
    owner = block.parent
    near = _attributes(block) + (_attributes(owner) if owner is not None else [])
    mine = _attributes(stmt)
    for a in mine:
        for b in near:
            if b not in mine:
                out.append(_replace_attribute(stmt, a, b))
    return out


def _replace_attribute(stmt: Node, old: str, new: str) -> str:
    data = stmt.text or b""
    base = stmt.start_byte
    spans = []
    for n in pytree.walk_local(stmt):
        if n.type == "attribute":
            attr = n.child_by_field_name("attribute")
            if attr is not None and text_of(attr) == old:
                spans.append((attr.start_byte - base, attr.end_byte - base))
    for lo, hi in sorted(spans, reverse=True):
        data = data[:lo] + new.encode("utf-8") + data[hi:]
    return data.decode("utf-8", errors="replace")


def _one_line_updates(scope: Node, paths: set[str]) -> list[Node]:
    return [
        n.parent
        for n in pytree.walk_local(scope)
        if n.type in _ASSIGNMENTS
        and n.parent is not None
        and n.parent.type == "expression_statement"
        and n.start_point.row == n.end_point.row
        and _targets(n.child_by_field_name("left"), paths)
    ]


def progress_updates(loop: Node, block: Node, paths: set[str]) -> list[str]:
    """The statements that would move the loop along from ``block``, most likely first."""
    out: dict[str, None] = {}
    for stmt in _one_line_updates(loop, paths):
        out.update(dict.fromkeys(_mirrored(stmt, block)))
    fn = pytree.enclosing(loop, ("function_definition",))
    assigned = _one_line_updates(fn, paths) if fn is not None else []
    # a counter the function sets (``n = 0``) before a name it was given, then as written
    cond = text_of(loop.child_by_field_name("condition") or loop)
    local = {text_of(s.named_children[0].child_by_field_name("left")) for s in assigned}
    for p in sorted(paths, key=lambda p: (p not in local, p.count("."), cond.find(p), p)):
        if p != "self":
            out.update(dict.fromkeys((f"{p} += 1", f"{p} -= 1")))
    # an assignment the function makes outside the loop (its start, often)
    out.update(dict.fromkeys(text_of(s) for s in assigned))
    return list(out)[:MAX_UPDATES]


def _stuck(site: Site, loop: Node) -> list[tuple[Node, list[str]]]:
    key = ("stuck", loop.id)
    found = site.memo.get(key)
    if found is None:
        paths = progress_paths(loop)
        found = [(b, progress_updates(loop, b, paths)) for b in stuck_blocks(loop, paths)]
        site.memo[key] = found
    return found


def insert_progress(node: Node, site: Site) -> Iterator[Mutation]:
    """The update a stuck path of the ``while`` loop holding ``node`` lacks, inserted as the
    last statement of the stuck block."""
    loop = node if node.type == "while_statement" else None
    n = node.parent
    while loop is None and n is not None and n.type not in _SCOPES:
        loop = n if n.type == "while_statement" else None
        n = n.parent
    if loop is None:
        return
    for block, updates in _stuck(site, loop):
        last = _statements(block)[-1]
        indent = pytree.indent_of(site.data, last.start_byte)
        line = site.line_of_offset(last.end_byte)
        for text in updates:
            title = f"Insert `{short(text, 40)}` after line {line} (the loop cannot progress)"
            yield Mutation(
                "insert_progress", last.end_byte, last.end_byte, f"\n{indent}{text}", title, node
            )


_EMPTY = frozenset({"string", "list", "dictionary", "set", "tuple"})
_EMITS = frozenset({"append", "extend", "add", "update", "write", "put", "insert"})


def _initialisers(fn: Node, loop: Node) -> dict[str, Node]:
    """Names the function sets to a literal (``digits = ""``, ``run = []``) before ``loop``
    in the same block chain: what an accumulator starts from."""
    out: dict[str, Node] = {}
    for n in pytree.walk_local(fn):
        if n.start_byte >= loop.start_byte:
            break
        if n.type != "assignment" or n.parent is None or n.parent.type != "expression_statement":
            continue
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        literal = right is not None and (
            right.type in _EMPTY or text_of(right) in ("list()", "dict()", "set()")
        )
        if left is not None and left.type == "identifier" and literal:
            out[text_of(left)] = n.parent
    return out


def _root(target: Node) -> str:
    """The name an assignment target starts from (``total`` of ``total[k].x``)."""
    while target.type in ("attribute", "subscript"):
        target = target.child_by_field_name("object" if target.type == "attribute" else "value")
    return text_of(target)


def _emits(stmt: Node, name: str) -> bool:
    """Whether ``stmt`` hands ``name``'s value on to something else: ``out.append(f(name))``,
    ``total[k] = name``, ``yield name``."""
    reads = any(i.type == "identifier" and text_of(i) == name for i in pytree.walk_local(stmt))
    if not reads or stmt.type != "expression_statement" or not stmt.named_children:
        return False
    inner = stmt.named_children[0]
    if inner.type == "call":
        method = pytree.method_call(inner)
        return method is not None and method[1] in _EMITS and text_of(method[0]) != name
    if inner.type == "yield":
        return True
    if inner.type in _ASSIGNMENTS:
        left = inner.child_by_field_name("left")
        right = inner.child_by_field_name("right")
        return (
            left is not None
            and right is not None
            and _root(left) != name
            and any(i.type == "identifier" and text_of(i) == name for i in pytree.walk_local(right))
        )
    return False


def _resets(site: Site, loop: Node) -> list[tuple[Node, str]]:
    """(statement, initialiser) for each accumulator the loop grows, hands on, and never
    starts again: after the statement that hands it on, it should begin anew."""
    key = ("resets", loop.id)
    found = site.memo.get(key)
    if found is not None:
        return found
    found = []
    fn = pytree.enclosing(loop, ("function_definition",))
    body = loop.child_by_field_name("body")
    inits = _initialisers(fn, loop) if fn is not None and body is not None else {}
    for name, init in inits.items():
        grows = rebinds = False
        for n in pytree.walk_local(body):
            left = n.child_by_field_name("left") if n.type in _ASSIGNMENTS else None
            if left is not None and left.type == "identifier" and text_of(left) == name:
                grows |= n.type == "augmented_assignment"
                rebinds |= n.type == "assignment"
            method = pytree.method_call(n) if n.type == "call" else None
            if method is not None and text_of(method[0]) == name:
                grows |= method[1] in _EMITS
                rebinds |= method[1] in ("pop", "popleft", "clear")  # a worklist, emptied
        cond = loop.child_by_field_name("condition")
        if cond is not None and any(text_of(i) == name for i in pytree.walk_local(cond)):
            continue  # ``while todo:``: a worklist, not an accumulator
        if not grows or rebinds:
            continue
        for n in pytree.walk_local(body):
            if n.type == "expression_statement" and _emits(n, name):
                found.append((n, text_of(init)))
    site.memo[key] = found
    return found


def insert_reset(node: Node, site: Site) -> Iterator[Mutation]:
    """An accumulator the loop holding ``node`` grows and hands on (``out.append(int(digits))``)
    but never starts again: its initialiser inserted after the statement that hands it on."""
    loop = None
    n = node
    while n is not None and n.type not in _SCOPES:
        if n.type in ("for_statement", "while_statement"):
            loop = n
            break
        n = n.parent
    if loop is None:
        return
    for stmt, init in _resets(site, loop):
        indent = pytree.indent_of(site.data, stmt.start_byte)
        title = f"Insert `{short(init, 40)}` after line {site.line(stmt)} (start it again)"
        yield Mutation(
            "insert_reset", stmt.end_byte, stmt.end_byte, f"\n{indent}{init}", title, node
        )
