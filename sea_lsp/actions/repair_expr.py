"""Expression-level repair mutations: operators, constants, names, calls, arguments, slices."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from sea_lsp.actions import repair_names, repair_shapes
from sea_lsp.actions.pytree import field_name, text_of
from sea_lsp.actions.repair_names import name_features
from sea_lsp.actions.repair_operands import OPERAND_FAMILIES
from sea_lsp.actions.repair_site import Mutation, Site, paren, short
from sea_lsp.actions.repair_types import cannot_grow, non_numeric

COMPARE = ("<", "<=", ">", ">=", "==", "!=")
COMPARE_EXTRA = {"==": ("is",), "!=": ("is not",), "is": ("==", "is not"), "is not": ("!=", "is")}
COMPARE_EXTRA |= {"in": ("not in",), "not in": ("in",)}
ARITH = ("+", "-", "*", "/", "//", "%", "**")
BITWISE = ("&", "|", "^", "<<", ">>")
AUGMENTED = ("+=", "-=", "*=", "/=", "//=", "%=", "**=")
AUGMENTED_BITWISE = ("&=", "|=", "^=", "<<=", ">>=")
BOOL = {"and": "or", "or": "and"}

NAME_SWAPS = [
    ("append", "extend"),
    ("append", "add"),
    ("append", "insert"),
    ("min", "max"),
    ("any", "all"),
    ("keys", "values", "items"),
    ("lower", "upper"),
    ("startswith", "endswith"),
    ("sort", "reverse"),
    ("sorted", "reversed"),
    ("find", "index", "rfind"),
    ("strip", "lstrip", "rstrip"),
    ("split", "rsplit"),
    ("remove", "discard", "pop"),
    ("get", "setdefault", "pop"),
    ("floor", "ceil", "round"),
    ("int", "float", "round"),
    ("list", "tuple", "set", "sorted"),
    ("isdigit", "isalpha", "isalnum"),
    ("update", "extend"),
]
_SWAPS: dict[str, list[str]] = {}
for _group in NAME_SWAPS:
    for _a in _group:
        _SWAPS.setdefault(_a, []).extend(b for b in _group if b != _a and b not in _SWAPS[_a])

EMPTY_CONTAINERS = ("[]", "{}", "set()", "()", "None")
BOOL_CONSTANTS = ("True", "False", "None")
WRAPPERS = ("min", "max", "len", "sorted", "reversed", "abs", "list", "set", "sum", "int", "str")
VALUE_PARENTS = {
    "argument_list",
    "return_statement",
    "assignment",
    "augmented_assignment",
    "comparison_operator",
    "subscript",
    "binary_operator",
    "keyword_argument",
}
_NO_REPLACE_PARENT_FIELDS = {
    ("attribute", "attribute"),
    ("keyword_argument", "name"),
    ("function_definition", "name"),
    ("class_definition", "name"),
    ("default_parameter", "name"),
    ("typed_default_parameter", "name"),
}


def _swap(node: Node, new: str, site: Site, family: str) -> Mutation:
    old = text_of(node)
    title = f"Change `{short(old)}` to `{short(new)}` in line {site.line(node)}"
    return Mutation(family, node.start_byte, node.end_byte, new, title, node)


def operators(node: Node, site: Site) -> Iterator[Mutation]:
    """Comparison, arithmetic, bitwise, boolean and augmented-assignment operator swaps."""
    t = node.type
    if t == "comparison_operator":
        ops = [c for c in node.children if not c.is_named]
        for op in ops:
            old = text_of(op)
            alts = [o for o in COMPARE if o != old] if old in COMPARE else []
            for new in alts + list(COMPARE_EXTRA.get(old, ())):
                yield _swap(op, new, site, "compare_swap")
    elif t == "binary_operator":
        op = node.child_by_field_name("operator")
        if op is not None:
            old = text_of(op)
            group = ARITH if old in ARITH else BITWISE if old in BITWISE else ()
            for new in group:
                if new != old:
                    yield _swap(op, new, site, "arith_swap")
    elif t == "boolean_operator":
        op = node.child_by_field_name("operator")
        if op is not None and text_of(op) in BOOL:
            yield _swap(op, BOOL[text_of(op)], site, "bool_swap")
    elif t == "augmented_assignment":
        op = node.child_by_field_name("operator")
        if op is not None:
            old = text_of(op)
            group = AUGMENTED_BITWISE if old in AUGMENTED_BITWISE else AUGMENTED
            for new in (*group, "="):
                if new != old:
                    yield _swap(op, new, site, "augassign_swap")
    elif (
        t == "assignment"
        and node.child_by_field_name("right") is not None
        and node.child_by_field_name("left").type in ("identifier", "attribute", "subscript")
    ):
        eq = next((c for c in node.children if c.type == "="), None)
        right = node.child_by_field_name("right")
        if eq is not None and node.child_by_field_name("type") is None:
            for new in ("+=", "-="):
                if new == "-=" and non_numeric(right, site):
                    continue  # ``heap -= cls()``; ``out += [x]`` may still be the fix
                if new == "+=" and cannot_grow(right):
                    continue
                yield _swap(eq, new, site, "augassign_swap")


def constants(node: Node, site: Site) -> Iterator[Mutation]:
    """Integers ±1 and 0/1; empty containers and True/False/None swapped among themselves."""
    t = node.type
    if t == "integer":
        try:
            v = int(text_of(node).replace("_", ""), 0)
        except ValueError:
            return
        for new in dict.fromkeys((v + 1, v - 1, 0, 1)):
            if new != v and new >= -1:
                yield _swap(node, str(new), site, "constant")
    elif t == "float":
        try:
            v = float(text_of(node))
        except ValueError:
            return
        for new in dict.fromkeys((0.0, 1.0, v + 1, v - 1)):
            if new != v and new >= 0:
                yield _swap(node, repr(new), site, "constant")
    elif t == "string" and 2 < len(text_of(node)) <= 12 and text_of(node)[0] in "'\"":
        old = text_of(node)
        for new in dict.fromkeys((old.upper(), old.lower(), old.swapcase())):
            if new != old and new[0] in "'\"":
                yield _swap(node, new, site, "constant_swap")
    elif t in ("true", "false", "none"):
        old = text_of(node)
        for new in BOOL_CONSTANTS:
            if new != old:
                yield _swap(node, new, site, "constant_swap")
    if _is_empty_container(node) or t == "none":
        old = text_of(node)
        for new in EMPTY_CONTAINERS:
            if new != old:
                yield _swap(node, new, site, "constant_swap")


def _is_empty_container(node: Node) -> bool:
    if node.type in ("list", "dictionary", "tuple", "set") and node.named_child_count == 0:
        return True
    if node.type == "call":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        return (
            fn is not None
            and text_of(fn) in ("set", "list", "dict", "tuple")
            and args is not None
            and args.named_child_count == 0
        )
    return False


def _plus_minus(node: Node, site: Site, family: str) -> Iterator[Mutation]:
    """``e`` → ``e + 1``/``e - 1``; ``e ± 1`` → ``e``."""
    if node.type == "binary_operator":
        op = node.child_by_field_name("operator")
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if op is not None and text_of(op) in "+-" and right is not None and text_of(right) == "1":
            yield _swap(node, text_of(left), site, family)
            return
    if non_numeric(node, site):  # ``xs + 1`` on a list, ``cls() - 1``: not a fix
        return
    base = paren(node)
    if node.type == "binary_operator" and op_text(node) in ("+", "-"):
        base = text_of(node)  # ``a - b + 1`` is ``(a - b) + 1``: no parentheses needed
    yield _swap(node, f"{base} + 1", site, family)
    yield _swap(node, f"{base} - 1", site, family)


def op_text(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return text_of(op) if op is not None else ""


def positional_args(args: Node) -> list[Node]:
    return [
        a
        for a in args.named_children
        if a.type not in ("keyword_argument", "list_splat", "dictionary_splat", "comment")
    ]


def off_by_one(node: Node, site: Site) -> Iterator[Mutation]:
    """±1 on subscript indices and call arguments; slice bounds moved or dropped."""
    if node.type == "subscript":
        for idx in node.children_by_field_name("subscript"):
            if idx.type != "slice":
                yield from _plus_minus(idx, site, "off_by_one")
    elif node.type == "argument_list":
        for arg in positional_args(node):
            yield from _plus_minus(arg, site, "off_by_one")
        for kw in node.named_children:
            if kw.type == "keyword_argument" and kw.child_by_field_name("value") is not None:
                yield from _plus_minus(kw.child_by_field_name("value"), site, "off_by_one")
    elif node.type == "slice":
        for bound in node.named_children:
            yield from _plus_minus(bound, site, "slice")
            title = f"Drop the slice bound `{short(text_of(bound))}` in line {site.line(bound)}"
            yield Mutation("slice", bound.start_byte, bound.end_byte, "", title, bound)


def identifiers(node: Node, site: Site) -> Iterator[Mutation]:
    """Replace a name with another in scope of the same sort (value ↔ value, callable ↔ callable).
    In the search a value name is weighed by the learned name prior (``repair_names``)."""
    if node.type != "identifier" or node.parent is None:
        return
    parent = node.parent
    if (parent.type, field_name(node)) in _NO_REPLACE_PARENT_FIELDS or parent.type in (
        "parameters",
        "lambda_parameters",
        "typed_parameter",
        "dotted_name",
        "aliased_import",
        "import_from_statement",
        "global_statement",
        "nonlocal_statement",
    ):
        return
    old = text_of(node)
    kinds = site.scope(node)
    if (
        parent.type == "call"
        and field_name(node) == "function"
        or kinds.get(old) in ("def", "class")
    ):
        pool = site.callable_names(node) + [c for c in site.file_calls() if c.isidentifier()]
        family = "name_swap_call"
    else:
        pool = site.value_names(node)
        family = "identifier"
    prior = repair_shapes.default_prior() if site.weigh and family == "identifier" else None
    weigh = prior is not None and prior.knows(repair_names.GROUP)
    for new in dict.fromkeys(pool):
        if new != old and new != "_":  # ``_`` is the name of what is not used
            m = _swap(node, new, site, family)
            yield m._replace(weight=prior.weight(name_features(site, node, new))) if weigh else m


def calls(node: Node, site: Site) -> Iterator[Mutation]:
    """Swap method/builtin names, unwrap a one-argument call, swap adjacent arguments."""
    if node.type == "call":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        name = fn.child_by_field_name("attribute") if fn and fn.type == "attribute" else fn
        if name is not None and name.type == "identifier":
            for new in _SWAPS.get(text_of(name), ()):
                yield _swap(name, new, site, "method_swap")
        if args is not None and args.type == "argument_list":
            pos = positional_args(args)
            if len(pos) == 1 and args.named_child_count == 1:
                yield _swap(node, text_of(pos[0]), site, "unwrap_call")
    elif node.type == "attribute" and (node.parent is None or node.parent.type != "call"):
        attr = node.child_by_field_name("attribute")
        if attr is not None:
            for new in _SWAPS.get(text_of(attr), ()):
                yield _swap(attr, new, site, "method_swap")
    if node.type == "subscript":
        items = node.children_by_field_name("subscript")
        for a, b in zip(items, items[1:], strict=False):  # x[j, k] -> x[k, j]
            between = site.data[a.end_byte : b.start_byte].decode("utf-8")
            title = f"Swap `{short(text_of(a), 15)}` and `{short(text_of(b), 15)}` in line {site.line(a)}"
            yield Mutation(
                "swap_elements",
                a.start_byte,
                b.end_byte,
                text_of(b) + between + text_of(a),
                title,
                node,
            )
    if node.type in ("argument_list", "tuple", "expression_list", "pattern_list"):
        items = positional_args(node) if node.type == "argument_list" else node.named_children
        for a, b in zip(items, items[1:], strict=False):
            between = site.data[a.end_byte : b.start_byte].decode("utf-8")
            new = text_of(b) + between + text_of(a)
            title = f"Swap `{short(text_of(a), 15)}` and `{short(text_of(b), 15)}` in line {site.line(a)}"
            family = "swap_args" if node.type == "argument_list" else "swap_elements"
            yield Mutation(family, a.start_byte, b.end_byte, new, title, node)


def operands(node: Node, site: Site) -> Iterator[Mutation]:
    """Drop an operand; replace an operand or constant with an in-scope name; negate."""
    t = node.type
    if t in ("binary_operator", "boolean_operator"):
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        for keep in (left, right):
            if keep is not None:
                yield _swap(node, text_of(keep), site, "drop_operand")
    elif t == "conditional_expression" and node.named_child_count == 3:
        for keep in (node.named_children[0], node.named_children[2]):
            yield _swap(node, text_of(keep), site, "drop_condition")
    elif t == "not_operator":
        arg = node.child_by_field_name("argument")
        if arg is not None:
            yield _swap(node, text_of(arg), site, "negate")
    elif t == "unary_operator" and text_of(node).startswith("-"):
        arg = node.child_by_field_name("argument")
        if arg is not None:
            yield _swap(node, text_of(arg), site, "drop_operand")
    parent = node.parent
    replaceable = t in ("integer", "float", "string", "true", "false", "none") or (
        parent is not None
        and parent.type in ("binary_operator", "comparison_operator", "boolean_operator")
        and t not in ("identifier",)
        and node.is_named
    )
    if replaceable:
        for name in site.value_names(node):
            yield _swap(node, name, site, "replace_operand")


def wraps(node: Node, site: Site) -> Iterator[Mutation]:
    """Wrap a value in a call the file uses elsewhere or in a common builtin."""
    parent = node.parent
    if parent is None or parent.type not in VALUE_PARENTS or not node.is_named:
        return
    if parent.type in ("assignment", "augmented_assignment") and field_name(node) != "right":
        return
    if parent.type == "subscript" and field_name(node) == "value":
        return
    if node.type in ("keyword_argument", "list_splat", "dictionary_splat", "comment", "slice"):
        return
    if parent.type == "keyword_argument" and field_name(node) != "value":
        return
    text = text_of(node)
    for fn in dict.fromkeys(list(site.file_calls()) + list(WRAPPERS)):
        if not text.startswith(fn + "("):
            yield _swap(node, f"{fn}({text})", site, "wrap_call")


EXPRESSION_FAMILIES = (
    operators, constants, off_by_one, identifiers, calls, operands, wraps, *OPERAND_FAMILIES
)  # fmt: skip
