"""PPO over candidate sets, CleanRL-style: sample, GAE(λ), clipped surrogate, minibatch epochs.

The policy is a softmax over each state's (variable-size) candidate set. Old log-probs are
stored when an action is sampled, so the importance ratio compares against the policy that
actually acted. ``train_offline`` does the same on logged trajectories, against their logged
behaviour log-probs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from model.agent_model import AgentModel
from model.env import EpisodicEnvironment, Observation
from model.rollout import Trajectory

Log = Callable[[dict], None]
ADV_STD_FLOOR = 0.1


@dataclass
class PPOConfig:
    learning_rate: float = 2.5e-4
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip_coef: float = 0.2
    ent_coef: float = 0.01
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    update_epochs: int = 4
    num_minibatches: int = 4
    norm_adv: bool = True
    clip_vloss: bool = True
    anneal_lr: bool = False
    target_kl: float | None = None


@dataclass
class Batch:
    """Flat rollout data: one row per step."""

    observations: list[Observation]
    actions: np.ndarray  # candidate index taken
    log_probs: np.ndarray  # behaviour log-prob at sampling time
    values: np.ndarray
    rewards: np.ndarray
    dones: np.ndarray  # the episode ended after this step
    last_value: float  # bootstrap after the final step (0 if it ended)


def compute_gae(batch: Batch, gamma: float, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Generalised advantage estimates and returns (advantage + value)."""
    n = len(batch.rewards)
    adv = np.zeros(n, dtype=np.float64)
    last = 0.0
    for t in reversed(range(n)):
        next_value = batch.last_value if t == n - 1 else batch.values[t + 1]
        nonterminal = 1.0 - float(batch.dones[t])
        delta = batch.rewards[t] + gamma * next_value * nonterminal - batch.values[t]
        last = delta + gamma * lam * nonterminal * last
        adv[t] = last
    return adv, adv + batch.values


def _policy_outputs(model: AgentModel, states: torch.Tensor, cands: torch.Tensor):
    logits = model.policy(states, cands)
    log_p = torch.log_softmax(logits, dim=-1)
    entropy = -(log_p.exp() * log_p).sum(-1)
    return log_p, entropy


def _sample(
    model: AgentModel,
    env: EpisodicEnvironment,
    steps: int,
    rng: random.Random,
    gen: torch.Generator,
    episode: dict,
) -> tuple[Batch, list[float]]:
    """Run the current policy for ``steps`` steps, resetting episodes as they end."""
    obs_list, acts, logps, vals, rews, dones, finished = [], [], [], [], [], [], []
    model.eval()
    for _ in range(steps):
        state = episode["state"]
        candidates = list(env.candidates(state))
        if not candidates:
            raise ValueError("PPO sampling reached a non-terminal state with no candidates")
        obs = env.observe(state, candidates)
        s, c = model.collate([obs.state_tokens], [obs.candidate_tokens])
        with torch.inference_mode():
            log_p, _ = _policy_outputs(model, s, c)
            value = float(model.value_net(s)[0])
        index = int(torch.multinomial(log_p[0].exp(), 1, generator=gen))
        nxt = env.transition(state, candidates[index])
        reward = float(env.reward_function(nxt))
        done = bool(env.is_terminal(nxt))
        obs_list.append(obs)
        acts.append(index)
        logps.append(float(log_p[0, index]))
        vals.append(value)
        rews.append(reward)
        dones.append(done)
        episode["return"] += reward
        if done:
            finished.append(episode["return"])
            episode["state"], episode["return"] = env.reset(rng), 0.0
        else:
            episode["state"] = nxt
    last_value = 0.0
    if not dones[-1]:
        s = model.collate_states([env.observe(episode["state"], []).state_tokens])
        with torch.inference_mode():
            last_value = float(model.value_net(s)[0])
    batch = Batch(
        obs_list,
        np.array(acts),
        np.array(logps),
        np.array(vals, dtype=np.float64),
        np.array(rews, dtype=np.float64),
        np.array(dones),
        last_value,
    )
    return batch, finished


@dataclass
class _BatchTensors:
    """A batch on the model's device, ready to index by minibatch."""

    states: torch.Tensor
    cands: torch.Tensor
    actions: torch.Tensor
    old_logp: torch.Tensor
    old_values: torch.Tensor
    advantages: torch.Tensor
    returns: torch.Tensor


@dataclass
class _MinibatchStats:
    pg_loss: torch.Tensor
    v_loss: torch.Tensor
    entropy_loss: torch.Tensor
    approx_kl: float
    clipfrac: float


def _update(
    model: AgentModel,
    optimizer: torch.optim.Optimizer,
    batch: Batch,
    advantages: np.ndarray,
    returns: np.ndarray,
    cfg: PPOConfig,
    gen: torch.Generator,
) -> dict[str, float]:
    """Clipped-surrogate epochs over shuffled minibatches (CleanRL's update loop)."""
    model.train()
    t = _batch_tensors(model, batch, advantages, returns, cfg)
    n = len(t.actions)
    mb_size = max(1, n // max(1, cfg.num_minibatches))
    params = [p for net in (model.policy, model.value_net) for p in net.parameters()]
    clipfracs, approx_kl = [], 0.0
    pg_loss = v_loss = entropy_loss = torch.zeros((), device=t.states.device)
    for _epoch in range(cfg.update_epochs):
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, mb_size):
            stats = _minibatch_update(
                model, optimizer, params, t, order[start : start + mb_size], cfg
            )
            pg_loss, v_loss, entropy_loss = stats.pg_loss, stats.v_loss, stats.entropy_loss
            approx_kl = stats.approx_kl
            clipfracs.append(stats.clipfrac)
        if cfg.target_kl is not None and approx_kl > cfg.target_kl:
            break
    model.eval()
    return {
        "policy_loss": float(pg_loss.detach()),
        "value_loss": float(v_loss.detach()),
        "entropy": float(entropy_loss.detach()),
        "approx_kl": approx_kl,
        "clipfrac": float(np.mean(clipfracs)) if clipfracs else 0.0,
        "explained_variance": _explained_variance(returns, batch.values),
    }


def _batch_tensors(
    model: AgentModel, batch: Batch, advantages: np.ndarray, returns: np.ndarray, cfg: PPOConfig
) -> _BatchTensors:
    """The batch as tensors, its advantages normalised when ``cfg.norm_adv`` says so."""
    states, cands = model.collate(
        [o.state_tokens for o in batch.observations],
        [o.candidate_tokens for o in batch.observations],
    )
    device = states.device
    adv_all = torch.as_tensor(advantages, dtype=torch.float32, device=device)
    if cfg.norm_adv and len(adv_all) > 1:
        # over the whole batch, and never scaled up past 1/ADV_STD_FLOOR: when nearly every
        # step earns the same, minibatch normalisation would blow noise up into a full-size
        # (and policy-wrecking) gradient
        adv_all = (adv_all - adv_all.mean()) / adv_all.std().clamp(min=ADV_STD_FLOOR)
    return _BatchTensors(
        states=states,
        cands=cands,
        actions=torch.as_tensor(batch.actions, dtype=torch.long, device=device),
        old_logp=torch.as_tensor(batch.log_probs, dtype=torch.float32, device=device),
        old_values=torch.as_tensor(batch.values, dtype=torch.float32, device=device),
        advantages=adv_all,
        returns=torch.as_tensor(returns, dtype=torch.float32, device=device),
    )


def _minibatch_update(
    model: AgentModel,
    optimizer: torch.optim.Optimizer,
    params: list[nn.Parameter],
    t: _BatchTensors,
    mb: torch.Tensor,
    cfg: PPOConfig,
) -> _MinibatchStats:
    """One gradient step on the minibatch ``mb``: clipped surrogate, value loss, entropy bonus."""
    log_p, entropy = _policy_outputs(model, t.states[mb], t.cands[mb])
    new_logp = log_p.gather(1, t.actions[mb].unsqueeze(1)).squeeze(1)
    log_ratio = new_logp - t.old_logp[mb]
    ratio = log_ratio.exp()
    with torch.no_grad():
        approx_kl = float(((ratio - 1) - log_ratio).mean())
        clipfrac = float(((ratio - 1.0).abs() > cfg.clip_coef).float().mean())
    adv = t.advantages[mb]
    pg_loss = torch.max(
        -adv * ratio, -adv * ratio.clamp(1 - cfg.clip_coef, 1 + cfg.clip_coef)
    ).mean()
    v_loss = _value_loss(model.value_net(t.states[mb]), t.old_values[mb], t.returns[mb], cfg)
    entropy_loss = entropy.mean()
    loss = pg_loss - cfg.ent_coef * entropy_loss + cfg.vf_coef * v_loss
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
    optimizer.step()
    return _MinibatchStats(pg_loss, v_loss, entropy_loss, approx_kl, clipfrac)


def _value_loss(
    new_value: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, cfg: PPOConfig
) -> torch.Tensor:
    """Squared error to the returns; with ``clip_vloss``, the worse of it and the error of
    the value clipped to within ``clip_coef`` of the old one."""
    if not cfg.clip_vloss:
        return 0.5 * ((new_value - returns) ** 2).mean()
    clipped = old_values + (new_value - old_values).clamp(-cfg.clip_coef, cfg.clip_coef)
    return 0.5 * torch.max((new_value - returns) ** 2, (clipped - returns) ** 2).mean()


def _explained_variance(returns: np.ndarray, values: np.ndarray) -> float:
    """1 - Var(returns - values) / Var(returns): how much of the returns the value net
    predicted (NaN when the returns do not vary)."""
    var_y = float(np.var(returns))
    return float("nan") if var_y == 0 else 1.0 - float(np.var(returns - values)) / var_y


def _optimizer(model: AgentModel, cfg: PPOConfig) -> torch.optim.Optimizer:
    params = list(model.policy.parameters()) + list(model.value_net.parameters())
    return torch.optim.Adam(params, lr=cfg.learning_rate, eps=1e-5)


def train(
    env: EpisodicEnvironment,
    model: AgentModel,
    config: PPOConfig | None = None,
    iterations: int = 10,
    steps_per_iteration: int = 128,
    seed: int = 0,
    log: Log | None = None,
) -> list[dict]:
    """Online PPO on ``env``; returns one metrics dict per iteration (also sent to ``log``)."""
    cfg = config or PPOConfig()
    rng, gen = random.Random(seed), torch.Generator().manual_seed(seed)
    optimizer = _optimizer(model, cfg)
    episode: dict[str, Any] = {"state": env.reset(rng), "return": 0.0}
    history: list[dict] = []
    for it in range(iterations):
        started = time.perf_counter()
        if cfg.anneal_lr:
            for group in optimizer.param_groups:
                group["lr"] = cfg.learning_rate * (1.0 - it / iterations)
        batch, finished = _sample(model, env, steps_per_iteration, rng, gen, episode)
        advantages, returns = compute_gae(batch, cfg.gamma, cfg.gae_lambda)
        metrics = _update(model, optimizer, batch, advantages, returns, cfg, gen)
        metrics.update(
            iteration=it,
            steps=len(batch.actions),
            episodes=len(finished),
            mean_return=float(np.mean(finished)) if finished else float(batch.rewards.sum()),
            learning_rate=optimizer.param_groups[0]["lr"],
            seconds=time.perf_counter() - started,
        )
        history.append(metrics)
        if log is not None:
            log(metrics)
    return history


def batch_from_trajectories(trajectories: Sequence[Trajectory], model: AgentModel) -> list[Batch]:
    """Logged trajectories as batches, with values re-estimated by the current value net."""
    batches = []
    for traj in trajectories:
        if not len(traj):
            continue
        if len(traj.log_probs) != len(traj) or len(traj.observations) != len(traj):
            raise ValueError("a logged trajectory needs one observation and log-prob per action")
        states = model.collate_states([o.state_tokens for o in traj.observations])
        with torch.inference_mode():
            values = model.value_net.eval()(states).double().cpu().numpy()
        batches.append(
            Batch(
                list(traj.observations),
                np.array(traj.action_indices),
                np.array(traj.log_probs, dtype=np.float64),
                values,
                np.array(traj.rewards, dtype=np.float64),
                np.array(traj.dones),
                0.0 if traj.dones[-1] else traj.last_value,
            )
        )
    return batches


def train_offline(
    trajectories: Sequence[Trajectory],
    model: AgentModel,
    config: PPOConfig | None = None,
    passes: int = 1,
    seed: int = 0,
    log: Log | None = None,
) -> list[dict]:
    """PPO on logged data: ratios against the logged behaviour log-probs, one dict per pass."""
    cfg = config or PPOConfig()
    gen = torch.Generator().manual_seed(seed)
    optimizer = _optimizer(model, cfg)
    history: list[dict] = []
    for p in range(passes):
        parts = batch_from_trajectories(trajectories, model)
        if not parts:
            raise ValueError("train_offline needs at least one non-empty trajectory")
        gae = [compute_gae(b, cfg.gamma, cfg.gae_lambda) for b in parts]
        merged = Batch(
            [o for b in parts for o in b.observations],
            np.concatenate([b.actions for b in parts]),
            np.concatenate([b.log_probs for b in parts]),
            np.concatenate([b.values for b in parts]),
            np.concatenate([b.rewards for b in parts]),
            np.concatenate([b.dones for b in parts]),
            0.0,
        )
        advantages = np.concatenate([a for a, _ in gae])
        returns = np.concatenate([r for _, r in gae])
        metrics = _update(model, optimizer, merged, advantages, returns, cfg, gen)
        metrics.update(
            {
                "pass": p,
                "steps": len(merged.actions),
                "mean_return": float(np.mean([b.rewards.sum() for b in parts])),
            }
        )
        history.append(metrics)
        if log is not None:
            log(metrics)
    return history
