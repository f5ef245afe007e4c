"""DPO: learning the policy from accept/reject pairs (``model.preferences``).

DPO takes log π over the offered set and pulls the policy towards the
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

from model.agent_model import AgentModel
from model.preferences import PreferencePair, minibatches, pair_tensors

Log = Callable[[dict], None]


@dataclass
class DPOConfig:
    beta: float = 0.1
    label_smoothing: float = 0.0  # > 0: conservative DPO (labels flipped with this probability)
    lr: float = 1e-4
    epochs: int = 3
    batch_size: int = 32
    max_grad_norm: float = 1.0
    seed: int = 0


def _pair_logps(policy: nn.Module, states, cands, chosen, rejected):
    log_p = torch.log_softmax(policy(states, cands), dim=-1)
    return (
        log_p.gather(1, chosen.unsqueeze(1)).squeeze(1),
        log_p.gather(1, rejected.unsqueeze(1)).squeeze(1),
    )


class DPO:
    """The DPO objective of the seed's ``DPO``: ``-log σ(β[(log π(w) − log π_ref(w)) −
    (log π(l) − log π_ref(l))])`` with log π over the offered set (conservative DPO when
    ``label_smoothing`` > 0). ``train`` tunes a model's policy against a frozen reference."""

    def __init__(self, config: DPOConfig | None = None) -> None:
        self.config = config or DPOConfig()

    def loss(
        self,
        policy_chosen: torch.Tensor,
        policy_rejected: torch.Tensor,
        reference_chosen: torch.Tensor,
        reference_rejected: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(mean loss, implicit reward of chosen, of rejected) from per-pair log-probs."""
        cfg = self.config
        chosen_rewards = cfg.beta * (policy_chosen - reference_chosen)
        rejected_rewards = cfg.beta * (policy_rejected - reference_rejected)
        logits = chosen_rewards - rejected_rewards
        loss = (
            -F.logsigmoid(logits) * (1 - cfg.label_smoothing)
            - F.logsigmoid(-logits) * cfg.label_smoothing
        ).mean()
        return loss, chosen_rewards, rejected_rewards

    def train(
        self,
        model: AgentModel,
        pairs: Sequence[PreferencePair],
        reference: AgentModel | None = None,
        log: Log | None = None,
    ) -> list[dict]:
        return dpo_train(model, pairs, self.config, reference, log)


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
    states, cands, chosen, rejected = pair_tensors(model, pairs)
    with torch.inference_mode():
        ref_chosen, ref_rejected = _pair_logps(ref_policy, states, cands, chosen, rejected)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    optimizer = torch.optim.AdamW(model.policy.parameters(), lr=cfg.lr)
    history: list[dict] = []
    model.policy.train()
    for epoch in range(cfg.epochs):
        sums: dict[str, list[float]] = {}
        for mb in minibatches(len(pairs), cfg.batch_size, rng):
            pol_chosen, pol_rejected = _pair_logps(
                model.policy, states[mb], cands[mb], chosen[mb], rejected[mb]
            )
            loss, chosen_rewards, rejected_rewards = DPO(cfg).loss(
                pol_chosen, pol_rejected, ref_chosen[mb], ref_rejected[mb]
            )
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
    states, cands, chosen, rejected = pair_tensors(model, pairs)
    model.policy.eval()
    with torch.inference_mode():
        logits = model.policy(states, cands)
    wins = logits.gather(1, chosen.unsqueeze(1)) > logits.gather(1, rejected.unsqueeze(1))
    return float(wins.float().mean())
