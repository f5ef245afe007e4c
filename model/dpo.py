"""Learning from accept/reject pairs: DPO on the policy, Bradley–Terry on the reward network.

A pair is a state, the candidate set that was offered, and which candidate the user chose
over which other. DPO takes log π over the offered set and pulls the policy towards the
chosen candidate relative to a frozen reference copy of the starting policy.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from model.scoring import AgentModel

Log = Callable[[dict], None]


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


@dataclass
class DPOConfig:
    beta: float = 0.1
    label_smoothing: float = 0.0  # > 0: conservative DPO (labels flipped with this probability)
    lr: float = 1e-4
    epochs: int = 3
    batch_size: int = 32
    max_grad_norm: float = 1.0
    seed: int = 0


def _tensors(model: AgentModel, pairs: Sequence[PreferencePair]):
    for p in pairs:
        p.check()
    states, cands = model.collate(
        [p.state_tokens for p in pairs], [p.candidate_tokens for p in pairs]
    )
    chosen = torch.tensor([p.chosen for p in pairs], dtype=torch.long, device=states.device)
    rejected = torch.tensor([p.rejected for p in pairs], dtype=torch.long, device=states.device)
    return states, cands, chosen, rejected


def _pair_logps(policy: nn.Module, states, cands, chosen, rejected):
    log_p = torch.log_softmax(policy(states, cands), dim=-1)
    return (
        log_p.gather(1, chosen.unsqueeze(1)).squeeze(1),
        log_p.gather(1, rejected.unsqueeze(1)).squeeze(1),
    )


def _batches(n: int, size: int, rng: random.Random):
    order = list(range(n))
    rng.shuffle(order)
    for start in range(0, n, size):
        yield torch.tensor(order[start : start + size], dtype=torch.long)


def dpo_train(
    model: AgentModel,
    pairs: Sequence[PreferencePair],
    config: DPOConfig | None = None,
    reference: AgentModel | None = None,
    log: Log | None = None,
) -> list[dict]:
    """Tune ``model.policy`` by DPO; one metrics dict per epoch (TRL's metric names)."""
    cfg = config or DPOConfig()
    if not pairs:
        raise ValueError("dpo_train needs at least one preference pair")
    ref_policy = copy.deepcopy((reference or model).policy).eval()
    for p in ref_policy.parameters():
        p.requires_grad_(False)
    states, cands, chosen, rejected = _tensors(model, pairs)
    with torch.inference_mode():
        ref_chosen, ref_rejected = _pair_logps(ref_policy, states, cands, chosen, rejected)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    optimizer = torch.optim.AdamW(model.policy.parameters(), lr=cfg.lr)
    history: list[dict] = []
    model.policy.train()
    for epoch in range(cfg.epochs):
        sums: dict[str, list[float]] = {}
        for mb in _batches(len(pairs), cfg.batch_size, rng):
            pol_chosen, pol_rejected = _pair_logps(
                model.policy, states[mb], cands[mb], chosen[mb], rejected[mb]
            )
            chosen_rewards = cfg.beta * (pol_chosen - ref_chosen[mb])
            rejected_rewards = cfg.beta * (pol_rejected - ref_rejected[mb])
            logits = chosen_rewards - rejected_rewards
            loss = (
                -F.logsigmoid(logits) * (1 - cfg.label_smoothing)
                - F.logsigmoid(-logits) * cfg.label_smoothing
            ).mean()
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.policy.parameters(), cfg.max_grad_norm)
            optimizer.step()
            with torch.no_grad():
                for key, value in (
                    ("loss", loss),
                    ("rewards/chosen", chosen_rewards.mean()),
                    ("rewards/rejected", rejected_rewards.mean()),
                    ("rewards/accuracies", (chosen_rewards > rejected_rewards).float().mean()),
                    ("rewards/margins", (chosen_rewards - rejected_rewards).mean()),
                ):
                    sums.setdefault(key, []).append(float(value))
        metrics = {k: float(np.mean(v)) for k, v in sums.items()} | {"epoch": epoch}
        history.append(metrics)
        if log is not None:
            log(metrics)
    model.policy.eval()
    return history


def preference_accuracy(model: AgentModel, pairs: Sequence[PreferencePair]) -> float:
    """Fraction of pairs where the policy ranks the chosen candidate above the rejected."""
    if not pairs:
        return float("nan")
    states, cands, chosen, rejected = _tensors(model, pairs)
    model.policy.eval()
    with torch.inference_mode():
        logits = model.policy(states, cands)
    wins = logits.gather(1, chosen.unsqueeze(1)) > logits.gather(1, rejected.unsqueeze(1))
    return float(wins.float().mean())


def _reward_pairs(net: nn.Module, states, cands, chosen, rejected):
    scores = net(states, cands)
    return (
        scores.gather(1, chosen.unsqueeze(1)).squeeze(1),
        scores.gather(1, rejected.unsqueeze(1)).squeeze(1),
    )


def fit_reward_model(
    model: AgentModel,
    pairs: Sequence[PreferencePair],
    config: DPOConfig | None = None,
    log: Log | None = None,
) -> list[dict]:
    """Bradley–Terry fit of ``model.reward_net``: maximise log σ(r(chosen) − r(rejected))."""
    cfg = config or DPOConfig(lr=1e-3)
    if not pairs:
        raise ValueError("fit_reward_model needs at least one preference pair")
    states, cands, chosen, rejected = _tensors(model, pairs)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    net = model.reward_net
    optimizer = torch.optim.AdamW(net.parameters(), lr=cfg.lr)
    history: list[dict] = []
    net.train()
    for epoch in range(cfg.epochs):
        losses, accs = [], []
        for mb in _batches(len(pairs), cfg.batch_size, rng):
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


def reward_accuracy(model: AgentModel, pairs: Sequence[PreferencePair]) -> float:
    """Fraction of pairs where the reward network scores chosen above rejected."""
    if not pairs:
        return float("nan")
    states, cands, chosen, rejected = _tensors(model, pairs)
    model.reward_net.eval()
    with torch.inference_mode():
        r_chosen, r_rejected = _reward_pairs(model.reward_net, states, cands, chosen, rejected)
    return float((r_chosen > r_rejected).float().mean())
