"""What the server remembers between requests: settings, the workspace, the feedback
store, the model, and the offers still waiting for a decision."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from sea_lsp.config import Settings
from sea_lsp.feedback.store import FeedbackError, FeedbackStore
from sea_lsp.model_store import ModelHolder
from sea_lsp.paths import feedback_db_path

if TYPE_CHECKING:
    from sea_lsp.actions.base import Candidate
    from sea_lsp.workspace.workspace import Workspace

MAX_PENDING_OFFERS = 500
SUPERSEDE_GRACE_S = 2.0


@dataclass
class PendingOffer:
    """An offer whose candidates the server still holds (for resolve, accept, supersede)."""

    offer_id: str
    path: str | None
    version: int | None
    candidates: list[Candidate]
    decided: bool = False
    stale_since: float | None = None  # monotonic time a newer document version arrived


@dataclass
class ServerState:
    settings: Settings = field(default_factory=Settings)
    workspace: Workspace | None = None
    position_encoding: str = "utf-16"
    feedback: FeedbackStore | None = None
    feedback_error: str | None = None
    models: ModelHolder | None = None
    offers: OrderedDict[str, PendingOffer] = field(default_factory=OrderedDict)
    task_running: bool = False
    task_choice: dict[str, int] = field(default_factory=dict)  # task offer -> proposal index
    test_diagnostics_paths: set[str] = field(default_factory=set)
    symbols: Any = None  # sea_lsp.workspace.symbols.SymbolIndex over the workspace
    train_process: Any = None  # subprocess.Popen of a background ``sea-lsp train``
    train_log: str | None = None
    shutdown_requested: bool = False  # ``exit`` then returns 0, else 1
    supports_work_done: bool = False
    supports_show_document: bool = False
    supports_configuration: bool = False
    # The client fills a code action's edit with ``codeAction/resolve`` (VS Code, Neovim):
    # lists then carry no edits, and only the chosen action's edit is computed.
    resolves_edits: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- feedback ------------------------------------------------------------------------
    def open_feedback(self) -> str | None:
        """(Re)open the feedback store for the current settings; returns a message to show."""
        path = Path(self.settings.feedback_path or feedback_db_path()).expanduser()
        if self.feedback is not None and self.feedback.path == path:
            self.feedback.store_source_text = self.settings.store_source_text
            return None
        if self.feedback is not None:
            self.feedback.close()
            self.feedback = None
        try:
            self.feedback = FeedbackStore(path, store_source_text=self.settings.store_source_text)
        except (FeedbackError, OSError) as exc:
            self.feedback_error = f"sea-lsp cannot record feedback, and serves without it: {exc}"
            logger.error(self.feedback_error)
            return self.feedback_error
        self.feedback_error = None
        return self.feedback.warning

    def record(self, what: str, *args: Any) -> str | None:
        """Call ``FeedbackStore.<what>``; a failure is logged and returned as a message,
        never raised: the server keeps serving without feedback."""
        if self.feedback is None:
            return self.feedback_error or "sea-lsp: the feedback database is not open"
        try:
            getattr(self.feedback, what)(*args)
        except FeedbackError as exc:
            logger.error("feedback {} failed: {}", what, exc)
            return str(exc)
        return None

    # --- offers --------------------------------------------------------------------------
    def remember(self, offer: PendingOffer) -> None:
        with self.lock:
            self.offers[offer.offer_id] = offer
            while len(self.offers) > MAX_PENDING_OFFERS:
                self.offers.popitem(last=False)

    def mark_stale(self, path: str, version: int | None) -> None:
        """A newer version of ``path`` arrived: its older offers start their grace period."""
        now = time.monotonic()
        with self.lock:
            for o in self.offers.values():
                if o.path == path and o.version != version and o.stale_since is None:
                    o.stale_since = now

    def take_superseded(self) -> list[str]:
        """Offers stale for longer than the grace period with no decision: drop and return them.

        The grace period exists because a client applies an accepted edit (a didChange)
        before it sends ``sea.accept``."""
        cutoff = time.monotonic() - SUPERSEDE_GRACE_S
        with self.lock:
            gone = [
                o.offer_id
                for o in self.offers.values()
                if o.stale_since is not None and o.stale_since < cutoff and not o.decided
            ]
            for offer_id in gone:
                del self.offers[offer_id]
        return gone
