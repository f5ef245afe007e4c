"""Shared helpers for the learning-core tests: tiny networks so that CPU tests take seconds."""

from __future__ import annotations

import pytest
import torch

from model.networks import NetworkConfig


def tiny_config(vocab_size: int, **overrides) -> NetworkConfig:
    fields = dict(
        vocab_size=vocab_size,
        d_model=32,
        n_heads=4,
        n_layers=1,
        d_ff=64,
        max_state_len=16,
        max_cand_len=8,
        cand_layers=1,
        d_embed=16,
        d_cand=16,
        n_measures=0,  # the measure tokens live in sea-lsp's vocabulary, not a tiny one
    )
    fields.update(overrides)
    return NetworkConfig(**fields)


@pytest.fixture(autouse=True)
def _one_thread():
    """The CI box has two cores shared with other jobs; one thread keeps runs predictable."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
