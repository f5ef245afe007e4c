"""Clean training data (issue #18, item 4): offers served unranked are not trained on, and
an offer the user moved on from is no preference (no episode with a made-up penalty)."""

from __future__ import annotations

from pathlib import Path

from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.feedback.store import FeedbackStore, Offer
from sea_lsp.training.feedback_data import load_feedback, trajectories


def _offer(state: int, version: str = "m1", log_probs=(-0.1, -2.4)) -> Offer:
    return Offer(
        workspace_root="/w",
        document="m.py",
        state_tokens=[state, state + 1],
        candidate_tokens=[[11, 12], [21, 22]],
        kinds=["repair.a", "repair.b"],
        model_version=version,
        vocab_version=VOCAB_VERSION,
        log_probs=None if log_probs is None else list(log_probs),
    )


def test_unranked_offers_are_counted_and_not_trained_on(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    with FeedbackStore(db) as store:
        ranked = store.record_offer(_offer(100))
        store.record_accept(ranked, 1)
        early = store.record_offer(_offer(200, "unranked", None))  # the model was loading
        store.record_accept(early, 0)
    data = load_feedback(db, 0.0, 0)
    assert data.offers_unranked == 1 and data.counts()["offers_unranked"] == 1
    assert [o.offer_id for o in data.train_offers] == [ranked]
    assert [(p.state_tokens[0], p.chosen) for p in data.train_pairs] == [(100, 1)]


def test_superseded_offers_are_no_episode(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    with FeedbackStore(db) as store:
        ignored = store.record_offer(_offer(100))
        store.record_superseded(ignored)
        taken = store.record_offer(_offer(300))
        store.record_accept(taken, 1)
        store.record_offer(_offer(500))  # still pending: nothing says how it went
    data = load_feedback(db, 0.0, 0)
    episodes, sources = trajectories(data.train_offers)
    assert [e.observations[0].state_tokens[0] for e in episodes] == [300]
    assert episodes[0].rewards == [1.0]
    assert sources["superseded_skipped"] == 1 and sources["accepted"] == 1
    assert sources["no_signal_skipped"] == 1
