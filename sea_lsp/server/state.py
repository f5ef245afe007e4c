"""What the server remembers between requests: settings, the workspace, the feedback
store, the model, and the offers still waiting for a decision."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from sea_lsp.config import Settings
from sea_lsp.feedback.store import FeedbackError, FeedbackStore
from sea_lsp.model_store import ModelHolder
from sea_lsp.paths import feedback_db_path
from sea_lsp.workspace.folders import Folder, FolderSet

if TYPE_CHECKING:
    from sea_lsp.actions.base import Candidate
    from sea_lsp.workspace.workspace import Workspace

MAX_PENDING_OFFERS = 500
SUPERSEDE_GRACE_S = 2.0

# The folder the current request works in (set by the router per request; asyncio tasks and
# ``asyncio.to_thread`` workers inherit it). Unset: the primary folder.
_ACTIVE: ContextVar[Folder | None] = ContextVar("sea_active_folder", default=None)


@dataclass
class PendingOffer:
    """An offer whose candidates the server still holds (for resolve, accept, supersede)."""

    offer_id: str
    path: str | None
    version: int | None
    candidates: list[Candidate]
    decided: bool = False
    stale_since: float | None = None  # monotonic time a newer document version arrived
    source_text: str | None = None  # the document's text the offer was made on


@dataclass
class ServerState:
    # the session's settings; a folder with its own (workspace/configuration scoped to it)
    # overrides them while a request works in that folder: see ``settings``
    base_settings: Settings = field(default_factory=Settings)
    folders: FolderSet = field(default_factory=FolderSet)
    offer_folders: dict[str, Folder] = field(default_factory=dict)  # offer id -> its folder
    position_encoding: str = "utf-16"
    feedback: FeedbackStore | None = None
    feedback_error: str | None = None
    models: ModelHolder | None = None
    offers: OrderedDict[str, PendingOffer] = field(default_factory=OrderedDict)
    task_running: bool = False
    task_choice: dict[str, int] = field(default_factory=dict)  # task offer -> proposal index
    train_process: Any = None  # subprocess.Popen of a background ``sea-lsp train``
    train_log: str | None = None
    shutdown_requested: bool = False  # ``exit`` then returns 0, else 1
    supports_work_done: bool = False
    supports_show_document: bool = False
    supports_configuration: bool = False
    # The client fills a code action's edit with ``codeAction/resolve`` (VS Code, Neovim):
    # lists then carry no edits, and only the chosen action's edit is computed.
    resolves_edits: bool = False
    # per open document (workspace root, path): its typing burst (``sea_lsp.server.bursts``)
    bursts: dict[tuple[str, str], Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- folders -------------------------------------------------------------------------
    @property
    def folder(self) -> Folder | None:
        """The folder of the current request, else the primary folder (None: none yet)."""
        return _ACTIVE.get() or self.folders.primary

    @property
    def workspace(self) -> Workspace | None:
        folder = self.folder
        return folder.workspace if folder is not None else None

    @property
    def symbols(self) -> Any:
        """The ``SymbolIndex`` of the current folder's workspace."""
        folder = self.folder
        return folder.symbols if folder is not None else None

    @property
    def settings(self) -> Settings:
        folder = self.folder
        if folder is not None and folder.settings is not None:
            return folder.settings
        return self.base_settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.base_settings = value

    @property
    def test_diagnostics_paths(self) -> set[str]:
        """The paths of the current folder that carry test diagnostics (each folder's
        test runs replace only its own)."""
        folder = self.folder
        return folder.test_diagnostics_paths if folder is not None else set()

    @test_diagnostics_paths.setter
    def test_diagnostics_paths(self, paths: set[str]) -> None:
        folder = self.folder
        if folder is not None:
            folder.test_diagnostics_paths = paths

    def folder_for_uri(self, uri: str | None, create: bool = True) -> Folder | None:
        """The folder that serves ``uri`` (a single-file folder is made for a file outside
        every folder when ``create``); None for a URI that names no local file."""
        return self.folders.for_uri(uri, create=create)

    def workspace_for(self, uri: str | None) -> Workspace | None:
        """The workspace of the document ``uri``, else the current one."""
        folder = self.folder_for_uri(uri)
        return folder.workspace if folder is not None else self.workspace

    @contextmanager
    def active(self, folder: Folder | None) -> Iterator[None]:
        """Work in ``folder`` (``workspace``, ``symbols``, ``settings`` are its) inside."""
        token = _ACTIVE.set(folder)
        try:
            yield
        finally:
            _ACTIVE.reset(token)

    def activate(self, folder: Folder | None) -> None:
        """Work in ``folder`` for the rest of the current asyncio task."""
        _ACTIVE.set(folder)

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
            folder = _ACTIVE.get()
            if folder is not None:
                self.offer_folders[offer.offer_id] = folder
            while len(self.offers) > MAX_PENDING_OFFERS:
                gone, _ = self.offers.popitem(last=False)
                self.offer_folders.pop(gone, None)

    def mark_stale(self, path: str, version: int | None) -> None:
        """A newer version of ``path`` arrived: its older offers start their grace period."""
        now = time.monotonic()
        folder = _ACTIVE.get()  # the same relative path in another folder is another file
        with self.lock:
            for o in self.offers.values():
                if o.path != path or o.version == version or o.stale_since is not None:
                    continue
                if folder is None or self.offer_folders.get(o.offer_id, folder) is folder:
                    o.stale_since = now

    def take_superseded(self) -> list[PendingOffer]:
        """Offers stale for longer than the grace period with no decision: drop and return them.

        The grace period exists because a client applies an accepted edit (a didChange)
        before it sends ``sea.accept``."""
        cutoff = time.monotonic() - SUPERSEDE_GRACE_S
        with self.lock:
            gone = [
                o
                for o in self.offers.values()
                if o.stale_since is not None and o.stale_since < cutoff and not o.decided
            ]
            for o in gone:
                del self.offers[o.offer_id]
                self.offer_folders.pop(o.offer_id, None)
        return gone
