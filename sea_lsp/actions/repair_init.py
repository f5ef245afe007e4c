"""A name read before anything binds it (``repair.insert_init``).

A forgotten initialisation is one of the commonest missing statements (``count = 0`` before
the loop that does ``count += 1``, ``result = None`` before the branches that may set it,
``seen = set()`` before ``seen.add(x)``), and it leaves a trace no other bug does: on some
path the function reads a name that nothing has bound yet (an ``UnboundLocalError``, or a
``NameError`` where a container the function fills is bound nowhere). Correct code almost
never does (``sea-lsp bench unset``: 9 functions in 1,000 of the standard library).

A read is *bound* when, walking up from it to the function, an earlier statement of an
enclosing block binds the name on every path that falls through it (an assignment, an
``if`` whose every branch binds or leaves, a ``try`` whose body and handlers do, a
``with ... as``, an import, a nested ``def``), or an enclosing ``for``, comprehension,
``with`` or ``except ... as`` binds it, or it is a parameter. A binding later in a loop's
body does not count: on the first pass it has not run.

For each name with an unbound read, the candidates set it before its first unbound read to
what the function's use of it says it holds (``[]`` for ``append``, ``0`` for ``+= 1``,
``""`` for ``+= "..."``, ``{}`` for ``x[k] = v``, ``None`` for ``is None``, the literals the
function assigns it elsewhere), inserted before the first statement that mentions it in
the innermost block holding every mention, before the function's first statement that
mentions it, before the innermost loop around the read, or at the top of the body. Only
such functions get candidates, so they are few and come early; a failing test's own
``NameError`` / ``UnboundLocalError`` (``unset_names``) puts its name's first.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import LOOPS, text_of
from sea_lsp.actions.repair_site import Mutation, Site, short
from sea_lsp.actions.repair_stmt import insertions, starts_line

MAX_NAMES = 3  # unbound names per function (more: not a forgotten line, something else)
MAX_VALUES = 4  # starting values per name
_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__path__", "__builtins__", "__class__"}
_EXITS = frozenset({"return_statement", "raise_statement", "continue_statement", "break_statement"})
_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
# method called on a name -> the empty value of what it holds
_METHOD_VALUES = {
    "append": "[]", "extend": "[]", "insert": "[]", "sort": "[]", "reverse": "[]",
    "add": "set()", "discard": "set()",
    "get": "{}", "items": "{}", "keys": "{}", "values": "{}", "setdefault": "{}",
}  # fmt: skip
_FILLING = frozenset({"append", "extend", "insert", "add", "setdefault"})
_LITERALS = frozenset(
    {"integer", "float", "string", "true", "false", "none", "list", "dictionary", "set", "tuple"}
)
# a literal the function assigns a name elsewhere -> the start it suggests besides itself
# (a flag set False in a loop starts True)
_EMPTY_OF = {"integer": "0", "float": "0", "string": '""', "true": "False", "false": "True"}


def _statement_binds(stmt: Node, name: str) -> bool:
    """Whether ``name`` is bound on every path on which ``stmt`` falls through to the next
    statement (a statement that never falls through binds vacuously)."""
    t = stmt.type
    if t in _EXITS:
        return True
    if name.encode() not in (stmt.text or b""):
        return False  # the cheap test first: most statements do not mention the name
    if t == "expression_statement":
        return name in pytree.assigned_names(stmt) or _chained_binds(stmt, name)
    if t in ("import_statement", "import_from_statement"):
        return name in pytree.imported_names(stmt)
    if t in ("function_definition", "class_definition"):
        n = stmt.child_by_field_name("name")
        return n is not None and text_of(n) == name
    if t == "decorated_definition":
        d = stmt.child_by_field_name("definition")
        return d is not None and _statement_binds(d, name)
    if t == "if_statement":
        branches = [stmt.child_by_field_name("consequence")]
        has_else = False
        for c in stmt.named_children:
            if c.type == "elif_clause":
                branches.append(c.child_by_field_name("consequence"))
            elif c.type == "else_clause":
                branches.append(c.child_by_field_name("body"))
                has_else = True
        return has_else and all(b is not None and _block_binds(b, name) for b in branches)
    if t == "try_statement":
        body = stmt.child_by_field_name("body")
        handlers = [c for c in stmt.named_children if c.type == "except_clause"]
        final = next((c for c in stmt.named_children if c.type == "finally_clause"), None)
        if final is not None and _block_binds(_last_block(final), name):
            return True
        return (
            body is not None
            and _block_binds(body, name)
            and all(_block_binds(_last_block(h), name) for h in handlers)
        )
    if t == "with_statement":
        body = stmt.child_by_field_name("body")
        return name in _with_targets(stmt) or (body is not None and _block_binds(body, name))
    if t == "for_statement":  # its target after it: the loop is taken to have run
        orelse = stmt.child_by_field_name("alternative")
        return name in pytree.target_names(stmt.child_by_field_name("left")) or (
            orelse is not None and _block_binds(_last_block(orelse), name)
        )
    if t == "while_statement":  # ``while True:`` leaves only by ``break``, after its body ran
        cond = stmt.child_by_field_name("condition")
        return (
            cond is not None
            and cond.type == "true"
            and _block_binds(stmt.child_by_field_name("body"), name)
        )
    return False


def _chained_binds(stmt: Node, name: str) -> bool:
    """``a = b = 0`` binds ``b`` too."""
    e = stmt.named_children[0] if stmt.named_children else None
    while e is not None and e.type == "assignment":
        right = e.child_by_field_name("right")
        if right is not None and right.type == "assignment":
            left = right.child_by_field_name("left")
            if left is not None and left.type == "identifier" and text_of(left) == name:
                return True
        e = right
    return False


def _last_block(clause: Node) -> Node | None:
    return next((c for c in reversed(clause.named_children) if c.type == "block"), None)


def _block_binds(block: Node | None, name: str) -> bool:
    return block is not None and any(
        _statement_binds(s, name) for s in block.named_children if s.type != "comment"
    )


def _with_targets(stmt: Node) -> set[str]:
    out: list[str] = []
    for c in stmt.named_children:
        if c.type != "with_clause":
            continue
        for n in pytree.walk(c):
            if n.type == "as_pattern_target":
                out += pytree.target_names(n.named_children[0] if n.named_children else None)
    return set(out)


def _binds_here(owner: Node, child: Node, name: str) -> bool:
    """Whether ``owner`` binds ``name`` for ``child`` (one of its parts) by its own header:
    a ``for`` target for its body, a comprehension's ``for`` for its parts, ``with ... as``,
    ``except ... as``."""
    t = owner.type
    if t == "try_statement" and child.type == "else_clause":  # after the body completed
        return _block_binds(owner.child_by_field_name("body"), name)
    if t == "for_statement":
        body = owner.child_by_field_name("body")
        return (
            body is not None
            and body.id == child.id
            and name in pytree.target_names(owner.child_by_field_name("left"))
        )
    if t in _COMPREHENSIONS:
        out: list[str] = []
        for c in owner.named_children:
            if c.type == "for_in_clause":
                out += pytree.target_names(c.child_by_field_name("left"))
        return name in out
    if t == "with_statement":
        return name in _with_targets(owner)
    if t == "except_clause":
        out = []
        for c in owner.named_children:
            alias = c.child_by_field_name("alias") if c.type == "as_pattern" else None
            if alias is not None:  # ``as_pattern_target`` around the name
                out += pytree.target_names(
                    alias.named_children[0] if alias.named_children else None
                )
        return name in out
    return False


def _walrus_before(stmt: Node, name: str, offset: int) -> bool:
    return any(
        n.type == "named_expression"
        and n.end_byte <= offset
        and text_of(n.child_by_field_name("name") or n) == name
        for n in pytree.walk_local(stmt)
    )


def bound_at(
    read: Node,
    name: str,
    fn: Node,
    walrus: bool = True,
    memo: dict[tuple[int, str], tuple[int, int]] | None = None,
) -> bool:
    """Whether ``name`` is bound on every path that reaches ``read`` (see the module's text);
    ``walrus``: whether ``fn`` may bind it by an assignment expression (``(n := f())``).
    ``memo`` (one per function) keeps, per block and name, where a binding statement ends
    and how far from the block's start none was found: the reads of a name are judged in
    source order, so each block's statements are scanned about once per name, not once per
    read (a generated 10,000-statement function would take minutes otherwise)."""
    memo = {} if memo is None else memo
    node = read
    while node.parent is not None and node.id != fn.id:
        parent = node.parent
        if _binds_here(parent, node, name):
            return True
        if parent.type == "block" and _bound_before(parent, node, name, memo):
            return True
        if parent.type == "block" and walrus and _walrus_before(node, name, read.start_byte):
            return True
        node = parent
    return False


_NEVER = 1 << 62


def _bound_before(
    block: Node, stmt: Node, name: str, memo: dict[tuple[int, str], tuple[int, int]]
) -> bool:
    """Whether a statement of ``block`` before ``stmt`` binds ``name`` (nearest first)."""
    key = (block.id, name)
    bound_after, empty_until = memo.get(key, (_NEVER, block.start_byte))
    if stmt.start_byte >= bound_after:
        return True
    s = stmt.prev_named_sibling
    while s is not None and s.end_byte > empty_until:
        if s.type != "comment" and _statement_binds(s, name):
            memo[key] = (min(bound_after, s.end_byte), empty_until)
            return True
        s = s.prev_named_sibling
    memo[key] = (bound_after, max(empty_until, stmt.start_byte))
    return False


def _reads(fn: Node) -> Iterator[tuple[str, Node]]:
    """Each read of a plain name in ``fn``'s own scope, in source order: a value read, an
    augmented assignment's target (``n += 1`` reads ``n``), an object called or indexed."""
    for n in pytree.walk_local(fn):
        if n.type != "identifier" or n.parent is None:
            continue
        p, field = n.parent, pytree.field_name(n)
        if (p.type, field) in _OBJECT_FIELDS or _value_read(n, p, field):
            yield text_of(n), n


_OBJECT_FIELDS = frozenset(
    {("augmented_assignment", "left"), ("attribute", "object"), ("subscript", "value")}
    | {("call", "function")}
)
_READ_PARENTS = frozenset(
    {
        "argument_list",
        "binary_operator",
        "comparison_operator",
        "return_statement",
        "boolean_operator",
        "unary_operator",
        "not_operator",
        "list",
        "set",
        "tuple",
        "pair",
        "parenthesized_expression",
        "conditional_expression",
        "expression_statement",
        "yield",
        "await",
        "interpolation",
    }
)
_READ_FIELDS = {
    "assignment": "right",
    "augmented_assignment": "right",
    "if_statement": "condition",
    "elif_clause": "condition",
    "while_statement": "condition",
    "for_statement": "right",
    "for_in_clause": "right",
    "keyword_argument": "value",
    "subscript": "subscript",
    "slice": None,
}


def _value_read(n: Node, parent: Node, field: str | None) -> bool:
    if parent.type in _READ_PARENTS:
        return not (parent.type in ("tuple", "list") and _stored(parent))
    if parent.type in _READ_FIELDS:
        want = _READ_FIELDS[parent.type]
        return want is None or field == want
    return False


def _stored(seq: Node) -> bool:
    """Whether a tuple/list is (inside) an assignment's or a loop's target."""
    while seq.parent is not None and seq.parent.type in ("tuple", "list", "pattern_list"):
        seq = seq.parent
    p = seq.parent
    return (
        p is not None
        and p.type in ("assignment", "for_statement", "for_in_clause")
        and p.child_by_field_name("left") is not None
        and p.child_by_field_name("left").id == seq.id
    )


def _outer_names(site: Site, fn: Node) -> set[str]:
    """Names the module and the functions around ``fn`` bind (what ``fn`` may read freely),
    and the names any function of the file declares ``global``."""
    names = site.memo.get("module_and_global_names")
    if names is None:
        names = site.memo["module_and_global_names"] = frozenset(
            pytree.module_names(site.tree)
        ) | pytree.declared_shared(site.tree.root_node, nested=True)
    names = set(names)
    outer = pytree.enclosing(fn, pytree.FUNCTION_TYPES)
    while outer is not None:
        names.update(pytree.bound_names(outer))
        outer = pytree.enclosing(outer, pytree.FUNCTION_TYPES)
    return names


def _star_import(site: Site) -> bool:
    key = "star_import"
    got = site.memo.get(key)
    if got is None:
        got = site.memo[key] = any(  # at module level, under an ``if``/``try`` too
            c.type == "import_from_statement"
            and any(g.type == "wildcard_import" for g in c.named_children)
            for c in pytree.walk_local(site.tree.root_node)
        )
    return got


def unbound_reads(site: Site, fn: Node) -> list[tuple[str, Node]]:
    """``(name, first unbound read)`` for the names ``fn`` may read before binding them:
    its own variables read where nothing has bound them yet, and names bound nowhere it can
    see and whose use fills a container (``_filled``; not a parameter, a name of the module or
    an enclosing function, or a builtin; none where the module does ``from m import *``). In
    source order, at most ``MAX_NAMES``."""
    key = ("unbound", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    local = pytree.bound_names(fn)
    skip = pytree.declared_shared(fn)
    outer: set[str] | None = None
    walrus = {
        text_of(n.child_by_field_name("name") or n)
        for n in pytree.walk_local(fn)
        if n.type == "named_expression"
    }
    found: dict[str, Node] = {}
    memo: dict[tuple[int, str], tuple[int, int]] = {}
    for name, read in _reads(fn):
        if name in found or name in skip or name in ("self", "cls"):
            continue
        kind = local.get(name)
        if kind == "var":
            if not bound_at(read, name, fn, name in walrus, memo):
                found[name] = read
        elif kind is None and name not in _BUILTINS and _filled(read):
            if outer is None:
                outer = _outer_names(site, fn)
            if name not in outer and not _star_import(site):
                found[name] = read
    got = site.memo[key] = list(found.items())[:MAX_NAMES] if len(found) <= MAX_NAMES else []
    return got


def _filled(read: Node) -> bool:
    """Whether ``read`` fills a container (``out.append(x)``, ``seen.add(x)``, ``d[k] = v``):
    the use of a name bound nowhere that a forgotten ``out = []`` leaves. A name only read
    or called may come from where this file cannot see (a name the module gets at run time,
    a window of a file), and is not judged."""
    p = read.parent
    if p.type == "attribute" and pytree.field_name(read) == "object":
        attr = p.child_by_field_name("attribute")
        return (
            attr is not None
            and text_of(attr) in _FILLING
            and pytree.method_call(p.parent) is not None
        )
    return p.type == "subscript" and pytree.field_name(read) == "value" and _stored_into(p)


def starting_values(fn: Node, name: str) -> list[str]:
    """What ``name`` likely starts as, from how ``fn`` uses it: the empty value of what its
    methods, augmented assignments and subscript stores say it holds, then the literals
    ``fn`` assigns it elsewhere, then ``None`` and ``0``."""
    used: list[str] = []
    assigned: list[str] = []
    for n in pytree.walk_local(fn):
        if n.type != "identifier" or text_of(n) != name or n.parent is None:
            continue
        p, field = n.parent, pytree.field_name(n)
        if p.type == "attribute" and field == "object" and pytree.method_call(p.parent) is not None:
            method = text_of(p.child_by_field_name("attribute"))
            if method in _METHOD_VALUES:
                used.append(_METHOD_VALUES[method])
        elif p.type == "augmented_assignment" and field == "left":
            right = p.child_by_field_name("right")
            op = text_of(p.child_by_field_name("operator"))
            if right is not None and right.type in ("string", "concatenated_string"):
                used.append('""')
            elif right is not None and right.type in ("list", "list_comprehension"):
                used.append("[]")
            else:
                used.append("1" if op in ("*=", "/=", "//=") else "0")
        elif p.type == "subscript" and field == "value" and _stored_into(p):
            used.append("{}")
        elif p.type == "comparison_operator" and any(c.type == "none" for c in p.named_children):
            used.append("None")
        elif p.type == "assignment" and field == "left":
            right = p.child_by_field_name("right")
            if right is not None and right.type in _LITERALS and len(text_of(right)) <= 20:
                assigned.append(text_of(right))
                if right.type in _EMPTY_OF:
                    assigned.append(_EMPTY_OF[right.type])
    values = [*used, *assigned, "None", "0"]
    return list(dict.fromkeys(values))[:MAX_VALUES]


def _stored_into(sub: Node) -> bool:
    p = sub.parent
    left = p.child_by_field_name("left") if p is not None else None
    return p is not None and p.type == "assignment" and left is not None and left.id == sub.id


def _body_statements(fn: Node) -> list[Node]:
    body = fn.child_by_field_name("body")
    return [c for c in body.named_children if c.type != "comment"] if body is not None else []


def anchors(fn: Node, name: str, read: Node) -> list[Node]:
    """The statements to put ``name``'s starting value before, likeliest first: the first
    statement that mentions it in the innermost block holding all its mentions, the
    function's first top-level statement that mentions it, the innermost loop around the
    read, the function's first statement (after a docstring)."""
    body = _body_statements(fn)
    if not body:
        return []
    mentions = [n for n in pytree.walk_local(fn) if n.type == "identifier" and text_of(n) == name]
    common: list[Node] | None = None  # the blocks around every mention, outermost first
    for m in mentions:
        chain = _blocks_around(m, fn)
        common = chain if common is None else _common_prefix(common, chain)
    near = None
    if common:
        block = common[-1]
        near = next(
            (
                s
                for s in block.named_children
                if s.type != "comment"
                and not pytree.is_docstring(s)
                and any(s.start_byte <= m.start_byte < s.end_byte for m in mentions)
            ),
            None,
        )
    first = next(
        (
            s
            for s in body
            if not pytree.is_docstring(s)
            and any(s.start_byte <= m.start_byte < s.end_byte for m in mentions)
        ),
        None,
    )
    loop = read.parent
    while loop is not None and loop.id != fn.id and loop.type not in LOOPS:
        loop = loop.parent
    top = pytree.first_statement(fn)
    out: dict[int, Node] = {}
    for s in (near, first, loop if loop is not None and loop.id != fn.id else None, top):
        if s is not None and not pytree.is_docstring(s):
            out.setdefault(s.id, s)
    return list(out.values())


def _blocks_around(node: Node, fn: Node) -> list[Node]:
    """The blocks holding ``node`` inside ``fn``, outermost first."""
    out = []
    n = node.parent
    while n is not None and n.id != fn.id:
        if n.type == "block":
            out.append(n)
        n = n.parent
    return out[::-1]


def _common_prefix(a: list[Node], b: list[Node]) -> list[Node]:
    k = 0
    while k < min(len(a), len(b)) and a[k].id == b[k].id:
        k += 1
    return a[:k]


def insert_init(node: Node, site: Site) -> Iterator[Mutation]:
    """The starting values of the names the function around statement ``node`` reads
    unbound (see the module's text); none in a function without such a name."""
    if not starts_line(site, node):
        return
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    for offset, new_text, title in _function_inits(site, fn):
        yield Mutation("insert_init", offset, offset, new_text, title, node)


def _function_inits(site: Site, fn: Node) -> list[tuple[int, str, str]]:
    """Every ``(offset, inserted text, title)`` of ``fn``'s names read unset, computed once
    per function (every statement of it asks)."""
    key = ("inits", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    got = site.memo[key] = []
    for name, read in unbound_reads(site, fn):
        values = starting_values(fn, name)
        for anchor in anchors(fn, name, read):
            for value in values:
                stmt = f"{name} = {value}"
                for offset, new_text, where in insertions(anchor, site, stmt):
                    if where.startswith("before"):
                        title = f"Insert `{short(stmt, 40)}` {where} (`{name}` is read unset)"
                        got.append((offset, new_text, title))
    return got


# what Python says when a name is read unset (3.11+ and older wordings)
_UNSET = re.compile(
    r"(?:NameError: name '(\w+)' is not defined"
    r"|UnboundLocalError: (?:cannot access local variable|local variable) '(\w+)'"
    r"|NameError: (?:cannot access )?free variable '(\w+)')"
)


def unset_names(messages: Iterable[str]) -> frozenset[str]:
    """The names failing tests' messages say were read unset (``NameError: name 'out' is
    not defined``, ``UnboundLocalError: cannot access local variable 'n' ...``)."""
    return frozenset(
        next(g for g in m.groups() if g) for text in messages for m in _UNSET.finditer(text)
    )


def initialised(m: Mutation) -> str | None:
    """The name an ``insert_init`` mutation starts (``total`` of ``total = 0``), else None."""
    if m.family != "insert_init":
        return None
    return m.new_text.strip().split(" = ", 1)[0]
