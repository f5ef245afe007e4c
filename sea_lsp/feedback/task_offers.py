"""Task results as feedback: the candidates the search weighed at the start, with the
plan's first step as the proposal, so that Apply and Reject become preference pairs."""

from __future__ import annotations

from typing import Any

from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.feedback.store import FeedbackStore, Offer


def record_task(
    store: FeedbackStore,
    workspace_root: str,
    document: str | None,
    result: Any,
    model_version: str,
) -> tuple[str, int]:
    """Store ``result`` (an ``agent.TaskResult``) as a task offer; returns (offer id, index
    of the proposed change in the offered set)."""
    offer = result.offer or {}
    if offer.get("chosen") is None or not offer.get("candidate_tokens"):
        raise ValueError("the task result has no proposal to record")
    stats = {k: v for k, v in (result.stats or {}).items() if isinstance(v, (int, float, str))}
    offer_id = store.record_task_result(
        Offer(
            workspace_root=workspace_root,
            document=document,
            state_tokens=list(offer["state_tokens"]),
            candidate_tokens=[list(c) for c in offer["candidate_tokens"]],
            kinds=list(offer["kinds"]),
            model_version=model_version,
            vocab_version=VOCAB_VERSION,
            titles=list(offer.get("titles", [])),
            source_text=result.diff,
        ),
        solved=bool(result.solved),
        stats=stats,
        summary=result.summary,
    )
    return offer_id, int(offer["chosen"])
