"""A table a method forgot to keep in step (``repair.insert_entry``).

A class that keeps its state in several tables (``self._stock = {}``, ``self._capacity =
{}``, ``self._applied = set()``) changes them together: adding a location records its
stock *and* its capacity; moving a message appends it to the new folder *and* records
where it now is; applying a schedule records the expenses *and* marks the item applied;
releasing a job pushes it onto the ready queue *and* takes it off the blocked table. The
line a method forgets is the write of the table it does not touch:

- the tables are the fields ``__init__`` starts as a container (``{}``, ``[]``, ``set()``,
  ``dict()``, ``defaultdict(list)``, ``deque()`` ...); a dict's writes are ``self.T[K] =
  V`` and ``del self.T[K]``, a set's ``.add(K)`` and ``.discard(K)``, a list's
  ``.append(K)`` and ``.remove(K)``, and the forms the class itself writes ``T`` with
  elsewhere (``self.T[K].append(V)``, ``self.T.remove(K)``);
- a method's candidates are the tables it never writes, those it reads first (``if key in
  self._applied``: the method checks the table, so it is likely the one to keep);
- the key is what the method looks the table up with (``self._blocked[other]``, ``key in
  self._applied``), then the names the statement reads, then the method's parameters; a
  dict's value is the parameter named like the table (``capacity`` for ``_capacity``),
  then the statement's other names.

Each candidate goes after a simple statement of the method (before it too, where the
statement opens its block or is a ``return``). Search only: the menu keeps its own families.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_state import methods, self_field
from sea_lsp.actions.repair_stmt import insertions, starts_line

_DICT_CALLS = frozenset({"dict", "defaultdict", "OrderedDict", "Counter"})
_SET_CALLS = frozenset({"set"})
_LIST_CALLS = frozenset({"list", "deque"})
_LITERALS = {"dictionary": "dict", "set": "set", "list": "list"}
# Methods that change a container in place: a call of one on ``self.T`` writes ``T``.
MUTATORS = frozenset(
    {"add", "discard", "remove", "append", "appendleft", "extend", "insert", "pop",
     "popleft", "popitem", "clear", "update", "setdefault", "__setitem__", "__delitem__"}
)  # fmt: skip
_ONE_ARGUMENT = frozenset({"add", "discard", "remove", "append", "appendleft", "pop"})
_FORMS = {
    "dict": ("{t}[{k}] = {v}", "del {t}[{k}]"),
    "set": ("{t}.add({k})", "{t}.discard({k})"),
    "list": ("{t}.append({k})", "{t}.remove({k})"),
}
_REMOVALS = ("del ", ".discard(", ".remove(", ".pop(", ".popleft(", ".popitem(", ".clear(")
MAX_TABLES = 4  # tables a statement may write
MAX_KEYS = 3
MAX_VALUES = 3
MAX_KEY_CHARS = 30


def _container_kind(value: Node | None) -> str | None:
    """``dict``/``set``/``list`` for an ``__init__`` value that starts a container."""
    if value is None:
        return None
    if value.type in _LITERALS:
        return _LITERALS[value.type]
    if value.type != "call":
        return None
    fn = value.child_by_field_name("function")
    name = text_of(fn).rsplit(".", 1)[-1] if fn is not None else ""
    if name in _DICT_CALLS:
        return "dict"
    if name in _SET_CALLS:
        return "set"
    if name in _LIST_CALLS:
        return "list"
    return None


def tables(site: Site, cls: Node) -> dict[str, str]:
    """The fields ``cls.__init__`` starts as a container: name -> ``dict``/``set``/``list``."""
    key = ("tables", cls.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    out: dict[str, str] = {}
    for fn in methods(cls):
        if text_of(fn.child_by_field_name("name")) != "__init__":
            continue
        for n in pytree.walk_local(fn):
            if n.type != "assignment":
                continue
            name = self_field(n.child_by_field_name("left"))
            kind = _container_kind(n.child_by_field_name("right"))
            if name and kind:
                out.setdefault(name, kind)
    site.memo[key] = out
    return out


def _write(n: Node) -> list[tuple[str, str]]:
    """(table, form) for each ``self`` field ``n`` writes in place: ``self.T[k] = v``
    (``{t}[{k}] = {v}``), ``del self.T[k]`` (each target of a ``del``), ``self.T.add(k)``,
    ``self.T[k].append(v)``; a plain ``self.T = ...`` (or a call such as ``.clear()``, that
    makes no key's form) is ``(T, "")``."""
    if n.type in ("assignment", "augmented_assignment"):
        left = n.child_by_field_name("left")
        if left is not None and left.type == "subscript":
            name = self_field(left.child_by_field_name("value"))
            if name and n.type == "assignment":
                return [(name, "{t}[{k}] = {v}")]
            return [(name, "")] if name else []
        name = self_field(left)
        return [(name, "")] if name else []
    if n.type == "delete_statement":
        out = []
        for target in n.named_children:
            for t in target.named_children if target.type == "expression_list" else [target]:
                name = self_field(t.child_by_field_name("value")) if t.type == "subscript" else None
                if name:
                    out.append((name, "del {t}[{k}]"))
        return out
    if n.type == "call":
        got = pytree.method_call(n)
        if got is None:
            return []
        obj, method = got
        name = self_field(obj)
        if name and method in MUTATORS:
            return [(name, ("{t}." + method + "({k})") if method in _ONE_ARGUMENT else "")]
        if obj.type == "subscript" and method in _ONE_ARGUMENT:  # ``self.T[k].append(v)``
            inner = self_field(obj.child_by_field_name("value"))
            if inner:
                return [(inner, "{t}[{k}]." + method + "({v})")]
    return []


def _writes(site: Site, scope: Node) -> dict[str, list[str]]:
    """table -> the forms ``scope`` writes it with (computed once per scope)."""
    key = ("table_writes", scope.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    out: dict[str, list[str]] = {}
    for n in pytree.walk(scope):
        for table, form in _write(n):
            forms = out.setdefault(table, [])
            if form and form not in forms:
                forms.append(form)
    site.memo[key] = out
    return out


_OWN_SCOPES = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension",
     "generator_expression", "lambda", "function_definition", "class_definition"}
)  # fmt: skip


def _local_nodes(fn: Node) -> Iterator[Node]:
    """``fn``'s subtree without nested scopes, comprehensions included: their loop names
    are theirs alone."""
    stack = [fn]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed([c for c in n.children if c.type not in _OWN_SCOPES]))


def _lookups(fn: Node, table: str) -> list[str]:
    """What ``fn`` looks ``self.table`` up with: ``self.T[k]``, ``k in self.T``,
    ``self.T.get(k)`` (short expressions only, outside comprehensions), in order."""
    out: dict[str, None] = {}
    for n in _local_nodes(fn):
        key: Node | None = None
        if n.type == "subscript" and self_field(n.child_by_field_name("value")) == table:
            key = n.child_by_field_name("subscript")
        elif n.type == "comparison_operator" and n.named_child_count == 2:
            ops = [c.type for c in n.children if not c.is_named]
            left, right = n.named_children
            if ops in (["in"], ["not", "in"], ["not in"]) and self_field(right) == table:
                key = left
        elif n.type == "call":
            got = pytree.method_call(n)
            args = n.child_by_field_name("arguments")
            if got and self_field(got[0]) == table and got[1] in ("get", "pop", "setdefault"):
                key = args.named_children[0] if args is not None and args.named_children else None
        if key is not None and key.type in ("identifier", "attribute"):
            text = text_of(key)
            if len(text) <= MAX_KEY_CHARS:
                out.setdefault(text, None)
    return list(out)


def _reads(node: Node) -> list[str]:
    """The plain names ``node`` reads, in order (not a call's function, an attribute's name,
    a keyword argument's name, or a name inside a comprehension or lambda)."""
    out: dict[str, None] = {}
    for n in _local_nodes(node):
        if n.type != "identifier" or n.parent is None:
            continue
        field = pytree.field_name(n)
        if n.parent.type == "call" and field == "function":
            continue
        if n.parent.type == "attribute" and field == "attribute":
            continue
        if n.parent.type == "keyword_argument" and field == "name":
            continue
        out.setdefault(text_of(n), None)
    return list(out)


def _like(name: str, table: str) -> bool:
    """Whether a name is the table's own (``capacity`` for ``_capacity``, ``price`` for
    ``prices``)."""
    bare = table.lstrip("_").lower()
    name = name.lower()
    return name == bare or name + "s" == bare or name + "es" == bare or name == bare + "s"


def _removes(form: str) -> bool:
    return any(r in form for r in _REMOVALS)


def _taken_from(fn: Node, table: str) -> set[str]:
    """Names ``fn`` sets from the table itself (``current = self._location[msg_id]``): writing
    one back would change nothing."""
    out: set[str] = set()
    for n in pytree.walk_local(fn):
        if n.type != "assignment":
            continue
        right = n.child_by_field_name("right")
        if right is not None and any(self_field(i) == table for i in pytree.walk(right)):
            out.update(pytree.target_names(n.child_by_field_name("left")))
    return out


def entries(site: Site, node: Node, fn: Node, cls: Node) -> list[tuple[str, float]]:
    """The table writes after ``node`` in method ``fn`` of ``cls`` with their weights,
    likeliest first: the tables the method reads, the keys it looks them up with, the
    value named like the table, a write before a removal."""
    known = tables(site, cls)
    if not known:
        return []
    own = _writes(site, fn)
    scope = set(site.value_names(node))
    params = [p for p in pytree.parameter_names(fn.child_by_field_name("parameters"))[1:]]
    names = [n for n in _reads(node) if n in scope and n != "self"]
    facts = site.memo.get(("table_facts", fn.id))
    if facts is None:  # what the method reads, looks up and takes from each table: once
        fn_reads = {name for n in pytree.walk_local(fn) if (name := self_field(n)) is not None}
        facts = site.memo[("table_facts", fn.id)] = (
            fn_reads,
            {t: (_lookups(fn, t), _taken_from(fn, t)) for t in known if t in fn_reads},
        )
    fn_reads, used = facts
    todo = [t for t in known if t not in own]
    todo.sort(key=lambda t: t not in fn_reads)  # stable: the tables the method reads first
    out: dict[str, float] = {}
    class_forms = _writes(site, cls)
    for table in todo[:MAX_TABLES]:
        kind = known[table]
        looked, taken = used.get(table, ([], set()))
        keys = [k for k in dict.fromkeys([*looked, *names, *params]) if k != "self"][:MAX_KEYS]
        like = [p for p in params if _like(p, table)]
        values = [v for v in dict.fromkeys([*like, *names, *params]) if v not in taken]
        forms = list(dict.fromkeys([*_FORMS[kind], *class_forms.get(table, [])]))
        w_table = 1.0 if table in fn_reads else 0.3
        target = f"self.{table}"
        for form in forms:
            w_form = 0.5 if _removes(form) else 1.0  # a removal after a write
            for ki, k in enumerate(keys):
                w_key = 1.0 if k in looked else 0.5 / (1 + ki)
                w = w_table * w_form * w_key
                if "{v}" not in form:
                    out.setdefault(form.format(t=target, k=k), w)
                    continue
                for vi, v in enumerate([v for v in values if v != k][:MAX_VALUES]):
                    w_value = 1.0 if v in like else 0.5 / (1 + vi)
                    out.setdefault(form.format(t=target, k=k, v=v), w * w_value)
    return sorted(out.items(), key=lambda kv: -kv[1])


def _opens_block(node: Node) -> bool:
    """Whether ``node`` is its block's first statement (comments aside)."""
    if node.parent is None or node.parent.type != "block":
        return False
    prev = node.prev_named_sibling
    while prev is not None and prev.type == "comment":
        prev = prev.prev_named_sibling
    return prev is None


def insert_entry(node: Node, site: Site) -> Iterator[Mutation]:
    """After (or before) a simple statement of a method: the write of a table of its class
    the method never writes (see the module docstring)."""
    if node.type not in ("expression_statement", "delete_statement", "return_statement"):
        return
    if not starts_line(site, node) or pytree.is_docstring(node):
        return
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None or text_of(fn.child_by_field_name("name")) == "__init__":
        return
    cls = pytree.enclosing(fn, ("class_definition", "function_definition"))
    params = pytree.parameter_names(fn.child_by_field_name("parameters"))
    if cls is None or cls.type != "class_definition" or params[:1] != ["self"]:
        return
    stmts = entries(site, node, fn, cls)
    if not stmts:
        return
    before = _opens_block(node) or node.type == "return_statement"
    after = node.type != "return_statement"
    for stmt, weight in stmts:
        for at, new_text, where in insertions(node, site, stmt):
            if (before and where.startswith("before")) or (after and where.startswith("after")):
                title = f"Insert `{stmt}` {where}"
                yield Mutation("insert_entry", at, at, new_text, title, node, weight=weight)
