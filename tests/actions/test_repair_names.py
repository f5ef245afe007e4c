"""The wrong-variable prior: features of a replacement name, learned from the stdlib."""

from __future__ import annotations

from pathlib import Path

import pytest

from sea_lsp.actions import pytree, repair_expr, repair_names, repair_shapes
from sea_lsp.actions.repair_site import Site
from sea_lsp.training import shapes
from tests.actions.conftest import learned_and_untrained

# ``ys[a:]`` should read ``ys[b:]``: b is the index of ys, used the same way
PAIRS = """\
def pair_up(xs, ys):
    out = []
    a = b = 0
    while a < len(xs) and b < len(ys):
        out.append((xs[a], ys[b]))
        a += 1
        b += 1
    rest = ys[a:]
    size = len(out)
    return out, rest
"""


def _spot(source: str, line: int, name: str) -> tuple[Site, object]:
    data = source.encode()
    site = Site("m.py", data, pytree.parse(data), weigh=True)
    return site, next(
        n
        for n in pytree.walk(site.tree.root_node)
        if n.type == "identifier" and n.start_point.row == line - 1 and pytree.text_of(n) == name
    )


def test_features_say_what_the_function_does_with_each_name() -> None:
    site, node = _spot(PAIRS, 8, "a")
    feats = {n: set(repair_names.name_features(site, node, n)) for n in ("b", "size", "xs", "ys")}
    assert "name|role_here=True" in feats["b"]  # b indexes a list elsewhere too
    assert "name|role_here=False" in feats["size"]
    assert {"name|bound_after", "name|never_read=after"} <= feats["size"]
    assert "name|kinds=any>obj" in feats["xs"]  # xs is subscripted: not a number
    assert "name|binder=param" in feats["ys"] and "name|binder=assign" in feats["b"]


def test_the_shipped_prior_puts_the_used_alike_name_first() -> None:
    prior = repair_shapes.default_prior()
    assert prior.knows(repair_names.GROUP), "shapes.json lacks the name prior: run sea-lsp shapes"
    held = prior.meta["held_out"]["identifier"]
    assert held["learned"]["top1"] >= held["generator_order"]["top1"] + 0.2
    site, node = _spot(PAIRS, 8, "a")
    got = {m.new_text: m.weight for m in repair_expr.identifiers(node, site)}
    assert max(got, key=got.get) == "b"
    assert "_" not in got


def test_the_name_prior_learns_what_generation_order_does_not() -> None:
    """Fixed seed, a sample of the standard library; measured on files it never saw."""
    n_train, n_test, learned, untrained = learned_and_untrained("identifier", files=120)
    assert n_train > 200 and n_test > 40
    assert untrained["learned"] == untrained["generator_order"]
    assert untrained["learned"]["top1"] < 0.25
    assert learned["learned"]["top1"] >= untrained["learned"]["top1"] + 0.25


def test_learning_one_family_keeps_the_tables_others(tmp_path: Path) -> None:
    import json

    table = tmp_path / "shapes.json"
    old_meta = {"command": "sea-lsp shapes", "held_out": {"insert_guard": {"x": 1}}}
    old = {"meta": old_meta, "weights": {"guard|a": 1.0, "name|stale": 2.0}}
    table.write_text(json.dumps(old))
    meta = {"command": "sea-lsp shapes --families identifier", "held_out": {"identifier": {}}}
    meta["train_places"] = {"identifier": 5}
    weights, merged = shapes._merge(table, {"name|fresh": 3.0}, meta)
    assert weights == {"guard|a": 1.0, "name|fresh": 3.0}  # the stale name weights are gone
    assert set(merged["held_out"]) == {"insert_guard", "identifier"}
    assert merged["kept"] == {"insert_guard": "sea-lsp shapes"}
    table.write_text("{broken")
    with pytest.raises(ValueError, match="learn them all"):
        shapes._merge(table, {"name|fresh": 3.0}, meta)
