"""The guard generator's conditions and exits reach the shapes real guards have."""

from __future__ import annotations

from sea_lsp.actions import pytree, repair_guard, repair_shapes
from sea_lsp.actions.repair_site import Site

SOURCE = (
    "class Stream:\n"
    "    def read(self, node, limit):\n"
    "        if isinstance(limit, float):\n"
    "            limit = int(limit)\n"
    "        data = node.left.value\n"
    "        size = 0\n"
    "        size += len(data)\n"
    "        return data[:limit], size\n"
    "\n"
    "    def __eq__(self, other):\n"
    "        same = self.closed == other.closed\n"
    "        return same\n"
)


def _at(line: int) -> tuple[Site, object, object]:
    data = SOURCE.encode()
    site = Site("m.py", data, pytree.parse(data))
    node = next(
        n
        for n in pytree.walk(site.tree.root_node)
        if n.start_point.row == line - 1 and n.parent is not None and n.parent.type == "block"
    )
    return site, node, pytree.enclosing(node, ("function_definition",))


def _made_by_line(source: str, family) -> dict[int, set[str]]:
    """The texts ``family`` makes at each line of ``source``."""
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    made: dict[int, set[str]] = {}
    for n in pytree.walk(site.tree.root_node):
        for m in family(n, site):
            made.setdefault(site.line(n), set()).add(m.new_text)
    return made


def test_conditions_test_truth_none_attributes_classes_and_membership() -> None:
    site, node, fn = _at(7)  # size += len(data)
    conds = repair_guard.guard_conditions(site, node, fn)
    for expected in (
        "data",  # a name's truth
        "data is not None",
        "len(data) == 0",
        "node.left is None",  # an attribute the function reads
        "not isinstance(data, float)",  # a class the file checks
        "size in data",
        "limit <= 0",
    ):
        assert expected in conds, expected
    assert "size <= 0" in conds
    assert "len(size) == 0" not in conds  # ``size`` holds a number
    assert len(conds) == len(set(conds))


def test_exits_include_not_implemented_in_dunders_and_more_returned_names() -> None:
    site, node, fn = _at(11)  # same = self.closed == other.closed, in __eq__
    assert "return NotImplemented" in repair_guard.exits(site, node, fn)
    site, node, fn = _at(7)
    assert "return NotImplemented" not in repair_guard.exits(site, node, fn)


def test_the_shipped_guard_prior_keeps_more_real_guards_than_generation_order() -> None:
    held = repair_shapes.default_prior().meta["held_out"]["insert_guard"]
    # every two-line guard sampled from held-out standard-library files (calls with their
    # own arguments included): the share the generator makes at all (6.8 % of the same
    # places before ``wider_conditions``), and the share the learned prior keeps among an
    # insertion point's first 48
    assert held["places"] >= 1000
    assert held["generated"] >= 0.09
    assert held["kept_of_all"] >= 0.05
    assert held["learned"]["top_cap"] > held["generator_order"]["top_cap"] + 0.15


def test_a_starting_value_becomes_an_extreme_or_what_a_sequence_gives() -> None:
    from sea_lsp.actions.repair_operands import init_value

    source = (
        "def span(values, scale):\n"
        "    low, high = 0, max(values)\n"
        "    best = 0\n"
        "    print(scale, 3)\n"
        "    return (high - low) * scale + best\n"
    )
    made = _made_by_line(source, init_value)
    assert {"min(values)", "values[0]", "len(values)", "float('inf')"} <= made[2]
    assert "float('-inf')" in made[3] and "min(scale)" not in made[3]  # a number, not a sequence
    assert 4 not in made  # an argument is not a starting value


FILED = (
    "class Store:\n"
    "    def get(self, key):\n"
    "        if self.closed:\n"
    "            raise ValueError('closed')\n"
    "        if key not in self._data:\n"
    "            raise KeyError(key)\n"
    "        return self._data[key]\n"
    "\n"
    "    def pop(self, name):\n"
    "        value = self._data[name]\n"
    "        del self._data[name]\n"
    "        return value\n"
    "\n"
    "    def count(self):\n"
    "        total = 0\n"
    "        for k in self._data:\n"
    "            if k.startswith('_') and total > 3:\n"
    "                total += 1\n"
    "        return total\n"
)


def _in_pop(weigh: bool = True):
    """FILED's site, the first statement of ``pop`` and ``pop``."""
    data = FILED.encode()
    site = Site("m.py", data, pytree.parse(data), weigh=weigh)
    node = next(n for n in pytree.walk(site.tree.root_node) if n.start_point.row == 9)
    return site, node, pytree.enclosing(node, ("function_definition",))


def test_a_check_another_function_of_the_file_makes_is_a_guard_condition() -> None:
    site, node, fn = _in_pop()
    filed = repair_guard.file_conditions(site, node, fn)
    assert filed[:2] == ["self.closed", "not self.closed"]  # nearest first, and negated
    assert "key not in self._data" not in filed  # ``key`` is not in scope in ``pop``
    assert not any("startswith" in c for c in filed)  # nor ``k`` nor ``total``
    conds = repair_guard.guard_conditions(site, node, fn)
    assert set(filed) <= set(conds)
    # the whole family, weighed by the shipped prior (which learned from the standard
    # library how often such checks are the missing guard), puts the sibling's check among
    # its first few (beside tests of what the next statement reads)
    made = [m.new_text.strip() for m in repair_guard.insert_guard(node, site)]
    assert any(t.startswith("if self.closed:") for t in made[:3])
    # a function's own conditions are not the file's
    own = next(n for n in pytree.walk(site.tree.root_node) if n.start_point.row == 6)
    own_fn = pytree.enclosing(own, ("function_definition",))
    assert "self.closed" not in repair_guard.file_conditions(site, own, own_fn)


def test_a_long_function_keeps_the_names_used_near_the_line() -> None:
    body = "".join(f"    v{i} = {i}\n" for i in range(20))
    source = "def long(a, b):\n" + body + "    near = v18 + v19\n    return near\n"
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    last = next(n for n in pytree.walk(site.tree.root_node) if n.type == "return_statement")
    names = site.value_names(last)
    assert len(names) == site.max_names
    assert {"near", "v19", "v18"} <= set(names)  # the ones bound last, used on the line above
    assert "v0" not in names
    assert names == sorted(names, key=["a", "b", *[f"v{i}" for i in range(20)], "near"].index)
    first = next(n for n in pytree.walk(site.tree.root_node) if n.start_point.row == 2)
    assert {"v0", "v1"} <= set(site.value_names(first))  # near the top, the first ones


def test_a_name_and_the_attribute_of_that_name_stand_for_each_other() -> None:
    source = (
        "class Fetcher:\n"
        "    def __init__(self, delay, headers):\n"
        "        self.delay = delay\n"
        "        self.headers = dict(self.headers)\n"
        "\n"
        "    def wait(self, clock):\n"
        "        if delay:\n"
        "            clock.sleep(delay.seconds)\n"
    )
    made = _made_by_line(source, repair_guard.qualify)
    assert "self.delay" in made[7]  # a condition's name; the class sets ``self.delay``
    assert "self.delay" in made[8]  # the object of an attribute read
    assert made[4] == {"headers"}  # ``self.headers`` read where the parameter was meant
    assert 3 not in made or "delay" not in made[3]  # an assignment's target stays


def test_a_guard_of_a_sibling_function_is_transplanted_whole_and_first() -> None:
    site, node, fn = _in_pop()
    moved = repair_guard.transplants(site, node, fn)
    # ``get``'s check, with its own body (``ValueError`` is a builtin: in scope); not the
    # one on ``key``, which ``pop`` does not have
    assert moved == [("self.closed", "raise ValueError('closed')")]
    for weighed in (True, False):
        site, node, _ = _in_pop(weighed)
        first = next(repair_guard.insert_guard(node, site)).new_text.strip()
        assert first == "if self.closed:\n            raise ValueError('closed')"


def test_a_focus_name_is_compared_with_the_statements_other_names_and_builtin_types() -> None:
    source = (
        "def relabel(graph, mapping):\n"
        "    for old in list(graph):\n"
        "        new = mapping[old]\n"
        "        graph[new] = graph.pop(old)\n"
        "    return str(graph), str(mapping), list(mapping)\n"
    )
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    node = next(n for n in pytree.walk(site.tree.root_node) if n.type == "expression_statement")
    fn = pytree.enclosing(node, ("function_definition",))
    conds = repair_guard.guard_conditions(site, node, fn)
    assert "new == old" in conds  # both are the statement's own names
    assert "not isinstance(new, str)" in conds  # ``str`` is the type the file names most
    assert not any("isinstance(new, dict)" in c for c in conds)  # never named


def test_a_guard_returns_one_only_in_a_function_that_calls_itself() -> None:
    source = (
        "def fact(n):\n    rest = fact(n - 1)\n    return n * rest\n\n\n"
        "def count(xs, x):\n    found = xs.count(x)\n    return found\n"
    )
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    firsts = [
        pytree.first_statement(fn)
        for fn in pytree.walk(site.tree.root_node)
        if fn.type == "function_definition"
    ]
    fact_exits = repair_guard.exits(
        site, firsts[0], pytree.enclosing(firsts[0], ("function_definition",))
    )
    count_exits = repair_guard.exits(
        site, firsts[1], pytree.enclosing(firsts[1], ("function_definition",))
    )
    assert "return 1" in fact_exits
    assert "return 1" not in count_exits  # ``xs.count`` is not a call of ``count``


def test_docstrings_first_statements_and_self_calls_as_the_tree_has_them() -> None:
    source = (
        'def a():\n    """Doc."""\n    # note\n    x = 1\n\n\n'
        'def b():\n    "only a docstring"\n\n\n'
        "def c():\n    'x', 1\n    return c()\n\n\n"
        "class T:\n    def walk(self, n):\n        def inner():\n            return walk(n)\n"
        "        return self.walk(n - 1) if n else inner\n\n"
        "    def other(self):\n        return super().other\n"
    )
    tree = pytree.parse(source.encode())
    fns = {
        pytree.text_of(n.child_by_field_name("name")): n
        for n in pytree.walk(tree.root_node)
        if n.type == "function_definition"
    }
    assert pytree.text_of(pytree.first_statement(fns["a"])) == "x = 1"
    assert pytree.is_docstring(pytree.first_statement(fns["b"]))  # all there is
    assert not pytree.is_docstring(pytree.first_statement(fns["c"]))  # a tuple, not a string
    assert pytree.calls_itself(fns["c"]) and pytree.calls_itself(fns["walk"])
    assert not pytree.calls_itself(fns["inner"]) and not pytree.calls_itself(fns["other"])


DISPATCH = (
    'ALIASES = ("on", "off")\n'
    "\n"
    "\n"
    "def parse_flag(text):\n"
    '    if text == "yes":\n'
    "        return True\n"
    '    elif text == "no":\n'
    "        return False\n"
    "    return bool(text)\n"
)


def test_a_chain_gets_the_case_it_forgot_as_a_new_elif_or_an_else() -> None:
    made = _made_by_line(DISPATCH, repair_guard.insert_branch)
    # at each clause (the line an input no branch took evaluated) and at the last statement
    # of its branch (where the new clause goes), the same clauses; nowhere else
    assert set(made) == {5, 6, 7, 8} and made[5] == made[6] and made[7] == made[8]
    after_yes, after_no = made[6], made[8]
    missing = '\n    elif text == "off":\n        return False'  # a literal the file holds
    assert missing in after_yes and missing in after_no
    # the chain's own tests and their negations are not offered again
    assert not any('text == "yes":' in t or 'not (text == "no")' in t for t in after_yes | after_no)
    # an else only where the chain ends, with the chain's own bodies and the exits
    assert "\n    else:\n        return None" in after_no
    assert not any("else:" in t for t in after_yes)
    assert max(len(m) for m in made.values()) <= repair_guard.MAX_BRANCHES + repair_guard.MAX_ELSES


def test_one_comparison_is_a_test_not_a_dispatch() -> None:
    source = "def f(x):\n    if x == 1:\n        return 2\n    return 3\n\n\nY = 5\n"
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    chain = next(n for n in pytree.walk(site.tree.root_node) if n.type == "if_statement")
    fn = pytree.enclosing(chain, ("function_definition",))
    assert repair_guard._dispatch_conditions(site, chain, fn) == []
    made = _made_by_line(source, repair_guard.insert_branch)
    assert set(made) == {2, 3} and "\n    else:\n        return 3" in made[3]
    assert not any("x == 5" in t for t in made[3])


LOOKUP = (
    "def lookup(table, key, default=None):\n"
    "    if key in table:\n"
    "        value = table[key]\n"
    "    elif key.lower() in table:\n"
    "        value = table[key.lower()]\n"
    "    return value.strip()\n"
)


def test_a_chain_that_binds_a_name_read_after_it_gets_its_else_first() -> None:
    """``value`` is read unset when no branch ran: the chain's missing ``else`` (returning
    the parameter the function never reads) is backed by the ``UnboundLocalError`` as a
    starting value is."""
    from tests.actions.conftest import position

    data = LOOKUP.encode()
    site = Site("m.py", data, pytree.parse(data))
    made = [
        m for n in pytree.walk(site.tree.root_node) for m in repair_guard.insert_branch(n, site)
    ]
    at_end = [m for m in made if m.node.type == "elif_clause"]  # the chain's last clause
    # after the chain's own branches, the parameter the function never reads
    assert at_end[2].new_text == "\n    else:\n        return default"
    elses = [m for m in made if m.new_text.lstrip().startswith("else:")]
    assert all(repair_guard.else_binding(m) == {"value"} for m in elses)
    assert not any(repair_guard.else_binding(m) for m in made if m not in elses)

    def at(unbound: frozenset[str]) -> int:
        title = "Insert `else: return default` after line 5"
        return position(LOOKUP, (2, 4, 6), title, unbound=unbound)

    assert at(frozenset({"value"})) < 10 < 50 < at(frozenset())


def test_comments_do_not_hide_a_branchs_last_statement() -> None:
    source = (
        "def f(x, default):\n"
        "    if x == 1:\n"
        "        return 1  # one\n"
        "    elif x == 2:\n"
        "        return 2\n"
        "        # two\n"
        "    return default\n"
    )
    made = _made_by_line(source, repair_guard.insert_branch)
    assert {2, 3, 4, 5} <= set(made) and 6 not in made
    assert "\n    else:\n        return 2" in made[5]  # after ``return 2``, not the comment
