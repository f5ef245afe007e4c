"""Statements out of order: a one-line statement swapped with its neighbour, or moved past
the compound statement beside it (``repair.swap_stmt``)."""

from __future__ import annotations

from sea_lsp.actions import pytree
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_stmt import MAX_MOVE_LINES, swap_next

MOD_POW = (
    "def mod_pow(base, exponent, modulus):\n"
    "    result = 1\n"
    "    while exponent:\n"
    "        base = base * base % modulus\n"
    "        if exponent & 1:\n"
    "            result = result * base % modulus\n"
    "        exponent >>= 1\n"
    "    return result\n"
)


def _moves(source: str) -> dict[str, str]:
    """Every swap the family offers in ``source``: title -> the whole new text."""
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    out = {}
    for n in pytree.walk(site.tree.root_node):
        if n.parent is not None and n.parent.type == "block" and n.type != "comment":
            for m in swap_next(n, site):
                out[m.title] = (data[: m.start] + m.new_text.encode() + data[m.end :]).decode()
    return out


def test_a_statement_moves_past_the_compound_statement_after_it() -> None:
    moves = _moves(MOD_POW)
    fixed = moves["Move line 4 after lines 5-6"]
    assert "        if exponent & 1:\n            result = result * base % modulus\n" in fixed
    assert fixed.index("if exponent & 1") < fixed.index("base = base * base")
    assert not pytree.has_error(pytree.parse(fixed.encode()))
    ns: dict = {}
    exec(fixed, ns)  # the moved statement keeps its indentation and the block stays whole
    assert ns["mod_pow"](3, 5, 1000) == 243


def test_a_statement_moves_before_the_compound_statement_before_it() -> None:
    moved = _moves(MOD_POW)["Move line 7 before lines 5-6"]
    assert moved.index("exponent >>= 1") < moved.index("if exponent & 1")
    assert not pytree.has_error(pytree.parse(moved.encode()))


def test_exits_do_not_move_past_compound_statements_and_long_ones_stay() -> None:
    moves = _moves(MOD_POW)
    assert not any("line 8 before" in t for t in moves)  # ``return`` before the loop: dead code
    body = "".join(f"        x += {i}\n" for i in range(MAX_MOVE_LINES))
    long = f"def f(x):\n    x = 1\n    if x:\n{body}    return x\n"
    assert not any(t.startswith("Move") for t in _moves(long))


def test_two_one_line_statements_still_swap() -> None:
    source = "def f(xs):\n    a = 1\n    b = a + 1\n    return b\n"
    assert _moves(source)["Swap lines 2 and 3"].startswith("def f(xs):\n    b = a + 1\n    a = 1\n")
