"""Careless clients (issue #15, "every request answered", "degrade, don't fail"): params
that do not structure, URIs that name no file, ``exit`` without ``shutdown``, broken
``Content-Length`` headers and an unwritable data directory. Each is answered, and the
server goes on serving."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sea_lsp.bench.lsp import frame, read_messages
from sea_lsp.feedback.store import FeedbackError, FeedbackStore
from sea_lsp.server import wire

INVALID_PARAMS = -32602


class Server:
    """``sea-lsp serve`` on raw pipes; every message it writes is kept, stderr too."""

    def __init__(self, tmp_path: Path, project: Path, env: dict[str, str] | None = None) -> None:
        self.stderr_path = tmp_path / "stderr.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sea_lsp", "--log-level", "INFO", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr_path.open("wb"),
            env={**os.environ, "SEA_LSP_DATA_DIR": str(tmp_path / "data"), **(env or {})},
        )
        self.messages: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.project = project
        self.uri = (project / "stats.py").as_uri()

    def _read(self) -> None:
        for message in read_messages(self.proc.stdout):
            self.messages.append(message)

    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        self.write(frame(json.dumps({"jsonrpc": "2.0", **message}).encode()))

    def wait_for(self, test, what: str, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if test(message):
                    return message
            time.sleep(0.05)
        raise AssertionError(f"no {what} from the server; stderr:\n{self.stderr()[-3000:]}")

    def answer(self, msg_id, timeout: float = 60.0) -> dict:
        return self.wait_for(
            lambda m: m.get("id") == msg_id and ("result" in m or "error" in m),
            f"answer to request {msg_id!r}",
            timeout,
        )

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def initialize(self, **options) -> dict:
        params = {"processId": None, "rootUri": self.project.as_uri(), "capabilities": {}}
        params["initializationOptions"] = options
        self.send({"id": "init", "method": "initialize", "params": params})
        answer = self.answer("init")
        self.send({"method": "initialized", "params": {}})
        item = {
            "uri": self.uri,
            "languageId": "python",
            "version": 1,
            "text": (self.project / "stats.py").read_text(),
        }
        self.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        return answer

    def code_action(self, msg_id, **changes) -> dict:
        params = {
            "textDocument": {"uri": self.uri},
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 30}},
            "context": {"diagnostics": []},
        }
        params.update(changes)
        params = {k: v for k, v in params.items() if v is not None}
        self.send({"id": msg_id, "method": "textDocument/codeAction", "params": params})
        return self.answer(msg_id)

    def still_serves(self, msg_id: str = "after") -> None:
        answer = self.code_action(msg_id)
        assert "result" in answer, answer

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def server(tmp_path: Path, project: Path):
    s = Server(tmp_path, project)
    s.initialize(feedbackPath=str(tmp_path / "feedback.sqlite3"))
    yield s
    s.close()


# --- 1. params that do not structure --------------------------------------------------


@pytest.mark.e2e
def test_negative_line_is_answered_with_invalid_params(server: Server) -> None:
    bad_range = {"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 1}}
    error = server.code_action("neg", range=bad_range)["error"]
    assert error["code"] == INVALID_PARAMS
    assert "textDocument/codeAction" in error["message"]
    assert "Position.line" in error["message"] and "$.params.range.start" in error["message"]
    server.still_serves()


@pytest.mark.e2e
def test_missing_range_is_answered_with_invalid_params(server: Server) -> None:
    error = server.code_action("norange", range=None)["error"]
    assert error["code"] == INVALID_PARAMS
    assert "required field missing @ $.params.range" in error["message"]
    server.still_serves()


@pytest.mark.e2e
def test_a_notification_sent_with_an_id_is_answered(server: Server) -> None:
    """Found by the JSON-RPC fuzz: ``didChange`` with an id (a bad uri, positions past the
    end) ran as a notification, and the client waited for an answer forever."""
    change = {"range": {"start": {"line": 9, "character": 99}, "end": {"line": 9, "character": 99}}}
    params = {
        "textDocument": {"uri": 364, "version": 2},
        "contentChanges": [change | {"text": "x"}],
    }
    server.send({"id": "notif", "method": "textDocument/didChange", "params": params})
    error = server.answer("notif")["error"]
    assert error["code"] == -32600 and "is a notification" in error["message"]
    server.still_serves()


# --- 2. a URI that names no file ------------------------------------------------------


@pytest.mark.e2e
def test_nul_byte_in_uri_is_invalid_params(server: Server) -> None:
    error = server.code_action("nul", textDocument={"uri": "file:///tmp/a%00b.py"})["error"]
    assert error["code"] == INVALID_PARAMS
    assert "is not a valid file path" in error["message"] and "NUL" in error["message"]
    server.still_serves()


# --- 3. exit codes --------------------------------------------------------------------


@pytest.mark.e2e
def test_exit_without_shutdown_exits_1(server: Server) -> None:
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=30) == 1
    assert "exit without shutdown" in server.stderr()


@pytest.mark.e2e
def test_exit_after_shutdown_exits_0(server: Server) -> None:
    server.send({"id": "down", "method": "shutdown"})
    assert server.answer("down")["result"] is None
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=30) == 0


# --- 4. broken Content-Length headers --------------------------------------------------


@pytest.mark.e2e
def test_non_numeric_content_length_then_a_valid_message(server: Server) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": "lost", "method": "shutdown"}).encode()
    server.write(b"Content-Length: abc\r\n\r\n" + body)
    server.still_serves()
    assert "Content-Length of b'abc' is not a number" in server.stderr()
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=30) == 1


@pytest.mark.e2e
def test_content_length_longer_than_the_body_then_a_valid_message(server: Server) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": "short", "method": "shutdown"}).encode()
    server.write(b"Content-Length: %d\r\n\r\n" % (len(body) + 500) + body)
    server.still_serves("after-long")
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=30) == 1
    assert "shorter than its Content-Length" in server.stderr()


@pytest.mark.e2e
def test_content_length_shorter_than_the_body_then_a_valid_message(server: Server) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": "cut", "method": "shutdown"}).encode()
    server.write(b"Content-Length: 10\r\n\r\n" + body)
    server.still_serves("after-short")
    assert "before a header dropped" in server.stderr()


class FakeStream:
    """An asyncio stream stand-in that hands out its bytes a few at a time."""

    def __init__(self, data: bytes, step: int = 7) -> None:
        self.data, self.step = data, step

    async def readline(self) -> bytes:
        end = self.data.find(b"\n")
        end = len(self.data) if end < 0 else end + 1
        line, self.data = self.data[:end], self.data[end:]
        return line

    async def read(self, n: int) -> bytes:
        chunk, self.data = self.data[: min(n, self.step)], self.data[min(n, self.step) :]
        return chunk


class Recorder:
    def __init__(self) -> None:
        self.handled: list = []

    def structure_message(self, data: dict):
        return data

    def handle_message(self, message) -> None:
        self.handled.append(message["id"])


def _framed(msg_id: int) -> bytes:
    return frame(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "m"}).encode())


@pytest.mark.parametrize("step", [1, 7, 4096])
def test_reader_resynchronises_on_the_next_header(step: int) -> None:
    """Header lines split across reads and bodies split across reads: every valid message
    after a broken one is still read."""
    data = (
        _framed(1)
        + b"Content-Length: abc\r\n\r\n{}"
        + _framed(2)
        + b'Content-Length: 900\r\n\r\n{"partial": '
        + _framed(3)
        + b"Content-Length: 3\r\n\r\n"
        + json.dumps({"jsonrpc": "2.0", "id": 99, "method": "m"}).encode()
        + _framed(4)
        + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
        + _framed(5)
    )
    recorder = Recorder()
    reader = wire.WireReader(FakeStream(data, step))
    asyncio.run(wire.serve(reader, recorder, threading.Event(), lambda exc, source: None))
    assert recorder.handled == [1, 2, 3, 4, 5]


def test_a_body_quoting_a_header_is_not_cut() -> None:
    text = "Content-Length: 12\r\n\r\nhello"  # escaped in JSON: no raw line break
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "m", "params": {"t": text}}).encode()
    recorder = Recorder()
    reader = wire.WireReader(FakeStream(frame(body), 5))
    asyncio.run(wire.serve(reader, recorder, threading.Event(), lambda exc, source: None))
    assert recorder.handled == [1]


# --- 5. an unwritable data directory ---------------------------------------------------


def test_unopenable_database_is_a_feedback_error_and_nothing_is_moved(
    tmp_path: Path, monkeypatch
) -> None:
    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", refuse)
    with pytest.raises(FeedbackError, match="cannot be opened for writing.*writable"):
        FeedbackStore(tmp_path / "f.db")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_at_the_database_path_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "f.db").mkdir()
    with pytest.raises(FeedbackError, match="unable to open database file"):
        FeedbackStore(tmp_path / "f.db")
    assert [p.name for p in tmp_path.iterdir()] == ["f.db"]


@pytest.mark.e2e
def test_unwritable_data_dir_initializes_and_serves_without_feedback(
    tmp_path: Path, project: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    (tmp_path / "db-dir").mkdir()
    s = Server(tmp_path, project, env={"SEA_LSP_DATA_DIR": str(blocker / "data")})
    try:
        answer = s.initialize(feedbackPath=str(tmp_path / "db-dir"))
        assert "result" in answer, answer
        s.still_serves()
        shown = s.wait_for(
            lambda m: m.get("method") == "window/showMessage", "window/showMessage warning"
        )
        assert shown["params"]["type"] == 2  # Warning
        assert "serves without it" in shown["params"]["message"]
        s.send(
            {
                "id": "status",
                "method": "workspace/executeCommand",
                "params": {"command": "sea.status", "arguments": [{}]},
            }
        )
        assert "serves without it" in s.answer("status")["result"]["feedbackDb"]
        shows = [m for m in s.messages if m.get("method") == "window/showMessage"]
        assert len([m for m in shows if "feedback" in m["params"]["message"]]) == 1
        assert "cannot record feedback" in s.stderr()
    finally:
        s.close()
