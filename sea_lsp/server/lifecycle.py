"""``initialize``, ``initialized``, configuration, ``shutdown`` and ``exit``.

``initialize`` answers at once: the model (and torch) load in a background thread that
starts on ``initialized``. Settings come from initializationOptions, then from the
``sea`` section of ``workspace/configuration`` (pulled on ``initialized`` and on every
``workspace/didChangeConfiguration``); invalid settings are shown and the previous kept.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp

from sea_lsp.config import Settings, SettingsError
from sea_lsp.model_store import LoadedModel, ModelHolder
from sea_lsp.sandbox import isolation
from sea_lsp.server.status import notify_status
from sea_lsp.server.warmup import load_and_warm
from sea_lsp.workspace.folders import Folder, FolderSet, path_of_uri

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


def _roots(params: lsp.InitializeParams) -> list[Path]:
    """Every local workspace folder the client names (else its rootUri or rootPath); an
    empty list for a session with no root, whose files are served in single-file mode."""
    uris = [f.uri for f in params.workspace_folders or ()] or [params.root_uri]
    roots = [path for path in map(path_of_uri, uris) if path is not None]
    if not roots and params.root_path:
        roots = [Path(params.root_path)]
    return roots


def _capability(obj: Any, *names: str) -> Any:
    for name in names:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def initialize(ls: SeaServer, params: lsp.InitializeParams) -> None:
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
    message = apply_sandbox_settings(st.settings)
    if message:
        ls.pending_messages.append(message)
    st.folders = FolderSet(st.settings.max_file_bytes, st.position_encoding)
    roots = _roots(params)
    for root in roots:
        st.folders.add(root)
    message = st.open_feedback()
    if message:
        ls.pending_messages.append(message)
    st.models = ModelHolder(
        st.settings, on_change=lambda loaded: _model_changed(ls, loaded), loader=load_and_warm
    )
    logger.info(
        "sea-lsp serving {} (positions {}, trusted={})",
        ", ".join(map(str, roots)) or "no root: every file in single-file mode",
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
    """Ask for the ``sea`` section: the session's, then each folder's own (scoped to its
    URI: VS Code answers per-folder settings and trust there)."""
    if not ls.state.supports_configuration:
        return
    folders = list(ls.state.folders)
    items = [lsp.ConfigurationItem(section="sea")]
    items += [lsp.ConfigurationItem(scope_uri=f.uri, section="sea") for f in folders]
    try:
        result = await ls.workspace_configuration_async(lsp.ConfigurationParams(items=items))
    except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps init options
        logger.info("workspace/configuration failed: {}", exc)
        return
    result = list(result or [])
    apply_settings(ls, result[0] if result else None)
    # a client that answers fewer items leaves the rest on the session's settings
    for folder, raw in zip(folders, result[1:], strict=False):
        apply_folder_settings(ls, folder, raw)


def apply_folder_settings(ls: SeaServer, folder: Folder, raw: Any) -> None:
    """``folder``'s own settings: the session's overlaid with what the client answered for
    that folder; None (the session's) where they are the same or the answer is unusable."""
    st = ls.state
    own = None
    if isinstance(raw, dict):
        try:
            new = st.base_settings.merged({k: v for k, v in raw.items() if v is not None})
        except SettingsError as exc:
            ls.show(f"sea-lsp: settings of {folder.root}: {exc}; using the session's", warning=True)
        else:
            own = None if new == st.base_settings else new
    if own != folder.settings:
        trusted = (own or st.base_settings).trusted
        logger.info("settings of folder {} changed (trusted={})", folder.root, trusted)
    folder.settings = own


def did_change_workspace_folders(
    ls: SeaServer, params: lsp.DidChangeWorkspaceFoldersParams
) -> None:
    """Serve the folders the client added, stop serving those it removed. Synchronous, so
    a ``didOpen`` the client sends right after is handled with the folders as they now are
    (an async handler ran after it: the file was served as a single-file folder, and the
    same folder added a moment later only changed its mode); the settings follow."""
    st = ls.state
    for removed in params.event.removed or ():
        path = path_of_uri(removed.uri)
        if path is not None:
            st.folders.remove(path)
    for added in params.event.added or ():
        path = path_of_uri(added.uri)
        if path is None:
            logger.info("not serving workspace folder {}: not a file:// URI", added.uri)
            continue
        st.folders.add(path)
    if ls.loop is not None:
        ls.loop.create_task(pull_configuration(ls))
    notify_status(ls)


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
    if new == st.base_settings:
        return
    old = st.base_settings
    st.base_settings = new
    st.folders.set_limits(new.max_file_bytes)
    message = st.open_feedback()
    if message:
        ls.show_once(message)
    st.models.set_settings(new)
    message = apply_sandbox_settings(new)
    if message:
        ls.show_once(message)
    if new.log_level != old.log_level:
        logger.info("log level setting is now {} (applies on restart)", new.log_level)
    logger.info("settings changed (trusted={})", new.trusted)
    notify_status(ls)


def apply_sandbox_settings(settings: Settings) -> str | None:
    """``sandbox.require``/``sandbox.network`` for every test run; where tests may run
    (trusted) but the OS cannot isolate them, the line to show once."""
    isolation.set_policy(settings.sandbox_require, settings.sandbox_network)
    if settings.trusted and not isolation.support().available:
        return f"sea-lsp: {isolation.describe()} (see `sea-lsp doctor`)"
    return None


async def did_change_configuration(ls: SeaServer, params: lsp.DidChangeConfigurationParams) -> None:
    if ls.state.supports_configuration:
        await pull_configuration(ls)
        return
    settings = params.settings
    if isinstance(settings, dict):
        apply_settings(ls, settings.get("sea", settings))


def shutdown(ls: SeaServer, params: Any) -> None:
    from sea_lsp.server.documents import flush_superseded
    from sea_lsp.server.lightbulb import stop_all

    ls.state.shutdown_requested = True
    flush_superseded(ls)
    stop_all(ls)  # background proofs end, and close their sandbox workers, before exit
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
