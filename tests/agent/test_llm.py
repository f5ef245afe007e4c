"""The optional LLM generator, against a local OpenAI-compatible server started per test."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from sea_lsp.actions.base import ActionContext
from sea_lsp.actions.llm import (
    LLMClient,
    LLMError,
    LLMGenerator,
    build_messages,
    explanation_of,
    numbered_excerpt,
    parse_proposals,
)
from sea_lsp.config import LLMSettings
from sea_lsp.workspace.changes import Change, apply_edits

BUGGY = '''"""Größen und Maße — naïve ✓ helpers 🚀."""


def clamp(x, lo, hi):
    """Begrenzt x auf [lo, hi] (ß)."""
    if x < lo:
        return hi
    if x > hi:
        return hi
    return x


def label(name):
    return "Grüße, " + name
'''
FIXED = BUGGY.replace("        return hi\n    if x > hi", "        return lo\n    if x > hi")

DIFF_REPLY = """The lower bound returns the wrong value — use lo.

```diff
--- a/pkg/mathx.py
+++ b/pkg/mathx.py
@@ -5,7 +5,7 @@ def clamp(x, lo, hi):
     \"\"\"Begrenzt x auf [lo, hi] (ß).\"\"\"
     if x < lo:
-        return hi
+        return lo
     if x > hi:
         return hi
     return x
```
"""

FUNCTION_REPLY = """**Fix clamp's lower branch**

```python
def clamp(x, lo, hi):
    \"\"\"Begrenzt x auf [lo, hi] (ß).\"\"\"
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
```
"""


class MemoryView:
    """A workspace view over a dict of path -> text."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    def files(self) -> list[str]:
        return sorted(self._files)

    def read_text(self, path: str) -> str | None:
        return self._files.get(path)

    def tree(self, path: str):
        return None


@dataclass
class FakeLLM:
    """What the local server answers, and what it was sent."""

    reply: Callable[[dict], tuple[int, bytes]]
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""


def chat(*texts: str) -> Callable[[dict], tuple[int, bytes]]:
    body = {
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": t}}
            for i, t in enumerate(texts)
        ]
    }
    return lambda _req: (200, json.dumps(body).encode())


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    state = FakeLLM(reply=chat("no reply set"))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            size = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(size))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": payload}
            )
            status, body = state.reply({"state": state, **payload})
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def settings(url: str | None, **kw) -> LLMSettings:
    return LLMSettings(base_url=url, model="tiny-coder", **kw)


def ctx_for(files: dict[str, str], focus: str = "pkg/mathx.py", **kw) -> ActionContext:
    view = MemoryView(files)
    start = files[focus].encode().index(b"def clamp")
    return ActionContext(view=view, task="fix clamp", focus_path=focus, focus_start=start, **kw)


def applied(change: Change, files: dict[str, str], path: str = "pkg/mathx.py") -> str:
    return apply_edits(files[path], [e for e in change.edits if e.path == path])


# --- against the local server -------------------------------------------------------------


def test_diff_reply_becomes_a_candidate_that_fixes_the_function(fake_llm: FakeLLM) -> None:
    fake_llm.reply = chat(DIFF_REPLY)
    files = {"pkg/mathx.py": BUGGY}
    gen = LLMGenerator(settings(fake_llm.url))
    cands = list(gen.generate(ctx_for(files, failing_tests=["tests/test_m.py::test_clamp"])))
    assert len(cands) == 1
    c = cands[0]
    assert c.kind == "llm.patch" and c.lsp_kind == "quickfix" and c.expensive
    assert c.title == "LLM: The lower bound returns the wrong value — use lo."
    assert c.data == {"model": "tiny-coder"}
    assert applied(c.change, files) == FIXED
    sent = fake_llm.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["json"]["model"] == "tiny-coder"
    prompt = sent["json"]["messages"][-1]["content"]
    assert "fix clamp" in prompt and "tests/test_m.py::test_clamp" in prompt
    assert " 6|     if x < lo:" in prompt  # the file, numbered


def test_function_replacement_reply(fake_llm: FakeLLM) -> None:
    fake_llm.reply = chat(FUNCTION_REPLY)
    files = {"pkg/mathx.py": BUGGY}
    cands = list(LLMGenerator(settings(fake_llm.url)).generate(ctx_for(files)))
    assert [c.title for c in cands] == ["LLM: Fix clamp's lower branch"]
    assert applied(cands[0].change, files) == FIXED


def test_wrong_hunk_line_number_still_applies(fake_llm: FakeLLM) -> None:
    fake_llm.reply = chat(DIFF_REPLY.replace("@@ -5,7 +5,7 @@", "@@ -40,9 +41,9 @@"))
    files = {"pkg/mathx.py": BUGGY}
    cands = list(LLMGenerator(settings(fake_llm.url)).generate(ctx_for(files)))
    assert len(cands) == 1
    assert applied(cands[0].change, files) == FIXED


def test_several_choices_give_several_candidates_up_to_the_limit(fake_llm: FakeLLM) -> None:
    other = FUNCTION_REPLY.replace("return lo", "return max(x, lo)")
    fake_llm.reply = chat(DIFF_REPLY, FUNCTION_REPLY, other)
    files = {"pkg/mathx.py": BUGGY}
    gen = LLMGenerator(settings(fake_llm.url, max_proposals=2))
    cands = list(gen.generate(ctx_for(files)))
    # the diff and the function replacement make the same change: one candidate
    assert [applied(c.change, files) for c in cands] == [
        FIXED,
        applied(parse_proposals(other, MemoryView(files), "pkg/mathx.py")[0], files),
    ]
    assert fake_llm.requests[0]["json"]["n"] == 2
    list(gen.generate(ctx_for(files)))
    assert len(fake_llm.requests) == 1  # the same state is not asked twice


def test_malformed_reply_gives_no_candidates(fake_llm: FakeLLM) -> None:
    fake_llm.reply = chat("I think you should use lo there.\n```diff\n@@ nonsense\n-foo\n+bar\n```")
    cands = list(LLMGenerator(settings(fake_llm.url)).generate(ctx_for({"pkg/mathx.py": BUGGY})))
    assert cands == []


def test_http_500_is_an_llm_error_with_the_server_message(fake_llm: FakeLLM) -> None:
    fake_llm.reply = lambda _r: (500, b'{"error": {"message": "model crashed: out of memory"}}')
    with pytest.raises(LLMError, match="HTTP 500: model crashed: out of memory") as err:
        LLMClient(settings(fake_llm.url)).complete([{"role": "user", "content": "hi"}])
    assert fake_llm.url in str(err.value)
    # the generator logs it and offers nothing
    assert (
        list(LLMGenerator(settings(fake_llm.url)).generate(ctx_for({"pkg/mathx.py": BUGGY}))) == []
    )


def test_http_401_points_at_the_key_variable(fake_llm: FakeLLM) -> None:
    fake_llm.reply = lambda _r: (401, b"invalid api key")
    with pytest.raises(
        LLMError,
        match="HTTP 401: invalid api key; check the API key in the environment variable MY_KEY",
    ):
        LLMClient(settings(fake_llm.url, api_key_env="MY_KEY")).complete([])


def test_slow_server_times_out(fake_llm: FakeLLM) -> None:
    answered = threading.Event()

    def slow(req: dict) -> tuple[int, bytes]:
        req["state"].release.wait(5)
        answered.set()
        return chat("late")(req)

    fake_llm.reply = slow
    with pytest.raises(LLMError, match=r"within the timeout of 0\.5 s.*sea\.llm\.timeoutS"):
        LLMClient(settings(fake_llm.url, timeout_s=0.5)).complete(
            [{"role": "user", "content": "x"}]
        )
    assert not answered.is_set()  # the client gave up at its timeout, before the server answered


def test_api_key_is_sent_from_the_named_environment_variable(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.reply = chat("ok")
    monkeypatch.setenv("SEA_TEST_LLM_KEY", "sk-test-123")
    assert LLMClient(settings(fake_llm.url, api_key_env="SEA_TEST_LLM_KEY")).complete([]) == ["ok"]
    assert fake_llm.requests[-1]["headers"]["Authorization"] == "Bearer sk-test-123"
    monkeypatch.delenv("SEA_TEST_LLM_KEY")
    LLMClient(settings(fake_llm.url, api_key_env="SEA_TEST_LLM_KEY")).complete([])
    assert "Authorization" not in fake_llm.requests[-1]["headers"]


def test_not_configured_is_refused_without_any_network_call(fake_llm: FakeLLM) -> None:
    for off in (LLMSettings(), LLMSettings(base_url=fake_llm.url), LLMSettings(model="m")):
        with pytest.raises(
            LLMError, match="LLM is not configured: set sea.llm.baseUrl and sea.llm.model"
        ):
            LLMClient(off).complete([{"role": "user", "content": "x"}])
        assert list(LLMGenerator(off).generate(ctx_for({"pkg/mathx.py": BUGGY}))) == []
    assert fake_llm.requests == []


def test_bodies_that_are_not_chat_completions(fake_llm: FakeLLM) -> None:
    client = LLMClient(settings(fake_llm.url))
    fake_llm.reply = lambda _r: (200, b"<html>hello</html>")
    with pytest.raises(LLMError, match="not JSON.*/v1"):
        client.complete([])
    fake_llm.reply = lambda _r: (200, b'{"choices": [{"text": "legacy completion"}]}')
    with pytest.raises(LLMError, match=r"without choices\[\]\.message\.content"):
        client.complete([])


def test_connection_refused_names_the_endpoint() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(
        LLMError, match=f"could not reach LLM endpoint {url}/chat/completions.*running"
    ):
        LLMClient(settings(url)).complete([])


def test_only_http_urls_are_used() -> None:
    with pytest.raises(LLMError, match="must start with http"):
        LLMClient(settings("file:///etc")).complete([])


# --- parsing (pure) -----------------------------------------------------------------------

VIEW = MemoryView({"pkg/mathx.py": BUGGY, "README.md": "# hi\n"})


def one(reply: str, view: MemoryView = VIEW, focus: str | None = "pkg/mathx.py") -> Change:
    changes = parse_proposals(reply, view, focus)
    assert len(changes) == 1, changes
    return changes[0]


def test_diff_without_prefixes_or_headers() -> None:
    no_prefix = DIFF_REPLY.replace("a/pkg/", "pkg/").replace("b/pkg/", "pkg/")
    assert applied(one(no_prefix), VIEW._files) == FIXED
    headerless = "\n".join(
        line for line in DIFF_REPLY.splitlines() if not line.startswith(("---", "+++"))
    )
    assert applied(one(headerless), VIEW._files) == FIXED
    bare_suffix = DIFF_REPLY.replace("a/pkg/mathx.py", "mathx.py").replace(
        "b/pkg/mathx.py", "mathx.py"
    )
    assert applied(one(bare_suffix, focus=None), VIEW._files) == FIXED


def test_multiple_hunks_with_bare_headers_and_unfenced_diff() -> None:
    reply = (
        "--- a/pkg/mathx.py\n+++ b/pkg/mathx.py\n@@\n     if x < lo:\n-        return hi\n"
        '+        return lo\n     if x > hi:\n@@\n def label(name):\n-    return "Grüße, " + name\n'
        '+    return "Grüße, " + name.strip()\n'
    )
    out = applied(one(reply), VIEW._files)
    assert out == FIXED.replace('"Grüße, " + name', '"Grüße, " + name.strip()')


def test_whitespace_insensitive_match_keeps_the_files_indentation() -> None:
    tabbed = "```diff\n@@ -1 +1 @@\n if x < lo:\n-    return hi\n+    return lo\n if x > hi:\n```"
    assert applied(one(tabbed), VIEW._files) == FIXED


def test_copied_line_numbers_are_tolerated() -> None:
    reply = "```diff\n@@ -6,3 +6,3 @@\n  6|     if x < lo:\n- 7|         return hi\n+ 7|         return lo\n```"
    assert applied(one(reply), VIEW._files) == FIXED


def test_hunks_that_do_not_apply_drop_the_proposal() -> None:
    bad = "```diff\n@@ -1,2 +1,2 @@\n def nowhere():\n-    return 1\n+    return 2\n```"
    assert parse_proposals(bad, VIEW, "pkg/mathx.py") == []
    unknown_file = DIFF_REPLY.replace("pkg/mathx.py", "pkg/other.py")
    assert parse_proposals(unknown_file, VIEW, "pkg/mathx.py") == []
    escape = DIFF_REPLY.replace("pkg/mathx.py", "../pkg/mathx.py")
    assert parse_proposals(escape, VIEW, None) == []


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "no code at all",
        "```diff\n```",
        "```python\ndef broken(:\n```",
        "```\n@@ -a +b @@\n```",
        "```rust\nfn main() {}\n```",
        "```python\nx = 1\n```",
    ],
)
def test_malformed_replies_give_nothing_and_never_raise(reply: str) -> None:
    assert parse_proposals(reply, VIEW, "pkg/mathx.py") == []


def test_new_file_from_dev_null() -> None:
    reply = "```diff\n--- /dev/null\n+++ b/tests/test_clamp.py\n@@ -0,0 +1,2 @@\n+def test_ok():\n+    assert True\n```"
    change = one(reply)
    assert change.edits == ()
    (op,) = change.file_ops
    assert (op.kind, op.path, op.content) == (
        "create",
        "tests/test_clamp.py",
        "def test_ok():\n    assert True\n",
    )


def test_crlf_and_missing_final_newline_are_kept() -> None:
    text = "def f(x):\r\n    y = x\r\n    return -y"
    view = MemoryView({"m.py": text})
    reply = "```diff\n@@ -1,3 +1,3 @@\n def f(x):\n     y = x\n-    return -y\n+    return y\n```"
    assert (
        apply_edits(text, one(reply, view, "m.py").edits)
        == "def f(x):\r\n    y = x\r\n    return y"
    )


def test_method_and_decorated_function_replacement() -> None:
    text = "class Box:\n    @property\n    def size(self):\n        return 0  # €\n\n    def name(self):\n        return 'b'\n"
    view = MemoryView({"box.py": text})
    method = "```python\nclass Box:\n    def size(self):\n        return len(self.items)\n```"
    assert apply_edits(text, one(method, view, "box.py").edits) == text.replace(
        "return 0  # €", "return len(self.items)"
    )
    decorated = "```python\n@staticmethod\ndef name():\n    return 'box'\n```"
    assert apply_edits(text, one(decorated, view, "box.py").edits) == text.replace(
        "    def name(self):\n        return 'b'",
        "    @staticmethod\n    def name():\n        return 'box'",
    )
    unknown = "```python\ndef missing():\n    return 1\n```"
    assert parse_proposals(unknown, view, "box.py") == []


def test_non_ascii_byte_offsets() -> None:
    change = one(DIFF_REPLY)
    (edit,) = change.edits
    data = BUGGY.encode()
    assert data[edit.start : edit.end] == b"        return hi\n"
    assert edit.start != BUGGY.index("        return hi\n")  # characters and bytes differ here


# --- the prompt (pure) --------------------------------------------------------------------


def test_prompt_holds_task_file_tests_and_diagnostics() -> None:
    msgs = build_messages(
        "make clamp right",
        "pkg/mathx.py",
        BUGGY,
        BUGGY.encode().index(b"if x < lo"),
        None,
        ["tests/t.py::test_clamp - assert 10 == 0"],
        ["pkg/mathx.py:7: unreachable code"],
    )
    assert [m["role"] for m in msgs] == ["system", "user"]
    user = msgs[1]["content"]
    for part in (
        "make clamp right",
        "File pkg/mathx.py (the focus is around line 6)",
        "assert 10 == 0",
        "unreachable code",
        "```diff",
        "```python",
    ):
        assert part in user


def test_excerpt_is_trimmed_around_the_focus() -> None:
    text = "".join(f"line_{i} = {i}\n" for i in range(1, 2001))
    focus = text.encode().index(b"line_1000 ")
    out = numbered_excerpt(text, focus, focus, budget=400)
    assert "1000| line_1000 = 1000" in out
    assert "lines above omitted" in out and "lines below omitted" in out
    assert "line_1 =" not in out and "line_2000" not in out
    assert len(out) < 600
    assert numbered_excerpt("a\nb\n", None, None).splitlines() == ["1| a", "2| b"]


def test_explanation_first_line() -> None:
    assert explanation_of(DIFF_REPLY) == "The lower bound returns the wrong value — use lo."
    assert explanation_of("```diff\n@@\n```") == "proposed patch"
    assert explanation_of("## " + "x" * 200).endswith("...")


def test_endpoint_refusing_several_choices_is_asked_for_one(fake_llm: FakeLLM) -> None:
    def one_choice_only(req: dict) -> tuple[int, bytes]:
        if req.get("n", 1) > 1:
            return 400, b'{"error": {"message": "n must be 1"}}'
        return chat(DIFF_REPLY)(req)

    fake_llm.reply = one_choice_only
    files = {"pkg/mathx.py": BUGGY}
    cands = list(LLMGenerator(settings(fake_llm.url, max_proposals=3)).generate(ctx_for(files)))
    assert [applied(c.change, files) for c in cands] == [FIXED]
    assert [r["json"].get("n") for r in fake_llm.requests] == [3, None]


def test_insertion_hunk_with_an_empty_old_range() -> None:
    text = "import os\nimport sys\n\n\ndef f():\n    return os.sep\n"
    view = MemoryView({"m.py": text})
    reply = "```diff\n@@ -2,0 +3 @@\n+import re\n```"
    out = apply_edits(text, one(reply, view, "m.py").edits)
    assert out == "import os\nimport sys\nimport re\n\n\ndef f():\n    return os.sep\n"


def test_function_replacement_in_a_crlf_file() -> None:
    text = "def f(x):\r\n    return -x\r\n\r\n\r\ndef g():\r\n    return 1\r\n"
    view = MemoryView({"m.py": text})
    reply = "```python\ndef f(x):\n    # the absolute value\n    return abs(x)\n```"
    out = apply_edits(text, one(reply, view, "m.py").edits)
    assert out == text.replace(
        "    return -x\r\n", "    # the absolute value\r\n    return abs(x)\r\n"
    )


PIECES = [
    "```diff",
    "```python",
    "```",
    "--- a/pkg/mathx.py",
    "+++ b/pkg/mathx.py",
    "--- /dev/null",
    "+++ b/../x.py",
    "@@ -5,7 +5,7 @@",
    "@@ -0,0 +1 @@",
    "@@",
    "     if x < lo:",
    "-        return hi",
    "+        return lo",
    "def clamp(x, lo, hi):",
    "    return x",
    "class C:",
    "ü€🚀",
    "",
    "\\ No newline at end of file",
]


@given(st.lists(st.sampled_from(PIECES), max_size=14))
@settings_h(max_examples=150, deadline=None)
def test_parse_proposals_never_raises(lines: list[str]) -> None:
    for change in parse_proposals("\n".join(lines), VIEW, "pkg/mathx.py"):
        for path in {e.path for e in change.edits}:
            apply_edits(VIEW._files[path], [e for e in change.edits if e.path == path])
