"""The inserted-statement prior: learned from real code, shipped, used by the search order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sea_lsp.actions import pytree, repair_shapes
from sea_lsp.actions.repair import Found, order
from sea_lsp.actions.repair_shapes import ShapePrior
from sea_lsp.actions.repair_site import Mutation, Site
from sea_lsp.actions.repair_stmt import templates
from sea_lsp.training import shapes
from tests.actions.conftest import learned_and_untrained

MISSING_APPEND = (
    "def collect(words):\n"
    "    out = []\n"
    "    for w in words:\n"
    "        item = w.strip()\n"
    "        print(w)\n"
    "    return out\n"
)


def _templates_at(source: str, line: int, prior: ShapePrior) -> list[Mutation]:
    data = source.encode()
    tree = pytree.parse(data)
    site = Site("m.py", data, tree)
    node = next(
        n
        for n in pytree.walk(tree.root_node)
        if n.start_point.row == line - 1 and n.parent is not None and n.parent.type == "block"
    )
    return list(templates(node, site, prior))


def test_the_prior_learns_from_real_code_what_untrained_order_does_not() -> None:
    """Fixed seed, a sample of the standard library; measured on files it never saw."""
    n_train, n_test, learned, untrained = learned_and_untrained("insert_template", files=200)
    assert n_train > 200 and n_test > 50
    assert untrained["learned"] == untrained["generator_order"]  # no weights: generator order
    assert untrained["learned"]["mrr"] < 0.4
    assert learned["learned"]["mrr"] >= 0.45
    assert learned["learned"]["top1"] >= untrained["learned"]["top1"] + 0.2


def test_the_shipped_table_says_where_it_came_from_and_prefers_the_natural_statement() -> None:
    prior = repair_shapes.default_prior()
    assert prior.weights, "sea_lsp/default_model/shapes.json is missing: run `sea-lsp shapes`"
    assert prior.meta["command"].startswith("sea-lsp shapes")
    assert "standard library" in prior.meta["corpus"]
    held = prior.meta["held_out"]["insert_template"]
    assert held["learned"]["mrr"] > held["generator_order"]["mrr"]
    # ``out.append(item)`` right after ``item`` is assigned, not ``item.append(out)``
    muts = _templates_at(MISSING_APPEND, 5, prior)
    by_text = {m.title.split("`")[1]: m.weight for m in muts if "after" in m.title}
    assert by_text["out.append(item)"] > 3 * by_text["item.append(out)"]
    best = max(muts, key=lambda m: m.weight)
    assert best.title.startswith("Insert `out.append(item)`")


def test_a_broken_table_weighs_evenly_and_says_how_to_rebuild(tmp_path: Path) -> None:
    messages: list[str] = []
    from loguru import logger

    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING")
    try:
        for text in ("{not json", json.dumps({"weights": {"a|": "x"}}), json.dumps([1])):
            bad = tmp_path / "shapes.json"
            bad.write_text(text)
            prior = ShapePrior.load(bad)
            assert prior.weights == {} and prior.weight(["a|"]) == 1.0
        assert ShapePrior.load(tmp_path / "missing.json").weights == {}
    finally:
        logger.remove(sink)
    assert messages and all("sea-lsp shapes" in m for m in messages)
    assert shapes.main(["--corpus", str(tmp_path / "nowhere")]) == 2
    huge = ShapePrior({"a|": 1e9})  # clamped: no candidate becomes absolute
    assert huge.weight(["a|"]) == pytest.approx(2980.96, rel=1e-3)
    muts = _templates_at(MISSING_APPEND, 5, ShapePrior({}))
    assert muts and all(m.weight == 1.0 for m in muts)


def _found(family: str, weight: float, seq: int, region: int = 0) -> Found:
    m = Mutation(family, seq, seq, "x", family, None, weight)
    return Found(region, 0, seq, "m.py", m, None, None)


def test_order_splits_a_weighed_family_by_weight_and_leaves_the_others_even() -> None:
    heavy, light = _found("insert_template", 50.0, 1), _found("insert_template", 0.5, 0)
    rest = [_found("insert_template", 0.5, i) for i in range(2, 100)]
    swap = _found("compare_swap", 1.0, 200)
    ranked = order([light, *rest, heavy, swap], [1.0])
    assert ranked[0] is swap and ranked[1] is heavy  # the natural template before its kin
    assert ranked.index(light) < ranked.index(rest[0])  # ties keep generation order
    # a family with no weights keeps the even spread: 1 / sqrt(n) each
    even = [_found("identifier", 1.0, i) for i in range(4)]
    one = _found("constant", 1.0, 10)
    ranked = order([*even, one], [1.0])
    assert ranked == [one, *even]  # constant 0.8 / 1, then identifier 0.5 / 2 each, in order


MISSING_CASE = (
    "def factorize(n):\n"
    "    factors = []\n"
    "    d = 2\n"
    "    while d * d <= n:\n"
    "        while n % d == 0:\n"
    "            factors.append(d)\n"
    "            n //= d\n"
    "        d += 1\n"
    "    return factors\n"
)


def test_a_weighed_search_guards_actions_too_and_keeps_the_likeliest() -> None:
    """Guarded bodies that are not exits (``factors.append(n)``, ``d += 1``), which the
    unweighted generator (exits only) never makes, compete by weight."""
    from sea_lsp.actions.repair_guard import MAX_GUARDS, actions, insert_guard

    data = MISSING_CASE.encode()
    tree = pytree.parse(data)
    node = next(n for n in pytree.walk(tree.root_node) if n.type == "return_statement")
    plain = list(insert_guard(node, Site("m.py", data, tree)))
    weighed = list(insert_guard(node, Site("m.py", data, tree, weigh=True)))
    fn = tree.root_node.named_children[0]
    assert "factors.append(n)" in actions(Site("m.py", data, tree), node, fn)
    assert not any(".append(" in m.new_text or "+= 1" in m.new_text for m in plain)
    assert any(".append(" in m.new_text or "+= 1" in m.new_text for m in weighed)
    assert all(m.weight != 1.0 for m in weighed)
    weights = [m.weight for m in weighed[:MAX_GUARDS]]  # the heaviest first
    assert weights == sorted(weights, reverse=True)
    assert min(weights) >= max(m.weight for m in weighed[MAX_GUARDS:])
    # and every guard the plain generator makes stays reachable
    assert {m.new_text for m in plain} <= {m.new_text for m in weighed}
    assert len(weighed) <= len(plain) + MAX_GUARDS


def test_guard_weights_are_the_weights_of_the_guard_features() -> None:
    from sea_lsp.actions import repair_guard
    from sea_lsp.actions.repair_stmt import name_kinds

    data = MISSING_CASE.encode()
    tree = pytree.parse(data)
    site = Site("m.py", data, tree, weigh=True)
    node = next(n for n in pytree.walk(tree.root_node) if n.type == "return_statement")
    fn = tree.root_node.named_children[0]
    prior = repair_shapes.default_prior()
    conds = repair_guard.guard_conditions(site, node, fn)
    bodies = repair_guard.exits(site, node, fn) + repair_guard.actions(site, node, fn)
    mined = set(repair_guard.mined_conditions(site, fn))
    ctx = repair_shapes.Context(site, node, False, fn, name_kinds(site, fn))
    fast = repair_shapes.guard_weights(prior, ctx, conds, bodies, mined)
    slow = [
        prior.weight(repair_shapes.guard_features(ctx, c, b, c in mined))
        for c in conds
        for b in bodies
    ]
    assert len(fast) == len(conds) * len(bodies) > 100
    assert fast == pytest.approx(slow, rel=1e-9)
    assert len(set(fast)) > 10  # the guard part of the table is really used


def test_a_guard_condition_on_what_the_next_statement_reads_is_a_feature() -> None:
    source = (
        "def f(items, limit):\n"
        "    total = 0\n"
        "    for x in items:\n"
        "        total += limit\n"
        "    return total\n"
    )
    data = source.encode()
    tree = pytree.parse(data)
    site = Site("m.py", data, tree, weigh=True)
    fn = tree.root_node.named_children[0]
    loop = next(n for n in pytree.walk(tree.root_node) if n.type == "for_statement")
    ctx = repair_shapes.Context(site, loop, False, fn, {})  # a guard before the loop
    assert ctx.next_reads == {"x", "items"}  # the loop's first line, not its body
    on_items = repair_shapes.guard_features(ctx, "not items", "return 0", False)
    on_limit = repair_shapes.guard_features(ctx, "not limit", "return 0", False)
    assert "guard|name_next=True" in on_items and "guard|name_next=False" in on_limit
    prior = repair_shapes.default_prior()
    assert prior.weight(on_items) > prior.weight(on_limit)  # learned from the library's guards
