"""Checkpoints round-trip exactly and refuse anything unsafe or broken with a clear message."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from model.agent_model import AgentModel
from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from tests.model.conftest import tiny_config

STATE, CANDS = [3, 4, 5, 6], [[7, 8], [9], [10, 11, 12]]


@pytest.fixture
def saved(tmp_path: Path) -> tuple[AgentModel, Path]:
    model = AgentModel.create(tiny_config(30), seed=5, vocab_version="v1", version="test-1")
    model.meta = {"steps": 12, "source": "unit test"}
    return model, save_checkpoint(model, tmp_path / "ckpt")


def test_round_trip_gives_identical_outputs(saved):
    model, path = saved
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "weights.safetensors"]
    loaded = load_checkpoint(path, expected_vocab_version="v1")
    assert loaded.logits(STATE, CANDS) == model.logits(STATE, CANDS)
    assert loaded.value(STATE) == model.value(STATE)
    assert (loaded.version, loaded.vocab_version, loaded.meta) == ("test-1", "v1", model.meta)
    assert loaded.config == model.config
    record = json.loads((path / "config.json").read_text())
    assert record["format"] == "sea-lsp-checkpoint" and record["format_version"] == 1


def test_overwrite_replaces_atomically_and_leaves_no_temp_dirs(saved):
    model, path = saved
    other = AgentModel.create(tiny_config(30), seed=9, vocab_version="v1", version="test-2")
    save_checkpoint(other, path)
    assert load_checkpoint(path).version == "test-2"
    assert [p.name for p in path.parent.iterdir()] == ["ckpt"]


def test_overwrite_keeps_the_directorys_other_files(saved):
    # the default model's directory also holds shapes.json (`sea-lsp shapes`): a pretrain
    # into it must not delete that
    model, path = saved
    (path / "shapes.json").write_text('{"families": {}}')
    save_checkpoint(model, path)
    assert (path / "shapes.json").read_text() == '{"families": {}}'
    assert load_checkpoint(path).version == "test-1"


def test_pickle_weights_are_refused(saved):
    _, path = saved
    (path / "weights.safetensors").write_bytes(pickle.dumps({"policy.x": [1, 2, 3]}))
    with pytest.raises(CheckpointError, match="pickle.*never unpickles"):
        load_checkpoint(path)


def test_safetensors_whose_first_byte_is_a_pickles_loads(saved):
    # the header length is little-endian: a 0x..80-byte header starts the file with 0x80,
    # the byte a pickle starts with; such a file is still safetensors and loads
    model, path = saved
    weights = path / "weights.safetensors"
    tensors = load_file(weights)
    for pad in range(512):
        save_file(tensors, str(weights), metadata={"format": "sea-lsp-checkpoint", "p": "x" * pad})
        if weights.read_bytes()[:1] == b"\x80":
            break
    assert weights.read_bytes()[:1] == b"\x80"
    assert load_checkpoint(path).logits(STATE, CANDS) == model.logits(STATE, CANDS)


def test_torch_save_zip_is_refused(saved):
    _, path = saved
    torch.save({"x": torch.zeros(2)}, path / "weights.safetensors")
    with pytest.raises(CheckpointError, match="zip archive"):
        load_checkpoint(path)


def test_truncated_weights_are_refused(saved):
    _, path = saved
    weights = path / "weights.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="corrupted|truncated"):
        load_checkpoint(path)
    weights.write_bytes(data[:5])
    with pytest.raises(CheckpointError, match="too short"):
        load_checkpoint(path)


def test_other_vocab_version_is_refused(saved):
    _, path = saved
    with pytest.raises(CheckpointError, match="vocabulary 'v1'.*'v2'.*retrain"):
        load_checkpoint(path, expected_vocab_version="v2")


def test_missing_files_bad_json_and_bad_config(saved, tmp_path):
    _, path = saved
    with pytest.raises(CheckpointError, match="not a directory"):
        load_checkpoint(tmp_path / "nope")
    config = path / "config.json"
    text = config.read_text()
    config.write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_checkpoint(path)
    record = json.loads(text)
    record["network"]["colour"] = "blue"
    config.write_text(json.dumps(record))
    with pytest.raises(CheckpointError, match="unknown network config field"):
        load_checkpoint(path)
    config.unlink()
    with pytest.raises(CheckpointError, match="no config.json"):
        load_checkpoint(path)


def test_missing_and_misshapen_tensors_are_refused(saved):
    model, path = saved
    tensors = {
        f"{prefix}.{k}": v.contiguous()
        for prefix, net in model.networks().items()
        for k, v in net.state_dict().items()
    }
    key = "value.head.0.weight"
    save_file({k: v for k, v in tensors.items() if k != key}, str(path / "weights.safetensors"))
    with pytest.raises(CheckpointError, match="lacks tensor 'value.head.0.weight'"):
        load_checkpoint(path)
    tensors[key] = torch.zeros(3, 3)
    save_file(tensors, str(path / "weights.safetensors"))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(path)
