"""``AgentModel``: the policy and value networks behind one object taking plain token lists.

Callers (search, the server, training) pass ``list[int]`` states and candidate sets; this
module pads, truncates and batches them, and answers in plain floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch
from torch import nn

from model.networks import (
    NetworkConfig,
    TransformerPolicyNetwork,
    TransformerValueNetwork,
    count_parameters,
)


@contextmanager
def evaluating(net: nn.Module) -> Iterator[nn.Module]:
    """Eval mode and inference mode for the block, restoring the training flag after.

    A network already in eval mode (the server's) is not walked at all: switching modes
    visits every submodule twice, a few tenths of a millisecond per call."""
    was_training = net.training
    if was_training:
        net.eval()
    try:
        with torch.inference_mode():
            yield net
    finally:
        if was_training:
            net.train(True)


class AgentModel:
    """Policy and value networks with their config, vocabulary version and record.

    The networks are ``policy`` and ``value_net`` (``priors()`` and ``value()`` answer);
    ``networks()`` maps checkpoint prefixes to them. The learned reward model
    (``model.reward_model``) is not part of it: measured, it earned no place in what ships
    (issue #18, README).
    """

    def __init__(
        self,
        config: NetworkConfig,
        policy: TransformerPolicyNetwork,
        value: TransformerValueNetwork,
        *,
        vocab_version: str = "",
        version: str = "untrained",
        meta: dict | None = None,
    ) -> None:
        self.config = config
        self.policy = policy
        self.value_net = value
        self.vocab_version = vocab_version
        self.version = version
        self.meta: dict = dict(meta or {})
        self.eval()

    @classmethod
    def create(
        cls,
        config: NetworkConfig | None = None,
        seed: int = 0,
        *,
        vocab_version: str = "",
        version: str = "untrained",
    ) -> AgentModel:
        """Freshly initialised networks; the same seed gives the same weights."""
        cfg = config or NetworkConfig()
        gen_state = torch.random.get_rng_state()
        try:
            torch.manual_seed(seed)
            policy = TransformerPolicyNetwork(cfg)
            value = TransformerValueNetwork(cfg)
        finally:
            torch.random.set_rng_state(gen_state)
        return cls(cfg, policy, value, vocab_version=vocab_version, version=version)

    # -- the networks as a group -------------------------------------------------------
    def networks(self) -> dict[str, nn.Module]:
        """The networks by checkpoint prefix."""
        return {"policy": self.policy, "value": self.value_net}

    def parameter_counts(self) -> dict[str, int]:
        return {name: count_parameters(net) for name, net in self.networks().items()}

    def parameters(self) -> Iterator[nn.Parameter]:
        for net in self.networks().values():
            yield from net.parameters()

    def train(self) -> AgentModel:
        for net in self.networks().values():
            net.train()
        return self

    def eval(self) -> AgentModel:
        for net in self.networks().values():
            net.eval()
        return self

    # -- batching -------------------------------------------------------------------------
    def _check_ids(self, tokens: Sequence[int], what: str) -> None:
        vocab = self.config.vocab_size
        for t in tokens:
            if not isinstance(t, int) or not 0 <= t < vocab:
                raise ValueError(
                    f"{what} holds token {t!r}, outside [0, {vocab}); re-encode it with the "
                    f"vocabulary this model was trained on ({self.vocab_version or 'unversioned'})"
                )

    @property
    def device(self) -> torch.device:
        """Where the networks' parameters live; batches are built there."""
        return next(self.policy.parameters()).device

    def to(self, device: torch.device | str) -> AgentModel:
        """Move the networks to ``device`` (``cuda:N`` for GPU training)."""
        for net in self.networks().values():
            net.to(device)
        return self

    def collate_states(self, states: Sequence[Sequence[int]]) -> torch.Tensor:
        """States -> ``[B, L]`` padded to the longest (at most ``max_state_len``, head kept)."""
        cfg = self.config
        rows = [list(s[: cfg.max_state_len]) for s in states]
        for i, row in enumerate(rows):
            self._check_ids(row, f"state {i}")
        width = max([1] + [len(r) for r in rows])
        padded = [r + [cfg.pad_id] * (width - len(r)) for r in rows]
        return torch.tensor(padded, dtype=torch.long, device=self.device)

    def collate_candidates(self, cands: Sequence[Sequence[Sequence[int]]]) -> torch.Tensor:
        """Candidate sets -> ``[B, K, C]``; short sets are filled with padding candidates."""
        cfg = self.config
        sets = [[list(c[: cfg.max_cand_len]) for c in cset] for cset in cands]
        for i, cset in enumerate(sets):
            for j, cand in enumerate(cset):
                if not cand or all(t == cfg.pad_id for t in cand):
                    raise ValueError(
                        f"candidate {j} of set {i} has no tokens; every real candidate needs at "
                        "least one non-padding token (e.g. its kind)"
                    )
                self._check_ids(cand, f"candidate {j} of set {i}")
        k = max([1] + [len(s) for s in sets])
        c = max([1] + [len(cand) for s in sets for cand in s])
        blank = [cfg.pad_id] * c
        padded = [
            [cand + blank[len(cand) :] for cand in cset] + [blank] * (k - len(cset))
            for cset in sets
        ]
        return torch.tensor(padded, dtype=torch.long, device=self.device)

    def collate(
        self, states: Sequence[Sequence[int]], cands: Sequence[Sequence[Sequence[int]]]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch of states and their candidate sets as ``([B, L], [B, K, C])`` tensors."""
        if len(states) != len(cands):
            raise ValueError(f"{len(states)} states but {len(cands)} candidate sets")
        return self.collate_states(states), self.collate_candidates(cands)

    def policy_rows(
        self,
        states: Sequence[Sequence[int]],
        cand_sets: Sequence[Sequence[Sequence[int]]],
        batch: int = 64,
    ) -> Iterator[torch.Tensor]:
        """The policy's logits for many (state, candidate set) pairs, ``batch`` at a time in
        eval mode: one ``[K]`` row per pair (padding candidates at ``NEG_LOGIT``)."""
        if len(states) != len(cand_sets):
            raise ValueError(f"{len(states)} states but {len(cand_sets)} candidate sets")
        self.policy.eval()
        for start in range(0, len(states), batch):
            s, c = self.collate(states[start : start + batch], cand_sets[start : start + batch])
            with torch.inference_mode():
                logits = self.policy(s, c)
            yield from logits

    # -- single-state answers ----------------------------------------------------------------
    def logits(
        self, state_tokens: Sequence[int], cand_tokens: Sequence[Sequence[int]]
    ) -> list[float]:
        """Policy logits, one per candidate (``[]`` for an empty set)."""
        if not cand_tokens:
            return []
        states, cands = self.collate([state_tokens], [cand_tokens])
        with evaluating(self.policy):
            out = self.policy(states, cands)[0, : len(cand_tokens)]
        return out.tolist()

    def log_probs(
        self, state_tokens: Sequence[int], cand_tokens: Sequence[Sequence[int]]
    ) -> list[float]:
        """Log-probabilities of the policy over the offered candidate set."""
        logits = self.logits(state_tokens, cand_tokens)
        if not logits:
            return []
        return torch.log_softmax(torch.tensor(logits, dtype=torch.float64), dim=0).tolist()

    def priors(
        self, state_tokens: Sequence[int], cand_tokens: Sequence[Sequence[int]]
    ) -> list[float]:
        """Probabilities of the policy over the candidate set (sum to 1)."""
        return [math.exp(lp) for lp in self.log_probs(state_tokens, cand_tokens)]

    def value(self, state_tokens: Sequence[int]) -> float:
        """Predicted return from this state."""
        states = self.collate_states([state_tokens])
        with evaluating(self.value_net):
            return float(self.value_net(states)[0])

    def evaluate(
        self, state_tokens: Sequence[int], cand_tokens: Sequence[Sequence[int]]
    ) -> tuple[list[float], float]:
        """Priors and value in one call (what the search asks for)."""
        return self.priors(state_tokens, cand_tokens), self.value(state_tokens)
