"""Work-done progress for long commands: begin/report/end with a percentage and a message,
and one ``threading.Event`` that is set when the user cancels (the progress's cancel button
or ``$/cancelRequest`` for the command)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import Future
from typing import TYPE_CHECKING

from loguru import logger
from lsprotocol import types as lsp

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer


class Progress:
    """``async with Progress(ls, title) as report: report(percent, message)``; ``.cancel``."""

    def __init__(self, ls: SeaServer, title: str, cancellable: bool = True) -> None:
        self.ls = ls
        self.title = title
        self.cancellable = cancellable
        self.cancel = threading.Event()
        self.token: str | None = None

    async def __aenter__(self) -> Progress:
        ls = self.ls
        request = ls.protocol._request_futures.get(ls.protocol.msg_id)
        if request is not None:
            request.add_done_callback(lambda f: f.cancelled() and self.cancel.set())
        if ls.state.supports_work_done:
            token = f"sea-{uuid.uuid4().hex}"
            # The token is registered before it is offered: a client knows it from the
            # create request on, and a cancel it sends before the server has read the
            # answer to that request must not be ignored as "unknown token".
            tokens = ls.work_done_progress.tokens
            cancelled: Future = Future()
            cancelled.add_done_callback(lambda f: f.cancelled() and self.cancel.set())
            tokens[token] = cancelled
            try:
                await ls.protocol.send_request_async(
                    lsp.WINDOW_WORK_DONE_PROGRESS_CREATE,
                    lsp.WorkDoneProgressCreateParams(token=token),
                )
                self.token = token
            except Exception as exc:  # noqa: BLE001 - progress is a nicety; the work goes on
                tokens.pop(token, None)
                logger.info("client refused a progress token: {}", exc)
        if self.token is not None:
            ls.work_done_progress.begin(
                self.token,
                lsp.WorkDoneProgressBegin(
                    title=self.title, cancellable=self.cancellable, percentage=0
                ),
            )
        return self

    def __call__(self, percentage: float, message: str) -> None:
        """Report progress (safe from any thread)."""
        if self.token is None:
            return
        value = lsp.WorkDoneProgressReport(
            message=message,
            percentage=int(max(0, min(100, percentage))),
            cancellable=self.cancellable,
        )
        self.ls.call_in_loop(self.ls.work_done_progress.report, self.token, value)

    async def __aexit__(self, *exc: object) -> None:
        if self.token is None:
            return
        message = "cancelled" if self.cancel.is_set() else "done"
        self.ls.work_done_progress.end(self.token, lsp.WorkDoneProgressEnd(message=message))
        self.ls.work_done_progress.tokens.pop(self.token, None)
