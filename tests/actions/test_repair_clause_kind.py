"""Cases tested independently that must exclude each other, or the reverse (``elif`` <->
``if``, ``repair.clause_kind``), and a guard asked after the test it guards
(``a and b`` -> ``b and a``, ``repair.swap_operands``)."""

from __future__ import annotations

from sea_lsp.actions import pytree
from sea_lsp.actions.repair_operands import swap_operands
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_stmt import clause_kind, clause_kind_after


def _made(source: str, family, kind: str) -> dict[str, list[int]]:
    """The whole new texts ``family`` (one, or several) makes with mutations of ``kind``,
    each with the lines it is made at."""
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    out: dict[str, list[int]] = {}
    families = family if isinstance(family, tuple) else (family,)
    for n in pytree.walk(site.tree.root_node):
        for m in (m for f in families for m in f(n, site)):
            if m.family == kind:
                text = (data[: m.start] + m.new_text.encode() + data[m.end :]).decode()
                assert pytree.parses_cleanly(text.encode()), text
                out.setdefault(text, []).append(site.line(n))
    return out


CHAIN = (
    "def split(s, sep):\n"
    "    out, last = [], 0\n"
    "    for i, c in enumerate(s):\n"
    "        if c == sep:\n"
    "            out.append(s[last:i])\n"
    "            last = i + 1\n"
    "        elif i + 1 == len(s):\n"
    "            out.append(s[last:])\n"
    "    return out\n"
)


def test_an_elif_becomes_an_if_and_an_if_after_an_if_an_elif() -> None:
    split = CHAIN.replace("elif i + 1", "if i + 1")
    # at the clause, and at the last statement of the branch that ran before it
    both = (clause_kind, clause_kind_after)  # the search makes both; a menu, the first
    assert _made(CHAIN, both, "clause_kind") == {split: [6, 7]}
    assert _made(CHAIN, clause_kind, "clause_kind") == {split: [7]}
    # and back: the independent test made part of the chain again
    assert _made(split, both, "clause_kind") == {CHAIN: [6, 7]}


def test_no_elif_after_an_else_another_block_or_a_statement() -> None:
    with_else = (
        "def f(x):\n    if x:\n        a = 1\n    else:\n        a = 2\n    if a:\n        a = 3\n"
    )
    assert _made(with_else, clause_kind, "clause_kind") == {}
    nested = "def f(x):\n    if x:\n        if x > 1:\n            x = 1\n    return x\n"
    assert _made(nested, clause_kind, "clause_kind") == {}
    between = "def f(x):\n    if x:\n        x = 1\n    x += 1\n    if x > 2:\n        x = 0\n"
    assert _made(between, clause_kind, "clause_kind") == {}
    comment = "def f(x):\n    if x:\n        x = 1\n    # then\n    if x > 2:\n        x = 0\n"
    assert _made(comment, (clause_kind, clause_kind_after), "clause_kind") == {
        comment.replace("    if x > 2", "    elif x > 2"): [3, 5]
    }


def test_boolean_operands_swap_keeping_precedence() -> None:
    source = "def f(n):\n    return n < 0 or not isinstance(n, int) and n\n"
    made = _made(source, swap_operands, "swap_operands")
    assert "def f(n):\n    return not isinstance(n, int) and n or n < 0\n" in made
    assert "def f(n):\n    return n < 0 or n and not isinstance(n, int)\n" in made
    assert len(made) == 3  # and the comparison mirrored
