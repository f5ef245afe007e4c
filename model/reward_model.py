"""The reward model: a Bradley–Terry fit of ``TransformerRewardModel`` on preference pairs,
maximising log σ(r(chosen) − r(rejected)).

It is a library piece, not shipped: ``AgentModel`` and its checkpoints hold the policy and
value networks only. In ``sea-lsp train`` it served one purpose, inventing rewards for
undecided offers in offline PPO, and measured no help there (issue #18; README)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from model.agent_model import AgentModel
from model.networks import TransformerRewardModel
from model.preferences import PreferencePair, minibatches, pair_tensors

Log = Callable[[dict], None]


@dataclass
class RewardModelConfig:
    lr: float = 1e-3
    epochs: int = 3
    batch_size: int = 32
    max_grad_norm: float = 1.0
    seed: int = 0


def _reward_pairs(net: nn.Module, states, cands, chosen, rejected):
    scores = net(states, cands)
    return (
        scores.gather(1, chosen.unsqueeze(1)).squeeze(1),
        scores.gather(1, rejected.unsqueeze(1)).squeeze(1),
    )


def fit_reward_model(
    net: TransformerRewardModel,
    model: AgentModel,
    pairs: Sequence[PreferencePair],
    config: RewardModelConfig | None = None,
    log: Log | None = None,
) -> list[dict]:
    """Bradley–Terry fit of ``net``: maximise log σ(r(chosen) − r(rejected)); ``model``
    (of the same config) batches the pairs."""
    cfg = config or RewardModelConfig()
    if not pairs:
        raise ValueError("fit_reward_model needs at least one preference pair")
    states, cands, chosen, rejected = pair_tensors(model, pairs)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    optimizer = torch.optim.AdamW(net.parameters(), lr=cfg.lr)
    history: list[dict] = []
    net.train()
    for epoch in range(cfg.epochs):
        losses, accs = [], []
        for mb in minibatches(len(pairs), cfg.batch_size, rng):
            r_chosen, r_rejected = _reward_pairs(
                net, states[mb], cands[mb], chosen[mb], rejected[mb]
            )
            loss = -F.logsigmoid(r_chosen - r_rejected).mean()
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), cfg.max_grad_norm)
            optimizer.step()
            losses.append(float(loss.detach()))
            accs.append(float((r_chosen > r_rejected).float().mean()))
        metrics = {"loss": float(np.mean(losses)), "accuracy": float(np.mean(accs)), "epoch": epoch}
        history.append(metrics)
        if log is not None:
            log(metrics)
    net.eval()
    return history


def reward_accuracy(
    net: TransformerRewardModel, model: AgentModel, pairs: Sequence[PreferencePair]
) -> float:
    """Fraction of pairs where ``net`` scores chosen above rejected."""
    if not pairs:
        return float("nan")
    states, cands, chosen, rejected = pair_tensors(model, pairs)
    net.eval()
    with torch.inference_mode():
        r_chosen, r_rejected = _reward_pairs(net, states, cands, chosen, rejected)
    return float((r_chosen > r_rejected).float().mean())
