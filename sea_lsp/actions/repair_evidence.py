"""What a failing test's message says about the kind of fix, beyond where it is.

Localisation says which lines; a message can also say what went wrong with a value there.
Two kinds are read here, and ``repair.order`` gives the candidates each points at the
weight a hang gives a stuck loop's update (``HANG_BOOST``):

- ``DIVISION``, the mistake Python 3's two divisions make: a fraction where a whole number
  was wanted (``TypeError: slice indices must be integers ...``, ``'float' object cannot
  be interpreted as an integer``, ``assert 7.777777777777778 == 7``) or a whole number
  where a fraction was (``assert 3 == 3.5``). The likeliest fix turns one division into
  the other (``/`` and ``//``, ``/=`` and ``//=``).
- ``NOT_RAISED``: a test expected an exception and none came (pytest's ``DID NOT RAISE``).
  The guard that raises it let the value through: its comparison is at the wrong boundary
  (``if val > 2 ** n: raise ValueError`` for ``>=``). Comparison swaps in the condition of
  an ``if`` whose branch raises are tried first.

The other evidence the engine reads from messages lives beside the family it points at: a
name read unset (``repair_init.unset_names``), a test stopped by its timeout (``hangs``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation

DIVISION = "division"  # a fraction where a whole number was wanted, or the other way round
NOT_RAISED = "not_raised"  # a test expected an exception that did not come
_NOT_RAISED = re.compile(r"\bDID NOT RAISE\b")

# Python's own words when a float reaches a place that takes only integers
_FLOAT_FOR_INT = re.compile(
    r"TypeError: (?:slice indices must be integers"
    r"|\w+ indices must be integers or slices, not float"
    r"|'float' object cannot be interpreted as an integer"
    r"|can't multiply sequence by non-int of type 'float')"
)
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
# pytest's report of a failing ``assert a == b`` of two numbers (the rewritten assertion)
_NUMBERS_EQUAL = re.compile(
    rf"^E\s+(?:AssertionError: )?assert \(?({_NUMBER}) == ({_NUMBER})\)?\s*$", re.MULTILINE
)


def _whole(text: str) -> bool:
    return "." not in text and "e" not in text


def _fraction(text: str) -> bool:
    """A float literal that is not a whole number (``7.75``, not ``7.0``)."""
    try:
        value = float(text)
    except ValueError:
        return False
    return not _whole(text) and value != int(value)


def _division_mismatch(text: str) -> bool:
    if _FLOAT_FOR_INT.search(text):
        return True
    for m in _NUMBERS_EQUAL.finditer(text):
        a, b = m.groups()
        if (_fraction(a) and _whole(b)) or (_whole(a) and _fraction(b)):
            return True
    return False


def tags(messages: Iterable[str]) -> frozenset[str]:
    """The kinds of fix the failing tests' messages point at (``DIVISION``)."""
    found: set[str] = set()
    for text in messages:
        if DIVISION not in found and _division_mismatch(text):
            found.add(DIVISION)
        if _NOT_RAISED.search(text):
            found.add(NOT_RAISED)
    return frozenset(found)


_DIVISIONS = ({"/", "//"}, {"/=", "//="})


def flips_division(m: Mutation) -> bool:
    """``m`` turns one division into the other (``/`` <-> ``//``, ``/=`` <-> ``//=``)."""
    if m.family not in ("arith_swap", "augassign_swap"):
        return False
    pair = {text_of(m.node), m.new_text}
    return pair in _DIVISIONS


def _raises(block: Node | None) -> bool:
    """``block`` raises at its own level (``raise`` among its statements)."""
    return block is not None and any(c.type == "raise_statement" for c in block.named_children)


def in_raising_guard(node: Node) -> bool:
    """``node`` is inside the condition of an ``if`` or ``elif`` whose branch raises."""
    child, up = node, node.parent
    while up is not None and up.type not in ("block", "module"):
        if up.type in ("if_statement", "elif_clause"):
            cond = up.child_by_field_name("condition")
            inside = cond is not None and cond.start_byte <= child.start_byte < cond.end_byte
            return inside and _raises(up.child_by_field_name("consequence"))
        child, up = up, up.parent
    return False


def backed(m: Mutation, evidence: frozenset[str]) -> bool:
    """The messages' evidence (``tags``) names ``m``'s kind of fix."""
    if DIVISION in evidence and flips_division(m):
        return True
    return NOT_RAISED in evidence and m.family == "compare_swap" and in_raising_guard(m.node)
