"""More expression-level repair mutations, for edits real one-line bugs need that a token
swap cannot make: operands swapped or shifted (±1, ±an in-scope name), a slice added, a
value clamped with a two-argument ``min``/``max``, a return value rebuilt, an attribute
renamed to another the file uses, and two-token edits (a comparison and its bound)."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions.pytree import enclosing, field_name, text_of, walk
from sea_lsp.actions.repair_site import Mutation, Site, paren, short
from sea_lsp.actions.repair_types import non_numeric, sequence_use

NON_COMMUTATIVE = frozenset({"-", "/", "//", "%", "**", "<<", ">>"})
MIRRORED = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
SHIFT_PARENTS = frozenset(
    {"comparison_operator", "binary_operator", "return_statement", "argument_list", "subscript",
     "expression_list", "tuple", "list", "parenthesized_expression"}
)  # fmt: skip
VALUE_HOLDERS = frozenset({"return_statement", "argument_list", "assignment", "for_statement"})
SLICES = ("[1:]", "[:-1]", "[::-1]", "[0]", "[-1]")
LITERALS = frozenset({"string", "true", "false", "none", "list", "dictionary", "set", "tuple"})
MAX_NAMES = 6


def _replace(node: Node, new: str, site: Site, family: str) -> Mutation:
    title = f"Change `{short(text_of(node))}` to `{short(new)}` in line {site.line(node)}"
    return Mutation(family, node.start_byte, node.end_byte, new, title, node)


def swap_operands(node: Node, site: Site) -> Iterator[Mutation]:
    """``a - b`` → ``b - a``; ``a < b`` → ``b < a`` (and ``b > a``, the same test mirrored);
    ``a or b`` → ``b or a``: the test that must come first to guard the other
    (``isinstance(x, int) and x < 0``) asked second."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if node.type == "binary_operator" and left is not None and right is not None:
        op = text_of(node.child_by_field_name("operator"))
        if op in NON_COMMUTATIVE:
            yield _replace(node, f"{paren(right)} {op} {paren(left)}", site, "swap_operands")
    elif node.type == "boolean_operator" and left is not None and right is not None:
        op = text_of(node.child_by_field_name("operator"))
        yield _replace(node, f"{text_of(right)} {op} {text_of(left)}", site, "swap_operands")
    elif node.type == "comparison_operator" and node.named_child_count == 2:
        a, b = node.named_children
        ops = [c for c in node.children if not c.is_named]
        if len(ops) == 1 and text_of(ops[0]) in MIRRORED:
            op = text_of(ops[0])
            yield _replace(node, f"{text_of(b)} {op} {text_of(a)}", site, "swap_operands")


def _is_value(node: Node) -> bool:
    """A named expression in a place where a value is read (not a target or a name slot)."""
    parent = node.parent
    if parent is None or not node.is_named or node.type in ("comment", "keyword_argument"):
        return False
    if parent.type in ("assignment", "augmented_assignment"):
        return field_name(node) == "right"
    if parent.type == "for_statement":
        return field_name(node) == "right"
    if parent.type == "subscript":
        return field_name(node) == "subscript"
    if parent.type in ("attribute", "call", "keyword_argument"):
        return False
    return parent.type in SHIFT_PARENTS or parent.type in VALUE_HOLDERS


def shift_operands(node: Node, site: Site) -> Iterator[Mutation]:
    """``e`` → ``e + 1``, ``e - 1`` (operand_plus), ``name + e``, ``e - name``
    (operand_name, a rarer fix with many more variants) wherever ``e`` is read (the
    off-by-one family covers ±1 on indices and call arguments). Nothing is subtracted from,
    and no 1 added to, what is evidently not a number (``repair_types``)."""
    if not _is_value(node) or node.type in LITERALS or node.type == "slice":
        return
    number = not non_numeric(node, site)
    if node.parent.type in ("argument_list", "subscript", "for_statement") or not number:
        names = []  # ±1 there is off_by_one's; only in-scope names are added
    else:
        base = text_of(node) if node.type == "binary_operator" else paren(node)
        names = ["1"]
        yield _replace(node, f"{base} + 1", site, "operand_plus")
        yield _replace(node, f"{base} - 1", site, "operand_plus")
    own = text_of(node)
    for name in site.value_names(node)[:MAX_NAMES]:
        if name != own and name not in names:
            yield _replace(node, f"{name} + {paren(node)}", site, "operand_name")
            if number:
                yield _replace(node, f"{paren(node)} - {name}", site, "operand_name")


def add_slice(node: Node, site: Site) -> Iterator[Mutation]:
    """A name or attribute read as a sequence → ``e[1:]``, ``e[:-1]``, ``e[::-1]``."""
    if node.type not in ("identifier", "attribute") or not _is_value(node):
        return
    if node.parent.type in ("comparison_operator", "binary_operator", "subscript"):
        return
    for s in SLICES:
        yield _replace(node, f"{text_of(node)}{s}", site, "add_slice")


def clamp(node: Node, site: Site) -> Iterator[Mutation]:
    """``e`` → ``max(0, e)``, ``min(e, name)``, ``max(e, name)``: a value kept in bounds."""
    if not _is_value(node) or node.type in LITERALS or node.parent.type == "for_statement":
        return
    text = text_of(node)
    yield _replace(node, f"max(0, {text})", site, "wrap_two")
    for name in site.value_names(node)[:MAX_NAMES]:
        if name != text:
            yield _replace(node, f"min({text}, {name})", site, "wrap_two")
            yield _replace(node, f"max({text}, {name})", site, "wrap_two")


def return_values(node: Node, site: Site) -> Iterator[Mutation]:
    """``return e`` → ``return [e]``, ``[]``, ``[[]]``, ``not e``, ``name == 0``, a constant,
    or ``return`` → ``return name``: the value a function hands back, rebuilt."""
    if node.type != "return_statement":
        return
    value = node.named_children[0] if node.named_children else None
    if value is None:
        for name in site.value_names(node)[:MAX_NAMES]:
            title = f"Return `{name}` in line {site.line(node)}"
            yield Mutation("return_value", node.end_byte, node.end_byte, f" {name}", title, node)
        return
    text = text_of(value)
    options = [f"[{text}]", "[]", "[[]]", f"not {paren(value)}", "0", "True", "False", "None"]
    names = site.value_names(node)[:MAX_NAMES]
    if value.type != "identifier":  # the identifier family renames a returned name already
        options += names
    options += [f"{name} == 0" for name in names]
    for new in dict.fromkeys(options):
        if new != text:
            yield _replace(value, new, site, "return_value")


def rename_attribute(node: Node, site: Site) -> Iterator[Mutation]:
    """``obj.a`` → ``obj.b`` for the other attribute names the file uses."""
    if node.type != "attribute":
        return
    attr = node.child_by_field_name("attribute")
    if attr is None:
        return
    old = text_of(attr)
    for new in site.file_attributes():
        if new != old:
            yield _replace(attr, new, site, "attribute")


def attribute_to_call(node: Node, site: Site) -> Iterator[Mutation]:
    """``self.balance`` → ``self.available()``: a stored value where a method of the same
    object computes the right one (methods the file calls without arguments)."""
    if node.type != "attribute" or (node.parent is not None and node.parent.type == "call"):
        return
    obj = node.child_by_field_name("object")
    if obj is None:
        return
    for method in site.file_methods():
        yield _replace(node, f"{text_of(obj)}.{method}()", site, "attribute")


def swap_indices(node: Node, site: Site) -> Iterator[Mutation]:
    """``m[j][i]`` → ``m[i][j]``: the indices of a nested subscript in the wrong order."""
    if node.type != "subscript":
        return
    inner = node.child_by_field_name("value")
    outer_idx = node.children_by_field_name("subscript")
    if inner is None or inner.type != "subscript" or len(outer_idx) != 1:
        return
    inner_idx = inner.children_by_field_name("subscript")
    base = inner.child_by_field_name("value")
    if base is None or len(inner_idx) != 1:
        return
    a, b = text_of(inner_idx[0]), text_of(outer_idx[0])
    if a != b:
        yield _replace(node, f"{text_of(base)}[{b}][{a}]", site, "swap_elements")


def bound_and_operator(node: Node, site: Site) -> Iterator[Mutation]:
    """Two tokens at once: a comparison's operator and its integer bound (``== 0`` →
    ``<= 1``), which a one-token search reaches only through a worse state."""
    if node.type != "comparison_operator" or node.named_child_count != 2:
        return
    ops = [c for c in node.children if not c.is_named]
    left, right = node.named_children
    if len(ops) != 1 or text_of(ops[0]) not in MIRRORED or right.type != "integer":
        return
    try:
        bound = int(text_of(right), 0)
    except ValueError:
        return
    old_op = text_of(ops[0])
    for op in ("<", "<=", ">", ">=", "==", "!="):
        for b in (bound - 1, bound + 1):
            if op != old_op and b >= 0:
                yield _replace(node, f"{text_of(left)} {op} {b}", site, "two_token")


def call_to_assignment(node: Node, site: Site) -> Iterator[Mutation]:
    """``a[x].update(b)`` → ``a[x] = b``: a method call that should have been a store."""
    if node.type != "expression_statement" or node.named_child_count != 1:
        return
    call = node.named_children[0]
    if call.type != "call":
        return
    fn, args = call.child_by_field_name("function"), call.child_by_field_name("arguments")
    if fn is None or fn.type != "attribute" or args is None or args.named_child_count != 1:
        return
    target, arg = fn.child_by_field_name("object"), args.named_children[0]
    if target is None or arg.type in ("keyword_argument", "list_splat", "dictionary_splat"):
        return
    yield _replace(node, f"{text_of(target)} = {text_of(arg)}", site, "call_to_assign")


INIT_EXTREMES = ("float('inf')", "float('-inf')", "None", "-1")
INIT_FROM_SEQUENCE = ("{s}[0]", "len({s})", "min({s})", "max({s})", "{s}[-1]")
INIT_LITERALS = frozenset({"integer", "float", "none", "true", "false", "list", "dictionary"})
MAX_SEQUENCES = 3


def _initialised(node: Node) -> bool:
    """``node`` is the value a plain name starts with: ``best = 0``, or an element of
    ``low, high = 0, max(values)``."""
    parent = node.parent
    if parent is not None and parent.type in ("expression_list", "tuple"):
        node, parent = parent, parent.parent
    if parent is None or parent.type != "assignment" or field_name(node) != "right":
        return False
    left = parent.child_by_field_name("left")
    return left is not None and left.type in ("identifier", "pattern_list", "tuple_pattern")


SEQUENCE_CALLS = frozenset(
    {"len", "max", "min", "sum", "sorted", "list", "tuple", "set", "enumerate", "reversed",
     "iter", "any", "all"}
)  # fmt: skip


def sequences(site: Site, fn: Node) -> set[str]:
    """The names ``fn`` uses as sequences: iterated (``for x in xs``), indexed (``xs[i]``)
    or given to ``len``/``max``/``sorted``/... alone. Once per function."""
    key = ("sequences", fn.id)
    got = site.memo.get(key)
    if got is None:
        got = site.memo[key] = {
            text_of(n)
            for n in walk(fn)
            if n.type == "identifier" and sequence_use(n, SEQUENCE_CALLS)
        }
    return got


def init_value(node: Node, site: Site) -> Iterator[Mutation]:
    """A name's literal starting value replaced by an extreme (``best = 0`` ->
    ``best = float('inf')``) or by what one of the function's sequences gives (``values[0]``,
    ``len(values)``, ``min(values)``: ``low, high = 0, max(values)`` -> ``min(values)``):
    the values wrong initialisations need, which a ±1 of the literal never reaches."""
    if node.type not in INIT_LITERALS or not _initialised(node):
        return
    fn = enclosing(node, ("function_definition",))
    if fn is None:
        return
    old = text_of(node)
    used = sequences(site, fn)
    seqs = [n for n in site.value_names(node) if n in used][:MAX_SEQUENCES]
    news = [*INIT_EXTREMES, *(form.format(s=s) for s in seqs for form in INIT_FROM_SEQUENCE)]
    for new in dict.fromkeys(news):
        if new != old:
            yield _replace(node, new, site, "init_value")


STRICTNESS = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


def _chain(node: Node, op: str) -> list[Node]:
    """The operands of a chain of one boolean operator (``a and b and c``)."""
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _chain(node.named_children[0], op)
    if node.type == "boolean_operator" and text_of(node.child_by_field_name("operator")) == op:
        return [
            *_chain(node.child_by_field_name("left"), op),
            *_chain(node.child_by_field_name("right"), op),
        ]
    return [node]


def compare_all(node: Node, site: Site) -> Iterator[Mutation]:
    """``a.start <= b.end and b.start <= a.end`` -> both ``<``: a condition whose comparisons
    share one operator (an overlap, a range test) is wrong in all of them at once, or in
    none; a single swap fixes half of it and says nothing the tests can see."""
    if node.type != "boolean_operator":
        return
    op = text_of(node.child_by_field_name("operator"))
    parent = node.parent
    same = parent is not None and parent.type == "boolean_operator"
    if same and text_of(parent.child_by_field_name("operator")) == op:
        return  # the chain's top makes it
    parts = [p for p in _chain(node, op) if p.type == "comparison_operator"]
    tokens = [c for p in parts for c in p.children if not c.is_named]
    olds = {text_of(t) for t in tokens}
    if len(tokens) < 2 or len(olds) != 1 or (old := olds.pop()) not in STRICTNESS:
        return
    new, base = STRICTNESS[old], node.start_byte
    text = bytearray(site.data[node.start_byte : node.end_byte])
    for t in sorted(tokens, key=lambda t: t.start_byte, reverse=True):
        text[t.start_byte - base : t.end_byte - base] = new.encode()
    title = f"Change every `{old}` to `{new}` in line {site.line(node)}"
    yield Mutation("compare_all", node.start_byte, node.end_byte, text.decode(), title, node)


_SIGNED = frozenset({"list", "tuple", "argument_list"})
_TARGETS = frozenset({"delete_statement", "as_pattern_target", "as_pattern", "pattern_list",
                      "tuple_pattern", "list_pattern", "for_statement", "for_in_clause"})  # fmt: skip


def _target(seq: Node) -> bool:
    """``seq`` (a list or tuple) is something deleted or bound (``del (a, b)``,
    ``with f() as (a, b)``, a ``for`` target), not a value."""
    n: Node | None = seq
    while n is not None and n.type in ("list", "tuple", "parenthesized_expression"):
        parent = n.parent
        if parent is not None and parent.type in _TARGETS:
            return parent.type not in ("for_statement", "for_in_clause") or field_name(n) == "left"
        n = parent
    return False


def negate_operand(node: Node, site: Site) -> Iterator[Mutation]:
    """``cls([root, 1])`` -> ``cls([-root, 1])``, and ``-x`` -> ``x``: a sign error on a
    name used as a number, where no operator swap makes it (an element of a list or tuple,
    a positional argument; ``a + b`` -> ``a - b`` is ``arith_swap``'s)."""
    parent = node.parent
    if node.type == "unary_operator" and text_of(node.child_by_field_name("operator")) == "-":
        arg = node.child_by_field_name("argument")
        signed = parent is not None and parent.type in _SIGNED
        if signed and arg is not None and arg.type in ("identifier", "attribute"):
            yield _replace(node, text_of(arg), site, "negate_operand")
        return
    if node.type not in ("identifier", "attribute") or parent is None or parent.type not in _SIGNED:
        return
    if non_numeric(node, site) or _target(parent):
        return
    yield _replace(node, f"-{text_of(node)}", site, "negate_operand")


OPERAND_FAMILIES = (
    swap_operands,
    shift_operands,
    add_slice,
    clamp,
    return_values,
    rename_attribute,
    bound_and_operator,
    call_to_assignment,
    attribute_to_call,
    swap_indices,
)
