"""The server under pathological files, documents over ``maxFileBytes``, and JSON-RPC
messages of every shape: each request is answered, the server stays up, and the next
ordinary request is answered too. Timing lives in ``sea-lsp bench lsp --pathological``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sea_lsp.bench.lsp import frame, read_messages
from sea_lsp.bench.pathological import Pathological, generated
from tests.server.conftest import spawn_server
from tests.server.test_server_fuzz import Reader

pytestmark = pytest.mark.e2e


class Collector(Reader):
    """``Reader``, keeping the server's notifications too (``window/showMessage``)."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.notifications: list[dict] = []

    def run(self) -> None:
        for message in read_messages(self.stream):
            if "id" in message and ("result" in message or "error" in message):
                self.by_id[message["id"]] = message
            elif "method" in message and "id" not in message:
                self.notifications.append(message)


class Session:
    """A raw-pipe server: framed messages out, answers collected by id."""

    def __init__(self, tmp_path: Path, root: Path, **options) -> None:
        self.proc = spawn_server(tmp_path)
        self.reader = Collector(self.proc.stdout)
        self.reader.start()
        self.next_id = 0
        init = {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}
        init["initializationOptions"] = {"feedbackPath": str(tmp_path / "f.db"), **options}
        assert "result" in self.request("initialize", init)
        self.notify("initialized", {})

    def send(self, message: dict) -> None:
        self.proc.stdin.write(frame(json.dumps(message).encode()))
        self.proc.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params, timeout: float = 120.0) -> dict:
        self.next_id += 1
        msg_id = f"r{self.next_id}"
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.reader.wait(msg_id, timeout)

    def open(self, uri: str, text: str) -> None:
        item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    def code_action(self, uri: str, line: int, width: int = 0) -> dict:
        rng = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": width}}
        params = {"textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": []}}
        return self.request("textDocument/codeAction", params)

    def ordinary(self, project: Path) -> dict:
        """A code action on the small project's ``mean`` (the line with the bug)."""
        uri = (project / "stats.py").as_uri()
        return self.code_action(uri, 4, 34)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _width(p: Pathological) -> int:
    return len(p.text.splitlines()[p.line])


@pytest.mark.parametrize("p", generated(), ids=lambda p: p.name)
def test_a_pathological_file_is_answered_and_the_server_goes_on(
    p: Pathological, tmp_path: Path, project: Path
) -> None:
    (project / "odd.py").write_bytes(p.data)
    s = Session(tmp_path, project)
    try:
        s.open((project / "stats.py").as_uri(), (project / "stats.py").read_text())
        s.open((project / "odd.py").as_uri(), p.text)
        results = []
        for _ in range(6):  # past its deadline, a request leaves the rest to the next one
            answer = s.code_action((project / "odd.py").as_uri(), p.line, _width(p))
            assert isinstance(answer.get("result"), list), answer
            results.append(answer["result"])
        assert any(results), f"no code action for line {p.line + 1} of {p.name}"
        assert s.proc.poll() is None
        assert s.ordinary(project)["result"], "the next ordinary request got no actions"
    finally:
        s.close()


def test_a_document_over_max_file_bytes_gets_no_actions_and_one_message(
    tmp_path: Path, project: Path
) -> None:
    big = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(400))
    (project / "big.py").write_text(big)
    s = Session(tmp_path, project, maxFileBytes=len(big.encode()) - 1)
    try:
        uri = (project / "big.py").as_uri()
        s.open(uri, big)
        s.open((project / "stats.py").as_uri(), (project / "stats.py").read_text())
        assert s.code_action(uri, 1, 15)["result"] == []
        at = {"line": 0, "character": 0}
        s.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": "# grown\n"}],
            },
        )
        assert s.code_action(uri, 5, 15)["result"] == []  # still over it, no second message
        assert s.ordinary(project)["result"], "a small file still gets its actions"
        shown = [
            m
            for m in s.reader.notifications
            if m.get("method") == "window/showMessage" and "maxFileBytes" in str(m)
        ]
        assert len(shown) == 1, shown
        assert "big.py" in shown[0]["params"]["message"]
    finally:
        s.close()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
POSITION = st.fixed_dictionaries(
    {"line": st.integers(-3, 10**9) | JSON, "character": st.integers(-3, 10**9) | JSON}
)
RANGE = st.fixed_dictionaries({"start": POSITION, "end": POSITION}) | JSON
URI = st.sampled_from(["STATS", "file:///etc/passwd", "untitled:1", "file:///a%00b.py", ""]) | JSON
DOCUMENT = st.fixed_dictionaries({"uri": URI}) | JSON
PARAMS = {
    "textDocument/codeAction": st.fixed_dictionaries(
        {"textDocument": DOCUMENT, "range": RANGE, "context": st.just({"diagnostics": []}) | JSON}
    ),
    "textDocument/didChange": st.fixed_dictionaries(
        {
            "textDocument": st.fixed_dictionaries({"uri": URI, "version": JSON}),
            "contentChanges": st.lists(
                st.fixed_dictionaries({"range": RANGE, "text": st.text(max_size=10)}), max_size=3
            )
            | JSON,
        }
    ),
    "workspace/executeCommand": st.fixed_dictionaries(
        {
            "command": st.sampled_from(["sea.accept", "sea.reject", "sea.status", "sea.x"]),
            "arguments": st.lists(JSON, max_size=2) | JSON,
        }
    ),
    "codeAction/resolve": st.fixed_dictionaries(
        {"title": st.text(max_size=5) | JSON, "data": JSON}
    ),
    "$/cancelRequest": st.fixed_dictionaries({"id": JSON}),
    "textDocument/hover": JSON,
    "sea/unknown": JSON,
}
MESSAGE = st.sampled_from(sorted(PARAMS)).flatmap(
    lambda method: st.fixed_dictionaries(
        {
            "method": st.just(method),
            "params": PARAMS[method],
            "request": st.booleans(),
            "jsonrpc": st.sampled_from(["2.0", "2.0", "1.0"]) | JSON,
        }
    )
)


def _fill(value, uri: str):
    """``value`` with the placeholder ``"STATS"`` replaced by the open document's URI."""
    if value == "STATS":
        return uri
    if isinstance(value, dict):
        return {k: _fill(v, uri) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, uri) for v in value]
    return value


def test_json_rpc_messages_of_every_shape_are_answered(tmp_path: Path, project: Path) -> None:
    s = Session(tmp_path, project)
    uri = (project / "stats.py").as_uri()
    s.open(uri, (project / "stats.py").read_text())
    sent: list[str] = []

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # each example costs a round trip
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(MESSAGE)
    def one(message: dict) -> None:
        body = {"jsonrpc": message["jsonrpc"], "method": message["method"]}
        body["params"] = _fill(message["params"], uri)
        if message["request"]:
            s.next_id += 1
            body["id"] = s.next_id
            sent.append(body["method"])
        s.send(body)
        if message["request"] and message["jsonrpc"] == "2.0":
            answer = s.reader.wait(body["id"], timeout=20)
            assert "result" in answer or "error" in answer, answer
        assert s.proc.poll() is None, f"the server died after {body}"
        # the next ordinary request after each message: a wedge shows at the message that
        # caused it, not once at the end
        status = {"command": "sea.status", "arguments": [{}]}
        alive = s.request("workspace/executeCommand", status, timeout=20)
        assert "result" in alive, f"sea.status after {body}: {alive}"

    try:
        one()
        assert sent, "no request was generated"
        status = s.request("workspace/executeCommand", {"command": "sea.status", "arguments": [{}]})
        assert status["result"]["version"]
        assert s.ordinary(project)["result"], "code actions still answered after the fuzzing"
    finally:
        s.close()
