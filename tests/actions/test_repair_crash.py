"""``repair.crash_guard``: the case a failing test crashed on (a zero divisor, the first item
of an empty list) handled before the crash, read from pytest's own report of the crash."""

from __future__ import annotations

from types import SimpleNamespace

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.repair import RepairGenerator
from sea_lsp.actions.repair_crash import (
    EMPTY,
    INDEX,
    NONE,
    ZERO,
    Crash,
    crash_guard,
    crash_kind,
    crash_sites,
    expected_values,
)
from sea_lsp.actions.repair_site import Site
from sea_lsp.agent.faults import is_test_file
from tests.actions.conftest import DictView, apply

TAX = (
    "class Cart:\n"
    "    def tax(self):\n"
    "        subtotal = self.subtotal()\n"
    "        taxable = 0\n"
    "        for sku in self.items:\n"
    "            taxable += self.line_total(sku)\n"
    "        taxable -= self.discount() * taxable // subtotal\n"
    "        return taxable\n"
)
PARSE = (
    "def parse_line(line):\n"
    "    line = line.split('#', 1)[0].strip()\n"
    "    words = line.split()\n"
    "    spec = {'name': words[0], 'after': []}\n"
    "    return spec\n"
)
MESSAGE = (
    "cart = <cart.Cart object at 0x7f>\n\n"
    "    def test_empty_cart_totals(cart):\n"
    ">       assert cart.tax() == 0\n\n"
    "tests/test_cart.py:185: \n_ _ _ _\n\n"
    "    def tax(self):\n"
    ">       taxable -= self.discount() * taxable // subtotal\n"
    "E       ZeroDivisionError: integer division or modulo by zero\n\n"
    "cart.py:7: ZeroDivisionError"
)


def _guards(source: str, crashes: dict[int, Crash]) -> list[tuple[str, float]]:
    """The fixed texts the family makes, heaviest first."""
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data), crashes=crashes)
    made = []
    for n in pytree.walk(site.tree.root_node):
        for m in crash_guard(n, site):
            text = (data[: m.start] + m.new_text.encode() + data[m.end :]).decode()
            assert pytree.parses_cleanly(text.encode()), text
            made.append((text, m.weight))
    return sorted(made, key=lambda t: -t[1])


def test_the_crash_and_what_the_test_wanted_are_read_from_pytests_report() -> None:
    assert crash_kind(MESSAGE) == ("cart.py", 7, ZERO, "")
    assert expected_values(MESSAGE) == ("0",)
    index = "line = ''\n>       assert parse_line(line) == expected\nspec.py:4: IndexError"
    assert crash_kind(index) == ("spec.py", 4, INDEX, "")
    assert expected_values("line = '', expected = None\n>   assert f(line) == expected\n") == (
        "None",
    )
    empty = "E   ValueError: max() arg is an empty sequence\n\nstats.py:9: ValueError"
    assert crash_kind(empty) == ("stats.py", 9, EMPTY, "")
    none = "E   AttributeError: 'NoneType' object has no attribute 'next'\n\nlinked.py:12: AttributeError"
    assert crash_kind(none) == ("linked.py", 12, NONE, "next")
    sub = "E   TypeError: 'NoneType' object is not subscriptable\n\nm.py:3: TypeError"
    assert crash_kind(sub) == ("m.py", 3, NONE, "[]")
    assert (
        crash_kind(
            "E   AttributeError: 'Node' object has no attribute 'nxt'\n\nm.py:3: AttributeError"
        )
        is None
    )
    # other failures are not crashes on an empty value
    assert crash_kind("E   ValueError: bad\n\nstats.py:9: ValueError") is None
    assert crash_kind("E   assert 1 == 2\n\ntests/test_x.py:3: AssertionError") is None
    assert crash_kind("") is None
    # the innermost workspace frame must be the line the report names, outside the tests
    outcome = SimpleNamespace(message=MESSAGE, frames=[("tests/test_cart.py", 185), ("cart.py", 7)])
    assert crash_sites([outcome], is_test_file) == {"cart.py": {7: Crash(ZERO, ("0",))}}
    elsewhere = SimpleNamespace(message=MESSAGE, frames=[("cart.py", 3)])
    # a library's line with the same number as the workspace frame's is not the crash
    library = SimpleNamespace(
        message=MESSAGE.replace("cart.py:7:", "/usr/lib/python3/fractions.py:7:"),
        frames=[("cart.py", 7)],
    )
    assert crash_sites([library], is_test_file) == {}
    in_test = SimpleNamespace(message=MESSAGE.replace("cart.py:7", "tests/test_c.py:7"), frames=[])
    assert crash_sites([elsewhere, in_test], is_test_file) == {}


def test_a_zero_divisor_is_tested_after_it_is_bound_returning_what_the_test_wanted() -> None:
    made = _guards(TAX, {7: Crash(ZERO, ("0",))})
    fix = TAX.replace(
        "        subtotal = self.subtotal()\n",
        "        subtotal = self.subtotal()\n        if subtotal == 0:\n            return 0\n",
    )
    texts = [t for t, _ in made]
    assert fix in texts
    assert texts.index(fix) < 3  # the divisor's own test and the expected value go first
    # before the crashing line too (``not subtotal`` there)
    assert any(
        "        if not subtotal:\n            return 0\n        taxable -=" in t for t in texts
    )
    # nothing where no test crashed
    assert _guards(TAX, {}) == [] and _guards(TAX, {3: Crash(ZERO)}) == []


def test_an_empty_list_at_a_fixed_index_is_traced_to_what_it_was_split_from() -> None:
    made = [t for t, _ in _guards(PARSE, {4: Crash(INDEX, ("None",))})]
    fix = PARSE.replace(
        "    words = line.split()\n",
        "    if not line:\n        return None\n    words = line.split()\n",
    )
    assert fix in made
    assert PARSE.replace("    spec =", "    if not words:\n        return None\n    spec =") in made
    # a computed index is an off-by-one more often than a missing case: no guard
    computed = PARSE.replace("words[0]", "words[i]").replace("(line)", "(line, i)")
    assert _guards(computed, {4: Crash(INDEX)}) == []


def test_a_list_filled_later_is_tested_at_the_crash_not_where_it_starts_empty() -> None:
    source = (
        "def first_word(text):\n"
        "    parts = []\n"
        "    for w in text.split():\n"
        "        parts.append(w)\n"
        "    return parts[0]\n"
    )
    made = [t for t, _ in _guards(source, {5: Crash(INDEX, ("''",))})]
    assert (
        source.replace(
            "    return parts[0]", "    if not parts:\n        return ''\n    return parts[0]"
        )
        in made
    )
    assert not any("parts = []\n    if not parts" in t for t in made)


def test_the_generator_makes_them_from_the_agents_evidence_and_not_without_it() -> None:
    """Through ``RepairGenerator`` as the search runs it: the crash comes in
    ``ActionContext.crashes`` (the agent reads it from the failing tests), the crashing line
    is suspicious, and the fix is the family's first candidate there."""
    view = DictView({"m.py": TAX})
    suspicious = [Suspicious("m.py", 7, 1.0), Suspicious("m.py", 3, 0.5)]
    crashes = {"m.py": {7: Crash(ZERO, ("0",))}}
    ctx = ActionContext(view=view, suspicious=suspicious, crashes=crashes, limit=3000)
    mine = [c for c in RepairGenerator().generate(ctx) if c.kind == "repair.crash_guard"]
    fix = TAX.replace(
        "        subtotal = self.subtotal()\n",
        "        subtotal = self.subtotal()\n        if subtotal == 0:\n            return 0\n",
    )
    assert fix in [apply(view, c)["m.py"] for c in mine[:2]]
    assert all("return 0" in c.title for c in mine[:2])
    plain = ActionContext(view=view, suspicious=suspicious, limit=3000)
    assert not [c for c in RepairGenerator().generate(plain) if c.kind == "repair.crash_guard"]


def test_a_none_read_as_a_node_is_tested_before_the_read() -> None:
    source = "def second(head):\n    node = head.next\n    return node.next.value\n"
    made = [t for t, _ in _guards(source, {3: Crash(NONE, ("None",), "next")})]
    guarded = "    if node is None:\n        return None\n    return node.next.value\n"
    assert source.replace("    return node.next.value\n", guarded) in made
    # the object of the attribute the message names, not every attribute of the line
    assert not any("if node.next is None" in t for t in made)


def test_no_guard_where_a_statement_cannot_go_or_a_return_cannot_stand() -> None:
    one_line = "def ratio(x, y):\n    if y: return x / y\n    return 0\n"
    made = [t for t, _ in _guards(one_line, {2: Crash(ZERO)})]
    assert made  # before the ``if``, never between it and its one-line body
    assert all("\n    if y: return x / y\n" in t for t in made)
    for t in made:
        compile(t, "m.py", "exec")
    in_class = "def make(d):\n    class A:\n        z = 1 / d\n    return A\n"
    assert _guards(in_class, {3: Crash(ZERO)}) == []
    shared = "def f(x):\n    global TOTAL\n    return TOTAL / x\n"
    assert _guards(shared, {3: Crash(ZERO)}) == []
    loop_else = "def f(xs, d):\n    for x in xs:\n        pass\n    else:\n        return x / d\n"
    assert not any("continue" in t for t, _ in _guards(loop_else, {5: Crash(ZERO)}))
    assert _guards(loop_else, {5: Crash(ZERO)})  # the other bodies stay


def test_what_the_test_wanted_is_read_only_where_it_is_the_functions_value() -> None:
    # a length or a string of the value is not the value
    assert expected_values("x\n>   assert len(first_word('')) == 0\n") == ()
    assert expected_values("x\n>   assert str(average([])) == '0'\n") == ()
    # arguments pytest wrapped over two lines; the last exception of a chain
    wrapped = "aaaa = 1, bbbb = 2,\ncccc = 3, expected = 'zero'\n\n>   assert f(aaaa) == expected\n"
    assert expected_values(wrapped) == ("'zero'",)
    chained = (
        "xs = []\n\n>   return xs[0]\nE   IndexError\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "n = 3\n\n>   assert pick(n) == -1\n"
    )
    assert expected_values(chained) == ("-1",)
