"""The route table: which module answers which LSP method or ``sea.*`` command, and the one
place where a handler's failure becomes an answer the client understands.

A handler raises ``JsonRpcException``s it means (InvalidParams, a user-facing error); the
router turns every other exception into one logged, user-readable RequestFailed answer, so
no handler repeats that and no request takes the server down.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from sea_lsp.server import code_actions, commands, diagnostics, documents, lifecycle, run_task
from sea_lsp.server.args import one_object

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
    Route(lsp.SHUTDOWN, lifecycle.shutdown),
    Route(lsp.EXIT, lifecycle.exit_),
    Route(lsp.TEXT_DOCUMENT_DID_OPEN, documents.did_open),
    Route(lsp.TEXT_DOCUMENT_DID_CHANGE, documents.did_change),
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


def guarded(route: Route) -> Callable[..., Any]:
    """``route.handler`` wrapped so that its failures are answered by ``failure``."""
    handler = route.handler

    def params_of(args: tuple[Any, ...]) -> Any:
        return one_object(route.method, args) if route.command else args[0]

    if inspect.iscoroutinefunction(handler):

        async def run_async(ls, *args):  # unannotated: pygls resolves a handler's hints
            try:
                return await handler(ls, params_of(args))
            except Exception as exc:  # noqa: BLE001 - the one place requests fail
                raise failure(ls, route.method, exc) from exc

        run_async.__name__ = handler.__name__
        return run_async

    def run(ls, *args):
        try:
            if route.latency_sensitive:
                with ls.collector_deferred():
                    return handler(ls, params_of(args))
            return handler(ls, params_of(args))
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
