"""A case the code forgot, read from where a failing test crashed (``repair.crash_guard``).

A test that wanted a value and got ``ZeroDivisionError``, ``IndexError`` on a fixed index
(``words[0]``, ``parts[-1]``), ``max()`` of an empty sequence or a ``None`` read as an object
(``'NoneType' object has no attribute 'next'``, ``... is not subscriptable``) names the
operand that was zero, empty or None, and usually the missing case: an empty input, a zero
total, the end of a chain. The guard that
handles it tests that operand, or a name it was computed from (``words = line.split()``:
``line``), and leaves before the crash::

    subtotal = self.subtotal()
    if subtotal == 0:          # inserted
        return 0
    ...
    taxable -= discount * taxable // subtotal      # ZeroDivisionError here

Candidates are made only at a statement a failing test crashed in (``Site.crashes``, from
``crash_sites``): after the statement that binds the tested name, at the function's first
statement when a parameter or attribute is tested, and right before the crashing statement;
the bodies are the function's own one-line returns, ``continue`` in a loop, the empty
returns and the tested name itself, weighed by the learned guard prior. An ``IndexError``
at a computed index (``items[i]``) is left to the index families: it is an off-by-one far
more often than a missing case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from tree_sitter import Node

from sea_lsp.actions import pytree, repair_shapes
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_guard import _indent_unit, _one_liners
from sea_lsp.actions.repair_site import Mutation, Site, short
from sea_lsp.actions.repair_stmt import insertions, name_kinds, starts_line

ZERO, INDEX, EMPTY, NONE = "zero", "index", "empty", "none"  # what the crash met
_LAST_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): (?P<exc>[\w.]+)$")
_EMPTY_SEQUENCE = re.compile(
    r"\b(?:max|min)\(\) (?:arg is an empty sequence|iterable argument is empty)"
)
_KINDS = {"ZeroDivisionError": ZERO, "IndexError": INDEX}
_NONE_ATTRIBUTE = re.compile(r"AttributeError: 'NoneType' object has no attribute '(\w+)'")
_NONE_SUBSCRIPT = re.compile(r"TypeError: 'NoneType' object is not subscriptable")
_LIT = (
    r"-?\d+(?:\.\d+)?|None|True|False|\[\]|\{\}|\(\)"
    r"|'(?:[^'\\\n]|\\.){0,40}'"
    r'|"(?:[^"\\\n]|\\.){0,40}"'
)
_LITERAL = re.compile(_LIT)  # a short literal a test compares with
_ASSERT_EQUAL = re.compile(r"assert (?P<got>.+?) == (?P<want>.+)$")
_ARGUMENT = re.compile(
    rf"\b(\w+) = ({_LIT})(?=,|$)", re.MULTILINE
)  # a test's argument, as pytest prints it
EXPECTED_BONUS = 16.0  # a body returning what the test's assertion wanted
NATURAL_BONUS = 2.0  # the crashing operand's own test: ``x == 0`` of a divisor, ``not x`` of a list
PRIOR_POWER = 0.5  # the library-learned guard prior, tempered: a program's own cases differ
_DIVISIONS = frozenset({"/", "//", "%", "/=", "//=", "%="})
_COMPOUND = frozenset(
    {*pytree.LOOPS, "if_statement", "with_statement", "try_statement", "function_definition",
     "class_definition", "decorated_definition", "match_statement", "case_clause"}
)  # fmt: skip
BODIES = ("return None", "return 0", "return []", "return", 'return ""', "return False")
MAX_NAMES = 4  # tested names per crash: the crashing operands, then what they came from
MAX_OWN_RETURNS = 3


class Crash(NamedTuple):
    """What a failing test found zero or empty at a line, and the values its assertion
    expected there (``0`` of ``assert cart.tax() == 0``; a parameter's value)."""

    kind: str  # ZERO, INDEX, EMPTY or NONE
    expected: tuple[str, ...] = ()
    detail: str = ""  # NONE: the attribute read on None (``next``), or ``[]`` for an index


def crash_kind(message: str) -> tuple[str, int, str, str] | None:
    """(path, line, kind, detail) of a test failure that crashed on a zero, an empty value or a
    None, from the last line pytest writes (``cart.py:106: ZeroDivisionError``) and the
    exception's text (which attribute a None lacked); None otherwise."""
    lines = [ln for ln in message.rstrip().splitlines() if ln.strip()]
    if not lines:
        return None
    m = _LAST_LINE.match(lines[-1].strip())
    if m is None:
        return None
    exc, detail = m.group("exc").rsplit(".", 1)[-1], ""
    kind = _KINDS.get(exc)
    if kind is None and exc == "ValueError" and _EMPTY_SEQUENCE.search(message):
        kind = EMPTY
    if kind is None and exc == "AttributeError" and (a := _NONE_ATTRIBUTE.search(message)):
        kind, detail = NONE, a.group(1)
    if kind is None and exc == "TypeError" and _NONE_SUBSCRIPT.search(message):
        kind, detail = NONE, "[]"
    return (m.group("path"), int(m.group("line")), kind, detail) if kind else None


_CHAINED = re.compile(
    r"^(?:During handling of the above exception, another exception occurred:"
    r"|The above exception was the direct cause of the following exception:)$",
    re.MULTILINE,
)
# a call whose value is not the function's own: ``len(f()) == 0`` wants a length
_VIEWS = frozenset({"len", "str", "repr", "int", "float", "round", "list", "sorted", "type",
                    "bool", "abs", "set", "tuple", "sum", "min", "max", "isinstance"})  # fmt: skip


def expected_values(message: str) -> tuple[str, ...]:
    """The literal the test's failing ``assert f(...) == Y`` wanted of ``f``: ``Y`` when it
    is written as a literal, or the value of the test's parameter ``Y`` (pytest prints the
    test's arguments first, over as many lines as they need: ``coeffs = (), text = '0'``).
    Read from the last exception of a chain; nothing when the asserted value is a view of
    the call (``len(f()) == 0``, ``str(f()) == '0'``)."""
    message = _CHAINED.split(message)[-1].lstrip("\n")
    lines = message.splitlines()
    asserted = next((ln for ln in lines if ln.startswith(">")), "")
    m = _ASSERT_EQUAL.match(asserted[1:].strip())
    if m is None:
        return ()
    got, want = m.group("got").strip(), m.group("want").strip()
    callee = got.split("(", 1)[0].strip()
    if "(" not in got or callee in _VIEWS:
        return ()
    if _LITERAL.fullmatch(want):
        return (want,)
    if want.isidentifier():
        head = "\n".join(lines[: next((i for i, ln in enumerate(lines) if not ln.strip()), 1)])
        args = dict(_ARGUMENT.findall(head))
        if want in args:
            return (args[want],)
    return ()


def crash_sites(outcomes: Iterable, is_test_file) -> dict[str, dict[int, Crash]]:
    """path -> {line: Crash} of the workspace lines (not tests) where failing tests crashed
    on a zero, an empty value or a None: the innermost frame, when the message's last line
    names that file and line."""
    out: dict[str, dict[int, Crash]] = {}
    for o in outcomes:
        message = o.message or ""
        got = crash_kind(message)
        if got is None or not o.frames:
            continue
        path, line = o.frames[-1]
        said = got[0].replace("\\", "/")
        same_file = path == said or path.endswith("/" + said) or said.endswith("/" + path)
        if int(line) != got[1] or not same_file or is_test_file(path):
            continue  # the crash is in a library the workspace called, or in a test
        lines = out.setdefault(path, {})
        old = lines.get(int(line))
        expected = tuple(dict.fromkeys((*(old.expected if old else ()), *expected_values(message))))
        lines[int(line)] = Crash(got[2], expected, got[3])
    return out


def _operand_names(expr: Node | None) -> list[str]:
    """The names an operand is: ``x``, ``self.items`` (a short attribute chain), ``len(x)``'s
    argument; nothing for other expressions."""
    if expr is None:
        return []
    while expr.type == "parenthesized_expression" and expr.named_child_count == 1:
        expr = expr.named_children[0]
    if expr.type == "identifier" or (expr.type == "attribute" and len(expr.text or b"") <= 40):
        return [text_of(expr)]
    if expr.type == "call" and text_of(expr.child_by_field_name("function")) == "len":
        args = expr.child_by_field_name("arguments")
        if args is not None and args.named_child_count == 1:
            return _operand_names(args.named_children[0])
    return []


def _fixed_index(sub: Node) -> bool:
    """``x[0]``, ``x[-1]``: an index written as a number (an empty ``x`` crashes there)."""
    idx = sub.child_by_field_name("subscript")
    if idx is None:
        return False
    if idx.type == "unary_operator":
        idx = idx.child_by_field_name("argument")
    return idx is not None and idx.type == "integer"


def crashing_operands(stmt: Node, row: int, kind: str, detail: str = "") -> list[str]:
    """The names that were zero, empty or None on line ``row`` (0-based) of ``stmt``."""
    out: dict[str, None] = {}
    for n in pytree.walk_local(stmt):
        if n.start_point.row > row or n.end_point.row < row:
            continue
        if kind == ZERO and n.type in ("binary_operator", "augmented_assignment"):
            op = n.child_by_field_name("operator")
            if op is not None and text_of(op) in _DIVISIONS:
                out.update(dict.fromkeys(_operand_names(n.child_by_field_name("right"))))
        elif kind == INDEX and n.type == "subscript" and _fixed_index(n):
            out.update(dict.fromkeys(_operand_names(n.child_by_field_name("value"))))
        elif kind == NONE and n.type == "attribute" and detail != "[]":
            if text_of(n.child_by_field_name("attribute")) == detail:
                out.update(dict.fromkeys(_operand_names(n.child_by_field_name("object"))))
        elif kind == NONE and n.type == "subscript" and detail == "[]":
            out.update(dict.fromkeys(_operand_names(n.child_by_field_name("value"))))
        elif kind == EMPTY and n.type == "call":
            name = text_of(n.child_by_field_name("function"))
            args = n.child_by_field_name("arguments")
            if name in ("max", "min") and args is not None and args.named_child_count == 1:
                out.update(dict.fromkeys(_operand_names(args.named_children[0])))
    return list(out)


def _binding(fn: Node, name: str, before: int) -> Node | None:
    """The last statement of ``fn`` before byte ``before`` that assigns ``name`` (a plain
    name) in a block that also holds the crash (so a guard after it runs first)."""
    found = None
    for n in pytree.walk_local(fn):
        if n.type != "expression_statement" or n.start_byte >= before:
            continue
        if name in pytree.assigned_names(n) and n.parent is not None and n.parent.type == "block":
            block = n.parent
            if block.start_byte <= before < block.end_byte:
                found = n
    return found


_EMPTY_VALUES = frozenset({"[]", "{}", "()", "0", '""', "''", "set()", "list()", "dict()"})


def _assigned_value(stmt: Node) -> Node | None:
    """The value of the first assignment in ``stmt``."""
    for n in pytree.walk_local(stmt):
        if n.type == "assignment":
            return n.child_by_field_name("right")
    return None


def _starts_empty(stmt: Node) -> bool:
    """``stmt`` binds a name to an empty value (``parts = []``)."""
    value = _assigned_value(stmt)
    return value is not None and text_of(value) in _EMPTY_VALUES


def _sources(stmt: Node) -> list[str]:
    """Names an assignment's value is computed from: ``line`` of ``words = line.split()``,
    ``items`` of ``total = sum(items)`` (not the functions called, not ``self``)."""
    value = _assigned_value(stmt)
    if value is None:
        return []
    out: dict[str, None] = {}
    local: set[str] = set()  # names a comprehension or a lambda binds: not in scope outside
    for n in pytree.walk(value):
        if n.type == "for_in_clause":
            local.update(pytree.target_names(n.child_by_field_name("left")))
        elif n.type == "lambda":
            local.update(pytree.parameter_names(n.child_by_field_name("parameters")))
    for n in pytree.walk(value):
        if n.type == "call":
            continue
        parent = n.parent
        callee = parent is not None and parent.type == "call" and n == parent.children[0]
        if n.type == "attribute" and not callee:
            out.setdefault(text_of(n), None)
        elif n.type == "identifier" and not callee:
            in_attr = parent is not None and parent.type == "attribute"
            if in_attr and parent.child_by_field_name("attribute") == n:
                continue
            if in_attr and parent.parent is not None and parent.parent.type != "call":
                continue  # ``self`` of ``self.items``: the attribute stands for it
            out.setdefault(text_of(n), None)
    out.pop("self", None)
    return [x for x in out if len(x) <= 40 and x.split(".", 1)[0] not in local]


def _conditions(name: str, kind: str, crashed: bool) -> list[str]:
    if not crashed:
        return [f"not {name}"]
    if kind == ZERO:
        return [f"{name} == 0", f"not {name}"]
    if kind == NONE:
        return [f"{name} is None", f"not {name}"]
    return [f"not {name}", f"len({name}) == 0"]


def _places(
    site: Site, fn: Node, stmt: Node, name: str, bound: Node | None, params: set[str]
) -> list[tuple[Node, bool]]:
    """(anchor, after) where a guard testing ``name`` may go: after ``bound`` (its binding),
    at the function's first statement for a parameter or an attribute, right before the
    crash."""
    out: list[tuple[Node, bool]] = []
    if bound is not None:
        if not _starts_empty(bound):  # ``parts = []`` is filled later: test it at the crash
            out.append((bound, True))
    elif name in params or not name.isidentifier():
        first = pytree.first_statement(fn)
        if first is not None and first.start_byte <= stmt.start_byte:
            out.append((first, False))
    out.append((stmt, False))
    return [(a, after) for a, after in out if _own_line(site, a, after)]


def _own_line(site: Site, anchor: Node, after: bool) -> bool:
    """``anchor`` stands alone on its lines (``if y: return x / y``, ``a = 1; b = x / y``
    and a ``case`` clause cannot take a statement before or after them)."""
    if anchor.type == "case_clause" or not starts_line(site, anchor):
        return False
    end = pytree.line_end(site.data, anchor.end_byte)
    rest = site.data[anchor.end_byte : end].strip()
    return not after or not rest or rest.startswith(b"#")


def _bodies(site: Site, fn: Node, anchor: Node, name: str, expected: tuple[str, ...]) -> list[str]:
    out: dict[str, None] = dict.fromkeys(f"return {v}" for v in expected)
    loop = pytree.enclosing(anchor, (*pytree.LOOPS, "function_definition"))
    body = (
        loop.child_by_field_name("body") if loop is not None and loop.type in pytree.LOOPS else None
    )
    if body is not None and body.start_byte <= anchor.start_byte < body.end_byte:
        out["continue"] = None  # (not in the loop's ``else``)
    own = [r for r in _one_liners(site, fn, ("return_statement",)) if r != "return"]
    out.update(dict.fromkeys(own[:MAX_OWN_RETURNS]))
    out.update(dict.fromkeys(BODIES))
    out.setdefault(f"return {name}", None)
    return list(out)


def _async_generator(fn: Node) -> bool:
    """``async def`` with a ``yield``: no ``return VALUE`` there."""
    is_async = any(c.type == "async" for c in fn.children)
    return is_async and any(n.type == "yield" for n in pytree.walk_local(fn))


def crash_guard(node: Node, site: Site) -> Iterator[Mutation]:
    """Guards against the zero, empty or None value a failing test crashed on at ``node``'s line
    (see the module docstring); nothing at a line no test crashed on."""
    if not site.crashes or node.parent is None or node.parent.type != "block":
        return
    last = node.start_point.row if node.type in _COMPOUND else node.end_point.row
    rows = [r for r in range(node.start_point.row, last + 1) if r + 1 in site.crashes]
    fn = pytree.enclosing(node, ("function_definition", "class_definition", "lambda"))
    if not rows or fn is None or fn.type != "function_definition" or node.type == "comment":
        return  # a class body or a lambda has no ``return``
    if _async_generator(fn) or pytree.declared_shared(fn):
        return  # no ``return VALUE`` there; a name returned before its ``global`` line
    kind, expected, detail = site.crashes[rows[0] + 1]
    crashed = crashing_operands(node, rows[0], kind, detail)
    names: dict[str, bool] = dict.fromkeys(crashed, True)
    bindings: dict[str, Node | None] = {}  # each name's binding, looked up once

    def binding(x: str) -> Node | None:
        if x not in bindings:
            bindings[x] = _binding(fn, x, node.start_byte) if x.isidentifier() else None
        return bindings[x]

    for x in crashed if kind != NONE else ():  # a None comes from a call, not a split
        bound = binding(x)
        for y in _sources(bound) if bound is not None else []:
            names.setdefault(y, False)
    params = set(pytree.parameter_names(fn.child_by_field_name("parameters")))
    params.discard("self")
    prior = repair_shapes.default_prior() if site.weigh else None
    kinds = name_kinds(site, fn)
    seen: set[tuple[int, str]] = set()
    wanted = {f"return {v}" for v in expected}
    for name, is_operand in list(names.items())[:MAX_NAMES]:
        conds = _conditions(name, kind, is_operand)
        for anchor, after in _places(site, fn, node, name, binding(name), params):
            bodies = _bodies(site, fn, anchor, name, expected)
            weights = [1.0] * (len(conds) * len(bodies))
            if prior is not None and prior.knows("guard"):
                ctx = repair_shapes.Context(site, anchor, after, fn, kinds)
                got = repair_shapes.guard_weights(prior, ctx, conds, bodies, set())
                weights = [w**PRIOR_POWER for w in got]
            bonus = [
                (EXPECTED_BONUS if b in wanted else 1.0) * (NATURAL_BONUS if i == 0 else 1.0)
                for i in range(len(conds))
                for b in bodies
            ]
            weights = [w * x for w, x in zip(weights, bonus, strict=True)]
            indent = pytree.indent_of(site.data, anchor.start_byte) + _indent_unit(site, anchor)
            pairs = ((c, b) for c in conds for b in bodies)
            for weight, (cond, body) in zip(weights, pairs, strict=True):
                text = f"if {cond}:\n{indent}{body}"
                for at, new_text, where in insertions(anchor, site, text):
                    if where.startswith("after") != after or (at, text) in seen:
                        continue
                    seen.add((at, text))
                    title = f"Insert `if {short(cond, 30)}: {short(body, 20)}` {where}"
                    yield Mutation("crash_guard", at, at, new_text, title, anchor, weight)
