"""The LSP wire: messages framed by ``Content-Length`` headers, read off an asyncio stream,
so that no careless client can wedge the server or go unanswered.

pygls' own loop stops answering for good after one wrong ``Content-Length``: the rest of
the stream is read out of step, and every header line then starts with the tail of a body.
Here reading resynchronises on the next valid header instead:

- a header line with bytes before ``Content-Length:`` (the tail of a body that was longer
  than announced, or a body sent after a broken header) still gives the length at its end;
- a ``Content-Length`` that is not a number is logged, and its message skipped;
- a body that holds the start of the next message (announced longer than it was) is cut
  there: the broken message is logged and dropped, and reading goes on at that header.
  JSON text cannot hold a raw ``Content-Length: N`` followed by a line break (line breaks
  inside strings are escaped), so this never cuts a valid message.

A request whose params do not fit its method's types is answered with InvalidParams naming
the field and what is wrong with it (pygls logs it and never answers).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from typing import Any

import cattrs
from cattrs.v import format_exception
from loguru import logger
from lsprotocol.types import METHOD_TO_TYPES
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import JsonRPCProtocol

MAX_HEADER_BYTES = 1 << 16  # a header line longer than this is not LSP
HEADER_NAME = b"content-length:"
OTHER_HEADER = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[^\r\n]*\r?\n\Z")  # Content-Type: ...
HEADER_IN_BODY = re.compile(rb"Content-Length:[ \t]*\d+\r?\n")
HEADER_MARGIN = 64  # bytes of a header that may straddle two reads of a body


class WireReader:
    """Lines and bodies off an asyncio stream, with bytes put back after a resync."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream
        self.pending = b""

    async def readline(self) -> bytes:
        """The next line (``b""`` at the end of input)."""
        if self.pending:
            end = self.pending.find(b"\n")
            if end >= 0:
                line, self.pending = self.pending[: end + 1], self.pending[end + 1 :]
                return line
        try:
            line = await self.stream.readline()
        except ValueError:  # a line over the limit: not a header; skip what was buffered
            logger.error("a header line of over {} bytes; dropping it", MAX_HEADER_BYTES)
            line = b"\r\n"
        line, self.pending = self.pending + line, b""
        return line

    async def read_body(self, length: int) -> tuple[bytes, bool]:
        """``length`` bytes, or fewer when the input ends or the next message's header shows
        up inside them (then the header and what follows are put back, and ``False`` says
        the body is broken)."""
        body = bytearray(self.pending[:length])
        self.pending = self.pending[length:]
        scanned = 0
        while True:
            cut = _header_at(body, max(0, scanned - HEADER_MARGIN))
            if cut >= 0:
                self.pending = bytes(body[cut:]) + self.pending
                return bytes(body[:cut]), False
            scanned = len(body)
            if len(body) >= length:
                return bytes(body), True
            chunk = await self.stream.read(length - len(body))
            if not chunk:
                return bytes(body), False
            body += chunk


def _header_at(body: bytearray, start: int) -> int:
    """Where a ``Content-Length`` header starts in ``body`` from ``start``, or -1."""
    at = body.find(b"Content-Length:", start)
    while at >= 0:
        if HEADER_IN_BODY.match(body, at):
            return at
        at = body.find(b"Content-Length:", at + 1)
    return -1


async def serve(
    reader: WireReader,
    protocol: JsonRPCProtocol,
    stop_event: threading.Event,
    error_handler: Callable[[Exception, Any], Any],
) -> None:
    """Read and dispatch messages until the input ends or ``stop_event`` is set."""
    length: int | None = None
    while not stop_event.is_set():
        line = await reader.readline()
        if not line:
            return
        at = line.lower().rfind(HEADER_NAME)
        if at >= 0:
            if at > 0:
                logger.error("{} bytes before a header dropped (a wrong Content-Length?)", at)
            value = line[at + len(HEADER_NAME) :].strip()
            length = int(value) if value.isdigit() else None
            if length is None:
                logger.error(
                    "a Content-Length of {!r} is not a number; skipping that message", value
                )
            continue
        if line.strip():
            if not OTHER_HEADER.match(line):
                logger.error("{} bytes outside any message dropped", len(line))
            continue
        if length is None:  # the end of a header block that gave no usable length
            continue
        body, whole = await reader.read_body(length)
        length = None
        if not whole:
            if body:
                logger.error(
                    "a message of {} bytes is shorter than its Content-Length; dropping it",
                    len(body),
                )
            continue
        dispatch(protocol, body, error_handler)


def dispatch(
    protocol: JsonRPCProtocol, body: bytes, error_handler: Callable[[Exception, Any], Any]
) -> None:
    """Structure ``body`` and hand it to ``protocol``; a request whose params do not fit
    its method is answered with InvalidParams, a notification sent with an id (which pygls
    would run and never answer) with InvalidRequest."""
    if _notification_with_id(protocol, body):
        return
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except JsonRpcException as exc:
        answer_unstructurable(protocol, body, exc)
        return
    except ValueError as exc:  # not JSON, or not UTF-8
        logger.error("a message that is not JSON dropped: {}", exc)
        return
    try:
        protocol.handle_message(message)
    except Exception as exc:  # noqa: BLE001 - pygls' own loop reports and goes on
        logger.opt(exception=exc).error("unable to handle a message")
        error_handler(exc, JsonRpcException)


def _notification_with_id(protocol: JsonRPCProtocol, body: bytes) -> bool:
    """Answer (with InvalidRequest) a message that names a notification method but has an
    id: its sender waits for an answer a notification never gets. True when answered."""
    try:
        raw = json.loads(body)
    except ValueError:
        return False
    if not isinstance(raw, dict) or "id" not in raw or not isinstance(raw.get("method"), str):
        return False
    types = METHOD_TO_TYPES.get(raw["method"])
    if types is None or types[1] is not None or not types[0].__name__.endswith("Notification"):
        return False
    message = f"{raw['method']} is a notification: send it without an id"
    logger.error("request {!r}: {}", raw["id"], message)
    error = JsonRpcInvalidRequest(message=message).to_response_error()
    protocol._send_response(raw["id"], error=error)  # noqa: SLF001 - pygls' one sender
    return True


def answer_unstructurable(protocol: JsonRPCProtocol, body: bytes, exc: JsonRpcException) -> None:
    """Answer the request in ``body``, whose params did not structure, with ``exc`` and a
    message naming what is wrong; a notification can only be logged."""
    raw = json.loads(body)
    method = raw.get("method") if isinstance(raw, dict) else None
    problems = _problems(exc.__cause__)
    if isinstance(exc, JsonRpcInvalidParams):
        message = f"invalid params for {method}: {problems}"
    else:
        message = f"cannot read the {method} message: {problems}"
    if not isinstance(raw, dict) or "id" not in raw or method is None:
        logger.error("{} (a notification or response: not answered)", message)
        return
    logger.error("request {!r}: {}", raw["id"], message)
    error = type(exc)(message=message).to_response_error()
    protocol._send_response(raw["id"], error=error)  # noqa: SLF001 - pygls' one sender


def _problems(cause: BaseException | None) -> str:
    """What cattrs found wrong, one ``what @ where`` per problem."""
    if isinstance(cause, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(cause, format_exception=_format))
    return f"{type(cause).__name__}: {cause}" if cause else "it does not fit the method's types"


def _format(exc: BaseException, type_: Any) -> str:
    if type(exc) is ValueError and str(exc):
        return str(exc)
    return format_exception(exc, type_)
