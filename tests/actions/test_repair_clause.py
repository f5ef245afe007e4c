"""A clause a condition lacks (``repair_clause``): made, parenthesised as Python needs, and
ranked by a prior learned from the standard library."""

from __future__ import annotations

from pathlib import Path

from sea_lsp.actions import pytree, repair_clause, repair_shapes
from sea_lsp.actions.repair_site import Site
from sea_lsp.training import shapes
from tests.actions.conftest import learned_and_untrained

CLOSER = (
    "class Closer:\n"
    "    def spider_closed(self, spider):\n"
    "        task = getattr(self, 'task', False)\n"
    "        if task and task.active():\n"
    "            task.cancel()\n"
    "        other = getattr(self, 'other', None)\n"
    "        if other.running:\n"
    "            other.stop()\n"
    "\n"
    "    def opened(self, spider, parts):\n"
    "        if spider.name in parts[0] or len(parts) > 2:\n"
    "            return spider\n"
    "        if spider.closed:\n"
    "            return None\n"
)


def _site(source: str, weigh: bool = True) -> Site:
    data = source.encode()
    return Site("m.py", data, pytree.parse(data), weigh=weigh)


def _holder(source: str, line: int, weigh: bool = True) -> tuple[Site, object]:
    site = _site(source, weigh)
    node = next(
        n
        for n in pytree.walk(site.tree.root_node)
        if n.type in ("if_statement", "elif_clause", "while_statement")
        and n.start_point.row == line - 1
    )
    return site, node


def test_what_the_condition_dereferences_is_tested_first_and_self_never() -> None:
    site, node = _holder(CLOSER, 7)
    found = repair_clause.candidates(node, site)
    texts = [c.text for c in found]
    assert texts[0] == "other and other.running"  # the dereferenced object, first
    assert "not other or other.running" in texts
    assert "other.running and other is not None" in texts
    assert not any(c.subject in ("self", "cls") for c in found)
    assert {c.origin for c in found} >= {"deref", "name", "own", "filed"}


def test_parentheses_only_where_precedence_needs_them() -> None:
    site, node = _holder(CLOSER, 11)  # ``spider.name in parts[0] or len(parts) > 2``
    texts = {c.text for c in repair_clause.candidates(node, site)}
    assert "spider and (spider.name in parts[0] or len(parts) > 2)" in texts
    assert "not spider or spider.name in parts[0] or len(parts) > 2" in texts
    site, node = _holder(CLOSER, 4)  # ``task and task.active()``: an ``and`` chain
    texts = {c.text for c in repair_clause.candidates(node, site)}
    assert "task and task.active() and spider" in texts
    assert not any("(task and task.active())" in t for t in texts)
    site, node = _holder("def f(s, n):\n    if m := s.find(n):\n        return m\n", 2)
    texts = {c.text for c in repair_clause.candidates(node, site)}
    assert "s and (m := s.find(n))" in texts  # ``m := (s.find(n) and s)`` otherwise


def test_conditions_tested_elsewhere_are_clauses_only_in_the_search() -> None:
    site, node = _holder(CLOSER, 7)
    searched = repair_clause.candidates(node, site)
    # ``spider.closed`` is tested by a sibling method, ``task`` by this one
    assert "other.running and not spider.closed" in {c.text for c in searched}
    assert "task and other.running" in {c.text for c in searched}
    site, node = _holder(CLOSER, 7, weigh=False)
    editor = list(repair_clause.clauses(node, site))
    assert editor and all(m.weight == 1.0 for m in editor)
    assert not any("spider.closed" in m.new_text for m in editor)


def test_the_clause_prior_learns_from_real_code_what_untrained_order_does_not() -> None:
    """Fixed seed, a sample of the standard library; measured on files it never saw."""
    n_train, n_test, learned, untrained = learned_and_untrained("clause", files=300)
    assert n_train > 150 and n_test > 50
    assert untrained["learned"] == untrained["generator_order"]
    assert untrained["learned"]["mrr"] < 0.13
    assert learned["learned"]["mrr"] >= 0.16
    assert learned["learned"]["top10"] >= untrained["learned"]["top10"] + 0.15


def test_a_dropped_clause_is_a_training_place_with_the_real_condition_among_the_candidates(
    tmp_path: Path,
) -> None:
    src = (
        "def first_left(node, limit):\n"
        "    while node and node.left is not None:\n"
        "        node = node.left\n"
        "    return node\n"
    )
    path = tmp_path / "m.py"
    path.write_text(src)
    data = src.encode()
    holder = next(shapes._joined_conditions(pytree.parse(data)))
    group = shapes._clause_group(path, data, holder, first=True)  # ``node`` dropped
    assert group is not None and group.positive >= 0
    assert "clause|form=S and C" in group.feats[group.positive]
    assert "clause|origin=deref" in group.feats[group.positive]


def test_the_shipped_table_puts_the_null_test_of_a_dereferenced_name_near_the_top() -> None:
    prior = repair_shapes.default_prior()
    assert prior.knows(repair_clause.GROUP), "shapes.json lacks the clause prior: sea-lsp shapes"
    held = prior.meta["held_out"]["clause"]
    assert held["learned"]["mrr"] > held["generator_order"]["mrr"]
    site, node = _holder(CLOSER, 7)
    ranked = sorted(repair_clause.clauses(node, site), key=lambda m: -m.weight)
    top = [m.new_text for m in ranked[:5]]
    assert "other and other.running" in top or "other is not None and other.running" in top


def test_a_returned_test_takes_a_clause_and_a_returned_value_does_not() -> None:
    src = (
        "import enum, inspect\n"
        "def is_enum(x):\n"
        "    return issubclass(x, enum.Enum)\n"
        "def total(items):\n"
        "    return sum(items)\n"
    )
    site = _site(src)
    ret = [n for n in pytree.walk(site.tree.root_node) if n.type == "return_statement"]
    made = list(repair_clause.clauses(ret[0], site))
    assert "x and issubclass(x, enum.Enum)" in {m.new_text for m in made}
    assert made[0].title.startswith("Change the returned value to")
    assert list(repair_clause.clauses(ret[1], site)) == []  # a sum is not a test
