"""The learned ranking of repair candidates (``actions.repair_rank``, ``sea-lsp ranker``)."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sea_lsp.actions import repair_rank
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.repair import RepairGenerator
from sea_lsp.bench import bug_data
from sea_lsp.training.ranker import Group, fit, positions, summary
from tests.actions.conftest import DictView

ROOT = Path(__file__).resolve().parents[2]


def _groups(n: int, seed: int) -> list[Group]:
    """Bugs whose fix is always a ``compare_swap`` in an ``if`` (a feature the hand score
    does not see), among decoys the hand score prefers: other families in the same
    statement, and the same family in a ``return``."""
    rng = random.Random(seed)
    out = []
    for b in range(n):
        feats, hand = [], []
        for _ in range(40):
            fam = rng.choice(["identifier", "constant", "compare_swap"])
            stmt = "if_statement" if fam != "compare_swap" else "return_statement"
            h = rng.uniform(0.2, 1.0)
            feats.append(repair_rank.features(fam, "x", stmt, 0, h, 1.0, False, 3, ()))
            hand.append(h)
        fix = rng.randrange(40)
        h = rng.uniform(0.05, 0.5)  # the hand score ranks the fix low
        feats[fix] = repair_rank.features(
            "compare_swap", "x", "if_statement", 0, h, 1.0, False, 3, ()
        )
        hand[fix] = h
        out.append(Group(f"b{b}", "p", feats, [fix], [(0, i) for i in range(40)], hand))
    return out


def test_the_fit_learns_where_a_family_fixes_bugs_and_the_hand_order_does_not() -> None:
    train, test = _groups(30, 0), _groups(30, 1)
    ranker = fit(train, epochs=60, seed=0)
    learned = summary(positions(test, ranker))
    hand = summary(positions(test, None))
    assert hand["first"] <= 3 and hand["within_10"] <= 12  # the untrained order misses it
    assert learned["first"] >= 25  # on bugs it never saw, the fix comes first
    assert ranker.weights["fs:compare_swap|if_statement"] > 1.0
    again = fit(train, epochs=60, seed=0)
    assert again.weights == ranker.weights  # a fixed seed gives the same table


def test_a_broken_table_leaves_the_hand_order_with_a_warning(tmp_path: Path) -> None:
    from loguru import logger

    said: list[str] = []
    sink = logger.add(lambda m: said.append(str(m)), level="WARNING")
    try:
        bad = tmp_path / "r.json"
        for text in (
            "{not json",
            json.dumps({"weights": {"hand": float("nan")}}),
            json.dumps({"weights": [1, 2]}),
            json.dumps({"weights": {"hand": 1.0}, "meta": {"features": "another/0"}}),
        ):
            bad.write_text(text, encoding="utf-8")
            assert repair_rank.Ranker.load(bad) is None
        assert repair_rank.Ranker.load(tmp_path / "missing.json") is None
    finally:
        logger.remove(sink)
    assert len(said) == 5 and all("sea-lsp ranker" in s for s in said)
    # extreme weights are clipped: no one feature decides alone
    r = repair_rank.Ranker({"fam:identifier": 1e9})
    assert r.weights["fam:identifier"] == repair_rank.MAX_WEIGHT
    assert r.weights["hand"] == 1.0


def test_the_shipped_table_was_fitted_on_train_projects_only() -> None:
    ranker = repair_rank.Ranker.load(repair_rank.RANKER_FILE)
    assert ranker is not None
    meta = ranker.meta
    assert meta["features"] == repair_rank.FEATURE_SET
    assert meta["data"]["split"] == "train"
    projects = meta["data"]["projects"]
    assert projects and all(bug_data.split_of(p) == "train" for p in projects)
    body = json.dumps(ranker.weights, sort_keys=True)
    assert hashlib.sha256(body.encode()).hexdigest() == meta["weights_sha256"]
    # it learned something: on the bugs it was fitted on, the human fix comes sooner
    fit_figures = meta["figures"]["fit"]
    assert fit_figures["learned"]["mean_log2"] < fit_figures["hand"]["mean_log2"]


SOURCE = (
    "def clamp(x, lo, hi):\n"
    "    if x < lo:\n"
    "        return lo\n"
    "    if x > hi:\n"
    "        return lo\n"
    "    return x\n"
)


def test_the_learned_order_is_a_permutation_of_the_hand_order() -> None:
    view = DictView({"m.py": SOURCE})
    suspicious = [Suspicious("m.py", 5, 1.0), Suspicious("m.py", 4, 0.8)]
    hand = RepairGenerator().generate(ActionContext(view=view, suspicious=suspicious, limit=3000))
    ranker = repair_rank.default_ranker()
    assert ranker is not None
    seen = []

    class Checked:  # the served scores are the features' scores the fit learned from
        def order(self, rows, weights, evidence):
            fast = ranker.scores(rows, weights, evidence)
            feats = repair_rank.candidate_features(rows, weights, evidence)
            assert fast == pytest.approx([ranker.score(fs) for fs in feats], abs=1e-9)
            seen.append(len(rows))
            return ranker.order(rows, weights, evidence)

    ctx = ActionContext(view=view, suspicious=suspicious, limit=3000, ranker=Checked())
    learned = RepairGenerator().generate(ctx)
    assert seen and seen[0] >= len(hand)
    key = lambda c: (c.kind, c.title)  # noqa: E731
    assert sorted(map(key, hand)) == sorted(map(key, learned))
    assert [key(c) for c in hand] != [key(c) for c in learned]


@pytest.mark.slow
def test_the_command_fits_a_table_on_one_train_project(tmp_path: Path) -> None:
    out = tmp_path / "ranker.json"
    got = subprocess.run(
        [sys.executable, "-m", "sea_lsp", "--log-level", "ERROR", "ranker"]
        + ["--projects", "number_theory", "--epochs", "10", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert got.returncode == 0, got.stderr[-2000:]
    ranker = repair_rank.Ranker.load(out)
    assert ranker is not None and ranker.meta["data"]["projects"] == ["number_theory"]
    bugs = ranker.meta["data"]["bugs"]
    assert bugs >= 5 and f"fit (learned order): {bugs} bugs" in got.stdout
    held = subprocess.run(
        [sys.executable, "-m", "sea_lsp", "ranker", "--projects", "csv_report", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert held.returncode == 2 and "not train projects" in held.stderr


@pytest.mark.parametrize("bad", [["--epochs", "0"], ["--jobs", "0"], ["--l2", "-1"]])
def test_bad_options_are_refused(bad: list[str]) -> None:
    from sea_lsp.training.ranker import parse_args

    with pytest.raises(SystemExit):
        parse_args(bad)


def test_nodes_of_two_files_at_the_same_bytes_keep_their_own_statements() -> None:
    from types import SimpleNamespace

    from sea_lsp.actions import pytree

    def row(path: str, source: str) -> tuple:
        tree = pytree.parse(source.encode())
        node = next(n for n in pytree.walk(tree.root_node) if n.start_byte == 4)
        m = SimpleNamespace(family="identifier", node=node)
        return (SimpleNamespace(region=0, mutation=m, path=path, rank=0, seq=0), 0.5, False)

    rows = [row("a.py", "x = y\n"), row("b.py", "def y(): pass\n")]
    kinds = [repair_rank.statement_kind(r[0].mutation.node) for r in rows]
    assert kinds == ["expression_statement", "function_definition"]
    ranker = repair_rank.Ranker({"fs:identifier|function_definition": 3.0})
    feats = repair_rank.candidate_features(rows, [1.0], ())
    assert ranker.scores(rows, [1.0], ()) == pytest.approx([ranker.score(f) for f in feats])
