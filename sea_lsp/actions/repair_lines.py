"""Which lines hold faults: a prior over the kind of statement a suspicious line starts.

Spectrum localisation scores a line by the tests that ran it, so every line of a function
that only the failing tests run ties: the ``def`` line, ``result = []``, the loop, the
computation, ``return result``. Those lines are not equally likely to be wrong. On the
repair benchmark's *train* projects (214 bugs, 162 faulty lines whose fix edits the line
itself, among the 1,296 lines localisation scored at least as high), the share of faulty
lines by kind was: a ``def`` or ``class`` line 0 of 157; ``return`` of a bare name or
constant 3 of 96; ``continue``/``break``/``pass``/``raise`` 1 of 38; an assignment of a name,
constant or empty literal 12 of 147 and a bare call 15 of 176; a computed ``return`` (an
operator, comparison or comprehension) 20 of 34 and a computed assignment 17 of 69; every
other kind 0.12-0.2 (``if`` 35 of 183). ``LINE_PRIOR`` turns the rare kinds into a factor
on the line's localisation weight. Replayed over the root candidates of those 214 bugs (hand
order, the human fix's position), the factors below moved 79 fixes up and 13 down, the first
10 holding 49 -> 52 and the mean log2 position 5.18 -> 5.06; two fixes fell past the root's
cap of 3,000 (a ``return name`` wrapped in a call). Raising the computed kinds as their
shares suggest (x1.5, x2) put fewer in the first 10 (50, 46): those lines already have
dozens of candidates each.

The factor applies to the edits *of* a line's own tokens. A statement inserted before or
after a line, or a guard around it, is a fix of what is missing there, not of the line:
those families keep the line's weight as it is (``IN_PLACE``).
"""

from __future__ import annotations

from tree_sitter import Node, Tree

# Values that compute nothing: a name, a constant, an attribute, an empty literal.
_PLAIN = frozenset(
    {"identifier", "integer", "float", "string", "true", "false", "none", "attribute"}
)
_EMPTY = frozenset({"list", "dictionary", "set", "tuple"})
_COMPUTED = frozenset(
    {"binary_operator", "comparison_operator", "boolean_operator", "not_operator",
     "unary_operator", "conditional_expression", "list_comprehension", "set_comprehension",
     "dictionary_comprehension", "generator_expression"}
)  # fmt: skip
_HEADERS = frozenset({"function_definition", "class_definition", "decorated_definition"})
_JUMPS = frozenset({"continue_statement", "break_statement", "pass_statement", "raise_statement"})

# The factor on a line's localisation weight by its kind (see the module docstring for the
# counts and the replay; a kind not named keeps 1).
LINE_PRIOR = {"header": 0.05, "return-plain": 0.3, "jump": 0.3, "assign-plain": 0.7}

# Families that insert a statement next to a line (or wrap it) rather than edit its tokens.
_INSERTING = frozenset({"crash_guard", "wrap_if", "add_method", "guard"})


def in_place(family: str) -> bool:
    """Whether ``family`` edits a line's own tokens (the line kind's prior applies)."""
    return not (family.startswith("insert_") or family in _INSERTING)


def statement_at(tree: Tree, data: bytes, start: int, end: int) -> Node | None:
    """The outermost statement that starts at the line's first non-blank byte (``start`` to
    ``end``: the line's bytes), or None (a blank line, a comment, a continuation line)."""
    line = data[start:end]
    first = start + len(line) - len(line.lstrip())
    if first >= end:
        return None
    node = tree.root_node.descendant_for_byte_range(first, first)
    best = None
    while node is not None and node.start_byte == first:
        if node.type in _HEADERS or node.type.endswith(("_statement", "_clause")):
            best = node
        node = node.parent
    return best


def _value(node: Node | None) -> str:
    if node is None:
        return "plain"
    if node.type in _PLAIN or (node.type in _EMPTY and node.named_child_count == 0):
        return "plain"
    return "computed" if node.type in _COMPUTED else "other"


def line_kind(stmt: Node | None) -> str:
    """The kind ``LINE_PRIOR`` knows a line by, from the statement it starts."""
    if stmt is None:
        return "none"
    t = stmt.type
    if t in _HEADERS:
        return "header"
    if t in _JUMPS:
        return "jump"
    if t == "return_statement":
        return "return-" + _value(stmt.named_children[0] if stmt.named_children else None)
    if t == "expression_statement" and stmt.named_children:
        inner = stmt.named_children[0]
        if inner.type == "assignment":
            return "assign-" + _value(inner.child_by_field_name("right"))
        return "call" if inner.type == "call" else "expression"
    return t


def line_prior(tree: Tree, data: bytes, start: int, end: int) -> float:
    """``LINE_PRIOR`` of the line holding bytes ``start`` to ``end``."""
    return LINE_PRIOR.get(line_kind(statement_at(tree, data, start, end)), 1.0)
