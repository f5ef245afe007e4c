"""``sea-lsp pretrain``'s record: held-out figures per mutation family for plain generator
order beside the network before and after training; PPO is off unless asked for."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from model.checkpoint import load_checkpoint
from sea_lsp.training import distributed, pretrain
from sea_lsp.training.mutants import RepairExample
from tests.training.conftest import cli

MODULE = '''"""Small helpers number {k}."""


def clamp_{k}(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def mean_{k}(xs):
    total = 0
    for x in xs:
        total += x
    return total / len(xs)


def count_{k}(items, wanted):
    n = 0
    for item in items:
        if item == wanted:
            n += 1
    return n


def first_index_{k}(items, wanted):
    for i in range(len(items)):
        if items[i] == wanted:
            return i
    return -1


def largest_{k}(xs):
    best = None
    for x in xs:
        if best is None or x > best:
            best = x
    return best


def scale_{k}(xs, factor):
    out = []
    for x in xs:
        out.append(x * factor + {k})
    return out


def between_{k}(x, lo, hi):
    return lo <= x and x < hi


def pairs_{k}(xs):
    result = []
    for i in range(len(xs) - 1):
        result.append((xs[i], xs[i + 1]))
    return result


def total_length_{k}(words):
    size = 0
    for word in words:
        if not word:
            continue
        size += len(word)
    return size
'''


def _example(family: str, fixes: list[int], n: int = 8) -> RepairExample:
    return RepairExample(
        file="m.py",
        family=family,
        line=1,
        state_tokens=[1, 2],
        fixed_state_tokens=[1, 3],
        candidate_tokens=[[4 + i] for i in range(n)],
        target=fixes[0],
        fixes=fixes,
    )


def test_generator_order_ranks_the_first_fix_by_its_index():
    examples = [_example("a", [0]), _example("a", [6, 2]), _example("b", [4]), _example("b", [7])]
    assert pretrain.generator_ranks(examples) == [1, 3, 5, 8]
    table = pretrain.by_family(examples, {"generator": pretrain.generator_ranks(examples)})
    assert table["a"] == {"n": 2, "generator": {"top1": 0.5, "top5": 1.0, "mean_rank": 2.0}}
    assert table["b"] == {"n": 2, "generator": {"top1": 0.0, "top5": 0.5, "mean_rank": 6.5}}
    overall = pretrain.summarise_ranks(pretrain.generator_ranks(examples), examples)
    assert overall["top1"] == 0.25 and overall["mean_rank"] == 4.25 and overall["n"] == 4


def test_ppo_is_off_by_default():
    a = pretrain.parse([])
    assert a.ppo_iterations == 0
    assert pretrain.parse(["--ppo-iterations", "3"]).ppo_iterations == 3
    assert "PPO" in pretrain.PPO_OFF_BECAUSE and "%" in pretrain.PPO_OFF_BECAUSE


def _by_hand(examples: list[RepairExample]) -> dict[str, float]:
    ranks = [1 + min(e.fixes) for e in examples]
    return {
        "top1": sum(r == 1 for r in ranks) / len(ranks),
        "top5": sum(r <= 5 for r in ranks) / len(ranks),
        "mean_rank": sum(ranks) / len(ranks),
    }


def test_record_has_per_family_figures_for_generator_order_and_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEA_LSP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    import model.ppo

    def no_ppo(*_args, **_kwargs):
        raise AssertionError("the default run must not run PPO")

    monkeypatch.setattr(model.ppo, "train", no_ppo)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(4):
        (corpus / f"helpers_{k}.py").write_text(MODULE.format(k=k), encoding="utf-8")
    out = tmp_path / "ckpt"
    rest = ["--corpus", str(corpus), "--files", "4", "--mutants", "4", "--epochs", "1"]
    rest += ["--held-out", "0.5", "--out", str(out), "--logdir", str(tmp_path / "logs")]
    assert pretrain.main(cli(*rest)) == 0
    meta = load_checkpoint(out).meta

    # The same held-out mutants, rebuilt (the build is deterministic for a seed).
    held = pretrain._build_corpus(pretrain.parse(rest), distributed.DistContext()).held_ex
    assert len(held) == meta["mutants"]["held_out"] >= 4
    families = sorted({e.family for e in held})
    table = meta["held_out_by_family"]
    assert sorted(table) == families
    for family in families:
        part = [e for e in held if e.family == family]
        entry = table[family]
        assert entry["n"] == len(part)
        for key, value in _by_hand(part).items():
            assert entry["generator"][key] == pytest.approx(value)
        for name in ("untrained", "supervised", "after"):
            assert set(entry[name]) == {"top1", "top5", "mean_rank"}
            assert 1 <= entry[name]["mean_rank"] <= max(len(e.candidate_tokens) for e in part)
        # "after" is the shipped checkpoint's ranking of this family's mutants.
        shipped = pretrain.rank_metrics(load_checkpoint(out), part)
        for key in ("top1", "top5", "mean_rank"):
            assert entry["after"][key] == pytest.approx(shipped[key])
    for key, value in _by_hand(held).items():
        assert meta["held_out_generator"][key] == pytest.approx(value)
    # Overall figures are the n-weighted means of the families'.
    for name, overall in (("untrained", "before"), ("supervised", "supervised")):
        weighted = sum(t["n"] * t[name]["top1"] for t in table.values()) / len(held)
        assert meta[f"held_out_{overall}"]["top1"] == pytest.approx(weighted)

    # PPO did not run: the shipped model is the supervised one.
    assert meta["options"]["ppo_iterations"] == 0 and meta["ppo"]["ran"] is False
    assert meta["held_out_after"] == meta["held_out_supervised"]
    rows = pretrain.family_table_rows(meta)
    assert [r[0] for r in rows] == [*families, "all"]
    assert all(len(r) == 5 for r in rows)  # family, n, generator, untrained, supervised
    assert not any(math.isnan(meta["held_out_generator"][k]) for k in ("top1", "mean_rank"))
