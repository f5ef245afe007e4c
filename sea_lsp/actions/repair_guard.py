"""Synthesised guards: the case a function forgot (``repair.insert_guard``, ``repair.wrap_if``).

A missing case is the commonest bug no single token edit reaches: the early exit a function
lacks (``if old == new: return grid``), the loop iteration it should skip (``if x == 0:
continue``), the statements that must only run sometimes (``if items: items[0] = last``).
The parts are taken from where the fix most likely gets them, nearest first:

- **conditions**: the ones the function already tests (``if``/``elif``/``while`` conditions
  and comparisons, as they are and negated), then the names the statement assigns or reads
  against zero, ``None``, emptiness, 1, and against the other names in scope;
- **exits**: the function's own ``return`` statements, ``return`` with a name the statement
  touches, ``continue``/``break`` inside a loop, the file's own ``raise`` statements; and,
  as a guarded body that is not an exit, a one-line call statement the function makes
  elsewhere (``if n > 1: factors.append(n)``).

Each statement gets a bounded number of guards (``MAX_GUARDS``, ``MAX_WRAPS``), most likely
first, so a line's guards cost the search a known share of its budget.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from itertools import chain as chain_iter
from typing import Any

from tree_sitter import Node

from sea_lsp.actions import pytree, repair_shapes
from sea_lsp.actions.pytree import LOOPS, text_of
from sea_lsp.actions.repair_shapes import ShapePrior
from sea_lsp.actions.repair_site import Mutation, Site, short
from sea_lsp.actions.repair_stmt import insertions, name_kinds, starts_line

MAX_GUARDS = 48  # per insertion point (before / after a statement)
MAX_WRAPS = 24  # per statement
MAX_UPDATES = 32  # per insertion point
MAX_CONDITION_CHARS = 60
MAX_ACTIONS = 12  # guarded bodies that are not exits, per statement
RETURN_CONSTANTS = ("None", "0", "[]", "-1", "False", "True", '""', "{}")
# a base case's value (``if exp == 0: return 1``), offered only in a function that calls
# itself: elsewhere it would push real guards out of an insertion point's kept pairs (2 of
# the mined fixes' guards)
BASE_CASE_CONSTANTS = ("1",)
_COMPOUND_NEEDS_PARENS = ("boolean_operator", "conditional_expression", "lambda", "not_operator")


def _function_of(node: Node, site: Site) -> Node | None:
    """The function whose body holds statement ``node`` (which must start its line and not
    be an ``elif``): where a guard or an update may go; None elsewhere."""
    if node.type == "elif_clause" or not starts_line(site, node):
        return None
    return pytree.enclosing(node, ("function_definition",))


def _around(
    node: Node, site: Site, family: str, text: str, shown: str, after: bool
) -> Iterator[Mutation]:
    """``text`` inserted before ``node``, and after it unless ``after`` is false."""
    for offset, new_text, where in insertions(node, site, text):
        if after or where.startswith("before"):
            yield Mutation(family, offset, offset, new_text, f"Insert {shown} {where}", node)


def _one_liners(site: Site, scope: Node, types: tuple[str, ...]) -> list[str]:
    """The distinct one-line statements of ``types`` under ``scope`` (under 80 bytes), in
    source order; computed once per scope and types."""
    key = ("one_liners", scope.id, types)
    found = site.memo.get(key)
    if found is None:
        seen: dict[str, None] = {}
        for n in pytree.walk(scope):
            if n.type in types and n.start_point.row == n.end_point.row and len(n.text or b"") < 80:
                seen.setdefault(text_of(n), None)
        found = site.memo[key] = list(seen)
    return found


def _indent_unit(site: Site, node: Node) -> str:
    """The indentation one block adds in this file (from the statement's own block)."""
    block = node.parent
    owner = block.parent if block is not None else None
    if block is not None and block.type == "block" and owner is not None:
        inner = pytree.indent_of(site.data, node.start_byte)
        outer = pytree.indent_of(site.data, owner.start_byte)
        if inner.startswith(outer) and len(inner) > len(outer):
            return inner[len(outer) :]
    return "\t" if pytree.indent_of(site.data, node.start_byte).startswith("\t") else "    "


def _negated(cond: Node) -> str:
    text = text_of(cond)
    if cond.type == "not_operator":
        inner = cond.child_by_field_name("argument")
        return text_of(inner) if inner is not None else f"not ({text})"
    if cond.type in _COMPOUND_NEEDS_PARENS or cond.type == "comparison_operator":
        return f"not ({text})"
    return f"not {text}"


def mined_conditions(site: Site, fn: Node) -> list[str]:
    """The conditions ``fn`` already tests, as they are and negated, in source order."""
    memo = site.memo.get(("conditions", fn.id))
    if memo is not None:
        return memo
    found: dict[str, None] = {}
    for n in pytree.walk(fn):
        cond = None
        if n.type in ("if_statement", "elif_clause", "while_statement"):
            cond = n.child_by_field_name("condition")
        elif n.type == "comparison_operator" and n.parent is not None:
            cond = n if n.parent.type not in ("if_statement", "elif_clause") else None
        if cond is None or cond.start_point.row != cond.end_point.row:
            continue
        text = text_of(cond)
        if len(text) <= MAX_CONDITION_CHARS:
            found.setdefault(text, None)
            found.setdefault(_negated(cond), None)
    site.memo[("conditions", fn.id)] = out = list(found)
    return out


MAX_FILE_CONDITIONS = 12  # conditions of the file's other functions, per statement


def _file_condition_table(site: Site) -> list[tuple[int, int, str, str, frozenset[str]]]:
    """Every one-line ``if``/``elif``/``while`` condition of the file (at most
    ``MAX_CONDITION_CHARS``): its row, its function's id (-1 at module level), the condition
    and its negation, and the names it needs in scope; computed once per file."""
    got = site.memo.get("file_conditions")
    if got is None:
        got = []
        for n in pytree.walk(site.tree.root_node):
            if n.type not in ("if_statement", "elif_clause", "while_statement"):
                continue
            cond = n.child_by_field_name("condition")
            if cond is None or cond.start_point.row != cond.end_point.row:
                continue
            text = text_of(cond)
            if len(text) > MAX_CONDITION_CHARS:
                continue
            fn = pytree.enclosing(n, ("function_definition",))
            fid = fn.id if fn is not None else -1
            got.append((cond.start_point.row, fid, text, _negated(cond), _free_names(cond)))
        site.memo["file_conditions"] = got
    return got


def _free_names(cond: Node) -> frozenset[str]:
    """The names ``cond`` reads from its scope (not attribute or keyword names, not the
    names a comprehension or lambda inside it binds: those make it not transplantable)."""
    out: set[str] = set()
    for n in pytree.walk(cond):
        if n.type in ("lambda", "list_comprehension", "generator_expression"):
            return frozenset({"<bound>"})
        if n.type != "identifier" or n.parent is None:
            continue
        p = n.parent
        if p.type == "attribute" and p.child_by_field_name("attribute") == n:
            continue
        if p.type == "keyword_argument" and p.child_by_field_name("name") == n:
            continue
        out.add(text_of(n))
    return frozenset(out)


def file_conditions(site: Site, stmt: Node, fn: Node) -> list[str]:
    """The conditions the file's other functions test whose names are all in scope at
    ``stmt``, nearest first, each as it is and negated (``MAX_FILE_CONDITIONS`` of them):
    the check a sibling method makes (``if self.closed``, ``if not isinstance(x, str)``,
    ``if key not in self._data``) is the commonest guard a function forgot that no
    name-by-name template makes (a third of the standard library's exit guards outside
    ``guard_conditions`` are tested elsewhere in their file)."""
    scope = set(site.scope(stmt))
    row = stmt.start_point.row
    own = set(mined_conditions(site, fn))
    found = sorted(
        (abs(r - row), text, neg)
        for r, fid, text, neg, names in _file_condition_table(site)
        if fid != fn.id and names <= scope and text not in own
    )
    out: dict[str, None] = {}
    for _, text, neg in found:
        if text not in out:
            out.update(dict.fromkeys((text, neg)))
            if len(out) >= 2 * MAX_FILE_CONDITIONS:
                break
    return list(out)


MAX_TRANSPLANTS = 6  # whole guards of the file's other functions, per statement
_BUILTINS = frozenset(dir(builtins))


def _file_guard_table(site: Site) -> list[tuple[int, int, str, str, frozenset[str]]]:
    """Every two-line guard (``if COND:`` and one simple statement, no ``else``) in a
    function of the file: its row, its function's id, condition, body and the names it
    needs in scope; computed once per file."""
    got = site.memo.get("file_guards")
    if got is None:
        got = []
        for n in pytree.walk(site.tree.root_node):
            parts = two_line_guard(n)
            fn = pytree.enclosing(n, ("function_definition",)) if parts is not None else None
            if parts is not None and fn is not None:
                cond, body = map(text_of, parts)
                got.append((n.start_point.row, fn.id, cond, body, _free_names(n)))
        site.memo["file_guards"] = got
    return got


def two_line_guard(node: Node) -> tuple[Node, Node] | None:
    """(condition, statement) when ``node`` is ``if COND:`` on one line and one simple
    statement on the next, with no ``else``; None otherwise."""
    if node.type != "if_statement" or node.child_by_field_name("alternative") is not None:
        return None
    cond, block = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
    if cond is None or block is None or len(block.named_children) != 1:
        return None
    if node.end_point.row != node.start_point.row + 1 or cond.end_point.row != cond.start_point.row:
        return None
    return cond, block.named_children[0]


def transplants(site: Site, stmt: Node, fn: Node) -> list[tuple[str, str]]:
    """The guards (condition, body) of the file's other functions whose names are all in
    scope at ``stmt``, nearest first (``MAX_TRANSPLANTS``): a function that lacks the check
    its siblings make (``if self.closed: raise ValueError(...)``). In the standard library
    7 % of two-line guards are, condition and body, a guard of another function of their
    file, at under three such guards a place."""
    scope = set(site.scope(stmt)) | _BUILTINS
    row = stmt.start_point.row
    found = sorted(
        (abs(r - row), cond, body)
        for r, fid, cond, body, names in _file_guard_table(site)
        if fid != fn.id and names <= scope
    )
    return list(dict.fromkeys((cond, body) for _, cond, body in found))[:MAX_TRANSPLANTS]


def _unary(x: str) -> list[str]:
    return [
        f"not {x}", f"{x} is None", f"{x} == 0", f"{x} < 0", f"{x} <= 1", f"{x} > 1",
        f"len({x}) <= 1", f"{x} < 1",
    ]  # fmt: skip


def focus_names(site: Site, stmt: Node, fn: Node) -> tuple[list[str], list[str]]:
    """The names a guard near ``stmt`` most likely tests: what it assigns, then what it
    reads and the function's parameters (at most five in all)."""
    scope = set(site.value_names(stmt))
    assigned = [n for n in pytree.assigned_names(stmt) if n in scope]
    out: dict[str, None] = dict.fromkeys(assigned)
    for n in pytree.walk(stmt):
        if n.type == "identifier" and text_of(n) in scope:
            out.setdefault(text_of(n), None)
    out.update(dict.fromkeys(pytree.parameter_names(fn.child_by_field_name("parameters"))))
    out.pop("self", None)
    return assigned, list(out)[:5]


def guard_conditions(site: Site, stmt: Node, fn: Node) -> list[str]:
    """Every condition of a guard at ``stmt``: ``own_conditions``, then the other
    functions' (``file_conditions``) that are not among them."""
    return conditions_and_filed(site, stmt, fn)[0]


def conditions_and_filed(site: Site, stmt: Node, fn: Node) -> tuple[list[str], set[str]]:
    """``guard_conditions``, and which of them only ``file_conditions`` makes (computed
    once per statement)."""
    key = ("guard_conditions", stmt.id)
    got = site.memo.get(key)
    if got is None:
        own = own_conditions(site, stmt, fn)
        seen = set(own)
        filed = [c for c in file_conditions(site, stmt, fn) if c not in seen]
        got = site.memo[key] = (own + filed, set(filed))
    return list(got[0]), got[1]


def own_conditions(site: Site, stmt: Node, fn: Node) -> list[str]:
    """Most likely first: the names ``stmt`` assigns tested alone and against the
    parameters; the function's own conditions; the other focus names tested alone; the
    first two focus names against the other names in scope; then ``wider_conditions``."""
    assigned, focus = focus_names(site, stmt, fn)
    params = pytree.parameter_names(fn.child_by_field_name("parameters"))
    out: dict[str, None] = {}
    for x in assigned:
        out.update(dict.fromkeys(_unary(x)))
        out.update(dict.fromkeys(f"{x} == {p}" for p in params if p not in (x, "self")))
    out.update(dict.fromkeys(mined_conditions(site, fn)))
    for x in focus:
        out.update(dict.fromkeys(_unary(x)))
    # the statement's own names first (``new == old`` beside ``new = mapping[old]``), then
    # the names in scope nearest first
    others = list(dict.fromkeys([*focus[1:4], *site.value_names(stmt)[:6]]))
    for x in focus[:2]:
        for y in others:
            if y != x:
                out.update(dict.fromkeys((f"{x} == {y}", f"{x} > {y}", f"{x} not in {y}")))
    out.update(dict.fromkeys(wider_conditions(site, stmt, fn, focus, others)))
    return list(out)


_CONTAINERS = ("list", "set", "dict", "str")
MAX_NEAR_NAMES = 6  # names of the function beyond the focus tested for truth and None
MAX_ATTRIBUTES = 6  # attributes (``self.closed``, ``node.left``) tested for truth and None


def wider_conditions(
    site: Site, stmt: Node, fn: Node, focus: list[str], others: list[str]
) -> list[str]:
    """The shapes real guards test that the focus tests above miss (the commonest exit-guard
    conditions of the standard library, ``sea-lsp shapes``): a name's truth and
    ``is not None``; more constants (``<= 0``, ``== 1``, ``len(x) == 0``); the other names
    the function reads near the statement; attributes it reads (``self.closed``,
    ``node.left is None``); ``isinstance`` with the classes the file checks and the built-in types it names most
    (``not isinstance(raw, str)``); and the first
    two focus names ordered against, contained in or identical to the other names. The
    learned guard prior decides which of them an insertion point keeps."""
    kinds = name_kinds(site, fn)
    out: dict[str, None] = {}
    for x in focus:
        kind = kinds.get(x, "?")
        out.update(dict.fromkeys((x, f"{x} is not None")))
        if kind not in _CONTAINERS:
            out.update(dict.fromkeys((f"{x} <= 0", f"{x} == 1", f"{x} == -1")))
        if kind != "num":
            out.update(dict.fromkeys((f"len({x}) == 0", f"len({x}) == 1")))
    for x in _near_names(site, stmt, fn, set(focus)):
        out.update(dict.fromkeys((f"not {x}", x, f"{x} is None", f"{x} is not None")))
    for a in _read_attributes(site, fn, focus):
        out.update(dict.fromkeys((a, f"not {a}", f"{a} is None", f"{a} is not None")))
    for t in _checked_classes(site) + _builtin_types(site):
        for x in focus[:2]:
            out.update(dict.fromkeys((f"not isinstance({x}, {t})", f"isinstance({x}, {t})")))
    for x in focus[:2]:
        for y in others:
            if y == x:
                continue
            out.update(dict.fromkeys((f"{x} != {y}", f"{x} < {y}", f"{x} >= {y}")))
            if kinds.get(y, "?") != "num":
                out[f"{x} in {y}"] = None
            out[f"{x} is {y}"] = None
    return list(out)


def _attribute_reads(site: Site, fn: Node) -> list[tuple[str, str]]:
    """The ``obj.attr`` reads on a plain name (not called) in ``fn``'s own scope, as
    (object, text), in source order; kept per function (every statement of it asks)."""
    key = ("attribute_reads", fn.id)
    got = site.memo.get(key)
    if got is None:
        got = []
        for n in pytree.walk_local(fn):
            if n.type == "attribute" and (n.parent is None or n.parent.type != "call"):
                obj = n.child_by_field_name("object")
                if obj is not None and obj.type == "identifier":
                    got.append((text_of(obj), text_of(n)))
        site.memo[key] = got
    return got


def _near_names(site: Site, stmt: Node, fn: Node, skip: set[str]) -> list[str]:
    """Names in scope that ``fn`` reads, nearest to ``stmt`` first (``skip`` left out)."""
    scope = set(site.value_names(stmt)) - skip - {"self", "cls"}
    row = stmt.start_point.row
    rows = site.name_rows(fn)
    where = {name: min(abs(r - row) for r in at) for name, at in rows.items() if name in scope}
    return sorted(where, key=lambda k: where[k])[:MAX_NEAR_NAMES]


def _read_attributes(site: Site, fn: Node, focus: list[str]) -> list[str]:
    """``obj.attr`` the function reads on ``self`` or a focus name, in source order."""
    owners = {*focus, "self"}
    found: dict[str, None] = {}
    for obj, text in _attribute_reads(site, fn):
        if obj in owners:
            found.setdefault(text, None)
            if len(found) == MAX_ATTRIBUTES:
                break
    return list(found)


def _checked_classes(site: Site) -> list[str]:
    """The classes the file passes to ``isinstance`` (first three), computed once per file."""
    got = site.memo.get("checked_classes")
    if got is None:
        seen: dict[str, None] = {}
        for n in pytree.walk(site.tree.root_node):
            if n.type == "call" and text_of(n.child_by_field_name("function")) == "isinstance":
                args = n.child_by_field_name("arguments")
                named = args.named_children if args is not None else []
                if len(named) == 2 and named[1].type in ("identifier", "attribute"):
                    seen.setdefault(text_of(named[1]), None)
        got = site.memo["checked_classes"] = list(seen)[:3]
    return got


BUILTIN_TYPES = ("str", "list", "dict", "tuple", "bytes", "int", "float", "set")
MAX_BUILTIN_TYPES = 2  # built-in types a guard may test a focus name against


def _builtin_types(site: Site) -> list[str]:
    """The built-in types the file names most (``str(v)``, ``-> list``, ``isinstance(x,
    bytes)``), at most ``MAX_BUILTIN_TYPES``, not those ``_checked_classes`` gives already:
    what a value's type guard (``if not isinstance(raw, str): return raw``) tests against.
    Computed once per file."""
    got = site.memo.get("builtin_types")
    if got is None:
        counts: dict[str, int] = {}
        for n in pytree.walk(site.tree.root_node):
            if n.type == "identifier" and (t := text_of(n)) in BUILTIN_TYPES:
                counts[t] = counts.get(t, 0) + 1
        checked = set(_checked_classes(site))
        ranked = sorted((t for t in counts if t not in checked), key=lambda t: -counts[t])
        got = site.memo["builtin_types"] = ranked[:MAX_BUILTIN_TYPES]
    return got


def _recursive(site: Site, fn: Node) -> bool:
    """``fn`` calls itself (kept per function)."""
    key = ("calls_itself", fn.id)
    got = site.memo.get(key)
    if got is None:
        got = site.memo[key] = pytree.calls_itself(fn)
    return got


def exits(site: Site, stmt: Node, fn: Node) -> list[str]:
    """How a guard leaves: the function's own returns, ``continue``/``break`` in a loop,
    ``return`` (with a focus name), the file's raises, then a call the function makes."""
    out: dict[str, None] = {}
    loop = pytree.enclosing(stmt, (*LOOPS, "function_definition"))
    if loop is not None and loop.type in LOOPS:
        out.update(dict.fromkeys(("continue", "break")))
    out.update(dict.fromkeys(_one_liners(site, fn, ("return_statement",))[:3]))
    out.setdefault("return", None)
    focus = focus_names(site, stmt, fn)[1]
    for x in focus[:2]:
        out.setdefault(f"return {x}", None)
    if pytree.enclosing(stmt, ("except_clause", "function_definition")).type == "except_clause":
        out.setdefault("raise", None)
    raises = _one_liners(site, site.tree.root_node, ("raise_statement",))
    out.update(dict.fromkeys(raises[:2]))
    out.update(dict.fromkeys(f"return {c}" for c in RETURN_CONSTANTS))
    if _recursive(site, fn):
        out.update(dict.fromkeys(f"return {c}" for c in BASE_CASE_CONSTANTS))
    out.update(dict.fromkeys(f"raise {e}" for e in _exception_types(raises)))
    calls = [
        s
        for s in _one_liners(site, fn, ("expression_statement",))
        if "(" in s and "=" not in s.split("(")[0]
    ]
    out.update(dict.fromkeys(calls[:3]))
    for x in focus[2:4]:
        out.setdefault(f"return {x}", None)
    name = text_of(fn.child_by_field_name("name"))
    if name.startswith("__") and name.endswith("__"):  # ``__eq__`` on a foreign type
        out.setdefault("return NotImplemented", None)
    return list(out)


def actions(site: Site, stmt: Node, fn: Node) -> list[str]:
    """Guarded bodies that are not exits, from what the names hold: a focus name appended
    to one of the function's lists (``if n > 1: factors.append(n)``), a counter of the
    function's counted (``if ch == c: count += 1``), a focus name taking another's value
    (``if v > best: best = v``)."""
    kinds = name_kinds(site, fn)
    assigned, focus = focus_names(site, stmt, fn)
    lists = [n for n, k in kinds.items() if k == "list"][:3]
    out: dict[str, None] = {}
    for lst in lists:
        out.update(dict.fromkeys(f"{lst}.append({x})" for x in focus[:3] if x != lst))
    out.update(dict.fromkeys(f"{n} += 1" for n, k in kinds.items() if k == "num"))
    own = [x for x in focus if kinds.get(x) in ("?", "num", "str")]
    for x in own[:3]:
        out.update(dict.fromkeys(f"{x} = {y}" for y in focus[:4] if y != x))
    return list(out)[:MAX_ACTIONS]


def _exception_types(raises: list[str]) -> list[str]:
    """The exception classes the file raises, then ``ValueError``: a guard that raises one
    (whatever its message) is what a test of an invalid input expects."""
    out: dict[str, None] = {}
    for r in raises:
        name = r.removeprefix("raise").strip().split("(")[0].strip()
        if name.isidentifier():
            out.setdefault(name, None)
    out.setdefault("ValueError", None)
    return list(out)[:3]


def _interleave(
    conds: list[str], bodies: list, limit: int, stride: int = 4
) -> list[tuple[str, Any]]:
    """(condition, body) pairs, the i-th condition with the j-th body in order of
    i + stride * j (both lists most likely first; the first bodies are by far the most
    likely, so conditions advance faster), at most ``limit``."""
    pairs = [(i + stride * j, i, j) for i in range(len(conds)) for j in range(len(bodies))]
    pairs.sort()
    return [(conds[i], bodies[j]) for _, i, j in pairs[:limit]]


def insert_guard(node: Node, site: Site, prior: ShapePrior | None = None) -> Iterator[Mutation]:
    """``if COND: BODY`` inserted before and after a statement of a function body. Where
    the search weighs candidates, the bodies include ``actions`` and each insertion point
    keeps the ``MAX_GUARDS`` likeliest pairs by the learned guard prior (``repair_shapes``);
    otherwise the first ``MAX_GUARDS`` exits and conditions, interleaved in source order."""
    fn = _function_of(node, site)
    if fn is None:
        return
    conds, filed = conditions_and_filed(site, node, fn)
    bodies = exits(site, node, fn)
    indent = pytree.indent_of(site.data, node.start_byte) + _indent_unit(site, node)
    if prior is None and site.weigh:
        prior = repair_shapes.default_prior()
    if prior is not None and prior.knows("guard"):
        extra = [b for b in actions(site, node, fn) if b not in bodies]
        parts = (bodies, extra, filed)
        yield from _weighed_guards(node, site, fn, prior, conds, parts, indent)
        return
    after = node.type != "return_statement"
    pairs = transplants(site, node, fn)
    pairs += [p for p in _interleave(conds, bodies, MAX_GUARDS) if p not in pairs]
    for cond, body in pairs:
        shown = f"`if {short(cond, 30)}: {short(body, 20)}`"
        text = f"if {cond}:\n{indent}{body}"
        yield from _around(node, site, "insert_guard", text, shown, after)


def guard_pairs(
    ctx: repair_shapes.Context,
    prior: ShapePrior,
    conds: list[str],
    bodies: list[str],
    mined,
    filed=(),
) -> list[tuple[float, str, str]]:
    """Every (condition, body) pair with its weight at ``ctx``, heaviest first (ties in
    condition-major order)."""
    weights = repair_shapes.guard_weights(prior, ctx, conds, bodies, mined, filed)
    pairs = ((c, b) for c in conds for b in bodies)
    scored = [(w, i, c, b) for i, (w, (c, b)) in enumerate(zip(weights, pairs, strict=True))]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [(w, c, b) for w, _, c, b in scored]


def _weighed_guards(
    node: Node, site: Site, fn: Node, prior: ShapePrior, conds, parts, indent: str
) -> Iterator[Mutation]:
    """The ``MAX_GUARDS`` heaviest pairs of each insertion point, then the rest of the
    first ``MAX_GUARDS`` in source order (``parts``: the exits, the extra actions, and the
    conditions only the file's other functions give)."""
    exits_, extra, filed = parts
    bodies = exits_ + extra
    mined = set(mined_conditions(site, fn))
    kinds = name_kinds(site, fn)
    # the source-order pairs stay reachable, behind the likeliest by weight: a prior learned
    # from library code (``if not x: return None``) is not the whole story of a program's
    # own cases (``if old == new: return grid``)
    plain = set(_interleave(conds, exits_, MAX_GUARDS))
    moved = transplants(site, node, fn)  # a sibling function's own guards go first
    for after in (False, True) if node.type != "return_statement" else (False,):
        ctx = repair_shapes.Context(site, node, after, fn, kinds)
        pairs = guard_pairs(ctx, prior, conds, bodies, mined, filed)
        keep = pairs[:MAX_GUARDS] + [p for p in pairs[MAX_GUARDS:] if (p[1], p[2]) in plain]
        top = pairs[0][0] if pairs else 1.0  # as heavy as the heaviest pair
        keep = [(top, c, b) for c, b in moved] + [p for p in keep if (p[1], p[2]) not in moved]
        for weight, cond, body in keep:
            shown = f"`if {short(cond, 30)}: {short(body, 20)}`"
            for offset, new_text, where in insertions(node, site, f"if {cond}:\n{indent}{body}"):
                if where.startswith("after") == after:
                    title = f"Insert {shown} {where}"
                    yield Mutation("insert_guard", offset, offset, new_text, title, node, weight)


def wrap_conditions(site: Site, stmts: list[Node], fn: Node) -> list[str]:
    """Conditions to run ``stmts`` under: the function's own, then the truth of what they read."""
    out: dict[str, None] = dict.fromkeys(mined_conditions(site, fn))
    scope = set(site.value_names(stmts[0]))
    for stmt in stmts:
        for n in pytree.walk(stmt):
            if n.type == "identifier" and text_of(n) in scope:
                x = text_of(n)
                out.update(dict.fromkeys((x, f"{x} is not None")))
    return list(out)


def wrap_if(node: Node, site: Site) -> Iterator[Mutation]:
    """Run a statement, or it and the one or two after it, only ``if COND``."""
    fn = _function_of(node, site)
    if fn is None or node.parent is None or node.parent.type != "block":
        return
    run = [node]
    sibling = node.next_named_sibling
    while sibling is not None and len(run) < 3 and sibling.type != "comment":
        run.append(sibling)
        sibling = sibling.next_named_sibling
    indent = pytree.indent_of(site.data, node.start_byte)
    unit = _indent_unit(site, node)
    start = pytree.line_start(site.data, node.start_byte)
    conds = wrap_conditions(site, run, fn)
    counts = list(range(1, len(run) + 1))
    for cond, count in _interleave(conds, counts, MAX_WRAPS):
        stmts = run[:count]
        end = stmts[-1].end_byte
        body = site.data[start:end].decode("utf-8", errors="replace")
        moved = "\n".join((unit + ln) if ln.strip() else ln for ln in body.split("\n"))
        last = site.line_of_offset(end)
        lines = f"line {site.line(node)}" if count == 1 else f"lines {site.line(node)}-{last}"
        yield Mutation(
            "wrap_if",
            start,
            end,
            f"{indent}if {cond}:\n{moved}",
            f"Run {lines} only `if {short(cond, 40)}`",
            node,
        )


def class_attributes(site: Site, node: Node) -> list[str]:
    """Attributes the enclosing class assigns on ``self`` (``self.size = 0``), in order."""
    cls = pytree.enclosing(node, ("class_definition",))
    if cls is None:
        return []
    memo = site.memo.get(("self_attrs", cls.id))
    if memo is not None:
        return memo
    found: dict[str, None] = {}
    for n in pytree.walk(cls):
        if n.type not in ("assignment", "augmented_assignment"):
            continue
        left = n.child_by_field_name("left")
        obj = left.child_by_field_name("object") if left is not None else None
        if left is not None and left.type == "attribute" and obj is not None:
            attr = left.child_by_field_name("attribute")
            if text_of(obj) == "self" and attr is not None:
                found.setdefault(text_of(attr), None)
    site.memo[("self_attrs", cls.id)] = out = list(found)[:8]
    return out


NORMALISE = ("abs({x})", "sorted({x})", "list({x})", "{x}.lower()", "{x}.strip()", "int({x})")


def updates(site: Site, node: Node, fn: Node) -> list[str]:
    """Bookkeeping a method forgot (``self.size += 1``, ``self.head = node``), then a name
    normalised before use (``x = abs(x)``, ``words = sorted(words)``)."""
    attrs = class_attributes(site, node)
    params = [
        p for p in pytree.parameter_names(fn.child_by_field_name("parameters")) if p != "self"
    ]
    assigned, focus = focus_names(site, node, fn)
    out: list[str] = []
    for attr in attrs:
        out += [f"self.{attr} += 1", f"self.{attr} -= 1"]
    for attr in attrs:
        out += [f"self.{attr} = {x}" for x in dict.fromkeys([*assigned, *params[:2]])]
    for x in focus[:3]:
        out += [f"{x} = {form.format(x=x)}" for form in NORMALISE]
    if len(params) >= 2:  # both arguments normalised at once (``a, b = abs(a), abs(b)``)
        a, b = params[:2]
        out += [f"{a}, {b} = {f}({a}), {f}({b})" for f in ("abs", "int", "sorted")]
    return out[:MAX_UPDATES]


def insert_update(node: Node, site: Site) -> Iterator[Mutation]:
    """One bookkeeping or normalising statement before or after a statement of a function."""
    fn = _function_of(node, site)
    if fn is None:
        return
    after = node.type not in ("return_statement", "raise_statement")
    for stmt in updates(site, node, fn):
        yield from _around(node, site, "insert_update", stmt, f"`{short(stmt, 40)}`", after)


MAX_BRANCHES = 24  # new ``elif`` clauses per insertion point of an ``if`` chain
MAX_ELSES = 6  # new ``else`` clauses at a chain's end
MAX_LITERALS = 6  # other literals a dispatch's comparison may test
_LITERALS = ("string", "integer", "float")
_PREFIXES = frozenset("fFbBrRuU")


def _dispatch_conditions(site: Site, chain: Node, fn: Node) -> list[str]:
    """A dispatch's missing case: the chain compares one expression with literals (``op ==
    "+"``, ``kind == 2``); the same comparison with the literals of that kind the function
    (then the file) holds that the chain does not test yet."""
    tested: dict[str, set[str]] = {}  # compared expression -> literals tested
    kinds: dict[str, str] = {}
    for n in pytree.walk(chain):
        if n.type != "comparison_operator" or n.parent is None:
            continue
        if n.parent.type not in ("if_statement", "elif_clause", "boolean_operator"):
            continue
        ops = [c.type for c in n.children if not c.is_named]
        sides = n.named_children
        if ops != ["=="] or len(sides) != 2:
            continue
        left, right = sides
        if right.type not in _LITERALS and left.type in _LITERALS:
            left, right = right, left
        if right.type in _LITERALS and left.type not in _LITERALS:
            tested.setdefault(text_of(left), set()).add(text_of(right))
            kinds[text_of(left)] = right.type
    out: dict[str, None] = {}
    for expr, have in tested.items():
        if len(have) < 2:  # one comparison is a test, not a dispatch
            continue
        found = 0
        for n in chain_iter(pytree.walk(fn), pytree.walk(site.tree.root_node)):
            t = text_of(n) if n.type == kinds[expr] else ""
            if t[:1] in _PREFIXES or "\n" in t or "{" in t:  # f-strings, bytes, raw, long
                continue
            if t and t not in have and len(t) <= 20 and f"{expr} == {t}" not in out:
                out[f"{expr} == {t}"] = None
                found += 1
                if found == MAX_LITERALS:
                    break
    return list(out)


def _branch_bodies(chain: Node) -> list[str]:
    """The one-line bodies of the chain's own branches, in source order (``break`` and
    ``continue`` only where the chain itself is in a loop: one may belong to a loop inside
    a branch)."""
    loop = pytree.enclosing(chain, (*LOOPS, "function_definition"))
    in_loop = loop is not None and loop.type in LOOPS
    out: dict[str, None] = {}
    for n in pytree.walk(chain):
        if n.type == "block" and n.parent is not None and n.parent.type in (
            "if_statement", "elif_clause", "else_clause"
        ):  # fmt: skip
            stmts = pytree.statements(n)
            if (
                len(stmts) == 1
                and stmts[0].start_point.row == stmts[0].end_point.row
                and (in_loop or stmts[0].type not in ("break_statement", "continue_statement"))
            ):
                out.setdefault(text_of(stmts[0]), None)
    return list(out)


def insert_branch(node: Node, site: Site) -> Iterator[Mutation]:
    """The case an ``if``/``elif`` chain forgot: ``elif COND: BODY`` inserted after a
    branch (before the next ``elif``/``else``, or at the chain's end), and ``else: BODY``
    at the end of a chain that has none; made at the branch's ``if``/``elif`` line (which
    the input no branch took evaluated) and at its last statement (where the clause goes).
    Conditions: a dispatch's comparison with the literals it does not test yet, then the
    guards' own (``guard_conditions``); bodies: the chain's own one-line branches,
    returning a parameter the function never reads, then the guards' exits."""
    found = pytree.branch_end(node)
    if found is None or not starts_line(site, node):
        return
    chain, last, nxt = found
    fn = _function_of(chain, site) if starts_line(site, chain) else None
    if fn is None:
        return
    key = ("branch_parts", chain.id)
    parts = site.memo.get(key)
    if parts is None:
        dispatch = _dispatch_conditions(site, chain, fn)
        own = set()  # a clause the chain tests already, or its negation, is dead or an else
        for clause in pytree.if_clauses(chain):
            cond = clause.child_by_field_name("condition")
            if cond is not None:
                own.update((text_of(cond), _negated(cond)))
        conds = [
            c for c in dict.fromkeys(dispatch + guard_conditions(site, chain, fn)) if c not in own
        ]
        rows = site.name_rows(fn)  # a parameter the function never reads is what the
        # forgotten case hands back (``else: return default``)
        params = pytree.parameter_names(fn.child_by_field_name("parameters"))
        unused = [
            f"return {x}" for x in params if len(rows.get(x, ())) <= 1 and x not in ("self", "cls")
        ]
        branches = _branch_bodies(chain)
        bodies = list(dict.fromkeys(branches + unused[:1] + exits(site, chain, fn)))
        parts = site.memo[key] = (conds, bodies, len(dispatch))
    conds, bodies, n_dispatch = parts
    indent = pytree.indent_of(site.data, chain.start_byte)
    inner = pytree.indent_of(site.data, last.start_byte)
    at = last.end_byte
    line = site.line_of_offset(at)
    where = f"after line {line}"
    if nxt is None:  # a chain's end: an ``else`` first (the standard library's deleted
        # clauses there come back as an ``else`` eight times as often as an ``elif``)
        for body in bodies[:MAX_ELSES]:
            text = f"\n{indent}else:\n{inner}{body}"
            shown = f"`else: {short(body, 30)}`"
            yield Mutation("insert_branch", at, at, text, f"Insert {shown} {where}", node)
    for cond, body in _interleave(conds, bodies, MAX_BRANCHES, stride=max(2, n_dispatch)):
        text = f"\n{indent}elif {cond}:\n{inner}{body}"
        shown = f"`elif {short(cond, 30)}: {short(body, 20)}`"
        yield Mutation("insert_branch", at, at, text, f"Insert {shown} {where}", node)


def else_binding(m: Mutation) -> set[str]:
    """The names the branches of the chain bind when ``m`` adds the chain's missing ``else``
    (empty otherwise): a name read unset after a chain that binds it was read on the path
    no branch took."""
    if m.family != "insert_branch" or not m.new_text.lstrip().startswith("else:"):
        return set()
    found = pytree.branch_end(m.node)
    if found is None:
        return set()
    bound: set[str] = set()
    for clause in pytree.if_clauses(found[0]):
        block = clause.child_by_field_name("consequence")
        if block is not None:
            for stmt in block.named_children:
                bound.update(pytree.assigned_names(stmt))
    return bound


GUARD_FAMILIES = (insert_guard, wrap_if, insert_update, insert_branch)

_LOAD_PARENTS = frozenset(
    {
        "argument_list",
        "binary_operator",
        "comparison_operator",
        "return_statement",
        "subscript",
        "boolean_operator",
        "unary_operator",
        "not_operator",
        "tuple",
        "list",
        "slice",
    }
)
_MUTABLE_DISPLAYS = frozenset({"list", "dictionary", "set", "list_comprehension", "call"})


# parent type -> the field in which a child is read (``x`` in ``y = x``, ``if x:``, ``x.a``)
_READ_FIELDS = {
    "assignment": "right",
    "augmented_assignment": "right",
    "attribute": "object",
    "if_statement": "condition",
    "elif_clause": "condition",
    "while_statement": "condition",
    "for_statement": "right",
    "keyword_argument": "value",
}


def _read(node: Node) -> bool:
    """Whether identifier ``node`` is a value read (not a name bound, defined, called by
    keyword or an attribute's field)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in _LOAD_PARENTS:
        return True
    field = _READ_FIELDS.get(parent.type)
    return field is not None and parent.child_by_field_name(field) == node


def qualify(node: Node, site: Site) -> Iterator[Mutation]:
    """A name read where an object's attribute of that name was meant (``key`` ->
    ``successor.key``, ``size`` -> ``self.size``: the attribute must occur in the file), and
    the other way round: an attribute read where the name in scope was meant
    (``self.headers`` -> ``headers``, ``e.value`` -> ``value``)."""
    if node.type == "attribute":
        yield from _unqualify(node, site)
        return
    if node.type != "identifier" or not _read(node):
        return
    name = text_of(node)
    if name not in site.attribute_names():
        return
    for obj in site.value_names(node):
        if obj != name:
            new = f"{obj}.{name}"
            title = f"Change `{name}` to `{new}` in line {site.line(node)}"
            yield Mutation("qualify", node.start_byte, node.end_byte, new, title, node)


def _unqualify(node: Node, site: Site) -> Iterator[Mutation]:
    obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
    if obj is None or attr is None or obj.type != "identifier" or not _read(node):
        return
    name = text_of(attr)
    if name != text_of(obj) and name in site.value_names(node):
        title = f"Change `{text_of(node)}` to `{name}` in line {site.line(node)}"
        yield Mutation("qualify", node.start_byte, node.end_byte, name, title, node)


def unalias(node: Node, site: Site) -> Iterator[Mutation]:
    """``[[0] * p] * n`` repeats one inner list n times (every row is the same object):
    ``[[0] * p for _ in range(n)]`` makes n of them."""
    if node.type != "binary_operator" or node.child_by_field_name("operator") is None:
        return
    if text_of(node.child_by_field_name("operator")) != "*":
        return
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    for display, count in ((left, right), (right, left)):
        if display is None or count is None or display.type != "list":
            continue
        items = display.named_children
        inner = items[0] if len(items) == 1 else None
        if inner is not None and inner.type == "binary_operator":  # [[0] * p] * n
            inner = inner if "list" in (c.type for c in inner.named_children) else None
        if inner is not None and inner.type in (*_MUTABLE_DISPLAYS, "binary_operator"):
            new = f"[{text_of(items[0])} for _ in range({text_of(count)})]"
            title = f"Make `{short(text_of(node), 30)}` build separate objects"
            yield Mutation("unalias", node.start_byte, node.end_byte, new, title, node)


SEARCH_EXPRESSION_FAMILIES = (qualify, unalias)
