"""What a failing test's message says about the kind of fix, beyond where it is.

Localisation says which lines; a message can also say what went wrong with a value there.
Six kinds are read here, and ``repair.order`` gives the candidates each points at the
weight a hang gives a stuck loop's update (``HANG_BOOST``):

- ``DIVISION``, the mistake Python 3's two divisions make: a fraction where a whole number
  was wanted (``TypeError: slice indices must be integers ...``, ``'float' object cannot
  be interpreted as an integer``, ``assert 7.777777777777778 == 7``) or a whole number
  where a fraction was (``assert 3 == 3.5``). The likeliest fix turns one division into
  the other (``/`` and ``//``, ``/=`` and ``//=``).
- ``NOT_RAISED``: a test expected an exception and none came (pytest's ``DID NOT RAISE``).
  The guard that raises it let the value through: its comparison is at the wrong boundary
  (``if val > 2 ** n: raise ValueError`` for ``>=``). Comparison swaps in the condition of
  an ``if`` whose branch raises are tried first. (Inserted guards that raise the class
  the test names are not: no train bug needs one, and the held-out projects, measured
  after, lost two positions to them.)
- ``RECURSION``: a ``RecursionError``. A function that calls itself never reached its base
  case: the base case's comparison is at the wrong boundary (``if n == 1: return 1`` that
  ``fact(0)`` passes by), or there is none. In a function that calls itself, comparison
  swaps and constants in the condition of an ``if`` whose branch returns, and guards that
  return inserted before its first statement, are tried first.
- ``NO_VALUE``: a function handed back ``None`` where a value was wanted (``assert None ==
  [2, 4]``, ``'NoneType' object is not subscriptable``). A function whose body ends
  without a ``return`` falls off its end with ``None``: the forgotten ``return result``
  after its last statement is tried first.
- ``WRONG_TYPE``: an operation met a value of a type it does not take (``'<' not supported
  between instances of 'str' and 'int'``; a None's, ``'NoneType' object has no attribute``,
  are ``NO_VALUE``'s). Where a condition asks a type or None test second (``n < 0 or not
  isinstance(n, int)``, ``x.size and x is not None``), the test it should guard ran first:
  the operands swapped are tried first (on either evidence).

- ``NO_COUNT``: a count stayed at zero (``assert 0 == 3``, pytest's report with the actual
  value first; unittest's ``0 != 3``): what counts was never advanced. A counter's
  ``+= 1`` after a statement (``repair_state.insert_counter``; an object's counter moved
  with its other changes, ``insert_state``; a count never used, ``insert_use``) is tried
  first; where
  pytest's explanation names the attribute that stayed at zero (``where 0 =
  <machine.Machine object at 0x...>.moves``), only that counter (the tag
  ``no_count:moves``; an attribute that is no counter backs nothing).

The other evidence the engine reads from messages lives beside the family it points at: a
name read unset (``repair_init.unset_names``), a test stopped by its timeout (``hangs``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation

DIVISION = "division"  # a fraction where a whole number was wanted, or the other way round
NOT_RAISED = "not_raised"  # a test expected an exception that did not come
_NOT_RAISED = re.compile(r"\bDID NOT RAISE\b")
RECURSION = "recursion"  # a function that calls itself never stopped
_RECURSION = re.compile(r"RecursionError: maximum recursion depth exceeded")
NO_VALUE = "no_value"  # a function handed back None where a value was wanted
# pytest's report of ``assert f(x) == expected`` where f returned None, and Python's words
# when a None reaches an operation that needs a value
_NO_VALUE = re.compile(
    r"^E\s+(?:AssertionError: )?assert None(?: ==| is not None|\s*$)"  # actual first
    r"|^E\s+\+\s+where None = "  # pytest's explanation: the call gave None
    r"|^E\s+AssertionError: None != "  # unittest's assertEqual(actual, expected)
    r"|'NoneType' object (?:is not (?:subscriptable|iterable|callable)|has no attribute)"
    r"|unsupported operand type\(s\) for .*'NoneType'"
    r"|not supported between instances of (?:'NoneType' and|.* and 'NoneType')"
    r"|object of type 'NoneType' has no len\(\)"
    r"|cannot unpack non-iterable NoneType object"
    r"|argument of type 'NoneType' is not iterable",
    re.MULTILINE,
)
NO_COUNT = "no_count"  # a count stayed at zero
_NO_COUNT = re.compile(
    r"^E\s+(?:AssertionError: )?(?:assert 0 == [1-9]\d*|0 != [1-9]\d*(?: : .*)?)\s*$"
    r"(?:\nE\s+\+\s+where 0 = ([^\n]*?)\s*$)?",  # what stayed at 0
    re.MULTILINE,
)
_ATTRIBUTE = re.compile(r"\.([A-Za-z_]\w*)$")  # ``<a.B object at 0x...>.count``

WRONG_TYPE = "wrong_type"  # an operation met a value of a type it does not take
# Python's words when a comparison, an operator, a subscript or an attribute meets a value of
# a type it does not take (a str compared with an int); a None's are NO_VALUE's
_T = r"'(?!NoneType')[\w.]+'"  # a type's name as Python quotes it: 'int', 'decimal.Decimal'
_BUILTIN = r"'(?:int|float|complex|str|bytes|bool|list|tuple|dict|set|frozenset)'"
_WRONG_TYPE = re.compile(
    rf"TypeError: (?:'[<>=!]+' not supported between instances of {_T} and {_T}"
    rf"|unsupported operand type\(s\) for [^:]+: {_T} and {_T}"
    rf"|{_T} object is not (?:subscriptable|iterable|callable)"
    rf"|object of type {_T} has no len\(\)"
    rf"|argument of type {_T} is not iterable"
    rf"|can only concatenate \w+ \(not \"(?!NoneType)\w+\"\) to \w+"
    rf"|bad operand type for [^:]+: {_T})"
    rf"|AttributeError: {_BUILTIN} object has no attribute"  # a class's own: a typo more often
)
# the tests that guard another: a type, a None, an attribute
_GUARD_TEST = re.compile(
    r"(?<![.\w])(?:isinstance|issubclass|hasattr|callable)\(|\bis (?:not )?None\b"
)

# Python's own words when a float reaches a place that takes only integers
_FLOAT_FOR_INT = re.compile(
    r"TypeError: (?:slice indices must be integers"
    r"|\w+ indices must be integers(?: or slices)?, not '?float'?"
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
    return not _whole(text) and math.isfinite(value) and value != int(value)


def _division_mismatch(text: str) -> bool:
    if _FLOAT_FOR_INT.search(text):
        return True
    for m in _NUMBERS_EQUAL.finditer(text):
        a, b = m.groups()
        if (_fraction(a) and _whole(b)) or (_whole(a) and _fraction(b)):
            return True
    return False


def tags(messages: Iterable[str]) -> frozenset[str]:
    """The kinds of fix the failing tests' messages point at (``DIVISION``, ``NOT_RAISED``,
    ``RECURSION``, ``NO_VALUE``, ``WRONG_TYPE``, ``NO_COUNT``)."""
    found: set[str] = set()
    for text in messages:
        if DIVISION not in found and _division_mismatch(text):
            found.add(DIVISION)
        if _NOT_RAISED.search(text):
            found.add(NOT_RAISED)
        if _RECURSION.search(text):
            found.add(RECURSION)
        if _NO_VALUE.search(text):
            found.add(NO_VALUE)
        if _WRONG_TYPE.search(text):
            found.add(WRONG_TYPE)
        for m in _NO_COUNT.finditer(text):
            what = m.group(1) or ""
            if what == "len(None)" or what.startswith("<built-in method"):
                continue  # a None's length (NO_VALUE's); ``xs.index(x)``: a position
            named = _ATTRIBUTE.search(what)
            found.add(f"{NO_COUNT}:{named.group(1)}" if named else NO_COUNT)
    return frozenset(found)


def guard_first(m: Mutation) -> bool:
    """``m`` swaps ``a and b`` / ``a or b`` so that a type or None test ``b`` (``isinstance``,
    ``is None``, ``hasattr``, ``callable``) that ``a`` does not make comes first: asked
    second, it guards nothing (``n < 0 or not isinstance(n, int)`` compares a str first)."""
    if m.family != "swap_operands" or m.node.type != "boolean_operator":
        return False
    left, right = m.node.child_by_field_name("left"), m.node.child_by_field_name("right")
    if left is None or right is None:
        return False
    return _guards(right) and not _guards(left)


def _guards(node: Node) -> bool:
    """``node`` makes a type or None test outside its string literals (a message that says
    ``"x is None"`` tests nothing)."""
    data, start = node.text or b"", node.start_byte
    spans: list[tuple[int, int]] = []
    for n in pytree.walk(node):
        if n.type == "string" and not (spans and n.start_byte < spans[-1][1]):
            spans.append((n.start_byte - start, n.end_byte - start))  # outermost only
    for a, b in reversed(spans):
        data = data[:a] + b'""' + data[b:]
    return bool(_GUARD_TEST.search(data.decode("utf-8", "replace")))


_DIVISIONS = ({"/", "//"}, {"/=", "//="})


def flips_division(m: Mutation) -> bool:
    """``m`` turns one division into the other (``/`` <-> ``//``, ``/=`` <-> ``//=``)."""
    if m.family not in ("arith_swap", "augassign_swap"):
        return False
    pair = {text_of(m.node), m.new_text}
    return pair in _DIVISIONS


def _leaves(block: Node | None, how: str) -> bool:
    """``block`` has a ``how`` statement (``raise_statement``, ``return_statement``) at its
    own level."""
    return block is not None and any(c.type == how for c in block.named_children)


def in_guard(node: Node, how: str) -> bool:
    """``node`` is inside the condition of an ``if`` or ``elif`` whose branch leaves by a
    ``how`` statement (``raise_statement``, ``return_statement``)."""
    child, up = node, node.parent
    while up is not None and up.type not in ("block", "module"):
        if up.type in ("if_statement", "elif_clause"):
            cond = up.child_by_field_name("condition")
            inside = cond is not None and cond.start_byte <= child.start_byte < cond.end_byte
            return inside and _leaves(up.child_by_field_name("consequence"), how)
        child, up = up, up.parent
    return False


def in_raising_guard(node: Node) -> bool:
    """``node`` is inside the condition of an ``if`` or ``elif`` whose branch raises."""
    return in_guard(node, "raise_statement")


def _returns(m: Mutation) -> bool:
    """An inserted guard's body returns (``if n <= 1:\\n    return n``)."""
    lines = m.new_text.split("\n", 2)
    return len(lines) > 1 and re.match(r"return\b", lines[1].strip()) is not None


_BASE_CASE_FAMILIES = frozenset({"compare_swap", "constant", "off_by_one"})


def base_case(m: Mutation, memo: dict | None = None) -> bool:
    """``m`` changes or adds the base case of a function that calls itself: a comparison or
    constant in the condition of an ``if`` whose branch returns, or a guard that returns
    inserted before the function's first statement (after a docstring). ``memo`` keeps
    whether each function calls itself across the calls of one ordering."""
    if m.family in _BASE_CASE_FAMILIES:
        if not in_guard(m.node, "return_statement"):
            return False
    elif not (m.family == "insert_guard" and m.start == m.node.start_byte and _returns(m)):
        return False
    fn = pytree.enclosing(m.node, ("function_definition", "lambda"))
    if fn is None or fn.type == "lambda":
        return False
    memo = {} if memo is None else memo
    if fn.id not in memo:  # ids are unique among the live trees of one ordering
        memo[fn.id] = pytree.calls_itself(fn)
    if not memo[fn.id]:
        return False
    if m.family == "insert_guard":
        first = pytree.first_statement(fn)
        return first is not None and m.node.id == first.id
    return True


_ENDS = ("return_statement", "raise_statement")
_RETURN_INSERTS = frozenset({"insert_template", "insert_control"})  # both make ``return x``


def returns_at_end(m: Mutation, memo: dict | None = None) -> bool:
    """``m`` inserts ``return VALUE`` after the last statement of a function's body, one
    that is not already a ``return`` or ``raise`` (the body falls off its end with None)."""
    if m.family not in _RETURN_INSERTS or m.start != m.node.end_byte:
        return False
    if re.match(r"return\s+\S", m.new_text.strip()) is None:
        return False
    node, block = m.node, m.node.parent
    if (
        node.type in _ENDS
        or pytree.next_statement(node) is not None
        or block is None
        or block.type != "block"
        or block.parent is None
        or block.parent.type != "function_definition"
    ):
        return False
    fn = block.parent  # a generator never hands back None, ``__init__`` must not return one
    if text_of(fn.child_by_field_name("name")) == "__init__":
        return False
    memo = {} if memo is None else memo
    key = ("generator", fn.id)  # every return inserted at the function's end asks
    if key not in memo:
        memo[key] = any(n.type == "yield" for n in pytree.walk_local(fn))
    return not memo[key]


def kind(tag: str) -> str:
    """A tag's kind, without what it names (``no_count:moves`` -> ``no_count``)."""
    return tag.partition(":")[0]


# the families that make ``x.n += 1``: a counter, an object's counter, a name never used
_COUNT_FAMILIES = frozenset({"insert_counter", "insert_state", "insert_use"})


_ADVANCE = re.compile(r"\s*((?:\w+\.)*(\w+)) \+= 1\s*")  # ``self.n += 1`` inserted


def counted(m: Mutation, evidence: frozenset[str]) -> bool:
    """``m`` advances a counter by one (``self.n += 1``, ``task.attempts += 1``) that a
    count that stayed at zero may be: any, or the one the message names."""
    advance = _ADVANCE.fullmatch(m.new_text) if m.family in _COUNT_FAMILIES else None
    if advance is None:
        return False
    return NO_COUNT in evidence or f"{NO_COUNT}:{advance.group(2)}" in evidence


def backed(m: Mutation, evidence: frozenset[str], memo: dict | None = None) -> bool:
    """The messages' evidence (``tags``) names ``m``'s kind of fix (``memo``: facts kept
    across the calls of one ordering)."""
    if DIVISION in evidence and flips_division(m):
        return True
    if NOT_RAISED in evidence and m.family == "compare_swap" and in_raising_guard(m.node):
        return True
    if NO_VALUE in evidence and returns_at_end(m, memo):
        return True
    if (WRONG_TYPE in evidence or NO_VALUE in evidence) and guard_first(m):
        return True
    if counted(m, evidence):
        return True
    return RECURSION in evidence and base_case(m, memo)
