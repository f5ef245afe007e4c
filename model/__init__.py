"""The learning core: networks, ThoughtTree search, rollouts, PPO, DPO, the reward model and
checkpoints. Depends on torch, numpy and safetensors only; knows nothing of editors or code.

The seed's names, each with one home:
``TransformerPolicyNetwork``, ``TransformerValueNetwork``, ``TransformerRewardModel``
(``networks``), ``ThoughtTree`` (``thought_tree``), ``monte_carlo_rollout`` (``rollout``),
``DPO`` (``dpo``), ``train`` — PPO (``ppo``).
"""

from model.dpo import DPO
from model.networks import (
    TransformerPolicyNetwork,
    TransformerRewardModel,
    TransformerValueNetwork,
)
from model.ppo import train
from model.rollout import monte_carlo_rollout
from model.thought_tree import ThoughtTree

__all__ = [
    "DPO",
    "ThoughtTree",
    "TransformerPolicyNetwork",
    "TransformerRewardModel",
    "TransformerValueNetwork",
    "monte_carlo_rollout",
    "train",
]
