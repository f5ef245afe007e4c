"""Search-only families for edits real bugs needed that no other family made: an object's
state changed only in part (``repair.insert_state``), a symmetric condition wrong in all its
comparisons (``repair.compare_all``), a sign (``repair.negate_operand``), a numbering from 1
(``enumerate(xs, start=1)``) and a table never written (``repair.insert_use``)."""

from __future__ import annotations

from sea_lsp.actions import pytree
from sea_lsp.actions.repair_args import insert_arg
from sea_lsp.actions.repair_flow import insert_use, never_written
from sea_lsp.actions.repair_operands import compare_all, negate_operand
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_state import insert_counter, insert_state
from tests.actions.conftest import stdlib_sources


def _made(source: str, family) -> list[str]:
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    out = []
    for n in pytree.walk(site.tree.root_node):
        for m in family(n, site):
            text = (data[: m.start] + m.new_text.encode() + data[m.end :]).decode()
            assert pytree.parses_cleanly(text.encode()), text
            out.append(text)
    return out


CART = (
    "class Cart:\n"
    "    def __init__(self, catalog):\n"
    "        self.catalog = catalog\n"
    "        self.items = {}\n"
    "        self.coupon = None\n"
    "        self.checkouts = 0\n"
    "\n"
    "    def checkout(self):\n"
    "        receipt = list(self.items)\n"
    "        self.items = {}\n"
    "        return receipt\n"
)


def test_a_reset_sets_the_other_fields_back_and_a_counter_moves() -> None:
    made = _made(CART, insert_state)
    reset = "        self.items = {}\n        self.coupon = None\n        return receipt"
    assert any(reset in t for t in made)
    assert any("        self.items = {}\n        self.checkouts += 1\n" in t for t in made)
    # a field given a value that is not plain (``catalog``) is not reset; the statement's
    # own field is not set twice; ``__init__`` itself gets nothing
    assert not any("self.catalog = catalog\n        return" in t for t in made)
    assert not any("self.items = {}\n        self.items = {}" in t for t in made)
    assert all(t.count("self.coupon = None") <= 2 for t in made)
    assert not any(
        "self.coupon = None\n        self.checkouts = 0\n        self." in t for t in made
    )


def test_an_objects_counter_moves_with_its_other_changes() -> None:
    source = (
        "class Task:\n"
        "    def __init__(self):\n"
        "        self.status = 'pending'\n"
        "        self.attempts = 0\n"
        "\n"
        "def start(task):\n"
        "    task.status = 'running'\n"
        "    return task\n"
    )
    made = _made(source, insert_state)
    assert source.replace("'running'\n", "'running'\n    task.attempts += 1\n") in made
    assert source.replace("'running'\n", "'running'\n    task.attempts -= 1\n") in made
    # a function that already counts gets nothing more for that counter
    counted = source.replace("'running'\n", "'running'\n    task.attempts += 1\n")
    assert not any(
        "task.attempts += 1\n    task.attempts" in t for t in _made(counted, insert_state)
    )


LOG = (
    "class Log:\n"
    "    def __init__(self):\n"
    "        self.times = []\n"
    "        self.count = 0\n"
    "        self.width = 80\n"
    "        self.serial = 1\n"
    "\n"
    "    def add(self, t):\n"
    "        self.times.insert(0, t)\n"
    "\n"
    "    def label(self):\n"
    "        name = f'r{self.serial}'\n"
    "        self.serial += 1\n"
    "        return name\n"
    "\n"
    "    def drop(self, keys):\n"
    "        removed = 0\n"
    "        for k in keys:\n"
    "            del self.times[k]\n"
    "        return removed\n"
)


def test_a_counter_never_advanced_goes_up_after_a_statement() -> None:
    made = _made(LOG, insert_counter)
    # the class's counters after a call, the statement's own counter first
    assert LOG.replace("(0, t)\n", "(0, t)\n        self.count += 1\n") in made
    assert LOG.replace("(0, t)\n", "(0, t)\n        self.serial += 1\n") in made
    # a function's own counter, set once to 0 and never changed, after a ``del``
    assert LOG.replace("[k]\n", "[k]\n            removed += 1\n") in made
    # a size is no counter; a method that already changes a counter gets no more of it;
    # a local counter is not advanced before it is set; a return is no place for one
    assert not any("self.width +=" in t for t in made)
    assert not any("self.serial += 1\n        self.serial += 1" in t for t in made)
    assert not any("removed = 0\n        removed += 1" in t for t in made)
    assert not any("return name\n        self" in t for t in made)
    # in ``label`` the counter it reads is its own ``serial``, changed already: only count
    after = "name = f'r{self.serial}'\n        "
    assert sum(after + "self.count += 1" in t for t in made) == 1
    assert not any(after + "self.serial += 1\n        self.serial" in t for t in made)


def test_a_symmetric_condition_changes_all_its_comparisons_at_once() -> None:
    source = "def overlaps(a, b):\n    return a.start <= b.end and b.start <= a.end\n"
    assert _made(source, compare_all) == [source.replace("<=", "<")]
    mixed = "def f(a, b):\n    return a < b and b <= 3\n"
    assert _made(mixed, compare_all) == []  # different operators: one swap at a time
    single = "def f(a, b):\n    return a < b\n"
    assert _made(single, compare_all) == []
    inside_or = "def f(a, b, c, d):\n    return a is None or a <= d and c <= b\n"
    assert _made(inside_or, compare_all) == [inside_or.replace("<=", "<")]


def test_a_sign_is_flipped_on_numbers_only() -> None:
    source = "def factor(root):\n    return [root, 1]\n"
    assert "def factor(root):\n    return [-root, 1]\n" in _made(source, negate_operand)
    back = "def factor(root):\n    return [-root, 1]\n"
    assert source in _made(back, negate_operand)
    words = "def f(name):\n    name = 'x'\n    return [name, 1]\n"
    assert not any("-name" in t for t in _made(words, negate_operand))
    targets = "def f(a, b, g):\n    with g() as (a, b):\n        pass\n    del (a, b)\n"
    assert _made(targets, negate_operand) == []  # deleted or bound, not values


def test_enumerate_may_count_from_one() -> None:
    source = "def lines(xs):\n    return [f'{i}. {x}' for i, x in enumerate(xs)]\n"
    assert source.replace("enumerate(xs)", "enumerate(xs, start=1)") in _made(source, insert_arg)
    given = source.replace("enumerate(xs)", "enumerate(xs, 2)")
    assert not any("start=1" in t for t in _made(given, insert_arg))


DIVMOD = (
    "def divide(rem, d):\n"
    "    quotient = [0] * (len(rem) - len(d) + 1)\n"
    "    for shift in range(len(quotient) - 1, -1, -1):\n"
    "        factor = rem[shift + len(d) - 1] / d[-1]\n"
    "        for i, c in enumerate(d):\n"
    "            rem[shift + i] -= factor * c\n"
    "    return quotient, rem\n"
)


def test_a_table_never_written_is_filled_in_the_loop_over_its_indices() -> None:
    fix = DIVMOD.replace(
        "        factor = rem[shift + len(d) - 1] / d[-1]\n",
        "        factor = rem[shift + len(d) - 1] / d[-1]\n        quotient[shift] = factor\n",
    )
    assert fix in _made(DIVMOD, insert_use)
    assert not _made(fix, insert_use)  # written: no smell


def test_few_functions_of_ordinary_code_leave_a_table_unwritten() -> None:
    """2 of 7,025 standard-library functions when this was written (a benchmark's input
    ``[...] * 100000`` and an argparse format list joined as is)."""
    functions = flagged = 0
    for source in stdlib_sources():
        tree = pytree.parse(source.encode())
        for fn in (n for n in pytree.walk(tree.root_node) if n.type == "function_definition"):
            functions += 1
            flagged += bool(never_written(fn))
    assert functions >= 1000
    assert flagged / functions < 0.005


def test_a_dead_store_in_a_class_body_gets_no_return() -> None:
    source = (
        "def make(sep):\n"
        "    class Dialect:\n"
        "        delimiter = sep\n"
        "        quoting = 0\n"
        "    return Dialect\n"
    )
    made = _made(source, insert_use)
    assert not any("return quoting" in t or "return delimiter" in t for t in made)
    for t in made:
        compile(t, "m.py", "exec")


def test_a_counter_is_a_name_the_function_binds_once_and_self_only_in_a_method() -> None:
    source = (
        "def f(xs, p):\n"
        "    n = 0\n"
        "    a, b = 0, 0\n"
        "    k = 0\n"
        "    w = 0\n"
        "    with open(p) as k:\n"
        "        print(k)\n"
        "    ys = [w for w in xs]\n"
        "    return n + a + b + k + w\n"
        "\n"
        "class C:\n"
        "    def __init__(self):\n"
        "        self.count = 0\n"
        "\n"
        "    @staticmethod\n"
        "    def s(x):\n"
        "        print(x)\n"
        "\n"
        "    def add(self, t):\n"
        '        """Add t."""\n'
        "        print(t)\n"
    )
    made = _made(source, insert_counter)
    added = {t.split("\n")[i].strip() for t in made for i in range(len(t.split("\n")))}
    # ``n`` and ``w`` (a comprehension's ``w`` is its own) are counters; a tuple's targets
    # and a ``with`` target are not
    assert "n += 1" in added and "w += 1" in added
    assert not ({"a += 1", "b += 1", "k += 1"} & added)
    # a static method has no ``self``; a docstring is no statement to count after
    assert not any("print(x)\n        self.count" in t for t in made)
    assert not any('"""Add t."""\n        self.count' in t for t in made)
    assert any("print(t)\n        self.count += 1\n" in t for t in made)
