"""An object's state a method changed only in part (``repair.insert_state``).

Where a statement sets an attribute (``task.status = RUNNING``, ``self.items = {}``), the
same step often has to change another one, and a forgotten one is a classic missing line:

- a **reset** of ``self``'s state (a field set to a plain value ``__init__`` also starts
  with) in a method other than ``__init__`` sets the other fields
  ``__init__`` starts with a plain value back to that value too (``self.items = {}`` in
  ``checkout``: ``self.coupon = None``), those the method does not set anywhere;
- a **counter** of the file (an attribute ``__init__`` starts at 0, 1 or -1, or one the file
  counts with ``+=`` / ``-=``) moves with the object's other changes
  (``task.status = RUNNING``: ``task.attempts += 1``), when the method does not change it
  already.

Each candidate goes right after the statement. Search only: the menu keeps its own families.

A counter is also the commonest line a method forgets whatever the statement before it is
(``repair.insert_counter``): the id taken from it and never advanced (``rid =
f"{self._next:04d}"``: ``self._next += 1``), the count of what was just added or removed
(``times.insert(pos, t)``: ``self.count += 1``; ``del parent[key]``: ``removed += 1``).
After each simple statement of a function, its counters the function never changes go up by
one: its class's (``__init__`` starts them at 0, 1 or -1, or the class counts them with
``+=`` / ``-=``) and its own (a local set once, to ``0``, and never changed), those the
statement reads first.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_stmt import insertions, starts_line

_PLAIN = frozenset(
    {"integer", "float", "string", "true", "false", "none", "list", "dictionary", "tuple", "set",
     "unary_operator"}
)  # fmt: skip
_EMPTY_CALLS = frozenset({"set()", "list()", "dict()", "tuple()"})
MAX_FIELDS = 8  # reset candidates per statement
MAX_COUNTERS = 4  # counters per statement (each ``+= 1`` and ``-= 1``)
MAX_VALUE_CHARS = 30


def _plain(value: Node) -> bool:
    """A value ``__init__`` may set back as is: a short literal (``0``, ``None``, ``[]``,
    ``{}``, ``""``) or an empty container call, no names in it."""
    text = text_of(value)
    if len(text) > MAX_VALUE_CHARS:
        return False
    if text in _EMPTY_CALLS:
        return True
    return value.type in _PLAIN and not any(n.type == "identifier" for n in pytree.walk(value))


def self_field(left: Node | None) -> str | None:
    """``X`` of ``self.X``."""
    if left is None or left.type != "attribute":
        return None
    obj, attr = left.child_by_field_name("object"), left.child_by_field_name("attribute")
    if obj is None or attr is None or obj.type != "identifier" or text_of(obj) != "self":
        return None
    return text_of(attr)


def methods(cls: Node) -> Iterator[Node]:
    """The functions of a class's body, decorated ones included."""
    body = cls.child_by_field_name("body")
    for item in body.named_children if body is not None else []:
        fn = item.child_by_field_name("definition") if item.type == "decorated_definition" else item
        if fn is not None and fn.type == "function_definition":
            yield fn


def _assignments(scope: Node) -> Iterator[Node]:
    for n in pytree.walk_local(scope):
        if n.type in ("assignment", "augmented_assignment"):
            yield n


def init_fields(site: Site, cls: Node) -> dict[str, str]:
    """The fields ``cls.__init__`` starts with a plain value: name -> its text, in order."""
    key = ("init_fields", cls.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    out: dict[str, str] = {}
    for fn in methods(cls):
        if text_of(fn.child_by_field_name("name")) != "__init__":
            continue
        for n in _assignments(fn):
            name = self_field(n.child_by_field_name("left"))
            value = n.child_by_field_name("right")
            if n.type == "assignment" and name and value is not None and _plain(value):
                out.setdefault(name, text_of(value))
    site.memo[key] = out
    return out


def counters(site: Site) -> list[str]:
    """The file's counters: attributes an ``__init__`` starts at 0, 1 or -1, then those
    the file changes with ``+=`` / ``-=`` (computed once per file)."""
    key = ("counters",)
    got = site.memo.get(key)
    if got is not None:
        return got
    out: dict[str, None] = {}
    for n in pytree.walk(site.tree.root_node):
        if n.type == "class_definition":
            for name, value in init_fields(site, n).items():
                if value in ("0", "1", "-1"):  # a count, not a size (``self.width = 80``)
                    out.setdefault(name, None)
    for n in pytree.walk(site.tree.root_node):
        if n.type != "augmented_assignment":
            continue
        left, op = n.child_by_field_name("left"), n.child_by_field_name("operator")
        if left is not None and left.type == "attribute" and text_of(op) in ("+=", "-="):
            attr = left.child_by_field_name("attribute")
            if attr is not None:
                out.setdefault(text_of(attr), None)
    got = site.memo[key] = list(out)
    return got


def _changed(site: Site, fn: Node) -> set[str]:
    """``obj.X`` targets ``fn`` assigns or changes anywhere (computed once per function)."""
    key = ("changed", fn.id)
    got = site.memo.get(key)
    if got is None:
        got = site.memo[key] = set()
        for n in _assignments(fn):
            left = n.child_by_field_name("left")
            if left is not None and left.type == "attribute":
                got.add(text_of(left))
    return got


def class_counters(site: Site, cls: Node) -> list[str]:
    """``cls``'s counters: fields ``__init__`` starts at 0, 1 or -1, then those the class
    changes with ``self.X += `` / ``-=`` (computed once per class)."""
    key = ("class_counters", cls.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    out = {f: None for f, v in init_fields(site, cls).items() if v in ("0", "1", "-1")}
    for n in pytree.walk(cls):
        if n.type == "augmented_assignment" and text_of(n.child_by_field_name("operator")) in (
            "+=",
            "-=",
        ):
            name = self_field(n.child_by_field_name("left"))
            if name:
                out.setdefault(name, None)
    got = site.memo[key] = list(out)
    return got


_BINDERS = frozenset(
    {"as_pattern_target", "named_expression", "delete_statement", "import_statement",
     "import_from_statement"}
)  # fmt: skip


_SET_ONCE = ("0", "False", "True")  # a count, a flag


def set_once(site: Site, fn: Node) -> dict[str, tuple[str, int]]:
    """``fn``'s own counters and flags: name -> (its value, the end of its one assignment),
    where the one assignment sets it to ``0``, ``False`` or ``True`` and ``fn`` binds the
    name nowhere else (no other assignment, loop or ``with``/``except`` target, parameter,
    import or ``del``; not shared by ``global``/``nonlocal``, its nested functions'
    included) (computed once per function)."""
    key = ("set_once", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    once: dict[str, tuple[str, int]] = {}
    other = set(pytree.parameter_names(fn.child_by_field_name("parameters")))
    other |= pytree.declared_shared(fn, nested=True)
    for n in pytree.walk_local(fn):
        if n.type in ("assignment", "augmented_assignment", "for_statement"):
            left = n.child_by_field_name("left")
            right = n.child_by_field_name("right")
            simple = n.type == "assignment" and left is not None and left.type == "identifier"
            if simple and right is not None and text_of(right) in _SET_ONCE:
                name = text_of(left)
                if name in once:
                    other.add(name)
                once[name] = (text_of(right), n.end_byte)
            else:
                other.update(pytree.target_names(left))
        elif n.type in _BINDERS:  # every name in them: a module's or a target's, no counter
            target = n.child_by_field_name("name") if n.type == "named_expression" else n
            other.update(text_of(i) for i in pytree.walk(target) if i.type == "identifier")
    got = site.memo[key] = {k: v for k, v in once.items() if k not in other}
    return got


MAX_ADDENDS = 2  # amounts per accumulator
MAX_ADDEND_CHARS = 40


_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension",
     "generator_expression", "lambda", "function_definition", "class_definition"}
)  # fmt: skip


def addends(site: Site, fn: Node) -> dict[str, list[str]]:
    """What ``fn`` adds to each name without keeping it (``used + track.seconds`` in a
    test): name -> the other operand of each ``name + e`` / ``e + name`` outside
    comprehensions and nested scopes (their names are theirs alone), at most
    ``MAX_ADDENDS`` each (computed once per function)."""
    key = ("addends", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    out: dict[str, dict[str, None]] = {}
    stack = list(reversed(fn.children))
    while stack:  # in source order
        n = stack.pop()
        stack.extend(reversed([c for c in n.children if c.type not in _COMPREHENSIONS]))
        if n.type != "binary_operator" or text_of(n.child_by_field_name("operator")) != "+":
            continue
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        if left is None or right is None:
            continue
        for mine, other in ((left, right), (right, left)):
            if mine.type == "identifier":
                text = text_of(other)
                if len(text) <= MAX_ADDEND_CHARS and "\n" not in text and text != "1":
                    out.setdefault(text_of(mine), {}).setdefault(text, None)
    got = site.memo[key] = {k: list(v)[:MAX_ADDENDS] for k, v in out.items()}
    return got


def _reads(node: Node) -> set[str]:
    """The names and attribute chains ``node`` mentions (``self.count``, ``n``)."""
    return {text_of(n) for n in pytree.walk(node) if n.type in ("identifier", "attribute")}


def insert_counter(node: Node, site: Site) -> Iterator[Mutation]:
    """After a simple statement of a function: its counters it never changes, up by one
    (and by what the function adds to them without keeping it), and its flags it never
    changes, flipped (see the module docstring); at most ``MAX_COUNTERS`` of each, those
    the statement reads first."""
    if node.type not in ("expression_statement", "delete_statement"):
        return
    if not starts_line(site, node) or pytree.is_docstring(node):
        return
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    mine = {n: v for n, (v, end) in set_once(site, fn).items() if end <= node.start_byte}
    names = [n for n, v in mine.items() if v == "0"]
    cls = pytree.enclosing(fn, ("class_definition", "function_definition"))
    params = pytree.parameter_names(fn.child_by_field_name("parameters"))
    if cls is not None and cls.type == "class_definition" and params[:1] == ["self"]:
        changed = _changed(site, fn)
        names += [f"self.{c}" for c in class_counters(site, cls) if f"self.{c}" not in changed]
    flags = [n for n, v in mine.items() if v != "0"]
    reads = _reads(node)
    names.sort(key=lambda c: c not in reads)  # stable: the ones the statement reads first
    flags.sort(key=lambda c: c not in reads)
    stmts: list[str] = []
    for c in names[:MAX_COUNTERS]:
        stmts.append(f"{c} += 1")
        if c in mine:
            stmts += [f"{c} += {e}" for e in addends(site, fn).get(c, [])]
    stmts += [f"{f} = {'False' if mine[f] == 'True' else 'True'}" for f in flags[:MAX_COUNTERS]]
    for stmt in stmts:
        for at, new_text, where in insertions(node, site, stmt):
            if where.startswith("after"):
                yield Mutation("insert_counter", at, at, new_text, f"Insert `{stmt}` {where}", node)


def insert_state(node: Node, site: Site) -> Iterator[Mutation]:
    """After a statement setting ``obj.attr``: the other fields of ``self`` reset with it,
    and the file's counters of ``obj`` moved (see the module docstring)."""
    if node.type != "expression_statement" or not starts_line(site, node):
        return
    change = node.named_children[0] if node.named_child_count == 1 else None
    if change is None or change.type not in ("assignment", "augmented_assignment"):
        return
    left = change.child_by_field_name("left")
    if left is None or left.type != "attribute":
        return
    obj = left.child_by_field_name("object")
    if obj is None or obj.type != "identifier":
        return
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    owner = text_of(obj)
    changed = _changed(site, fn)
    stmts: list[str] = []
    cls = pytree.enclosing(fn, ("class_definition", "function_definition"))
    name = text_of(fn.child_by_field_name("name"))
    resets = owner == "self" and change.type == "assignment" and name != "__init__"
    if resets and cls is not None and cls.type == "class_definition":
        fields = init_fields(site, cls)
        value = change.child_by_field_name("right")
        plain = value is not None and _plain(value)
        if plain and self_field(left) in fields:  # a reset: the statement sets a field back
            todo = [f"self.{f} = {v}" for f, v in fields.items() if f"self.{f}" not in changed]
            stmts += todo[:MAX_FIELDS]
    moved = [c for c in counters(site) if f"{owner}.{c}" not in changed][:MAX_COUNTERS]
    stmts += [f"{owner}.{c} {op} 1" for c in moved for op in ("+=", "-=")]
    for stmt in stmts:
        for at, new_text, where in insertions(node, site, stmt):
            if where.startswith("after"):
                yield Mutation("insert_state", at, at, new_text, f"Insert `{stmt}` {where}", node)
