"""The sea-lsp language server: routes only. Each request family lives in its own module
(``lifecycle``, ``documents``, ``code_actions``, ``commands``, ``diagnostics``, ``run_task``,
``status``) and ``router`` maps methods to them; the agent's work lives in the agent and the action generators.

Position encoding: pygls takes the client's first offered encoding it knows (utf-8,
utf-16 or utf-32; utf-16 when the client offers none). ``LineIndex`` handles all three.
"""

from __future__ import annotations

import asyncio
import gc
import os
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from loguru import logger
from lsprotocol import types as lsp
from pygls.exceptions import FeatureNotificationError, JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol.language_server import LanguageServerProtocol, lsp_method

from sea_lsp import __version__
from sea_lsp.server import router, wire
from sea_lsp.server.progress import Progress
from sea_lsp.server.state import ServerState

REQUEST_FAILED = -32803


class SeaProtocol(LanguageServerProtocol):
    """pygls' protocol without pygls' own copy of every open document: the server keeps its
    documents (text, line index, tree) in its ``Workspace``, and pygls' copy cost a split of
    the whole text into lines on every keystroke (and the memory of a second copy)."""

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> Any:
        yield from self._to_server(lsp.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        yield from self._to_server(lsp.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams) -> Any:
        yield from self._to_server(lsp.TEXT_DOCUMENT_DID_CLOSE, params)

    def _to_server(self, method: str, params: Any) -> Iterator[Any]:
        """Hand the notification to the server's own handler, as pygls' built-in does."""
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None


class SeaServer(LanguageServer):
    """A pygls server with sea-lsp's state and a few thread-safe conveniences."""

    def __init__(self) -> None:
        super().__init__(
            "sea-lsp",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=SeaProtocol,
        )
        self.state = ServerState()
        self.init_options: dict[str, Any] = {}
        self.pending_messages: list[str] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self._shown: set[str] = set()
        self.exit_code = 0  # what ``sea-lsp serve`` returns (``lifecycle.exit`` sets it)

    def call_in_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on the server's event loop (messages must not be written from
        worker threads concurrently)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    @contextmanager
    def collector_deferred(self) -> Iterator[None]:
        """Run a latency-sensitive request with the cyclic garbage collector off, and
        collect the young generations once the response is out (the event loop runs the
        collection next, while the client reads the answer). A collection that lands in
        the middle of a code-action request costs up to a millisecond otherwise."""
        loop = self.loop
        if not gc.isenabled() or loop is None or loop.is_closed():
            yield
            return
        gc.disable()
        try:
            yield
        finally:
            loop.call_soon(_collect_young)

    def show(self, message: str, warning: bool = False) -> None:
        kind = lsp.MessageType.Warning if warning else lsp.MessageType.Info
        self.call_in_loop(
            self.window_show_message, lsp.ShowMessageParams(type=kind, message=message)
        )

    def show_once(self, message: str) -> None:
        """Show a problem once per session (e.g. a locked database on every request)."""
        if message not in self._shown:
            self._shown.add(message)
            self.show(message, warning=True)

    def user_error(self, message: str) -> JsonRpcException:
        """An error response whose message is meant for the user."""
        return JsonRpcException(message=message, code=REQUEST_FAILED)

    def progress(self, title: str, cancellable: bool = True) -> Progress:
        return Progress(self, title, cancellable)

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """Serve over stdio. When stdin is a pipe or socket (as every editor starts a
        server) it is read by the event loop itself: pygls reads through a worker thread,
        three thread hand-offs per message, a few tenths of a millisecond of every request."""
        stdin = stdin or sys.stdin.buffer
        if not _is_stream(stdin):
            super().start_io(stdin, stdout)
            return
        from pygls.io_ import StdoutWriter

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self._serve_stream(stdin))
        except BrokenPipeError:
            logger.error("the connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):  # ``exit`` set ``exit_code`` first
            pass
        finally:
            self.shutdown()

    async def _serve_stream(self, stdin: Any) -> None:
        loop = asyncio.get_running_loop()
        stream = asyncio.StreamReader(limit=wire.MAX_HEADER_BYTES)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), stdin)
        await wire.serve(
            wire.WireReader(stream), self.protocol, self._stop_event, self.report_server_error
        )

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log protocol trouble; show handler failures once each, never spam the user."""
        logger.error("{}: {}", getattr(source, "__name__", source), error)
        if source is FeatureNotificationError:
            self.show_once(f"sea-lsp: {error}")


def _is_stream(f: Any) -> bool:
    """A pipe or socket the event loop can read without a thread (POSIX; Windows' stdin
    pipes are not opened for overlapped I/O, so pygls' threaded reader serves there)."""
    if os.name != "posix":
        return False
    try:
        mode = os.fstat(f.fileno()).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _collect_young() -> None:
    gc.enable()
    gc.collect(1)


def build_server() -> SeaServer:
    server = SeaServer()
    router.register(server)
    return server


def _parse_tcp(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"--tcp expects HOST:PORT (e.g. 127.0.0.1:2087), got {value!r}")
    return host or "127.0.0.1", int(port)


def main(args: Any) -> int:
    """``sea-lsp serve [--tcp HOST:PORT]``: stdio unless ``--tcp`` is given."""
    tcp = getattr(args, "tcp", None)
    server = build_server()
    if tcp:
        try:
            host, port = _parse_tcp(tcp)
        except ValueError as exc:
            print(f"sea-lsp serve: {exc}", file=sys.stderr)
            return 2
        if host not in ("127.0.0.1", "localhost", "::1"):
            logger.warning("listening on {}: anyone who can reach it can drive the agent", host)
        server.start_tcp(host, port)
    else:
        server.start_io()
    return server.exit_code
