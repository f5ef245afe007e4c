"""Statement-level repair mutations: delete, copy, templated inserts, conditions and guards."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import pytree, repair_shapes
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_shapes import ShapePrior
from sea_lsp.actions.repair_site import Mutation, Site, short

SIMPLE_STATEMENTS = frozenset(
    {
        "expression_statement",
        "return_statement",
        "break_statement",
        "continue_statement",
        "raise_statement",
        "pass_statement",
        "assert_statement",
        "delete_statement",
    }
)
CONDITION_HOLDERS = ("if_statement", "elif_clause", "while_statement")
_NEEDS_PARENS = ("boolean_operator", "conditional_expression", "lambda", "not_operator")


def is_statement(node: Node) -> bool:
    return (
        node.is_named
        and node.type != "comment"
        and node.parent is not None
        and node.parent.type in ("block", "module")
    )


def starts_line(site: Site, node: Node) -> bool:
    start = pytree.line_start(site.data, node.start_byte)
    return not site.data[start : node.start_byte].strip()


def _one_line(node: Node) -> bool:
    return node.start_point.row == node.end_point.row


def _reindent(text: str, old: str, new: str) -> str:
    lines = text.split("\n")
    out = [lines[0]]
    for ln in lines[1:]:
        out.append(new + ln[len(old) :] if ln.startswith(old) else ln)
    return "\n".join(out)


def delete(node: Node, site: Site) -> Iterator[Mutation]:
    """Delete the statement's lines (or replace the only statement of a block with ``pass``)."""
    if not starts_line(site, node) or node.type == "pass_statement":
        return
    line = site.line(node)
    if node.parent.type == "block" and not _has_statement_sibling(node):
        yield Mutation(
            "delete_stmt", node.start_byte, node.end_byte, "pass", f"Delete line {line}", node
        )
        return
    start = pytree.line_start(site.data, node.start_byte)
    end = min(pytree.line_end(site.data, node.end_byte) + 1, len(site.data))
    yield Mutation("delete_stmt", start, end, "", f"Delete line {line}", node)


def _has_statement_sibling(node: Node) -> bool:
    """Whether another statement (not a comment) shares ``node``'s block: found by sibling
    links, at most the comments beside it visited."""
    for step in ("prev_named_sibling", "next_named_sibling"):
        n = getattr(node, step)
        while n is not None and n.type == "comment":
            n = getattr(n, step)
        if n is not None:
            return True
    return False


def insertions(node: Node, site: Site, text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, new_text, where) inserting ``text`` (one statement; any later lines already
    indented, as a guard's body is) before and after ``node``; none around an ``elif``
    clause, where a statement would break the ``if``."""
    if node.type == "elif_clause":
        return
    indent = pytree.indent_of(site.data, node.start_byte)
    line = site.line(node)
    yield node.start_byte, f"{text}\n{indent}", f"before line {line}"
    # after the statement; after a compound one (a loop, an ``if``) at its own indentation
    end = site.line_of_offset(node.end_byte)
    yield node.end_byte, f"\n{indent}{text}", f"after line {end}"


def copies(node: Node, site: Site, radius: int = 3) -> Iterator[Mutation]:
    """Insert a copy of a nearby one-line statement, as is and with one name renamed.

    The near statements are the ``radius`` siblings on each side, reached by sibling
    links: the work is linear in that window, never in the block (a generated table of
    20,000 statements is one block)."""
    if not starts_line(site, node) or node.parent is None:
        return
    names = site.value_names(node)
    for src in _near(node, radius):
        if src.type == "pass_statement" or not _copyable(src):
            continue
        idents = [i for i in pytree.walk(src) if i.type == "identifier" and text_of(i) in names]
        variants = _renamings(src, idents, names)
        yield from _insert_variants(node, site, variants, "insert_copy")
    yield from _far_copies(node, site)


MAX_COPY_BYTES = 1000  # a longer statement (a generated table row) is not worth a copy


def _copyable(node: Node) -> bool:
    return (
        node.type in SIMPLE_STATEMENTS
        and node.end_byte - node.start_byte <= MAX_COPY_BYTES
        and _one_line(node)
    )


def _near(node: Node, radius: int) -> list[Node]:
    """The named siblings at most ``radius`` places before and after ``node`` (itself
    included), in source order."""
    before: list[Node] = []
    n = node.prev_named_sibling
    while n is not None and len(before) < radius:
        before.append(n)
        n = n.prev_named_sibling
    after: list[Node] = []
    n = node.next_named_sibling
    while n is not None and len(after) < radius:
        after.append(n)
        n = n.next_named_sibling
    return [*reversed(before), node, *after]


def _insert_variants(node: Node, site: Site, variants, family: str) -> Iterator[Mutation]:
    for new_stmt, shown in variants:
        for offset, new_text, where in insertions(node, site, new_stmt):
            if new_stmt == text_of(node) and where.startswith("before"):
                continue  # the same text as inserting it after
            yield Mutation(family, offset, offset, new_text, f"Insert {shown} {where}", node)


def _far_copies(node: Node, site: Site) -> Iterator[Mutation]:
    """Copies of one-line statements from elsewhere in the function (another branch, a
    sibling loop), as they are and with one attribute renamed to another the file uses
    (``node = node.right`` -> ``node = node.left``): the statement a branch forgot.
    Statements of ``node``'s own block are the near copies' business and are skipped."""
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is None:
        return
    attrs = site.file_attributes()
    own = node.parent.id if node.parent is not None else None
    for block, sources in _far_sources(site, fn):
        if block == own:
            continue  # a whole run of the own block skipped at once
        for src in sources:
            fields = [
                a.child_by_field_name("attribute")
                for a in pytree.walk(src)
                if a.type == "attribute"
            ]
            variants = _renamings(src, [f for f in fields if f is not None], attrs)
            yield from _insert_variants(node, site, variants, "insert_far_copy")


def _far_sources(site: Site, fn: Node) -> list[tuple[int, list[Node]]]:
    """The one-line expression and return statements of ``fn`` in source order, as runs
    of consecutive ones from the same block: ``(block id, statements)``. Walked once per
    site (a document version in the editor) and function, not once per statement."""
    memo = site.memo.setdefault("far_sources", {})
    runs = memo.get(fn.id)
    if runs is None:
        runs = []
        for src in pytree.walk(fn):
            if (
                src.type not in ("expression_statement", "return_statement")
                or not _one_line(src)
                or src.parent is None
                or src.parent.type != "block"
            ):
                continue
            if runs and runs[-1][0] == src.parent.id:
                runs[-1][1].append(src)
            else:
                runs.append((src.parent.id, [src]))
        memo[fn.id] = runs
    return runs


def _renamings(src: Node, spots: list[Node], names) -> list[tuple[str, str]]:
    """``src`` as it is, then with each of ``spots`` (name nodes inside it) renamed to each
    other name of ``names``, one rename at a time; as (text, title) pairs."""
    text = text_of(src)
    variants = [(text, f"`{short(text)}`")]
    raw = src.text or b""
    for spot in spots:
        a, b = spot.start_byte - src.start_byte, spot.end_byte - src.start_byte
        for other in names:
            if other != text_of(spot):
                renamed = (raw[:a] + other.encode() + raw[b:]).decode("utf-8")
                variants.append((renamed, f"`{short(renamed)}`"))
    return variants


_LITERAL_KINDS = {
    "integer": "num", "float": "num", "string": "str", "concatenated_string": "str",
    "list": "list", "list_comprehension": "list", "set": "set", "set_comprehension": "set",
    "dictionary": "dict", "dictionary_comprehension": "dict",
}  # fmt: skip
_METHOD_KINDS = {"append": "list", "extend": "list", "add": "set"}


def name_kinds(site: Site, fn: Node) -> dict[str, str]:
    """What the function's own names hold, where its code says so: ``num``, ``str``,
    ``list``, ``set``, ``dict`` (``n = 0``, ``n += 1``, ``out = []``, ``seen.add(x)``);
    its other local names (parameters, loop targets) are ``?``. Names it does not bind
    (module constants, globals) are absent."""
    key = ("name_kinds", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    kinds = dict.fromkeys(pytree.bound_names(fn), "?")
    for n in pytree.walk(fn):
        left = (
            n.child_by_field_name("left")
            if n.type in ("assignment", "augmented_assignment")
            else None
        )
        if left is not None and left.type == "identifier" and text_of(left) in kinds:
            right = n.child_by_field_name("right")
            kind = _LITERAL_KINDS.get(right.type) if right is not None else None
            if n.type == "augmented_assignment" and right is not None and right.type == "integer":
                kind = "num"
            if kind and kinds[text_of(left)] == "?":
                kinds[text_of(left)] = kind
        elif n.type == "call" and (method := pytree.method_call(n)) is not None:
            obj, kind = method[0], _METHOD_KINDS.get(method[1])
            if kind and obj.type == "identifier" and kinds.get(text_of(obj)) == "?":
                kinds[text_of(obj)] = kind
    site.memo[key] = kinds
    return kinds


MAX_OBJECT_METHODS = 6  # argument-less methods an object template may call


def object_parts(site: Site, fn: Node) -> tuple[list[str], set[str]]:
    """The methods called without arguments in ``fn`` and then elsewhere in the file
    (``other._check_open()``), at most ``MAX_OBJECT_METHODS``, and the names ``fn`` uses as
    objects (``obj.attr``). Computed once per function."""
    key = ("object_parts", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    methods: dict[str, None] = {}
    objects: set[str] = set()
    for n in pytree.walk(fn):
        if n.type != "attribute":
            continue
        obj, attr = n.child_by_field_name("object"), n.child_by_field_name("attribute")
        if obj is None or attr is None or obj.type != "identifier":
            continue
        objects.add(text_of(obj))
        parent = n.parent
        if parent is not None and parent.type == "call":
            args = parent.child_by_field_name("arguments")
            if args is not None and args.named_child_count == 0:
                methods.setdefault(text_of(attr), None)
    for m in site.file_methods():
        methods.setdefault(m, None)
    got = site.memo[key] = (list(methods)[:MAX_OBJECT_METHODS], objects)
    return got


def _typed_templates(
    names: list[str],
    kinds: dict[str, str],
    parts: tuple[list[str], set[str]] | None = None,
) -> list[tuple[str, str, str, str | None]]:
    """The template statements over ``names`` that the names' kinds allow, as ``(text,
    kind, a, b)``: only the function's own names are rebound or incremented (``LIMIT += 1``
    or ``PAIRS = word`` would make a module name local), a module constant is not changed,
    ``+= 1`` only on what may be a number, ``append`` on what may be a list, ``add`` on what
    may be a set. With ``parts`` (``object_parts``), also a method called without arguments
    on a name used as an object (``other._check_open()``). (``node = node.left`` over the
    attributes the function reads was tried too: on held-out standard-library files its
    real statement was in the first 10 of its place 2 times in 9, and its candidates pushed
    plain templates back; far copies reach that statement.)"""
    stmts: list[tuple[str, str, str, str | None]] = [
        (f"return {a}", "return", a, None) for a in names
    ]
    stmts += [
        (f"{a} {op} 1", kind, a, None)
        for a in names
        if kinds.get(a) in ("?", "num")
        for op, kind in (("+=", "inc"), ("-=", "dec"))
    ]
    for a in names:
        kind = kinds.get(a)
        if (kind is None and a.isupper()) or a in ("self", "cls"):
            continue  # a module constant (``LIMIT``) is read, not changed; ``self`` is not rebound
        for b in names:
            if a == b:
                continue
            if kind in (None, "?", "list"):
                stmts.append((f"{a}.append({b})", "append", a, b))
            if kind is not None:
                stmts.append((f"{a} = {b}", "assign", a, b))
            if kind in (None, "?", "set"):
                stmts.append((f"{a}.add({b})", "add", a, b))
            if kind is not None:
                stmts.append((f"{a} += {b}", "augname", a, b))
    if parts is not None:
        methods, objects = parts
        objs = [b for b in names if b in objects]
        stmts += [(f"{b}.{m}()", "call0", b, None) for b in objs for m in methods]
    return stmts


def templates(node: Node, site: Site, prior: ShapePrior | None = None) -> Iterator[Mutation]:
    """Insert ``a.append(b)``, ``a.add(b)``, ``a = b`` or ``return a`` over in-scope names,
    as far as what the names hold allows (``name_kinds``), each weighed by how natural its
    shape is where it goes (``repair_shapes``)."""
    fn = pytree.enclosing(node, ("function_definition",))
    if not starts_line(site, node) or fn is None:
        return
    kinds = name_kinds(site, fn)
    parts = object_parts(site, fn) if site.weigh else None  # the search's wider space
    stmts = _typed_templates(site.value_names(node)[:8], kinds, parts)
    if prior is None and site.weigh:  # the search orders by weight; an editor's menu does not
        prior = repair_shapes.default_prior()
    contexts: dict[bool, repair_shapes.Context] = {}
    for stmt, kind, a, b in stmts:
        for offset, new_text, where in insertions(node, site, stmt):
            weight = 1.0
            if prior is not None and prior.weights:
                after = where.startswith("after")
                ctx = contexts.get(after)
                if ctx is None:
                    ctx = contexts[after] = repair_shapes.Context(site, node, after, fn, kinds)
                weight = prior.weight(repair_shapes.features(ctx, kind, a, b))
            title = f"Insert `{stmt}` {where}"
            # a method call is a family of its own: its share of a line does not come out
            # of the plain templates' (on held-out standard-library files it pushed them back)
            family = "insert_call" if kind == "call0" else "insert_template"
            yield Mutation(family, offset, offset, new_text, title, node, weight)


def conditions(node: Node, site: Site) -> Iterator[Mutation]:
    """Negate a condition, or drop an ``if`` around its body (a clause added to it:
    ``repair_clause``)."""
    if node.type not in CONDITION_HOLDERS:
        return
    cond = node.child_by_field_name("condition")
    if cond is None:
        return
    line = site.line(cond)
    c = text_of(cond)
    wrapped = f"({c})" if cond.type in _NEEDS_PARENS else c
    if cond.type == "not_operator":
        inner = cond.child_by_field_name("argument")
        negated = text_of(inner) if inner is not None else None
    else:
        negated = f"not {wrapped}" if cond.type != "comparison_operator" else f"not ({c})"
    if negated:
        yield Mutation(
            "negate",
            cond.start_byte,
            cond.end_byte,
            negated,
            f"Negate the condition in line {line}",
            cond,
        )
    yield from _drop_if(node, site)


def clause_kind(node: Node, site: Site) -> Iterator[Mutation]:
    """``elif c:`` -> ``if c:`` (a case that must be tested even when the one before held)
    and ``if c:`` right after an ``if`` chain with no ``else`` -> ``elif c:`` (a case that
    must not be, once one before held), made at the clause's line."""
    if node.type in ("if_statement", "elif_clause") and starts_line(site, node):
        yield from _kind_changes(node, node, site)


def clause_kind_after(node: Node, site: Site) -> Iterator[Mutation]:
    """``clause_kind`` made at the last statement of the branch before the clause (the
    branch that ran, whose work the next case undid or skipped: localisation suspects it
    above the clause's own line). For the search: an editor's menu offers it at the clause."""
    found = pytree.branch_end(node) if starts_line(site, node) else None
    if found is None or found[1] != node:
        return
    chain, _, nxt = found
    target = nxt if nxt is not None else pytree.next_statement(chain)
    if target is not None and starts_line(site, target):
        yield from _kind_changes(target, node, site)


def _kind_changes(target: Node, node: Node, site: Site) -> Iterator[Mutation]:
    """The ``elif`` <-> ``if`` change of clause ``target``, made at ``node``."""
    keyword = target.children[0] if target.children else None
    if keyword is None:
        return
    line = site.line(target)
    if target.type == "elif_clause" and keyword.type == "elif":
        title = f"Make the `elif` in line {line} an `if`"
        yield Mutation("clause_kind", keyword.start_byte, keyword.end_byte, "if", title, node)
    elif target.type == "if_statement" and keyword.type == "if":
        before = repair_shapes.sibling(target, forward=False)
        if (
            before is None
            or before.type != "if_statement"
            or before.start_point.column != target.start_point.column
            or any(c.type == "else_clause" for c in before.children)
        ):
            return
        title = f"Make the `if` in line {line} an `elif` of the `if` in line {site.line(before)}"
        yield Mutation("clause_kind", keyword.start_byte, keyword.end_byte, "elif", title, node)


def _drop_if(node: Node, site: Site) -> Iterator[Mutation]:
    """``if c: body`` (no else) → body, dedented to the ``if``'s indentation."""
    if node.type != "if_statement" or node.child_by_field_name("alternative") is not None:
        return
    body = node.child_by_field_name("consequence")
    if body is None or not starts_line(site, node) or body.start_point.row == node.start_point.row:
        return
    if_indent = pytree.indent_of(site.data, node.start_byte)
    body_indent = pytree.indent_of(site.data, body.start_byte)
    text = _reindent(text_of(body), body_indent, if_indent)
    title = f"Drop the condition of the `if` in line {site.line(node)}"
    yield Mutation("drop_condition", node.start_byte, node.end_byte, text, title, node)


LOOP_TYPES = ("for_statement", "while_statement")


_FLIPPED = {"True": "False", "False": "True"}
MAX_CONSTANTS = 4


def _constant(value: Node) -> bool:
    """``True``/``False``, a number (``-1`` too) or a plain string: no names (``-n``,
    ``f"{x}"``), and not ``None`` (the bare ``return`` says it already)."""
    if value.type == "unary_operator":
        operand = value.child_by_field_name("argument")
        return operand is not None and operand.type in ("integer", "float")
    if value.type == "string":
        return not any(c.type == "interpolation" for c in value.children)
    return value.type in ("true", "false", "integer", "float")


def returned_constants(site: Site, fn: Node) -> list[str]:
    """The constants ``fn`` returns (``return -1``, ``return ""``), with a boolean's other
    value (``return False`` at the end: ``return True`` where the work is done) first."""
    key = ("returned_constants", fn.id)
    got = site.memo.get(key)
    if got is not None:
        return got
    found: dict[str, None] = {}
    for n in pytree.walk_local(fn):
        if n.type == "return_statement" and n.named_child_count == 1:
            value = n.named_children[0]
            if _constant(value):
                text = text_of(value)
                if len(text) <= 12 and "\n" not in text:
                    found.setdefault(text, None)
    flipped = [_FLIPPED[v] for v in found if v in _FLIPPED]
    got = site.memo[key] = list(dict.fromkeys([*flipped, *found]))[:MAX_CONSTANTS]
    return got


def control(node: Node, site: Site) -> Iterator[Mutation]:
    """Insert ``break``/``continue`` (in a loop) or ``return``/``return name`` (in a
    function; in the search also ``return constant``, the constants it returns elsewhere, a
    boolean's other value first) before or after a statement: a forgotten early exit."""
    if not starts_line(site, node):
        return
    stmts: list[str] = []
    inner = pytree.enclosing(node, (*LOOP_TYPES, "function_definition"))
    if inner is not None and inner.type in LOOP_TYPES:
        stmts += ["break", "continue"]
    fn = pytree.enclosing(node, ("function_definition",))
    if fn is not None:
        stmts += ["return"] + [f"return {a}" for a in site.value_names(node)[:6]]
        if site.weigh:  # the search's wider space; an editor's menu keeps its own
            stmts += [f"return {v}" for v in returned_constants(site, fn)]
    for stmt in stmts:
        for offset, new_text, where in insertions(node, site, stmt):
            yield Mutation(
                "insert_control", offset, offset, new_text, f"Insert `{stmt}` {where}", node
            )


MAX_MOVE_LINES = 8  # a compound statement a one-line statement may move past
_EXITS = ("return_statement", "raise_statement", "continue_statement", "break_statement")


def _swap(site: Site, first: Node, second: Node) -> Mutation:
    """``first`` and the statement right after it, ``second``, in the other order."""
    a, b = text_of(first), text_of(second)
    between = site.data[first.end_byte : second.start_byte].decode("utf-8")
    la, lb = site.line(first), site.line(second)
    if _one_line(first) and _one_line(second):
        title = f"Swap lines {la} and {lb}"
    elif _one_line(first):
        title = (
            f"Move line {la} after lines {lb}-{lb + second.end_point.row - second.start_point.row}"
        )
    else:
        title = f"Move line {lb} before lines {la}-{lb - 1}"
    return Mutation("swap_stmt", first.start_byte, second.end_byte, b + between + a, title, first)


def swap_next(node: Node, site: Site) -> Iterator[Mutation]:
    """Statements out of order: a one-line statement swapped with the next one in its block,
    or moved past the compound statement (up to ``MAX_MOVE_LINES`` lines) right after or
    right before it (``base = base * base`` that belongs after ``if exponent & 1: ...``)."""
    if not (_one_line(node) and starts_line(site, node)):
        return
    nxt = repair_shapes.sibling(node, True)
    if nxt is not None and nxt.start_point.row == node.end_point.row + 1:
        span = nxt.end_point.row - nxt.start_point.row
        if span == 0 or (span < MAX_MOVE_LINES and node.type not in _EXITS and is_statement(nxt)):
            yield _swap(site, node, nxt)
    if node.type in _EXITS:  # an exit moved before a compound statement leaves it dead
        return
    prev = repair_shapes.sibling(node, False)
    if (
        prev is not None
        and is_statement(prev)
        and prev.end_point.row == node.start_point.row - 1
        and 0 < prev.end_point.row - prev.start_point.row < MAX_MOVE_LINES
    ):
        yield _swap(site, prev, node)


STATEMENT_FAMILIES = (conditions, clause_kind, delete, copies, templates, control, swap_next)
