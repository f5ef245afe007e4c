"""What an expression evidently is not: a number. Read from the code around it, never run.

``x + 1`` on a list, ``heap - 1`` on an object, ``heap = cls()`` turned into ``heap -=
cls()``: such candidates cannot be the fix, and on a real program they were a quarter of the
evaluations a search spent. An expression is *non-numeric* when the code says so:

- it is a literal or display that is not a number (a string, list, dict, set, tuple,
  comprehension, ``None``, ``True``/``False``, a lambda), or a slice of something non-numeric;
- it is a call that builds a container, a string or an object (``list(...)``, ``sorted(...)``,
  ``cls()``, ``Node(...)``, ``text.split()``, ``d.items()``);
- it is ``self``/``cls``, or a name of its function that the function only ever binds to
  such values, or uses as a container (``len(xs)``, ``for x in xs``, ``xs.append(...)``,
  ``xs[i] = ...``, ``x in xs``, ``xs.attr`` other than a number's own attributes);
- it is an attribute of ``self``/``cls`` (``self.items``) that its class only ever assigns
  such values, or uses as a container.

The facts are gathered once per function and per class, never over a whole module, so the
editor's latency budget is not spent on them.

Anything else may be a number: the rule only removes what the code rules out.
"""

from __future__ import annotations

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Site

NON_NUMERIC_NODES = frozenset(
    {"string", "concatenated_string", "list", "list_comprehension", "dictionary",
     "dictionary_comprehension", "set", "set_comprehension", "tuple", "generator_expression",
     "lambda", "none", "true", "false", "list_splat", "dictionary_splat"}
)  # fmt: skip
# Calls whose result is a container, a string or some other non-number.
BUILDERS = frozenset(
    {"list", "dict", "set", "tuple", "frozenset", "sorted", "reversed", "str", "repr", "ascii",
     "enumerate", "zip", "map", "filter", "iter", "bytes", "bytearray", "open", "type",
     "object", "super", "range", "format", "chr", "input", "vars", "dir", "defaultdict",
     "deque", "OrderedDict", "Counter", "namedtuple", "cls"}
)  # fmt: skip
# Capitalised callables that build numbers (anything else capitalised is taken for a class).
NUMERIC_CLASSES = frozenset({"Decimal", "Fraction", "Number", "Integral", "Real", "Complex"})
# Methods whose result is a string, a container or a view, whatever the receiver.
NON_NUMERIC_METHODS = frozenset(
    {"split", "rsplit", "splitlines", "join", "strip", "lstrip", "rstrip", "lower", "upper",
     "title", "capitalize", "casefold", "replace", "format", "encode", "decode", "keys",
     "values", "items", "copy", "partition", "rpartition", "center", "ljust", "rjust",
     "zfill", "expandtabs", "translate", "swapcase", "removeprefix", "removesuffix"}
)  # fmt: skip
# Attributes numbers have: reading one says nothing against a number.
NUMBER_ATTRIBUTES = frozenset(
    {"real", "imag", "numerator", "denominator", "conjugate", "bit_length", "bit_count",
     "to_bytes", "is_integer", "as_integer_ratio", "hex", "quantize", "sqrt", "exp", "ln"}
)  # fmt: skip


def _unwrap(node: Node) -> Node:
    """``node`` without the parentheses around it: ``((x))`` is ``x``."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def _built_non_numeric(node: Node) -> bool:
    """``node`` (a right-hand side) is a non-number by its own form: a non-numeric literal or a
    call that builds one. Names are not followed (one level is evidence enough)."""
    node = _unwrap(node)
    if node.type in NON_NUMERIC_NODES:
        return True
    if node.type == "call":
        fn = node.child_by_field_name("function")
        if fn is None:
            return False
        if fn.type == "identifier":
            name = text_of(fn)
            return name in BUILDERS or (name[:1].isupper() and name not in NUMERIC_CLASSES)
        if fn.type == "attribute":
            attr = fn.child_by_field_name("attribute")
            return attr is not None and text_of(attr) in NON_NUMERIC_METHODS
    if node.type == "subscript":  # a slice of a literal or a built container
        value = node.child_by_field_name("value")
        sliced = any(s.type == "slice" for s in node.children_by_field_name("subscript"))
        return sliced and value is not None and _built_non_numeric(value)
    return False


CONTAINER_CALLS = frozenset({"len", "sorted", "reversed", "enumerate"})


def sequence_use(node: Node, calls: frozenset[str]) -> bool:
    """``node`` is iterated (``for x in xs``), indexed (``xs[i]``; numbers are not
    subscripted) or the only argument of one of ``calls`` (``len(xs)``)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "for_statement" or parent.type == "for_in_clause":
        return parent.child_by_field_name("right") == node
    if parent.type == "subscript":
        return parent.child_by_field_name("value") == node
    if parent.type == "argument_list" and parent.named_child_count == 1:
        call = parent.parent
        fn = call.child_by_field_name("function") if call is not None else None
        return fn is not None and text_of(fn) in calls
    return False


def _container_use(node: Node) -> bool:
    """``node`` (a name or attribute) is used the way only containers and objects are."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "attribute" and parent.child_by_field_name("object") == node:
        attr = parent.child_by_field_name("attribute")
        return attr is not None and text_of(attr) not in NUMBER_ATTRIBUTES
    if sequence_use(node, CONTAINER_CALLS):
        return True
    if parent.type == "comparison_operator":
        ops = [text_of(c) for c in parent.children if not c.is_named]
        return bool(ops) and ops[-1] in ("in", "not in") and parent.named_children[-1] == node
    return False


def _facts(site: Site, scope: Node, key: str) -> dict[str, bool]:
    """For each name (``key="names"``, the scope's identifiers) or attribute (``"attrs"``,
    the scope's ``.attr``): True when a use is a container's, or every binding is
    non-numeric; absent (False) when a binding may be a number and no use says otherwise.
    Computed once per scope, in one walk."""
    memo = site.memo.get((key, scope.id))
    if memo is not None:
        return memo
    numeric: set[str] = set()  # bound at least once to what may be a number
    built: set[str] = set()  # bound at least once to a non-number
    used: set[str] = set()  # used the way only a container or an object is

    def target_name(n: Node) -> str | None:
        if key == "names" and n.type == "identifier":
            return text_of(n)
        if key == "attrs" and n.type == "attribute":
            attr = n.child_by_field_name("attribute")
            return text_of(attr) if attr is not None else None
        return None

    for n in pytree.walk(scope):
        if n.type in ("assignment", "augmented_assignment"):
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            name = target_name(left) if left is not None else None
            if name is None or right is None:
                continue
            if n.type == "augmented_assignment" or not _built_non_numeric(right):
                numeric.add(name)
            else:
                built.add(name)
        elif (name := target_name(n)) is not None and _container_use(n):
            used.add(name)
    # a binding that may be a number outweighs a literal elsewhere, but not a use only a
    # container allows (``len(xs)`` after ``xs = f()``)
    found = dict.fromkeys(used | (built - numeric), True)
    site.memo[(key, scope.id)] = found
    return found


def names_ruled_out(site: Site, fn: Node) -> dict[str, bool]:
    """The names of function ``fn`` the code rules out as numbers (True), once per function."""
    return _facts(site, fn, "names")


def non_numeric(node: Node, site: Site) -> bool:
    """The code evidently rules out that ``node`` (an expression) is a number."""
    node = _unwrap(node)
    if _built_non_numeric(node):
        return True
    if node.type == "identifier":
        name = text_of(node)
        if name in ("self", "cls"):
            return True
        scope = pytree.enclosing(node, ("function_definition",))
        return scope is not None and _facts(site, scope, "names").get(name, False)
    if node.type == "attribute":  # ``self.attr``: what the class assigns it and does with it
        obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
        if obj is None or attr is None or text_of(obj) not in ("self", "cls"):
            return False
        scope = pytree.enclosing(node, ("class_definition",))
        return scope is not None and _facts(site, scope, "attrs").get(text_of(attr), False)
    if node.type == "subscript":
        value = node.child_by_field_name("value")
        sliced = any(s.type == "slice" for s in node.children_by_field_name("subscript"))
        return sliced and value is not None and non_numeric(value, site)
    if node.type == "binary_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = node.child_by_field_name("operator")
        if op is not None and text_of(op) == "%" and left is not None:
            return left.type in ("string", "concatenated_string")
        if op is not None and text_of(op) in ("+", "*") and left is not None and right is not None:
            return any(s.type in NON_NUMERIC_NODES - {"true", "false"} for s in (left, right))
    return False


# What ``a += value`` cannot mean when ``value`` is one of these: no ``+`` joins them.
UNGROWABLE = frozenset(
    {"dictionary", "dictionary_comprehension", "set", "set_comprehension", "none", "true",
     "false", "lambda"}
)  # fmt: skip
UNGROWABLE_CALLS = frozenset({"dict", "set", "frozenset", "object", "defaultdict", "cls"})


def cannot_grow(node: Node) -> bool:
    """``a = node`` made ``a += node`` is no fix: ``node`` is a dict, set, ``None``, a bool, a
    lambda or a new object (``cls()``, ``Node(...)``). Lists, strings and tuples may be."""
    node = _unwrap(node)
    if node.type in UNGROWABLE:
        return True
    fn = node.child_by_field_name("function") if node.type == "call" else None
    if fn is None or fn.type != "identifier":
        return False
    name = text_of(fn)
    collections = ("OrderedDict", "Counter", "deque")  # capitalised, but ``+=``-able or dicts
    return name in UNGROWABLE_CALLS or (
        name[:1].isupper() and name not in NUMERIC_CLASSES and name not in collections
    )
