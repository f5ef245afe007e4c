"""A checkpoint whose config asks for absurd sizes is refused before anything is allocated,
and the server falls back to the embedded default, saying why."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from model.agent_model import AgentModel
from model.checkpoint import MAX_PARAMETERS, CheckpointError, load_checkpoint, save_checkpoint
from sea_lsp.config import Settings
from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.model_store import load_model
from sea_lsp.server.state import ServerState
from sea_lsp.server.status import status
from tests.model.conftest import tiny_config


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    model = AgentModel.create(tiny_config(30), seed=5, vocab_version=VOCAB_VERSION)
    return save_checkpoint(model, tmp_path / "ckpt")


def _ask_for(path: Path, **sizes) -> None:
    record = json.loads((path / "config.json").read_text())
    record["network"].update(sizes)
    (path / "config.json").write_text(json.dumps(record))


@pytest.fixture
def no_allocation(monkeypatch):
    """Fail the test if a real (not meta-device) network is built."""
    import torch

    real = AgentModel.create.__func__

    def create(cls, config=None, *args, **kwargs):
        assert torch.empty(0).device.type == "meta", "a network was allocated"
        return real(cls, config, *args, **kwargs)

    monkeypatch.setattr(AgentModel, "create", classmethod(create))


@pytest.mark.parametrize(
    ("sizes", "named"),
    [
        ({"vocab_size": 200_000_000}, "vocab_size=200000000"),
        ({"d_model": 1_000_000, "d_cand": 48}, "d_model=1000000"),
        ({"n_layers": 10_000}, "n_layers=10000"),
    ],
)
def test_absurd_sizes_are_refused_before_allocating(saved, no_allocation, sizes, named):
    _ask_for(saved, **sizes)
    with pytest.raises(CheckpointError, match=f"{named}, over the limit.*sea-lsp train"):
        load_checkpoint(saved)


def test_sizes_each_in_bounds_but_too_many_parameters_together(saved, no_allocation):
    _ask_for(saved, vocab_size=1 << 20, d_embed=4096, d_model=4096, d_ff=16384, n_layers=64)
    with pytest.raises(CheckpointError, match=f"over the limit of {MAX_PARAMETERS:,}"):
        load_checkpoint(saved)


def test_a_failure_while_building_becomes_a_checkpoint_error(saved, monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise RuntimeError("DefaultCPUAllocator: can't allocate memory")

    monkeypatch.setattr("model.checkpoint._load_into", out_of_memory)
    with pytest.raises(CheckpointError, match="could not be built.*can't allocate memory"):
        load_checkpoint(saved)


def test_server_falls_back_to_the_default_and_says_why(saved):
    _ask_for(saved, vocab_size=200_000_000)
    loaded = load_model(Settings(checkpoint=str(saved)))
    assert loaded.source == "default"
    assert len(loaded.messages) == 1
    assert str(saved) in loaded.messages[0] and "vocab_size=200000000" in loaded.messages[0]
    holder = SimpleNamespace(version=loaded.model.version, ready=True, loaded=loaded)
    reported = status(SimpleNamespace(state=ServerState(models=holder)))
    assert reported["modelSource"] == "default"
    assert reported["modelMessages"] == loaded.messages


def test_status_before_any_model_loads():
    reported = status(SimpleNamespace(state=ServerState()))
    assert reported["modelSource"] is None and reported["modelMessages"] == []
