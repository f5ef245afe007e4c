"""Thousands of malformed messages written raw to the server's stdin; it still answers."""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import pytest

from sea_lsp.bench.lsp import frame, read_messages
from tests.server.conftest import spawn_server

pytestmark = pytest.mark.e2e

METHODS = [
    "textDocument/codeAction",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "workspace/executeCommand",
    "workspace/didChangeConfiguration",
    "codeAction/resolve",
    "$/cancelRequest",
    "window/workDoneProgress/cancel",
    "sea/unknown",
    "textDocument/hover",
]


class Reader(threading.Thread):
    """Collects the server's framed responses by id."""

    def __init__(self, stream) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.by_id: dict = {}

    def run(self) -> None:
        for message in read_messages(self.stream):
            if "id" in message and ("result" in message or "error" in message):
                self.by_id[message["id"]] = message

    def wait(self, msg_id, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if msg_id in self.by_id:
                return self.by_id[msg_id]
            time.sleep(0.05)
        raise AssertionError(f"no answer to request {msg_id}")


def random_value(rng: random.Random, depth: int = 0):
    choice = rng.randrange(8 if depth < 3 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return rng.randint(-(2**40), 2**40)
    if choice == 2:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(12)))
    if choice == 3:
        return rng.random() < 0.5
    if choice == 4:
        return rng.random() * 1e6
    if choice == 5:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["textDocument", "uri", "range", "position", "command", "arguments", "id", "x"]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def garbage(rng: random.Random, i: int, uri: str) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:
        return frame(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))))
    if kind == 1:
        return frame(b'{"jsonrpc": "2.0", "id": ' + str(i).encode() + b', "method": ')
    if kind == 2:
        return frame(json.dumps([1, 2, {"a": None}]).encode())
    message = {"jsonrpc": "2.0", "method": rng.choice(METHODS), "params": random_value(rng)}
    if kind == 3:
        message["id"] = i
    if kind == 4:  # plausible shapes with wrong details
        message = {
            "jsonrpc": "2.0",
            "id": i,
            "method": "workspace/executeCommand",
            "params": {
                "command": rng.choice(["sea.accept", "sea.reject", "sea.status", "sea.nope"]),
                "arguments": [random_value(rng)],
            },
        }
    if kind == 5:
        message = {
            "jsonrpc": "2.0",
            "id": i,
            "method": "textDocument/codeAction",
            "params": {
                "textDocument": {"uri": rng.choice([uri, "file:///etc/passwd", "untitled:1"])},
                "range": {
                    "start": {"line": rng.randint(0, 10**6), "character": rng.randint(0, 10**6)},
                    "end": {"line": rng.randint(0, 10**6), "character": rng.randint(-5, 10**6)},
                },
                "context": {"diagnostics": []},
            },
        }
    return frame(json.dumps(message).encode())


def test_thousands_of_malformed_messages(tmp_path: Path, project: Path) -> None:
    proc = spawn_server(tmp_path)
    reader = Reader(proc.stdout)
    reader.start()
    uri = (project / "stats.py").as_uri()

    def send(message: dict) -> None:
        proc.stdin.write(frame(json.dumps(message).encode()))
        proc.stdin.flush()

    try:
        init = {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}
        init["initializationOptions"] = {"feedbackPath": str(tmp_path / "f.db")}
        send({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": init})
        assert "result" in reader.wait("init")
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        text = (project / "stats.py").read_text()
        item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
        rng = random.Random(1234)
        batch = b"".join(garbage(rng, i, uri) for i in range(3000))
        batch += b"X-Junk: " + b"x" * 200_000 + b"\r\n"  # a header line no reader should hold
        proc.stdin.write(batch)
        proc.stdin.flush()
        params = {"command": "sea.status", "arguments": [{}]}
        send(
            {"jsonrpc": "2.0", "id": "last", "method": "workspace/executeCommand", "params": params}
        )
        answer = reader.wait("last", timeout=120)
        assert answer["result"]["version"], answer
        assert proc.poll() is None
        ca = {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 30}},
            "context": {"diagnostics": []},
        }
        send({"jsonrpc": "2.0", "id": "ca", "method": "textDocument/codeAction", "params": ca})
        assert reader.wait("ca")["result"], "code actions still answered after the fuzzing"
    finally:
        proc.kill()
        proc.wait()
