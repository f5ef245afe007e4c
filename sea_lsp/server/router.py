"""The route table: which module answers which LSP method or ``sea.*`` command, and the one
place where a handler's failure becomes an answer the client understands.

A handler raises ``JsonRpcException``s it means (InvalidParams, a user-facing error); the
router turns every other exception into one logged, user-readable RequestFailed answer, so
no handler repeats that and no request takes the server down.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from sea_lsp.server import (
    code_actions,
    commands,
    diagnostics,
    documents,
    idle,
    lifecycle,
    run_task,
)
from sea_lsp.server.args import bad, one_object
from sea_lsp.workspace.folders import Folder, path_of_uri

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

CODE_ACTION_KINDS = [lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite, "source.sea"]


@dataclass(frozen=True)
class Route:
    """``method`` (an LSP method or a ``sea.*`` command) answered by ``handler(ls, params)``;
    a command's handler gets its one object argument."""

    method: str
    handler: Callable[..., Any]
    options: Any = None
    command: bool = False
    latency_sensitive: bool = False  # run with the garbage collector deferred


ROUTES = (
    Route(lsp.INITIALIZE, lifecycle.initialize),
    Route(lsp.INITIALIZED, lifecycle.initialized),
    Route(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION, lifecycle.did_change_configuration),
    Route(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, lifecycle.did_change_workspace_folders),
    Route(lsp.SHUTDOWN, lifecycle.shutdown),
    Route(lsp.EXIT, lifecycle.exit_),
    Route(lsp.TEXT_DOCUMENT_DID_OPEN, documents.did_open),
    Route(lsp.TEXT_DOCUMENT_DID_CHANGE, idle.did_change),
    Route(lsp.TEXT_DOCUMENT_DID_CLOSE, documents.did_close),
    Route(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        code_actions.code_action,
        lsp.CodeActionOptions(code_action_kinds=CODE_ACTION_KINDS, resolve_provider=True),
        latency_sensitive=True,
    ),
    Route(lsp.CODE_ACTION_RESOLVE, code_actions.resolve),
    Route("sea.accept", commands.accept, command=True),
    Route("sea.reject", commands.reject, command=True),
    Route("sea.status", commands.sea_status, command=True),
    Route("sea.train", commands.train, command=True),
    Route("sea.moreSuggestions", commands.more_suggestions, command=True),
    Route("sea.applySuggestion", commands.apply_suggestion, command=True),
    Route("sea.runTests", diagnostics.run_tests, command=True),
    Route("sea.runTask", run_task.run_task, command=True),
    Route("sea.fixFailingTests", run_task.fix_failing_tests, command=True),
)


def failure(ls: SeaServer, method: str, exc: BaseException) -> JsonRpcException:
    """The answer to a handler's unexpected failure: logged with its traceback, and told
    to the user in words that say what to do."""
    if isinstance(exc, JsonRpcException):
        return exc
    logger.opt(exception=exc).error("{} failed", method)
    return ls.user_error(
        f"sea-lsp could not answer {method}: {type(exc).__name__}: {exc}. The server keeps "
        "running; the log (sea-lsp --log-file) has the details."
    )


# commands that work in a folder, and cannot without one
NEEDS_FOLDER = frozenset({"sea.runTests", "sea.runTask", "sea.fixFailingTests"})


def folder_of(ls: SeaServer, method: str, params: Any) -> Folder | None:
    """The folder a request works in: that of its document (``textDocument.uri``, a
    command's ``uri``), of the offer it decides, or the ``folder`` a command names. A file
    outside every folder gets its single-file folder. None: the primary folder."""
    st = ls.state
    if method in (lsp.INITIALIZE, lsp.INITIALIZED, lsp.SHUTDOWN, lsp.EXIT):
        return None
    data = params if isinstance(params, dict) else getattr(params, "data", None)
    offer = data.get("offer") if isinstance(data, dict) else None
    if isinstance(offer, str) and offer in st.offer_folders:
        return st.offer_folders[offer]
    if isinstance(params, dict):
        folder = params.get("folder")
        if isinstance(folder, str):
            return _named_folder(ls, folder)
        uri = params.get("uri")
    else:
        uri = getattr(getattr(params, "text_document", None), "uri", None)
    if not isinstance(uri, str):
        return None
    try:
        return st.folder_for_uri(uri, create=method != lsp.TEXT_DOCUMENT_DID_CLOSE)
    except (OSError, ValueError) as exc:  # a URI no file system takes: the handler says so
        logger.info("no folder for {!r}: {}", uri, exc)
        return None


def _named_folder(ls: SeaServer, uri: str) -> Folder:
    path = path_of_uri(uri)
    folder = ls.state.folders.get(path) if path is not None else None
    if folder is None:
        served = ", ".join(f.uri for f in ls.state.folders) or "none"
        raise bad(f"'folder' {uri!r} is not a folder this session serves (served: {served})")
    return folder


@contextmanager
def working_in(ls: SeaServer, route: Route, params: Any) -> Iterator[None]:
    """Run a request in its folder; a folder new to the session gets its settings pulled."""
    st = ls.state
    before = len(st.folders)
    folder = folder_of(ls, route.method, params)
    if folder is None and route.method in NEEDS_FOLDER and st.folder is None:
        raise ls.user_error(
            f"{route.method}: sea-lsp serves no folder yet; open a file of the project, or "
            "pass its 'uri' (or a workspace 'folder')"
        )
    if len(st.folders) > before and st.supports_configuration and ls.loop is not None:
        ls.loop.create_task(lifecycle.pull_configuration(ls))
    with st.active(folder):
        yield


def guarded(route: Route) -> Callable[..., Any]:
    """``route.handler`` wrapped so that its failures are answered by ``failure``."""
    handler = route.handler

    def params_of(args: tuple[Any, ...]) -> Any:
        return one_object(route.method, args) if route.command else args[0]

    if inspect.iscoroutinefunction(handler):

        async def run_async(ls, *args):  # unannotated: pygls resolves a handler's hints
            try:
                params = params_of(args)
                with working_in(ls, route, params):
                    return await handler(ls, params)
            except Exception as exc:  # noqa: BLE001 - the one place requests fail
                raise failure(ls, route.method, exc) from exc

        run_async.__name__ = handler.__name__
        return run_async

    def run(ls, *args):
        try:
            params = params_of(args)
            with working_in(ls, route, params):
                if route.latency_sensitive:
                    with ls.collector_deferred():
                        return handler(ls, params)
                return handler(ls, params)
        except Exception as exc:  # noqa: BLE001 - the one place requests fail
            raise failure(ls, route.method, exc) from exc

    run.__name__ = handler.__name__
    return run


def register(server: SeaServer, routes: tuple[Route, ...] = ROUTES) -> None:
    """Register every route on ``server`` through ``guarded``."""
    for route in routes:
        fn = guarded(route)
        if route.command:
            server.command(route.method)(fn)
        elif route.options is not None:
            server.feature(route.method, route.options)(fn)
        else:
            server.feature(route.method)(fn)
