"""``initialize``, ``initialized``, configuration, ``shutdown`` and ``exit``.

``initialize`` answers at once: the model (and torch) load in a background thread that
starts on ``initialized``. Settings come from initializationOptions, then from the
``sea`` section of ``workspace/configuration`` (pulled on ``initialized`` and on every
``workspace/didChangeConfiguration``); invalid settings are shown and the previous kept.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from loguru import logger
from lsprotocol import types as lsp

from sea_lsp.config import Settings, SettingsError
from sea_lsp.model_store import LoadedModel, ModelHolder
from sea_lsp.server.status import notify_status
from sea_lsp.server.warmup import load_and_warm

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def _root(params: lsp.InitializeParams) -> Path:
    uri = None
    if params.workspace_folders:
        uri = params.workspace_folders[0].uri
    uri = uri or params.root_uri
    if uri:
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            return Path(unquote(parsed.path))
    if params.root_path:
        return Path(params.root_path)
    return Path(os.getcwd())


def _capability(obj: Any, *names: str) -> Any:
    for name in names:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def initialize(ls: SeaServer, params: lsp.InitializeParams) -> None:
    from sea_lsp.workspace.symbols import SymbolIndex
    from sea_lsp.workspace.workspace import Workspace

    st = ls.state
    ls.loop = asyncio.get_running_loop()
    caps = params.capabilities
    st.supports_work_done = bool(_capability(caps, "window", "work_done_progress"))
    st.supports_show_document = bool(_capability(caps, "window", "show_document", "support"))
    st.supports_configuration = bool(_capability(caps, "workspace", "configuration"))
    resolvable = _capability(caps, "text_document", "code_action", "resolve_support", "properties")
    st.resolves_edits = "edit" in (resolvable or ())
    encoding = ls.workspace.position_encoding or "utf-16"
    st.position_encoding = str(getattr(encoding, "value", encoding))
    ls.init_options = (
        params.initialization_options if isinstance(params.initialization_options, dict) else {}
    )
    try:
        st.settings = Settings().merged(ls.init_options)
    except SettingsError as exc:
        ls.pending_messages.append(f"sea-lsp: invalid initializationOptions: {exc}")
    root = _root(params)
    st.workspace = Workspace(root, st.settings.max_file_bytes)
    st.workspace.position_encoding = st.position_encoding
    st.symbols = SymbolIndex(st.workspace)
    message = st.open_feedback()
    if message:
        ls.pending_messages.append(message)
    st.models = ModelHolder(
        st.settings, on_change=lambda loaded: _model_changed(ls, loaded), loader=load_and_warm
    )
    logger.info(
        "sea-lsp serving {} (positions {}, trusted={})",
        root,
        st.position_encoding,
        st.settings.trusted,
    )


def _model_changed(ls: SeaServer, loaded: LoadedModel) -> None:
    logger.info("model {} ready ({}); code actions are ranked", loaded.model.version, loaded.source)
    for message in loaded.messages:
        ls.show(message, warning=True)
    notify_status(ls)


async def initialized(ls: SeaServer, params: lsp.InitializedParams) -> None:
    ls.state.models.start()
    for message in ls.pending_messages:
        ls.show_once(message)
    ls.pending_messages.clear()
    await pull_configuration(ls)
    notify_status(ls)


async def pull_configuration(ls: SeaServer) -> None:
    if not ls.state.supports_configuration:
        return
    try:
        result = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="sea")])
        )
    except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps init options
        logger.info("workspace/configuration failed: {}", exc)
        return
    raw = result[0] if result else None
    apply_settings(ls, raw)


def apply_settings(ls: SeaServer, raw: Any) -> None:
    """Settings = initializationOptions overlaid with ``raw`` (nulls there keep the former)."""
    if raw is None:
        return
    if not isinstance(raw, dict):
        ls.show(f"sea-lsp: the 'sea' settings must be an object, got {raw!r}", warning=True)
        return
    st = ls.state
    raw = {k: v for k, v in raw.items() if v is not None}
    try:
        new = Settings().merged(ls.init_options).merged(raw)
    except SettingsError as exc:
        ls.show(f"sea-lsp: {exc}; keeping the previous settings", warning=True)
        return
    if new == st.settings:
        return
    old = st.settings
    st.settings = new
    st.workspace.max_file_bytes = new.max_file_bytes
    message = st.open_feedback()
    if message:
        ls.show_once(message)
    st.models.set_settings(new)
    if new.log_level != old.log_level:
        logger.info("log level setting is now {} (applies on restart)", new.log_level)
    logger.info("settings changed (trusted={})", new.trusted)
    notify_status(ls)


async def did_change_configuration(ls: SeaServer, params: lsp.DidChangeConfigurationParams) -> None:
    if ls.state.supports_configuration:
        await pull_configuration(ls)
        return
    settings = params.settings
    if isinstance(settings, dict):
        apply_settings(ls, settings.get("sea", settings))


def shutdown(ls: SeaServer, params: Any) -> None:
    from sea_lsp.server.documents import flush_superseded

    ls.state.shutdown_requested = True
    flush_superseded(ls)
    proc = ls.state.train_process
    if proc is not None and proc.poll() is None:
        logger.info("sea-lsp train (pid {}) keeps running after shutdown", proc.pid)


def exit_(ls: SeaServer, params: Any) -> None:
    """``exit``: pygls stops the process next; the status ``sea-lsp serve`` returns is 0
    after ``shutdown`` and 1 without one, as the LSP specification asks."""
    if ls.state.shutdown_requested:
        ls.exit_code = 0
        return
    ls.exit_code = 1
    logger.warning("exit without shutdown: sea-lsp serve exits with status 1")
