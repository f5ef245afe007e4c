"""FeedbackStore: round trips, preference pairs, schema versions, corruption, concurrency,
and durability when the writer is killed."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from sea_lsp.cli.feedback import main
from sea_lsp.feedback.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    FeedbackError,
    FeedbackStore,
    Offer,
    short_hash,
)


def make_offer(n: int = 3, **kw) -> Offer:
    base = dict(
        workspace_root="/home/me/proj",
        document="pkg/mod.py",
        state_tokens=[5, 6, 7],
        candidate_tokens=[[10 + i, 20 + i] for i in range(n)],
        kinds=[f"repair.k{i}" for i in range(n)],
        model_version="m1",
        vocab_version="v1",
        log_probs=[-0.5 - i for i in range(n)],
        titles=[f"Fix {i}" for i in range(n)],
        source_text="x = 1\n",
    )
    base.update(kw)
    return Offer(**base)


def test_round_trip_accept_and_no_source_text_by_default(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.db") as store:
        oid = store.record_offer(make_offer())
        store.record_accept(oid, 2)
        (logged,) = list(store.offers())
        assert logged.offer_id == oid
        assert logged.state_tokens == [5, 6, 7]
        assert logged.candidate_tokens == [[10, 20], [11, 21], [12, 22]]
        assert logged.log_probs == [-0.5, -1.5, -2.5]
        assert (logged.chosen, logged.outcome) == (2, "accepted")
        row = store._rows("SELECT workspace, document, titles, source_text FROM offers")[0]
    assert row == (short_hash("/home/me/proj"), short_hash("pkg/mod.py"), None, None)
    assert "proj" not in row[0]


def test_source_text_only_when_opted_in(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.db", store_source_text=True) as store:
        store.record_offer(make_offer())
        titles, text = store._rows("SELECT titles, source_text FROM offers")[0]
    assert json.loads(titles) == ["Fix 0", "Fix 1", "Fix 2"]
    assert text == "x = 1\n"


def test_preference_pairs_from_accepts_and_rejected_task_results(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.db") as store:
        accepted = store.record_offer(make_offer(3))
        store.record_accept(accepted, 1)
        superseded = store.record_offer(make_offer(3))
        store.record_superseded(superseded)
        store.record_offer(make_offer(2))  # pending: no pairs
        task = store.record_task_result(make_offer(2), solved=True, reward=0.8)
        store.record_reject(task, 0, "wrong approach")
        pairs = store.preference_pairs()
        by_offer = {(p.offer_id, p.chosen, p.rejected, p.source) for p in pairs}
        assert by_offer == {
            (accepted, 1, 0, "accept"),
            (accepted, 1, 2, "accept"),
            (task, 1, 0, "reject"),
        }
        outcomes = {o.offer_id: o.outcome for o in store.offers()}
        assert outcomes[superseded] == "superseded"
        stats = store.stats()
        assert stats["offers"] == 4
        assert (stats["accepted"], stats["rejected"], stats["superseded"], stats["pending"]) == (
            1,
            1,
            1,
            1,
        )
        assert stats["task_results"] == 1 and stats["preference_pairs"] == 3
        assert store.preference_pairs(vocab_version="other") == []


def test_bad_ids_and_indices_are_refused(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.db") as store:
        oid = store.record_offer(make_offer(2))
        with pytest.raises(KeyError):
            store.record_accept("nope", 0)
        with pytest.raises(IndexError):
            store.record_accept(oid, 5)
        with pytest.raises(ValueError):
            store.record_offer(make_offer(2, kinds=["one"]))


def test_newer_schema_is_refused_older_is_migrated(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute("CREATE TABLE schema_version (version INTEGER)")
    conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(FeedbackError, match="newer than this sea-lsp"):
        FeedbackStore(newer)

    older = tmp_path / "older.db"
    conn = sqlite3.connect(older)
    conn.execute("CREATE TABLE schema_version (version INTEGER)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO offers VALUES ('old', 1.0, 'w', NULL, 'm0', 'v1', '[1]', '[[2],[3]]',"
        ' NULL, \'["a","b"]\', NULL, NULL)'
    )
    conn.commit()
    conn.close()
    with FeedbackStore(older) as store:
        (old,) = list(store.offers())
        assert old.offer_id == "old" and old.source == "code_action"
        store.record_task_result(make_offer(2), solved=False)
        assert store._rows("SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


def test_corrupted_file_is_quarantined_and_recreated(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    db.write_bytes(b"this is not a database at all" * 200)
    with FeedbackStore(db) as store:
        assert store.warning and "damaged" in store.warning
        store.record_offer(make_offer())
        assert store.stats()["offers"] == 1
    moved = list(tmp_path.glob("f.db.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not")


def test_locked_database_gives_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    import sea_lsp.feedback.store as fb

    db = tmp_path / "f.db"
    store = FeedbackStore(db)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    store._conn.execute("PRAGMA busy_timeout=50")
    monkeypatch.setattr(fb, "BUSY_TIMEOUT_MS", 50)
    with pytest.raises(FeedbackError, match="locked"):
        store.record_offer(make_offer())
    blocker.execute("ROLLBACK")
    store.record_offer(make_offer())  # usable again once the lock is gone
    assert store.stats()["offers"] == 1
    store.close()
    blocker.close()


def test_reader_and_writer_on_separate_connections(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    writer = FeedbackStore(db)
    reader = FeedbackStore(db)
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for i in range(200):
                oid = writer.record_offer(make_offer(2))
                writer.record_accept(oid, i % 2)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    seen = []
    while not done.is_set():
        offers = list(reader.offers())
        assert all(o.outcome in ("accepted", "pending") for o in offers)
        seen.append(len(offers))
    thread.join()
    assert not errors
    assert seen == sorted(seen)  # a reader only ever sees whole, growing history
    assert len(list(reader.offers())) == 200
    assert len(reader.preference_pairs()) == 200
    writer.close()
    reader.close()


def test_kill_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    child = Path(__file__).with_name("writer_child.py")
    proc = subprocess.Popen(
        [sys.executable, str(child), str(db)], stdout=subprocess.PIPE, text=True
    )
    reported = []
    assert proc.stdout is not None
    while len(reported) < 150:
        line = proc.stdout.readline()
        assert line, "writer exited early"
        reported.append(line.strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with FeedbackStore(db) as store:
        assert store.integrity_ok()
        ids = {o.offer_id for o in store.offers()}
    assert set(reported) <= ids


def test_cli_stats_and_export(tmp_path: Path, capsys) -> None:
    db = tmp_path / "f.db"
    with FeedbackStore(db) as store:
        oid = store.record_offer(make_offer(2))
        store.record_accept(oid, 0)
    assert main(SimpleNamespace(rest=["stats", "--db", str(db), "--json"])) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["accepted"] == 1
    out = tmp_path / "out.jsonl"
    assert main(SimpleNamespace(rest=["export", str(out), "--db", str(db)])) == 0
    (record,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert record["offer"] == oid and record["chosen"] == 0


def test_superseded_offers_are_recorded_together_unknown_ones_skipped(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.db") as store:
        ids = [store.record_offer(make_offer()) for _ in range(5)]
        store.record_superseded_many([*ids[:3], "no-such-offer"])
        outcomes = {o.offer_id: o.outcome for o in store.offers()}
    assert [outcomes[i] for i in ids] == ["superseded"] * 3 + ["pending"] * 2


def test_the_write_ahead_log_is_checkpointed_off_the_writing_thread(tmp_path: Path) -> None:
    """Commits never checkpoint themselves (that stalls a request for milliseconds); a
    thread does, so the database file fills and the log is reused instead of growing."""
    from sea_lsp.feedback import store as feedback

    path, wal = tmp_path / "f.db", tmp_path / "f.db-wal"
    big = dict(state_tokens=list(range(1, 400)), candidate_tokens=[list(range(1, 30))] * 20)
    more = dict(kinds=["k"] * 20, titles=["t"] * 20, log_probs=[-1.0] * 20)
    sizes = []
    with FeedbackStore(path) as store:
        assert store._rows("PRAGMA wal_autocheckpoint")[0][0] == 0
        for _ in range(5):
            for _ in range(feedback.CHECKPOINT_EVERY):
                store.record_offer(make_offer(20, **more, **big))
            # a pause between requests: the checkpoint thread finishes
            assert store._checkpointing.acquire(timeout=30)
            store._checkpointing.release()
            sizes.append((path.stat().st_size, wal.stat().st_size))
        assert len(list(store.offers())) == 5 * feedback.CHECKPOINT_EVERY
    (db2, wal2), (db5, wal5) = sizes[1], sizes[4]
    assert db5 > 2 * db2, sizes  # the offers reached the database file
    assert wal5 < 1.3 * wal2, sizes  # and the log was reused, not grown
