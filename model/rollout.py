"""``monte_carlo_rollout``: policy rollouts from a state, as ``Trajectory`` records (states,
actions, rewards, behaviour log-probs, values) for evaluation and for PPO."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from model.env import Environment, Observation, Predictor


@dataclass
class Trajectory:
    """One sampled episode segment; ``last_value`` bootstraps a segment that did not end."""

    observations: list[Observation] = field(default_factory=list)
    action_indices: list[int] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)
    log_probs: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    dones: list[bool] = field(default_factory=list)
    last_value: float = 0.0

    def __len__(self) -> int:
        return len(self.actions)

    def total_return(self, discount: float = 1.0) -> float:
        return sum(r * discount**t for t, r in enumerate(self.rewards))


def monte_carlo_rollout(
    env: Environment,
    policy_fn: Predictor,
    state: Any,
    depth: int,
    n_rollouts: int,
    rng: random.Random,
) -> list[Trajectory]:
    """Sample ``n_rollouts`` policy rollouts of up to ``depth`` steps from ``state``."""
    trajectories = []
    for _ in range(n_rollouts):
        traj, current = Trajectory(), state
        for _step in range(depth):
            if env.is_terminal(current):
                break
            candidates = list(env.candidates(current))
            if not candidates:
                break
            probs, value = policy_fn(current, candidates)
            index = rng.choices(range(len(candidates)), weights=probs)[0]
            nxt = env.transition(current, candidates[index])
            traj.observations.append(env.observe(current, candidates))
            traj.action_indices.append(index)
            traj.actions.append(candidates[index])
            traj.rewards.append(float(env.reward_function(nxt)))
            traj.log_probs.append(math.log(max(float(probs[index]), 1e-45)))
            traj.values.append(float(value))
            traj.dones.append(bool(env.is_terminal(nxt)))
            current = nxt
        if traj.actions and not traj.dones[-1]:
            candidates = list(env.candidates(current))
            traj.last_value = float(policy_fn(current, candidates)[1]) if candidates else 0.0
        trajectories.append(traj)
    return trajectories
