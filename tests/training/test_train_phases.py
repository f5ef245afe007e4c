"""``sea-lsp train``'s phases: DPO by default; offline PPO on request (it measured no help
on held-out projects, issue #18; the reward model, which only fed it, is gone)."""

from __future__ import annotations

import pytest

from model.agent_model import AgentModel
from model.networks import NetworkConfig
from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.training import train
from sea_lsp.training.feedback_data import load_feedback
from tests.training.conftest import fill_db


def test_default_is_dpo_only_and_phases_are_checked(tmp_path, capsys):
    assert train.parse([]).phases == ("dpo",)
    assert train.parse(["--phases", "ppo,dpo"]).phases == ("dpo", "ppo")
    for bad in ("dpo,sgd", "reward,dpo"):
        with pytest.raises(SystemExit):
            train.parse(["--phases", bad])
        assert "--phases takes some of dpo,ppo" in capsys.readouterr().err


def test_fit_runs_the_chosen_phases_in_process(tmp_path):
    db = tmp_path / "fb.sqlite3"
    fill_db(db, 12)
    data = load_feedback(db, 0.0, 0)
    model = AgentModel.create(NetworkConfig(), 0, vocab_version=VOCAB_VERSION)
    assert set(train.fit(model, data, ["--epochs", "1"])) == {"dpo"}
    both = train.fit(model, data, ["--epochs", "1", "--ppo-passes", "1"], phases=("dpo", "ppo"))
    assert set(both) == {"dpo", "ppo"} and "approx_kl" in both["ppo"]
    with pytest.raises(ValueError, match="unknown training phases"):
        train.fit(model, data, phases=("sgd",))
