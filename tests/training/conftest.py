"""Shared helpers: a data dir per test and a small synthetic feedback database."""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.feedback.store import FeedbackStore, Offer

# Two kinds of candidate with distinct tokens; the synthetic user always takes KIND_B (the
# untrained seed-0 policy happens to rank KIND_A first, so it starts far from the user).
KIND_A = [11, 12, 13]
KIND_B = [21, 22, 23]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("SEA_LSP_DATA_DIR", str(d))
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    return d


def fill_db(path: Path, offers: int = 40, seed: int = 0, vocab: str = VOCAB_VERSION) -> None:
    """Offers of [A, B] or [B, A] on random states; B is accepted (or A rejected)."""
    rng = random.Random(seed)
    store = FeedbackStore(path)
    for i in range(offers):
        state = [rng.randrange(100, 4000) for _ in range(12)]
        a_first = rng.random() < 0.5
        cands = [KIND_A + [rng.randrange(100, 4000)], KIND_B + [rng.randrange(100, 4000)]]
        if not a_first:
            cands.reverse()
        kinds = ["docs.docstring", "repair.x"] if a_first else ["repair.x", "docs.docstring"]
        oid = store.record_offer(
            Offer("/ws", "m.py", state, cands, kinds, "base", vocab, log_probs=[-0.7, -0.7])
        )
        a_index = 1 if a_first else 0  # the index of KIND_B
        if i % 5 == 4:
            store.record_reject(oid, 1 - a_index)
        else:
            store.record_accept(oid, a_index)
    store.close()


def cli(*rest: str) -> SimpleNamespace:
    return SimpleNamespace(rest=list(rest))
