"""Break-it-fix-it: mutants have their inverse edit, and a short pretraining beats untrained."""

from __future__ import annotations

import random

import pytest

from model.checkpoint import load_checkpoint
from sea_lsp.training import distributed, pretrain
from sea_lsp.training.mutants import CorpusStats, mutate_file
from tests.training.conftest import cli

SOURCE = """def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def mean(xs):
    total = 0
    for x in xs:
        total += x
    return total / len(xs)
"""


def test_mutants_keep_the_inverse_edit_as_target():
    stats = CorpusStats()
    examples = mutate_file("m.py", SOURCE, 12, random.Random(0), stats)
    assert examples and stats.kept == len(examples)
    assert stats.attempted == stats.kept + stats.no_inverse + stats.no_site
    for ex in examples:
        assert ex.target in ex.fixes
        assert len(ex.candidate_tokens) <= 32
        assert ex.state_tokens != ex.fixed_state_tokens


def test_repair_episodes_reward_only_the_fix():
    ex = mutate_file("m.py", SOURCE, 4, random.Random(1), CorpusStats())
    env = pretrain.RepairEpisodes(ex)
    state = env.reset(random.Random(0))
    wrong = next(i for i in env.candidates(state) if i not in ex[state[0]].fixes)
    assert env.reward_function(env.transition(state, ex[state[0]].target)) == 1.0
    assert env.reward_function(env.transition(state, wrong)) == 0.0
    assert env.is_terminal(env.transition(state, wrong))


@pytest.mark.e2e
def test_short_pretraining_beats_untrained(tmp_path, monkeypatch):
    monkeypatch.setenv("SEA_LSP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    out = tmp_path / "ckpt"
    args = cli(
        "--files",
        "30",
        "--mutants",
        "5",
        "--epochs",
        "8",
        "--ppo-iterations",
        "1",
        "--held-out",
        "0.3",
        "--out",
        str(out),
        "--logdir",
        str(tmp_path / "logs"),
    )
    assert pretrain.main(args) == 0
    loaded = load_checkpoint(out)
    meta = loaded.meta
    assert meta["parameter_hash"] == distributed.parameter_hash(loaded)  # what was saved
    before, after = meta["held_out_before"], meta["held_out_after"]
    assert meta["mutants"]["held_out"] >= 5
    assert after["mean_rank"] < before["mean_rank"]
    assert after["top1"] > before["top1"]


def test_the_shipped_default_records_the_hash_of_its_weights():
    # a rebuild (`sea-lsp pretrain`, seed 0) can be compared with what ships
    from sea_lsp import paths

    shipped = load_checkpoint(paths.DEFAULT_MODEL_DIR)
    assert shipped.meta["parameter_hash"] == distributed.parameter_hash(shipped)
