"""What ``sea-lsp train`` learns from: the feedback database turned into pairs and episodes.

Pairs and offers encoded with another vocabulary version are skipped (and counted): their
token ids mean something else to this encoder. Code-action offers served *unranked* (before
the model was ready, or when scoring failed: generator order, no behaviour log-probs) are
skipped too (and counted): what the user picked from them says as much about the order they
were shown in as about the user, and there is no propensity to correct for it. An offer the
user moved on from without choosing (superseded) is no preference and no episode, unless an
accept says what was taken: an offered edit the user typed by hand is one
(``feedback.typed.typed_by_hand``, stored by ``FeedbackStore.record_typed``). The validation split is by OFFER (all pairs of a held-out
offer are held out), deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from model.agent_model import AgentModel
from model.env import Observation
from model.preferences import PreferencePair
from model.rollout import Trajectory
from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.feedback.store import FeedbackError, FeedbackStore, LoggedOffer

# Rewards for offline PPO: what each outcome says about the candidate that was taken.
REWARD_ACCEPTED = 1.0
REWARD_REJECTED = -1.0


class TrainInputError(Exception):
    """Input ``sea-lsp train`` cannot use; the message says what to do."""


@dataclass
class FeedbackData:
    """Pairs and offers for training and validation, with the counts the user sees."""

    db: Path
    offers_total: int = 0
    offers_skipped_vocab: int = 0
    pairs_total: int = 0
    pairs_skipped_vocab: int = 0
    pairs_capped: int = 0  # pairs left out by --max-pairs-per-offer
    offers_unranked: int = 0  # served before the model was ready: not trained on
    train_pairs: list[PreferencePair] = field(default_factory=list)
    val_pairs: list[PreferencePair] = field(default_factory=list)
    train_offers: list[LoggedOffer] = field(default_factory=list)
    val_offers: list[LoggedOffer] = field(default_factory=list)  # accepted ones: agreement

    def counts(self) -> dict:
        return {
            "db": str(self.db),
            "offers": self.offers_total,
            "offers_skipped_vocab": self.offers_skipped_vocab,
            "pairs": self.pairs_total,
            "pairs_skipped_vocab": self.pairs_skipped_vocab,
            "pairs_capped": self.pairs_capped,
            "offers_unranked": self.offers_unranked,
            "train_pairs": len(self.train_pairs),
            "val_pairs": len(self.val_pairs),
            "train_offers": len(self.train_offers),
            "val_offers": len(self.val_offers),
        }


def open_store(db: Path) -> FeedbackStore:
    """Open an existing feedback database (never creates one)."""
    if not db.is_file():
        raise TrainInputError(
            f"no feedback database at {db}; use sea-lsp in your editor (accept or reject some "
            "code actions) first, or pass --db PATH"
        )
    try:
        return FeedbackStore(db)
    except FeedbackError as exc:
        raise TrainInputError(str(exc)) from exc


def _split_ids(ids: Sequence[str], fraction: float, seed: int) -> set[str]:
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n = math.ceil(len(order) * fraction) if fraction > 0 else 0
    return set(order[:n])


def _situation(o: LoggedOffer) -> str:
    return hashlib.sha256(json.dumps([o.state_tokens, o.candidate_tokens]).encode()).hexdigest()


def _pairs_of(o: LoggedOffer, cap: int) -> tuple[list[PreferencePair], int]:
    """Chosen over the others the behaviour policy ranked highest (the informative ones)."""
    n = len(o.candidate_tokens)
    if o.chosen is None or not 0 <= o.chosen < n or o.outcome not in ("accepted", "rejected"):
        return [], 0
    lps = o.log_probs if o.log_probs is not None and len(o.log_probs) == n else [0.0] * n
    others = sorted((j for j in range(n) if j != o.chosen), key=lambda j: (-lps[j], j))
    kept = others[:cap] if cap > 0 else others
    if o.outcome == "accepted":
        pairs = [PreferencePair(o.state_tokens, o.candidate_tokens, o.chosen, j) for j in kept]
    else:
        pairs = [PreferencePair(o.state_tokens, o.candidate_tokens, j, o.chosen) for j in kept]
    return pairs, len(others) - len(kept)


def load_feedback(
    db: Path, val_fraction: float, seed: int, max_pairs_per_offer: int = 8
) -> FeedbackData:
    """Read offers and pairs; skip other vocabularies; split train/validation by offer."""
    store = open_store(db)
    data = FeedbackData(db=db)
    try:
        offers = list(store.offers())
        if store.warning:
            raise TrainInputError(store.warning)
    finally:
        store.close()
    data.offers_total = len(offers)
    usable = []
    for o in offers:
        if o.vocab_version != VOCAB_VERSION:
            data.offers_skipped_vocab += 1
            data.pairs_skipped_vocab += len(_pairs_of(o, 0)[0])
            continue
        if unranked(o):
            data.offers_unranked += 1
            continue
        if o.candidate_tokens and all(any(t for t in c) for c in o.candidate_tokens):
            usable.append(o)
    # Split by situation (state + offered set): repeats of one situation never straddle it.
    key = {o.offer_id: _situation(o) for o in usable}
    val_keys = _split_ids(sorted(set(key.values())), val_fraction, seed)
    val_ids = {oid for oid, k in key.items() if k in val_keys}
    for o in usable:
        pairs, capped = _pairs_of(o, max_pairs_per_offer)
        data.pairs_total += len(pairs) + capped
        data.pairs_capped += capped
        if o.offer_id in val_ids:
            data.val_pairs += pairs
            if o.outcome == "accepted" and o.chosen is not None:
                data.val_offers.append(o)
        else:
            data.train_pairs += pairs
            data.train_offers.append(o)
    data.pairs_total += data.pairs_skipped_vocab
    return data


def unranked(o: LoggedOffer) -> bool:
    """A code-action offer served in generator order, without the policy's log-probs (the
    model was still loading, or scoring failed)."""
    return o.source == "code_action" and (o.model_version == "unranked" or o.log_probs is None)


def agreement(model: AgentModel, offers: Sequence[LoggedOffer], batch: int = 32) -> float:
    """Fraction of accepted offers where the policy's top-ranked candidate is the user's choice."""
    if not offers:
        return float("nan")
    rows = model.policy_rows(
        [o.state_tokens for o in offers], [o.candidate_tokens for o in offers], batch
    )
    hits = sum(int(int(row.argmax()) == o.chosen) for row, o in zip(rows, offers, strict=True))
    return hits / len(offers)


def trajectories(offers: Sequence[LoggedOffer]) -> tuple[list[Trajectory], dict]:
    """One-step episodes from logged offers with their behaviour log-probs, and reward sources."""
    out: list[Trajectory] = []
    sources = dict.fromkeys(
        ("accepted", "rejected", "task", "superseded_skipped", "no_signal_skipped"), 0
    )
    for o in offers:
        n = len(o.candidate_tokens)
        if o.log_probs is None or len(o.log_probs) != n or n == 0:
            continue
        if o.outcome == "superseded":  # moved on without choosing: no preference
            sources["superseded_skipped"] += 1
            continue
        action = o.chosen if o.chosen is not None and 0 <= o.chosen < n else 0
        if o.outcome == "accepted":
            reward, src = REWARD_ACCEPTED, "accepted"
        elif o.outcome == "rejected":
            reward, src = REWARD_REJECTED, "rejected"
        elif o.reward is not None:
            reward, src = float(o.reward), "task"
        else:  # nothing says how it went (no learned reward invents one)
            sources["no_signal_skipped"] += 1
            continue
        sources[src] += 1
        out.append(
            Trajectory(
                observations=[
                    Observation(list(o.state_tokens), [list(c) for c in o.candidate_tokens])
                ],
                action_indices=[action],
                actions=[action],
                rewards=[reward],
                log_probs=[float(o.log_probs[action])],
                values=[0.0],
                dones=[True],
            )
        )
    return out, sources
