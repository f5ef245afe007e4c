"""``sea-lsp train`` on a synthetic feedback database: learning, refusal, bad input."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from safetensors.torch import load_file, save_file

import model.checkpoint as ckpt
from model.agent_model import AgentModel
from model.checkpoint import load_checkpoint
from model.networks import NetworkConfig
from sea_lsp import model_store, paths
from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.training import train
from sea_lsp.training.feedback_data import load_feedback
from tests.training.conftest import cli, fill_db

FAST = ("--epochs", "3", "--ppo-passes", "1", "--no-progress", "--lr", "1e-3")


def _current():
    return model_store.current_file().read_text().strip()


def test_learns_publishes_and_guards(data_dir, tmp_path, monkeypatch, capsys):
    db = tmp_path / "fb.sqlite3"
    fill_db(db, 60)
    assert train.main(cli("--db", str(db), *FAST)) == 0
    v1 = _current()
    record = load_checkpoint(model_store.current_path()).meta
    assert record["validation_after"]["agreement"] >= 0.9
    assert record["validation_after"]["agreement"] > record["validation_before"]["agreement"]
    assert (data_dir / "logs").is_dir() and any((data_dir / "logs").rglob("training.png"))
    assert any((data_dir / "logs").rglob("events.out.tfevents*"))
    assert not (data_dir / "train-state").exists()

    # A run that makes the policy worse (its phases scramble the policy) is not published.
    def scramble(name, model, *args):
        model.policy.load_state_dict(AgentModel.create(NetworkConfig(), seed=7).policy.state_dict())
        return {}

    monkeypatch.setattr(train, "_phase", scramble)
    assert train.main(cli("--db", str(db), *FAST)) == 1
    assert _current() == v1
    assert "worse on validation" in capsys.readouterr().err
    monkeypatch.undo()
    monkeypatch.setenv("SEA_LSP_DATA_DIR", str(data_dir))

    # Disk full while writing the new checkpoint: exit 3, the old one is intact.
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ckpt, "save_file", full)
    assert train.main(cli("--db", str(db), *FAST)) == 3
    assert _current() == v1
    assert load_checkpoint(model_store.current_path()).version == v1
    names = {p.name for p in model_store.current_path().parent.iterdir()}
    assert {n for n in names if not n.startswith(".")} == {"CURRENT", v1}


def test_dry_run_writes_nothing(data_dir, tmp_path, capsys):
    db = tmp_path / "fb.sqlite3"
    fill_db(db, 20)
    assert train.main(cli("--db", str(db), "--dry-run")) == 0
    assert not data_dir.exists()
    assert "nothing written" in capsys.readouterr().err


def test_empty_missing_and_newer_databases(data_dir, tmp_path, capsys):
    assert train.main(cli("--db", str(tmp_path / "missing.sqlite3"))) == 2
    assert "no feedback database" in capsys.readouterr().out
    empty = tmp_path / "empty.sqlite3"
    fill_db(empty, 0)
    assert train.main(cli("--db", str(empty))) == 2
    assert "nothing to train on" in capsys.readouterr().out
    newer = tmp_path / "newer.sqlite3"
    fill_db(newer, 5)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    assert train.main(cli("--db", str(newer))) == 2
    assert "newer than this" in capsys.readouterr().out
    assert not (data_dir / "checkpoints").exists()


def test_other_vocabulary_pairs_are_skipped_and_counted(tmp_path):
    db = tmp_path / "fb.sqlite3"
    fill_db(db, 10)
    fill_db(db, 5, seed=1, vocab="old-vocab")
    data = load_feedback(db, 0.2, 0)
    assert data.offers_skipped_vocab == 5
    assert data.pairs_skipped_vocab == 5  # one pair per two-candidate offer
    assert len(data.train_offers) + len(data.val_offers) <= 10


def test_corrupted_checkpoint_is_refused(data_dir, tmp_path, capsys):
    db = tmp_path / "fb.sqlite3"
    fill_db(db, 20)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text('{"format": "sea-lsp-checkpoint", "format_version": 1}')
    (bad / "weights.safetensors").write_bytes(b"\x80\x04garbage")
    assert train.main(cli("--db", str(db), "--checkpoint", str(bad))) == 2
    assert "refusing to train" in capsys.readouterr().out
    assert not (data_dir / "checkpoints").exists()


def test_a_checkpoint_of_an_earlier_version_gives_way_to_the_default(data_dir, tmp_path, capsys):
    # a sound checkpoint published by an earlier sea-lsp (other networks) is not corruption:
    # training tunes this version's default and says so; named with --checkpoint it is refused
    version = model_store.publish(
        AgentModel.create(NetworkConfig(), 0, vocab_version=VOCAB_VERSION)
    )
    weights = model_store.current_path() / "weights.safetensors"
    tensors = load_file(weights)  # before the measure projection existed
    del tensors["policy.body.measure_project.weight"], tensors["policy.body.measure_project.bias"]
    save_file(tensors, str(weights), metadata={"format": "sea-lsp-checkpoint"})
    with pytest.raises(ckpt.CheckpointMismatch, match="lacks tensor"):
        load_checkpoint(model_store.current_path())
    model, source = train.load_base(None)
    assert source == str(paths.DEFAULT_MODEL_DIR) and model.config == NetworkConfig()
    db = tmp_path / "fb.sqlite3"
    fill_db(db, 20)
    named = model_store.current_path()
    assert train.main(cli("--db", str(db), "--checkpoint", str(named), *FAST)) == 2
    assert "refusing to train from the checkpoint" in capsys.readouterr().out
    assert _current() == version
