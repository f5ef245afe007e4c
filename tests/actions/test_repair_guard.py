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
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data))
    made = {}
    for n in pytree.walk(site.tree.root_node):
        for m in init_value(n, site):
            made.setdefault(site.line(n), set()).add(m.new_text)
    assert {"min(values)", "values[0]", "len(values)", "float('inf')"} <= made[2]
    assert "float('-inf')" in made[3] and "min(scale)" not in made[3]  # a number, not a sequence
    assert 4 not in made  # an argument is not a starting value
