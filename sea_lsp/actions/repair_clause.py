"""A clause a condition lacks: ``if x.ready`` -> ``if x and x.ready``.

Of the one-line fixes mined from real projects' histories, one in thirty adds a clause to a
condition (``if task.running`` -> ``if task and task.running``, ``if lines[-1] == c`` ->
``if lines and lines[-1] == c``, ``if a.is_Pow`` -> ``if a.is_Pow and x not in ...``). The
clause is most often a test of what the condition dereferences (the object of an attribute
read or a subscript), else a name in scope, else a test the function or the file makes
elsewhere. ``clauses`` makes them all, joined with ``and``/``or`` on either side, without
parentheses where precedence does not need them (a fix is compared token for token);
``clause_features`` describes one for the prior ``sea-lsp shapes`` learns from the standard
library (a real clause dropped from a real condition, the engine's candidates ranked to give
it back), which weighs them in the search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from tree_sitter import Node

from sea_lsp.actions import pytree, repair_guard, repair_shapes
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Mutation, Site, short
from sea_lsp.actions.repair_stmt import CONDITION_HOLDERS, name_kinds

GROUP = "clause"  # the feature prefix in the shapes table
MAX_DEREFS = 4  # objects the condition dereferences, tested as clauses
MAX_ATTRIBUTES = 6  # attributes the function reads (nearest the condition), tested as clauses
MAX_TESTED = 8  # conditions the function or the file tests elsewhere, as clauses (each side)
MAX_TESTED_CHARS = 40
# A subject S (a name, an attribute, or what the condition dereferences) tested one of four
# ways, joined to the condition C with ``and``/``or``, before or after it.
_TESTS = ("S", "not S", "S is None", "S is not None")
SUBJECT_FORMS = tuple(
    f"{t} {op} C" if before else f"C {op} {t}"
    for before in (True, False)
    for op in ("and", "or")
    for t in _TESTS
)
# A condition D tested elsewhere joined to C.
TESTED_FORMS = ("D and C", "C and D", "D or C", "C or D")
_TEMPLATES = {
    f: f.replace("S", "{s}", 1).replace("D", "{s}", 1).replace("C", "{c}", 1)
    for f in SUBJECT_FORMS + TESTED_FORMS
}


# What holds a condition a clause may join: an ``if``/``elif``/``while``, and a ``return`` of
# a test (``return issubclass(x, E)`` -> ``return isclass(x) and issubclass(x, E)``).
HOLDERS = (*CONDITION_HOLDERS, "return_statement")
_RETURNED_TESTS = frozenset({"comparison_operator", "boolean_operator", "not_operator"})
# A returned call is a test when its name says so (``isinstance``, ``x.startswith``, ``is_x``).
_PREDICATE = re.compile(
    r"is|has|(can|should)($|_|[A-Z])|(startswith|endswith|match|fullmatch|search|exists)$"
    r"|(all|any|callable|hasattr|isinstance|issubclass|isclass)$"
)


def condition_of(holder: Node) -> Node | None:
    """The condition of an ``if``/``elif``/``while``, or the value of a ``return`` of one
    test (a comparison, a boolean operator, ``not``, a call whose name says it tests);
    None otherwise."""
    if holder.type in CONDITION_HOLDERS:
        return holder.child_by_field_name("condition")
    if holder.type == "return_statement" and holder.named_child_count == 1:
        value = holder.named_children[0]
        if value.type in _RETURNED_TESTS:
            return value
        fn = value.child_by_field_name("function") if value.type == "call" else None
        if fn is not None and fn.type == "attribute":
            fn = fn.child_by_field_name("attribute")
        if fn is not None and fn.type == "identifier" and _PREDICATE.match(text_of(fn)):
            return value
    return None


class Clause(NamedTuple):
    """One candidate condition: the new text and what it is made of."""

    text: str
    form: str  # one of SUBJECT_FORMS or TESTED_FORMS
    subject: str  # S or D
    origin: str  # "deref", "name", "attr" (S), "own", "filed" (D)


def _joined(text: str, node_type: str | None, op: str) -> str:
    """``text`` as an operand of ``op`` (``and``/``or``): parenthesised only where Python's
    precedence needs it (``a or b`` under ``and``; a conditional expression, a lambda or an
    assignment expression under either)."""
    if node_type is None:  # a condition known by its text only
        padded = f" {text} "
        needs = (
            " if " in padded
            or " := " in padded
            or text.startswith("lambda")
            or (op == "and" and " or " in padded)
        )
    else:
        needs = node_type in _LOWEST or (
            op == "and" and node_type == "boolean_operator" and " or " in _top_ops(text)
        )
    return f"({text})" if needs else text


_LOWEST = frozenset({"conditional_expression", "lambda", "named_expression"})


def _top_ops(text: str) -> str:
    """``text`` with its bracketed parts blanked (the operators at its top level stay)."""
    out, depth = [], 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        out.append(ch if depth == 0 else " ")
    return f" {''.join(out)} "


def derefs(cond: Node, site: Site) -> list[str]:
    """What ``cond`` dereferences (the objects of its attribute reads and subscripts: names
    and attribute chains bound in scope, no calls), in reading order."""
    scope = site.scope(cond)
    out: dict[str, None] = {}
    for n in pytree.walk(cond):
        obj = None
        if n.type == "attribute":
            obj = n.child_by_field_name("object")
        elif n.type == "subscript":
            obj = n.child_by_field_name("value")
        root = _root(obj) if obj is not None else None
        if root is not None and scope.get(text_of(root)) in ("param", "var"):
            out.setdefault(text_of(obj), None)
    return list(out)[:MAX_DEREFS]


def _root(n: Node) -> Node | None:
    """The name a chain of attribute reads starts from (``self`` in ``self.items``, ``x``
    for ``x``); None when it is not such a chain (a call, a subscript on the way)."""
    while n.type == "attribute":
        n = n.child_by_field_name("object")
    return n if n.type == "identifier" else None


def near_attributes(cond: Node, site: Site, fn: Node | None) -> list[str]:
    """Attributes of a name in scope the function reads (not called), nearest ``cond``'s
    line first: ``if is_w and not obj.accepting`` when the condition lacks the second."""
    if fn is None:
        return []
    key = ("clause_attributes", fn.id)
    reads = site.memo.get(key)
    if reads is None:
        reads = site.memo[key] = [
            (n.start_point.row, text_of(n))
            for n in pytree.walk_local(fn)
            if n.type == "attribute"
            and (n.parent is None or n.parent.type != "call")
            and _root(n) is not None
        ]
    scope = site.scope(cond)
    row = cond.start_point.row
    near = sorted(
        (abs(r - row), t) for r, t in reads if scope.get(t.split(".", 1)[0]) in ("param", "var")
    )
    return list(dict.fromkeys(t for _, t in near))[:MAX_ATTRIBUTES]


def tested(cond: Node, site: Site, fn: Node | None) -> tuple[list[str], list[str]]:
    """Conditions the function (``own``) and the file's other functions (``filed``) test
    elsewhere, short ones, ``cond`` itself and its parts excluded, at most ``MAX_TESTED``
    each: a clause copied from a sibling test (``if source not in G or target not in pred``)."""
    if fn is None:
        return [], []
    mine = text_of(cond)
    stmt = cond.parent if cond.parent is not None else cond

    def keep(texts: list[str]) -> list[str]:
        fresh = (t for t in texts if t not in mine and mine not in t)  # nor C negated
        return [t for t in fresh if len(t) <= MAX_TESTED_CHARS][:MAX_TESTED]

    own = keep(repair_guard.mined_conditions(site, fn))
    filed = keep([t for t in repair_guard.file_conditions(site, stmt, fn) if t not in own])
    return own, filed


def candidates(holder: Node, site: Site, speculative: bool = True) -> list[Clause]:
    """Every clause candidate for ``holder``'s condition (``condition_of``):
    its dereferenced objects, the names in scope and the attributes the function reads near
    it, in ``SUBJECT_FORMS``; with ``speculative``, the conditions tested elsewhere in
    ``TESTED_FORMS``."""
    cond = condition_of(holder)
    if cond is None:
        return []
    fn = pytree.enclosing(holder, ("function_definition",))
    c = text_of(cond)
    c_and, c_or = _joined(c, cond.type, "and"), _joined(c, cond.type, "or")
    out: list[Clause] = []
    seen: set[str] = set()
    subjects = (
        ("deref", derefs(cond, site)),
        ("name", site.value_names(cond)),
        ("attr", near_attributes(cond, site, fn)),
    )
    for origin, names in subjects:
        for s in names:
            if s in seen or s in ("self", "cls"):  # never None, never false
                continue
            seen.add(s)
            for form in SUBJECT_FORMS:
                c_op = c_and if " and " in form else c_or
                out.append(Clause(_TEMPLATES[form].format(s=s, c=c_op), form, s, origin))
    if speculative:
        own, filed = tested(cond, site, fn)
        for origin, texts in (("own", own), ("filed", filed)):
            for d in texts:
                for form in TESTED_FORMS:
                    op = "and" if " and " in form else "or"
                    text = _TEMPLATES[form].format(
                        s=_joined(d, None, op), c=c_and if op == "and" else c_or
                    )
                    out.append(Clause(text, form, d, origin))
    return out


class Where(NamedTuple):
    """What every clause of one condition shares: the names it reads, what holds it, and
    the condition in a word; and what the function's names hold."""

    reads: frozenset[str]
    holder: str
    ctype: str
    kinds: dict[str, str]

    @classmethod
    def of(cls, site: Site, cond: Node) -> Where:
        fn = pytree.enclosing(cond, ("function_definition",))
        kinds = name_kinds(site, fn) if fn is not None else {}
        holder = cond.parent.type if cond.parent is not None else "?"
        return cls(repair_guard._free_names(cond), holder, _coarse(cond), kinds)


def clause_features(where: Where, clause: Clause) -> list[str]:
    """What the prior weighs of one clause: its form, where the subject comes from, whether
    the condition reads it, what the condition and the subject are."""
    form, s, origin = clause.form, clause.subject, clause.origin
    if origin in ("own", "filed"):
        shape, names = repair_shapes._shape_of(s)
        subject = f"d={repair_shapes._filed_kind(shape)}"
        shares = bool(where.reads.intersection(names))
    else:
        root = s.split(".", 1)[0]
        subject = f"s={where.kinds.get(root, '-') if '.' not in s else 'attr'}"
        shares = root in where.reads
    facts = [
        "",
        f"form={form}",
        f"origin={origin}",
        f"origin={origin}&form={form}",
        f"shares={shares}",
        f"shares={shares}&form={form}",
        f"shares={shares}&origin={origin}",
        subject,
        f"{subject}&form={form}",
        f"self={s.startswith('self.')}",
        f"holder={where.holder}&form={form}",
        f"c={where.ctype}&form={form}",
    ]
    return [f"{GROUP}|{f}" for f in facts]


def _coarse(cond: Node) -> str:
    """A condition in a word: its operator (``==``, ``in``, ``and``), ``call``, ``attr``,
    ``name``, ``not``, ``subscript``."""
    if cond.type == "comparison_operator":
        ops = [text_of(k) for k in cond.children if not k.is_named]
        return " ".join(ops[0].split()) if ops else "cmp"
    if cond.type == "boolean_operator":
        op = cond.child_by_field_name("operator")
        return text_of(op) if op is not None else "bool"
    return {
        "not_operator": "not", "call": "call", "attribute": "attr", "identifier": "name",
        "subscript": "subscript",
    }.get(cond.type, "other")  # fmt: skip


def clauses(node: Node, site: Site) -> Iterator[Mutation]:
    """The ``guard`` family: a clause added to an ``if``/``elif``/``while`` condition or a
    returned test (the conditions tested elsewhere only in the search; weighed by the
    learned prior there)."""
    if node.type not in HOLDERS:
        return
    cond = condition_of(node)
    if cond is None:
        return
    found = candidates(node, site, speculative=site.weigh)
    prior = repair_shapes.default_prior() if site.weigh else None
    weigh = prior is not None and prior.knows(GROUP)
    where = Where.of(site, cond) if weigh else None
    line = site.line(cond)
    what = "returned value" if node.type == "return_statement" else "condition"
    for cl in found:
        title = f"Change the {what} to `{short(cl.text, 40)}` in line {line}"
        m = Mutation("guard", cond.start_byte, cond.end_byte, cl.text, title, cond)
        yield m._replace(weight=prior.weight(clause_features(where, cl))) if weigh else m
