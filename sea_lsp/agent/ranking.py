"""Order candidates by the policy: best first, with each one's log-probability over the set."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from loguru import logger

from sea_lsp.actions.base import Candidate

if TYPE_CHECKING:
    from model.agent_model import AgentModel


_ONE_THREAD = False


def one_thread() -> None:
    """Score on one torch thread from now on. The policy is small: one thread answers in a
    few ms, where intra-op threads contending for a busy machine's cores cost tens."""
    global _ONE_THREAD
    if not _ONE_THREAD:
        import torch

        torch.set_num_threads(1)
        _ONE_THREAD = True


def rank(
    model: AgentModel | None, state_tokens: Sequence[int], candidates: Sequence[Candidate]
) -> list[tuple[Candidate, float | None]]:
    """Candidates best first with their policy log-probs; generator order (and ``None``
    log-probs) when no model is ready or scoring fails."""
    unranked: list[tuple[Candidate, float | None]] = [(c, None) for c in candidates]
    if model is None or not candidates:
        return unranked
    try:
        raw = model.log_probs(list(state_tokens), [list(c.tokens) for c in candidates])
        scores = [float(x) for x in _flat(raw)]
    except Exception:  # noqa: BLE001 - ranking is an improvement, never a reason to fail
        logger.exception("policy scoring failed; offering candidates unranked")
        return unranked
    if len(scores) != len(candidates) or any(math.isnan(s) for s in scores):
        logger.warning("policy returned {} scores for {} candidates", len(scores), len(candidates))
        return unranked
    order = sorted(range(len(candidates)), key=lambda i: -scores[i])  # stable on ties
    return [(candidates[i], scores[i]) for i in order]


def _flat(raw: Any) -> list[Any]:
    if hasattr(raw, "tolist"):
        raw = raw.tolist()
    if raw and isinstance(raw[0], list):  # a batch of one
        raw = raw[0]
    return list(raw)
