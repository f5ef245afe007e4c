"""Which model the server ranks with, and where published checkpoints live.

``checkpoints_dir()/<version>/`` holds each published checkpoint; the ``CURRENT`` file
names the newest (replaced atomically). Choice order: an explicit ``settings.checkpoint``,
the newest published, the embedded default, and only when no embedded default ships yet a
fresh model with seed 0 (logged as untrained). A checkpoint that fails to load falls back
to the embedded default with a message the server shows.

torch is imported only inside functions: ``ModelHolder`` loads in a background thread so
``initialize`` answers at once.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from sea_lsp import paths
from sea_lsp.config import Settings

if TYPE_CHECKING:
    from model.agent_model import AgentModel

RELOAD_CHECK_INTERVAL_S = 1.0


def current_file() -> Path:
    return paths.checkpoints_dir() / "CURRENT"


def current_path() -> Path | None:
    """The directory of the newest published checkpoint, or None."""
    try:
        name = current_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        logger.warning("ignoring {}: it does not name a checkpoint directory", current_file())
        return None
    target = paths.checkpoints_dir() / name
    return target if target.is_dir() else None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def publish(model: AgentModel, meta: dict[str, Any] | None = None) -> str:
    """Save ``model`` as a new published checkpoint and make it CURRENT; returns its version."""
    import json

    from model.checkpoint import save_checkpoint

    meta = dict(meta or {})
    version = str(meta.get("version") or f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}")
    if "/" in version or version in (".", ".."):
        raise ValueError(f"checkpoint version {version!r} cannot be a directory name")
    root = paths.checkpoints_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / version
    save_checkpoint(model, target)
    meta.setdefault("published", time.time())
    _write_atomic(target / "published.json", json.dumps(meta, indent=2, default=str))
    _write_atomic(current_file(), version + "\n")
    logger.info("published checkpoint {} at {}", version, target)
    return version


def _has_checkpoint(directory: Path) -> bool:
    return directory.is_dir() and any(directory.glob("*.safetensors"))


@dataclass
class LoadedModel:
    model: AgentModel
    source: str  # "explicit" | "published" | "default" | "untrained"
    path: Path | None
    messages: list[str] = field(default_factory=list)  # for the user (window/showMessage)


def load_model(settings: Settings) -> LoadedModel:
    """Load the model ``settings`` asks for, falling back as the module docstring says."""
    from sea_lsp.encoding.vocab import VOCAB_VERSION

    messages: list[str] = []
    try:
        from model.checkpoint import CheckpointError, load_checkpoint
    except ImportError as exc:  # a broken install: rank with a fresh model rather than not at all
        msg = f"sea-lsp cannot read checkpoints ({exc}); reinstall sea-lsp"
        logger.error(msg)
        return _untrained([msg], VOCAB_VERSION)
    tries: list[tuple[str, Path]] = []
    if settings.checkpoint:
        tries.append(("explicit", Path(settings.checkpoint).expanduser()))
    else:
        published = current_path()
        if published is not None:
            tries.append(("published", published))
    for source, path in tries:
        try:
            model = load_checkpoint(path, expected_vocab_version=VOCAB_VERSION)
        except (CheckpointError, OSError, ValueError) as exc:
            msg = f"sea-lsp could not load the checkpoint {path} ({exc}); using the default model."
            logger.warning(msg)
            messages.append(msg)
            continue
        logger.info("model {} loaded from {} ({})", model.version, path, source)
        return LoadedModel(model, source, path, messages)
    default = paths.DEFAULT_MODEL_DIR
    if _has_checkpoint(default):
        try:
            model = load_checkpoint(default, expected_vocab_version=VOCAB_VERSION)
            logger.info("model {} loaded from the embedded default", model.version)
            return LoadedModel(model, "default", default, messages)
        except (CheckpointError, OSError, ValueError) as exc:
            msg = f"the embedded default model {default} failed to load ({exc}); reinstall sea-lsp"
            logger.error(msg)
            messages.append(msg)
    return _untrained(messages, VOCAB_VERSION)


def _untrained(messages: list[str], vocab_version: str) -> LoadedModel:
    from model.agent_model import AgentModel
    from model.networks import NetworkConfig

    model = AgentModel.create(NetworkConfig(), seed=0, vocab_version=vocab_version)
    logger.warning("no trained checkpoint found: ranking with an untrained model (seed 0)")
    return LoadedModel(model, "untrained", None, messages)


def load_current(settings: Settings) -> AgentModel:
    """The model to rank with (see ``load_model`` for the order)."""
    return load_model(settings).model


class ModelHolder:
    """Owns the ranking model: loads it in the background, hot-reloads a newer CURRENT.

    ``on_change(loaded)`` runs (on the loader thread) after each load, for ``sea/status``.
    """

    def __init__(
        self,
        settings: Settings,
        on_change: Callable[[LoadedModel], None] | None = None,
        loader: Callable[[Settings], LoadedModel] = load_model,
    ) -> None:
        self.settings = settings
        self._on_change = on_change
        self._loader = loader
        self._loaded: LoadedModel | None = None
        self._lock = threading.Lock()
        self._loading = False
        self._last_check = 0.0
        self._current_mtime = self._stamp()
        self.error: str | None = None

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    @property
    def loaded(self) -> LoadedModel | None:
        return self._loaded

    @property
    def version(self) -> str | None:
        return None if self._loaded is None else str(self._loaded.model.version)

    def start(self) -> None:
        """Begin loading in a background thread (returns at once)."""
        self._spawn(self.settings)

    def set_settings(self, settings: Settings) -> None:
        """New settings: reload when the checkpoint choice changed."""
        changed = settings.checkpoint != self.settings.checkpoint
        self.settings = settings
        if changed:
            self._spawn(settings)

    def get(self) -> AgentModel | None:
        """The current model, or None while the first load runs; checks for a newer CURRENT."""
        now = time.monotonic()
        if now - self._last_check >= RELOAD_CHECK_INTERVAL_S:
            self._last_check = now
            stamp = self._stamp()
            if stamp != self._current_mtime and not self.settings.checkpoint:
                self._current_mtime = stamp
                logger.info("a newer published checkpoint appeared; reloading")
                self._spawn(self.settings)
        loaded = self._loaded
        return None if loaded is None else loaded.model

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a model is loaded (tests, benchmarks, tasks); True if ready."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._loaded is None and (self._loading or self.error is None):
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return self._loaded is not None

    def _stamp(self) -> float | None:
        try:
            return current_file().stat().st_mtime_ns
        except OSError:
            return None

    def _spawn(self, settings: Settings) -> None:
        with self._lock:
            if self._loading:
                return
            self._loading = True
        threading.Thread(target=self._load, args=(settings,), name="sea-model", daemon=True).start()

    def _load(self, settings: Settings) -> None:
        try:
            loaded = self._loader(settings)
        except Exception as exc:  # noqa: BLE001 - a broken install must not take the server down
            logger.exception("loading the model failed")
            self.error = f"sea-lsp could not load any model ({exc}); code actions stay unranked"
            return
        finally:
            with self._lock:
                self._loading = False
        self._loaded = loaded
        self.error = None
        if self._on_change is not None:
            try:
                self._on_change(loaded)
            except Exception:  # noqa: BLE001
                logger.exception("model change callback failed")
