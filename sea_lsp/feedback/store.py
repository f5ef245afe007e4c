"""The feedback store: every list of code actions the server offers, and what the user
did with it (accepted, rejected, superseded by a newer document version), in SQLite.

WAL mode with ``synchronous=NORMAL``: a committed transaction survives the process being
killed (it sits in the WAL, which the next open replays); only an operating-system crash
may roll back the last few commits, and the file stays consistent either way. Readers
(``sea-lsp train``) and the server's writer use separate connections and never block
each other. By default no source text is stored: only encodings, kinds and hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loguru import logger

SCHEMA_VERSION = 2
CHECKPOINT_EVERY = 200  # writes between two checkpoints of the write-ahead log
BUSY_TIMEOUT_MS = 5000
TYPED_REASON = "typed by hand"  # an accept the user made by typing the offered edit

# Each step takes the schema from version i to i + 1; a fresh database runs them all.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE offers (
            id TEXT PRIMARY KEY, created REAL NOT NULL, workspace TEXT NOT NULL,
            document TEXT, model_version TEXT NOT NULL, vocab_version TEXT NOT NULL,
            state_tokens TEXT NOT NULL, candidate_tokens TEXT NOT NULL, log_probs TEXT,
            kinds TEXT NOT NULL, titles TEXT, source_text TEXT)""",
        """CREATE TABLE decisions (
            offer_id TEXT NOT NULL REFERENCES offers(id), created REAL NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('accept', 'reject', 'superseded')),
            idx INTEGER, reason TEXT)""",
        "CREATE INDEX decisions_offer ON decisions(offer_id)",
    ],
    [
        "ALTER TABLE offers ADD COLUMN source TEXT NOT NULL DEFAULT 'code_action'",
        "ALTER TABLE offers ADD COLUMN document_version INTEGER",
        """CREATE TABLE task_results (
            offer_id TEXT PRIMARY KEY REFERENCES offers(id), created REAL NOT NULL,
            solved INTEGER NOT NULL, reward REAL, stats TEXT, summary TEXT)""",
    ],
]
assert len(MIGRATIONS) == SCHEMA_VERSION


class FeedbackError(RuntimeError):
    """The feedback database cannot be used (locked, from a newer sea-lsp, unwritable)."""


def short_hash(text: str) -> str:
    """A stable, non-reversible id for a workspace root or document path."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Offer:
    """One list of candidates shown to the user (code actions or a task preview)."""

    workspace_root: str
    document: str | None
    state_tokens: list[int]
    candidate_tokens: list[list[int]]
    kinds: list[str]
    model_version: str
    vocab_version: str
    log_probs: list[float] | None = None  # behaviour policy over the offered set
    titles: list[str] = field(default_factory=list)
    source_text: str | None = None
    document_version: int | None = None
    source: str = "code_action"  # "code_action" | "task"


@dataclass(frozen=True)
class FeedbackPair:
    """A preference: within one offered set, ``chosen`` was preferred over ``rejected``."""

    offer_id: str
    state_tokens: list[int]
    candidate_tokens: list[list[int]]
    chosen: int
    rejected: int
    model_version: str
    vocab_version: str
    source: str  # "accept" | "reject"


@dataclass(frozen=True)
class LoggedOffer:
    """An offer as offline PPO reads it back."""

    offer_id: str
    state_tokens: list[int]
    candidate_tokens: list[list[int]]
    log_probs: list[float] | None
    chosen: int | None
    outcome: str  # "accepted" | "rejected" | "superseded" | "pending"
    model_version: str
    vocab_version: str
    kinds: list[str]
    source: str
    reward: float | None  # task results only


class FeedbackStore:
    """Offers and decisions in one SQLite file; thread-safe (one connection, one lock)."""

    def __init__(self, path: str | Path, store_source_text: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.store_source_text = store_source_text
        self.warning: str | None = None  # set when a corrupted file was quarantined
        self._lock = threading.RLock()
        self._writes = 0  # since the last checkpoint
        self._checkpointing = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:
                if _is_locked(exc):
                    raise FeedbackError(_locked_message(self.path)) from exc
                if not self._damaged(exc):
                    raise
                self._quarantine(exc)
                self._conn = self._open()
        except (OSError, sqlite3.Error) as exc:
            raise FeedbackError(
                f"the feedback database {self.path} cannot be opened for writing ({exc}); make "
                f"{self.path.parent} writable, or set sea.feedbackPath (or SEA_LSP_DATA_DIR) to "
                "a writable place"
            ) from exc

    # --- opening -------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                logger.warning("feedback db {}: journal mode {} (WAL unavailable)", self.path, mode)
            conn.execute("PRAGMA synchronous=NORMAL")
            # SQLite checkpoints the log inside whichever commit crosses 1,000 pages: that
            # commit then takes milliseconds (7 ms here, more on a laptop disk), in the middle
            # of a code-action request. Checkpoints run on a thread instead (``_write``).
            conn.execute("PRAGMA wal_autocheckpoint=0")
            conn.execute("PRAGMA foreign_keys=ON")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise FeedbackError(
                    f"feedback database {self.path} has schema version {version}, newer than this "
                    f"sea-lsp understands ({SCHEMA_VERSION}); upgrade sea-lsp or set "
                    "sea.feedbackPath to another file"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    conn.execute(statement)
            if version != SCHEMA_VERSION:
                conn.execute("DELETE FROM schema_version")
                conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
                if version:
                    logger.info(
                        "feedback db {} migrated {} -> {}", self.path, version, SCHEMA_VERSION
                    )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _damaged(self, exc: sqlite3.DatabaseError) -> bool:
        """Whether ``exc`` says the file's contents are broken (then it is moved aside), not
        that it cannot be opened or written (a directory, no permission, a read-only disk)."""
        if not self.path.is_file() or not os.access(self.path, os.R_OK | os.W_OK):
            return False
        text = str(exc).lower()
        return not any(
            words in text for words in ("unable to open", "readonly", "read-only", "permission")
        )

    def _quarantine(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                src.replace(Path(str(target) + suffix))
        self.warning = (
            f"The feedback database {self.path} was damaged ({exc}); it was moved to {target} "
            "and a new one was started. Earlier feedback is in the moved file."
        )
        logger.warning(self.warning)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------
    def _write(self, sql: str, params: Sequence[Any], many: bool = False) -> None:
        with self._lock:
            try:
                if many:
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        self._conn.executemany(sql, params)
                    except BaseException:
                        self._conn.execute("ROLLBACK")
                        raise
                    self._conn.execute("COMMIT")
                else:
                    self._conn.execute(sql, params)
            except sqlite3.OperationalError as exc:
                if _is_locked(exc):
                    raise FeedbackError(_locked_message(self.path)) from exc
                raise FeedbackError(f"cannot write feedback to {self.path}: {exc}") from exc
            self._writes += 1
            if self._writes >= CHECKPOINT_EVERY and self._checkpointing.acquire(blocking=False):
                self._writes = 0
                threading.Thread(
                    target=self._checkpoint, name="sea-checkpoint", daemon=True
                ).start()

    def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database on a connection of its own (SQLite
        works without the interpreter lock, and readers and the writer go on meanwhile)."""
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                conn.close()
        except sqlite3.Error as exc:  # the next one catches up; the log only grows meanwhile
            logger.debug("feedback db {}: checkpoint failed: {}", self.path, exc)
        finally:
            self._checkpointing.release()

    def record_offer(self, offer: Offer) -> str:
        """Store an offer and return its id (the ``offer`` argument of ``sea.accept``)."""
        n = len(offer.candidate_tokens)
        if len(offer.kinds) != n or (offer.log_probs is not None and len(offer.log_probs) != n):
            raise ValueError("an offer needs one kind (and one log-prob) per candidate")
        offer_id = uuid.uuid4().hex
        keep_text = self.store_source_text
        self._write(
            "INSERT INTO offers (id, created, workspace, document, model_version, vocab_version,"
            " state_tokens, candidate_tokens, log_probs, kinds, titles, source_text, source,"
            " document_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                offer_id,
                time.time(),
                short_hash(offer.workspace_root),
                short_hash(offer.document) if offer.document else None,
                offer.model_version,
                offer.vocab_version,
                json.dumps(offer.state_tokens),
                json.dumps(offer.candidate_tokens),
                None if offer.log_probs is None else json.dumps(offer.log_probs),
                json.dumps(offer.kinds),
                json.dumps(offer.titles) if keep_text and offer.titles else None,
                offer.source_text if keep_text else None,
                offer.source,
                offer.document_version,
            ),
        )
        return offer_id

    def _check_index(self, offer_id: str, index: int | None) -> None:
        with self._lock:
            row = self._conn.execute(
                "SELECT candidate_tokens FROM offers WHERE id = ?", (offer_id,)
            ).fetchone()
        if row is None:
            raise KeyError(f"no offer {offer_id!r} in {self.path}")
        if index is not None and not 0 <= index < len(json.loads(row[0])):
            raise IndexError(f"offer {offer_id} has no candidate {index}")

    def _decide(self, offer_id: str, kind: str, index: int | None, reason: str | None) -> None:
        self._check_index(offer_id, index)
        self._write(
            "INSERT INTO decisions (offer_id, created, kind, idx, reason) VALUES (?,?,?,?,?)",
            (offer_id, time.time(), kind, index, reason),
        )

    def record_accept(self, offer_id: str, index: int) -> None:
        """The user applied candidate ``index`` of the offer."""
        self._decide(offer_id, "accept", index, None)

    def record_typed(self, offer_id: str, index: int) -> None:
        """The user made candidate ``index``'s edit by hand instead of applying it (see
        ``feedback.typed.typed_by_hand``): an accept, marked as typed."""
        self._decide(offer_id, "accept", index, TYPED_REASON)

    def record_reject(self, offer_id: str, index: int | None = None, reason: str = "") -> None:
        """The user explicitly turned down candidate ``index`` (or the whole offer)."""
        self._decide(offer_id, "reject", index, reason or None)

    def record_superseded(self, offer_id: str) -> None:
        """The document changed with no choice made: a weak signal, kept apart."""
        self._decide(offer_id, "superseded", None, None)

    def record_superseded_many(self, offer_ids: Sequence[str]) -> None:
        """``record_superseded`` for many offers in one transaction (unknown ids skipped)."""
        now = time.time()
        self._write(
            "INSERT INTO decisions (offer_id, created, kind, idx, reason)"
            " SELECT ?, ?, 'superseded', NULL, NULL WHERE EXISTS (SELECT 1 FROM offers WHERE id = ?)",
            [(offer_id, now, offer_id) for offer_id in offer_ids],
            many=True,
        )

    def record_task_result(
        self,
        offer: Offer,
        solved: bool,
        reward: float | None = None,
        stats: dict[str, Any] | None = None,
        summary: str = "",
    ) -> str:
        """Store a task preview (candidate 0 = the proposed change) and its outcome."""
        offer.source = "task"
        offer_id = self.record_offer(offer)
        self._write(
            "INSERT INTO task_results (offer_id, created, solved, reward, stats, summary)"
            " VALUES (?,?,?,?,?,?)",
            (
                offer_id,
                time.time(),
                int(solved),
                reward,
                json.dumps(stats or {}, default=str),
                summary if self.store_source_text else None,
            ),
        )
        return offer_id

    # --- reading -------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if _is_locked(exc):
                    raise FeedbackError(_locked_message(self.path)) from exc
                raise

    def _decisions(self) -> dict[str, list[tuple[str, int | None]]]:
        out: dict[str, list[tuple[str, int | None]]] = {}
        for offer_id, kind, idx in self._rows(
            "SELECT offer_id, kind, idx FROM decisions ORDER BY rowid"
        ):
            out.setdefault(offer_id, []).append((kind, idx))
        return out

    def _offer_rows(self, min_version: str | None, vocab_version: str | None) -> list[tuple]:
        sql = (
            "SELECT o.id, o.state_tokens, o.candidate_tokens, o.log_probs, o.model_version,"
            " o.vocab_version, o.kinds, o.source, t.reward FROM offers o"
            " LEFT JOIN task_results t ON t.offer_id = o.id WHERE 1=1"
        )
        params: list[Any] = []
        if min_version is not None:
            sql += " AND o.model_version >= ?"
            params.append(min_version)
        if vocab_version is not None:
            sql += " AND o.vocab_version = ?"
            params.append(vocab_version)
        return self._rows(sql + " ORDER BY o.created, o.rowid", params)

    def offers(
        self, min_version: str | None = None, vocab_version: str | None = None
    ) -> Iterator[LoggedOffer]:
        """Every offer with its outcome, oldest first (for offline PPO)."""
        decisions = self._decisions()
        for oid, state, cands, lps, mver, vver, kinds, source, reward in self._offer_rows(
            min_version, vocab_version
        ):
            chosen, outcome = _outcome(decisions.get(oid, []))
            yield LoggedOffer(
                oid,
                json.loads(state),
                json.loads(cands),
                None if lps is None else json.loads(lps),
                chosen,
                outcome,
                mver,
                vver,
                json.loads(kinds),
                source,
                reward,
            )

    def preference_pairs(
        self, min_version: str | None = None, vocab_version: str | None = None
    ) -> list[FeedbackPair]:
        """(chosen, each other offered) per accepted offer, and (each alternative, rejected)
        per explicit rejection of a candidate in an offer with no accept."""
        pairs: list[FeedbackPair] = []
        for o in self.offers(min_version, vocab_version):
            n = len(o.candidate_tokens)
            if o.outcome == "accepted" and o.chosen is not None:
                wins = [(o.chosen, j, "accept") for j in range(n) if j != o.chosen]
            elif o.outcome == "rejected" and o.chosen is not None:
                wins = [(j, o.chosen, "reject") for j in range(n) if j != o.chosen]
            else:
                continue
            pairs.extend(
                FeedbackPair(
                    o.offer_id,
                    o.state_tokens,
                    o.candidate_tokens,
                    w,
                    lose,
                    o.model_version,
                    o.vocab_version,
                    src,
                )
                for w, lose, src in wins
            )
        return pairs

    def stats(self) -> dict[str, Any]:
        """Counts a person (or ``sea.status``) wants to see."""
        counts = {"pending": 0, "accepted": 0, "rejected": 0, "superseded": 0}
        by_model: dict[str, int] = {}
        decisions = self._decisions()
        for oid, mver in self._rows("SELECT id, model_version FROM offers"):
            counts[_outcome(decisions.get(oid, []))[1]] += 1
            by_model[mver] = by_model.get(mver, 0) + 1
        tasks = self._rows("SELECT count(*), coalesce(sum(solved), 0) FROM task_results")[0]
        return {
            "db": str(self.path),
            "schema_version": SCHEMA_VERSION,
            "offers": sum(counts.values()),
            **counts,
            "task_results": tasks[0],
            "tasks_solved": tasks[1],
            "preference_pairs": len(self.preference_pairs()),
            "offers_by_model": by_model,
        }

    def export_jsonl(self, path: str | Path) -> int:
        """Write one JSON object per offer (with its decisions); returns the number written."""
        decisions = self._decisions()
        n = 0
        with Path(path).open("w", encoding="utf-8") as out:
            for o in self.offers():
                record = {
                    "offer": o.offer_id,
                    "source": o.source,
                    "model_version": o.model_version,
                    "vocab_version": o.vocab_version,
                    "state_tokens": o.state_tokens,
                    "candidate_tokens": o.candidate_tokens,
                    "log_probs": o.log_probs,
                    "kinds": o.kinds,
                    "outcome": o.outcome,
                    "chosen": o.chosen,
                    "reward": o.reward,
                    "decisions": [
                        {"kind": k, "index": i} for k, i in decisions.get(o.offer_id, [])
                    ],
                }
                out.write(json.dumps(record) + "\n")
                n += 1
        return n

    def integrity_ok(self) -> bool:
        return self._rows("PRAGMA integrity_check")[0][0] == "ok"


def _outcome(decisions: list[tuple[str, int | None]]) -> tuple[int | None, str]:
    """An accept wins over anything; else the latest explicit rejection; else superseded."""
    for kind, idx in reversed(decisions):
        if kind == "accept":
            return idx, "accepted"
    for kind, idx in reversed(decisions):
        if kind == "reject":
            return idx, "rejected"
    if decisions:
        return None, "superseded"
    return None, "pending"


def _is_locked(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _locked_message(path: Path) -> str:
    return (
        f"the feedback database {path} stayed locked for {BUSY_TIMEOUT_MS / 1000:.0f} s by "
        "another process; feedback is not being recorded. Close the other sea-lsp process "
        "or set sea.feedbackPath to another file."
    )
