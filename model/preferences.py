"""Preference pairs: a state, the candidate set that was offered, and which candidate the
user chose over which other; batched as tensors for DPO and the reward model."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from model.agent_model import AgentModel


@dataclass
class PreferencePair:
    state_tokens: list[int]
    candidate_tokens: list[list[int]]  # the offered set
    chosen: int
    rejected: int

    def check(self) -> None:
        n = len(self.candidate_tokens)
        for name, i in (("chosen", self.chosen), ("rejected", self.rejected)):
            if not 0 <= i < n:
                raise ValueError(f"preference pair {name}={i} is outside the offered set of {n}")
        if self.chosen == self.rejected:
            raise ValueError("preference pair has chosen == rejected")


def pair_tensors(model: AgentModel, pairs: Sequence[PreferencePair]):
    for p in pairs:
        p.check()
    states, cands = model.collate(
        [p.state_tokens for p in pairs], [p.candidate_tokens for p in pairs]
    )
    chosen = torch.tensor([p.chosen for p in pairs], dtype=torch.long, device=states.device)
    rejected = torch.tensor([p.rejected for p in pairs], dtype=torch.long, device=states.device)
    return states, cands, chosen, rejected


def minibatches(n: int, size: int, rng: random.Random):
    order = list(range(n))
    rng.shuffle(order)
    for start in range(0, n, size):
        yield torch.tensor(order[start : start + size], dtype=torch.long)
