"""What failing tests' messages say about the kind of fix (``repair_evidence``)."""

from __future__ import annotations

from sea_lsp.actions import repair_evidence
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.repair import RepairGenerator
from tests.actions.conftest import DictView, position
from tests.actions.repair_fixtures import MEDIAN, POWER


def test_a_fraction_where_a_whole_number_was_wanted_is_read_from_the_message() -> None:
    division = frozenset({repair_evidence.DIVISION})
    for message in (
        "E       TypeError: slice indices must be integers or None or have an __index__ method",
        "E   TypeError: list indices must be integers or slices, not float",
        "E   TypeError: string indices must be integers, not 'float'",
        "E       TypeError: 'float' object cannot be interpreted as an integer",
        "E       TypeError: can't multiply sequence by non-int of type 'float'",
        "E       assert 7.777777777777778 == 7",
        "E       AssertionError: assert 3 == 3.5",
        "tests/test_m.py:4: in test_mean\n    assert mean([1, 2]) == 1.5\nE   assert 1 == 1.5\n",
    ):
        assert repair_evidence.tags([message]) == division, message
    for message in (
        "E       assert 4 == 3",
        "E       assert 3.5 == 2.5",
        "E       assert 3.0 == 3",
        "E       assert [1.5] == [1]",
        "E       assert 1e400 == 1",  # not a number Python prints, and no crash
        "",
    ):
        assert repair_evidence.tags([message]) == frozenset(), message
    wrong_type = "E       TypeError: unsupported operand type(s) for +: 'int' and 'str'"
    assert repair_evidence.tags([wrong_type]) == {repair_evidence.WRONG_TYPE}  # no fraction


def _first_titles(evidence: frozenset[str], n: int = 3) -> list[str]:
    view = DictView({"m.py": MEDIAN})
    # localisation cannot tell the lines apart: every line of the function ties
    suspicious = [Suspicious("m.py", line, 1.0) for line in (2, 3, 4, 5, 6)]
    ctx = ActionContext(view=view, focus_path="m.py", suspicious=suspicious, evidence=evidence)
    return [c.title for c in list(RepairGenerator().generate(ctx))[:n]]


def test_the_evidence_puts_the_other_division_first() -> None:
    plain = _first_titles(frozenset())
    assert not any("`//`" in t for t in plain), plain
    told = _first_titles(frozenset({repair_evidence.DIVISION}))
    assert told[0] == "Change `/` to `//` in line 3", told
    assert any(t == "Change `/` to `//` in line 6" for t in told), told


def test_only_a_division_turned_into_the_other_is_backed() -> None:
    from sea_lsp.actions import pytree
    from sea_lsp.actions.repair_expr import operators
    from sea_lsp.actions.repair_site import Site

    data = b"x = a / b - c\ny //= 2\n"
    site = Site(path="m.py", data=data, tree=pytree.parse(data))
    made = [
        (m.title, repair_evidence.flips_division(m))
        for n in pytree.walk(site.tree.root_node)
        for m in operators(n, site)
    ]
    backed = {t for t, ok in made if ok}
    assert backed == {"Change `/` to `//` in line 1", "Change `//=` to `/=` in line 2"}, made


BITS = (
    "def to_bits(val, width):\n"
    "    if val < 0:\n"
    "        raise ValueError('negative')\n"
    "    if val > 2 ** width:\n"
    "        raise ValueError('too wide')\n"
    "    out = []\n"
    "    for i in range(width):\n"
    "        if val >> i & 1 == 1:\n"
    "            out.append(1)\n"
    "        else:\n"
    "            out.append(0)\n"
    "    return out[::-1]\n"
)


def test_a_test_expecting_an_exception_that_did_not_come_is_read_from_the_message() -> None:
    for message in (
        "E       Failed: DID NOT RAISE <class 'ValueError'>",
        "E       Failed: DID NOT RAISE <class 'bank.InvalidAmount'>",
    ):
        assert repair_evidence.tags([message]) == {repair_evidence.NOT_RAISED}, message
    assert repair_evidence.tags(["E       ValueError: too wide"]) == frozenset()


def test_only_comparisons_of_a_guard_that_raises_are_backed_when_nothing_was_raised() -> None:
    from sea_lsp.actions import pytree
    from sea_lsp.actions.repair_expr import operators
    from sea_lsp.actions.repair_site import Site

    data = BITS.encode()
    site = Site(path="m.py", data=data, tree=pytree.parse(data))
    backed_lines = {
        site.line(m.node)
        for n in pytree.walk(site.tree.root_node)
        for m in operators(n, site)
        if repair_evidence.backed(m, frozenset({repair_evidence.NOT_RAISED}))
    }
    assert backed_lines == {2, 4}  # not line 8: its branch appends

    assert not any(t.startswith("Insert") for t in _backed(BITS, repair_evidence.NOT_RAISED))


def test_the_evidence_puts_the_raising_guards_boundary_first() -> None:
    view = DictView({"m.py": BITS})
    # the failing test ran the loop (nothing stopped it): localisation puts it first
    suspicious = [Suspicious("m.py", line, 1.0) for line in (8, 9, 11, 12, 6, 7)]
    suspicious += [Suspicious("m.py", line, 0.8) for line in (2, 4)]

    def titles(evidence: frozenset[str]) -> list[str]:
        ctx = ActionContext(view=view, focus_path="m.py", suspicious=suspicious, evidence=evidence)
        return [c.title for c in RepairGenerator().generate(ctx)]

    def ahead(evidence: frozenset[str]) -> list[str]:
        got = titles(evidence)
        return got[: got.index("Change `>` to `>=` in line 4")]

    # without the evidence, edits of other lines come first; with it, only the other
    # comparisons of the two raising guards do
    assert any(not t.endswith(("line 2", "line 4")) for t in ahead(frozenset()))
    told = ahead(frozenset({repair_evidence.NOT_RAISED}))
    assert all(t.endswith(("line 2", "line 4")) for t in told), told


FACT = (
    "def fact(n):\n"
    "    if n == 1:\n"
    "        return 1\n"
    "    return n * fact(n - 1)\n"
    "\n"
    "\n"
    "def count(xs, x):\n"
    "    if x == 1:\n"
    "        return 1\n"
    "    return xs.count(x)\n"
)


def test_a_recursion_that_never_stopped_is_read_from_the_message() -> None:
    message = "E   RecursionError: maximum recursion depth exceeded in comparison"
    assert repair_evidence.tags([message]) == {repair_evidence.RECURSION}
    assert repair_evidence.tags(["E   RuntimeError: dictionary changed size"]) == frozenset()


def _made(source: str, families) -> list:
    """Every mutation ``families`` make in ``source`` (as ``m.py``, weighed as the search does)."""
    from sea_lsp.actions import pytree
    from sea_lsp.actions.repair_site import Site

    data = source.encode()
    site = Site(path="m.py", data=data, tree=pytree.parse(data), weigh=True)
    return [m for n in pytree.walk(site.tree.root_node) for f in families for m in f(n, site)]


def _backed(source: str, evidence: str) -> set[str]:
    from sea_lsp.actions.repair_expr import constants, off_by_one, operators
    from sea_lsp.actions.repair_guard import insert_guard

    told = frozenset({evidence})
    made = _made(source, (operators, constants, off_by_one, insert_guard))
    return {m.title for m in made if repair_evidence.backed(m, told)}


def test_only_a_base_case_of_a_function_that_calls_itself_is_backed() -> None:
    backed = _backed(FACT, repair_evidence.RECURSION)
    assert "Change `==` to `<=` in line 2" in backed
    assert not any(t.endswith("line 8") for t in backed)  # ``count`` does not call itself
    assert not any("line 4" in t for t in backed)  # not a condition
    guards = _backed(POWER, repair_evidence.RECURSION)
    assert "Insert `if not exp: return 1` before line 3" in guards
    assert not any(t.startswith("Insert") and "after" in t for t in guards), guards


def test_the_evidence_puts_a_missing_base_case_near_the_top() -> None:
    def at(evidence: frozenset[str]) -> int:
        title = "Insert `if not exp: return 1` before line 3"
        return position(POWER, (3, 4, 5, 6), title, evidence=evidence)

    assert at(frozenset({repair_evidence.RECURSION})) < 10 < 100 < at(frozenset())


def test_message_evidence_keeps_its_lines_weight() -> None:
    """A division on a line localisation barely suspects comes after one on the line it
    suspects most (a hang's update, by contrast, goes first wherever its line ranks)."""
    source = "def mean_pair(a, b, c, d):\n    return a / b + c / d\n\n\ndef unrelated(x, y):\n    return x / y\n"
    view = DictView({"m.py": source})
    suspicious = [Suspicious("m.py", 2, 1.0), Suspicious("m.py", 6, 0.01)]
    ctx = ActionContext(
        view=view,
        focus_path="m.py",
        suspicious=suspicious,
        evidence=frozenset({repair_evidence.DIVISION}),
    )
    titles = [c.title for c in RepairGenerator().generate(ctx)]
    assert titles[0] == "Change `/` to `//` in line 2", titles[:3]
    assert titles.index("Change `/` to `//` in line 6") > 2


def test_a_guard_that_only_looks_like_a_return_is_not_a_base_case() -> None:
    from sea_lsp.actions import pytree
    from sea_lsp.actions.repair_site import Mutation

    data = b"def f(n):\n    x = f(n - 1)\n    return x\n"
    tree = pytree.parse(data)
    first = pytree.first_statement(tree.root_node.named_children[0])
    evidence = frozenset({repair_evidence.RECURSION})

    def guard(body: str) -> Mutation:
        text = f"if n <= 0:\n        {body}\n    "
        return Mutation("insert_guard", first.start_byte, first.start_byte, text, "", first)

    assert repair_evidence.backed(guard("return 0"), evidence)
    assert repair_evidence.backed(guard("return"), evidence)
    assert not repair_evidence.backed(guard("returned = True"), evidence)
    assert not repair_evidence.backed(guard("return_code = 0"), evidence)
    later = pytree.walk(tree.root_node)
    ret = next(n for n in later if n.type == "return_statement")
    text = "if n <= 0:\n        return 0\n    "
    assert not repair_evidence.backed(
        Mutation("insert_guard", ret.start_byte, ret.start_byte, text, "", ret), evidence
    )  # before a statement that is not the first


EVENS = (
    "def evens(xs):\n"
    "    out = []\n"
    "    for x in xs:\n"
    "        if x % 2 == 0:\n"
    "            out.append(x)\n"
    "\n"
    "\n"
    "def show(xs):\n"
    "    for x in xs:\n"
    "        print(x)\n"
    "    return len(xs)\n"
)


def test_a_none_where_a_value_was_wanted_is_read_from_the_message() -> None:
    for message in (
        "E       assert None == [2, 4]\nE        +  where None = evens([1, 2, 3, 4])",
        "E       AssertionError: assert None == 3",
        "E       TypeError: 'NoneType' object is not subscriptable",
        "E       AttributeError: 'NoneType' object has no attribute 'split'",
        "E       TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'",
        "E       TypeError: object of type 'NoneType' has no len()",
        "E       assert None\nE        +  where None = first([])",
        "E       assert 0 == 2\nE        +  where 0 = len(None)\nE        +  where None = f()",
        "E       TypeError: '<' not supported between instances of 'NoneType' and 'int'",
        "E       TypeError: cannot unpack non-iterable NoneType object",
        "E       AssertionError: None != [2, 4]",
    ):
        assert repair_evidence.tags([message]) == {repair_evidence.NO_VALUE}, message
    for message in ("E       assert 3 is None", "E       assert [] == [None]", "None of these"):
        assert repair_evidence.tags([message]) == frozenset(), message


def _returns_made(source: str) -> list:
    """Every ``insert_control`` and ``insert_template`` mutation of ``source``."""
    from sea_lsp.actions.repair_stmt import control, templates

    return _made(source, (control, templates))


def test_only_a_return_after_the_last_statement_of_a_function_is_backed() -> None:
    told = frozenset({repair_evidence.NO_VALUE})
    made = _returns_made(EVENS)
    backed = {m.title for m in made if repair_evidence.backed(m, told)}
    assert "Insert `return out` after line 5" in backed  # after the loop, at the body's level
    assert all(t.startswith("Insert `return ") and t.endswith("after line 5") for t in backed)
    assert not any(repair_evidence.backed(m, frozenset()) for m in made)
    # a comment after the loop changes nothing; a generator or ``__init__`` is never backed
    commented = EVENS.replace(
        "            out.append(x)\n", "            out.append(x)\n    # done\n"
    )
    generator = EVENS.replace("out.append(x)", "yield x")
    init = EVENS.replace("def evens(xs)", "def __init__(self, xs)")
    for source, expect in ((commented, True), (generator, False), (init, False)):
        ends = {m.title for m in _returns_made(source) if repair_evidence.backed(m, told)}
        assert any("return out" in t for t in ends) == expect, source


def test_the_evidence_puts_a_forgotten_return_first() -> None:
    def at(evidence: frozenset[str]) -> int:
        title = "Insert `return out` after line 5"
        return position(EVENS, (2, 3, 4, 5), title, evidence=evidence)

    assert at(frozenset({repair_evidence.NO_VALUE})) == 0 < at(frozenset())


def test_a_value_of_a_type_an_operation_does_not_take_is_read_from_the_message() -> None:
    for message in (
        "E       TypeError: '<' not supported between instances of 'str' and 'int'",
        "E       TypeError: unsupported operand type(s) for +: 'int' and 'str'",
        "E       TypeError: 'int' object is not subscriptable",
        "E       AttributeError: 'list' object has no attribute 'keys'",
        "E       TypeError: unsupported operand type(s) for +: 'decimal.Decimal' and 'float'",
        'E       TypeError: can only concatenate str (not "int") to str',
        "E       TypeError: argument of type 'int' is not iterable",
        "    Exception raised:\n        TypeError: '>=' not supported between instances of"
        " 'float' and 'str'",  # a doctest's report
    ):
        assert repair_evidence.tags([message]) == {repair_evidence.WRONG_TYPE}, message
    for message in (
        "E       AttributeError: 'NoneType' object has no attribute 'keys'",  # NO_VALUE's
        "E       TypeError: f() takes 1 positional argument but 2 were given",
        "E       AttributeError: 'Account' object has no attribute 'balanse'",  # a typo
    ):
        assert repair_evidence.WRONG_TYPE not in repair_evidence.tags([message]), message


NATURAL = (
    "def check(n):\n"
    "    if n < 0 or not isinstance(n, int):\n"
    "        raise ValueError('a natural number, please')\n"
    "    total = n * 2 + 1\n"
    "    return total\n"
)


def test_only_a_guard_asked_second_is_backed_and_it_goes_first() -> None:
    from sea_lsp.actions.repair_operands import swap_operands

    told = frozenset({repair_evidence.WRONG_TYPE})
    made = _made(NATURAL, (swap_operands,))
    backed = [m.new_text for m in made if repair_evidence.backed(m, told)]
    assert backed == ["not isinstance(n, int) or n < 0"]
    assert not any(repair_evidence.backed(m, frozenset()) for m in made)
    guarded = NATURAL.replace("n < 0 or not isinstance(n, int)", "n is None or n < 0")
    assert not any(repair_evidence.backed(m, told) for m in _made(guarded, (swap_operands,)))
    # a test's words in a string, or a method that shares a builtin's name, test nothing
    for second in ("kind == 'n is None'", "self.callable(n)"):
        other = NATURAL.replace("not isinstance(n, int)", second)
        assert not any(repair_evidence.backed(m, told) for m in _made(other, (swap_operands,)))
    title = "Change `n < 0 or not isinstance(n, in…` to `not isinstance(n, int) or n <…` in line 2"

    def at(evidence: frozenset[str]) -> int:
        return position(NATURAL, (2, 3, 4, 5), title, evidence=evidence)

    assert at(told) == 0 < at(frozenset())


def test_a_count_that_stayed_at_zero_is_read_from_the_message() -> None:
    count = repair_evidence.NO_COUNT
    assert repair_evidence.tags(["E       AssertionError: assert 0 == 3"]) == {count}
    assert repair_evidence.tags(["E       AssertionError: 0 != 2"]) == {count}  # unittest's
    named = (
        "E       assert 0 == 2\n"
        "E        +  where 0 = <framing.Writer object at 0x7f91167af5d0>.frames\n"
    )
    assert repair_evidence.tags([named]) == {f"{count}:frames"}
    called = "E       assert 0 == 4\nE        +  where 0 = len(<log.Log object at 0x7f>)\n"
    assert repair_evidence.tags([called]) == {count}  # a call names no counter
    assert repair_evidence.tags(["E       AssertionError: 0 != 2 : counted"]) == {count}
    position = "E       assert 0 == 2\nE        +  where 0 = <built-in method index of list>(3)\n"
    for message in (
        "E       assert 0 == 0",
        "E       assert 3 == 0",
        "E       assert 0 == -1",
        position,  # a position, no count
    ):
        assert repair_evidence.tags([message]) == frozenset(), message
    assert repair_evidence.kind(f"{count}:frames") == count


COUNTED = (
    "class Log:\n"
    "    def __init__(self):\n"
    "        self.times = []\n"
    "        self.count = 0\n"
    "        self.drops = 0\n"
    "\n"
    "    def add(self, t):\n"
    "        if t < 0:\n"
    "            return\n"
    "        self.times.append(t)\n"
    "        return t\n"
)


def test_a_count_that_stayed_at_zero_puts_its_counter_first() -> None:
    title = "Insert `self.count += 1` after line 10"
    at = {
        tags: position(COUNTED, (8, 9, 10, 11), title, evidence=frozenset(tags))
        for tags in ((), ("no_count",), ("no_count:count",), ("no_count:drops",))
    }
    assert at[("no_count",)] <= 1 and at[("no_count:count",)] == 0, at
    # no evidence, or another counter named: the hand order's place, much later
    assert at[()] > 5 and at[("no_count:drops",)] > 5, at
