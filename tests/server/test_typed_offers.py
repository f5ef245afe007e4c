"""An offer nobody decided on, whose edit the user then typed by hand, is an accept."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

from sea_lsp.actions.base import Candidate
from sea_lsp.feedback.store import TYPED_REASON, FeedbackStore, Offer
from sea_lsp.server import state as state_mod
from sea_lsp.server.documents import flush_superseded
from sea_lsp.server.state import PendingOffer, ServerState
from sea_lsp.workspace.changes import Change, TextEdit

BEFORE = "def f(a, b):\n    if a < b:\n        return a\n    return b\n"


def _candidate(old: str, new: str) -> Candidate:
    at = BEFORE.index(old)
    edit = TextEdit("m.py", at, at + len(old), new)
    return Candidate("repair.compare_swap", f"{old} -> {new}", Change([edit]))


def _session(tmp_path: Path, typed: str):
    st = ServerState()
    (tmp_path / "w").mkdir()
    st.folders.add(tmp_path / "w")
    st.feedback = FeedbackStore(tmp_path / "f.sqlite3")
    st.workspace.open("m.py", BEFORE, 1)
    cands = [_candidate("a < b", "a <= b"), _candidate("a < b", "a > b"), _candidate("a\n", "b\n")]
    offer_id = st.feedback.record_offer(
        Offer(
            str(tmp_path / "w"), "m.py", [5], [[1], [2], [3]], ["x", "y", "z"], "m", "v", [0.0] * 3
        )
    )
    st.remember(PendingOffer(offer_id, "m.py", 1, cands, source_text=BEFORE))
    st.workspace.change("m.py", [(None, typed)], 2, "utf-16", [])
    st.mark_stale("m.py", 2)
    st.offers[offer_id].stale_since = time.monotonic() - state_mod.SUPERSEDE_GRACE_S - 1
    return SimpleNamespace(state=st), offer_id


def test_the_edit_typed_by_hand_is_recorded_as_an_accept(tmp_path: Path) -> None:
    ls, offer_id = _session(tmp_path, BEFORE.replace("a < b", "a > b"))
    flush_superseded(ls)
    (logged,) = list(ls.state.feedback.offers())
    reasons = ls.state.feedback._rows("SELECT reason FROM decisions WHERE kind = 'accept'")
    assert (logged.outcome, logged.chosen) == ("accepted", 1)
    assert reasons == [(TYPED_REASON,)]
    assert offer_id not in ls.state.offers


def test_something_else_typed_is_superseded_no_preference(tmp_path: Path) -> None:
    ls, _ = _session(tmp_path, BEFORE.replace("a < b", "a != b"))
    flush_superseded(ls)
    (logged,) = list(ls.state.feedback.offers())
    assert logged.outcome == "superseded" and logged.chosen is None
