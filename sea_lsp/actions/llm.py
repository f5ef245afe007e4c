"""The optional LLM candidate generator: any OpenAI-compatible chat-completions endpoint.

Off unless ``sea.llm.baseUrl`` and ``sea.llm.model`` are set. The model proposes patches
(unified diffs or one rewritten function); they become ordinary candidates that the agent
verifies by running tests and ranks like every other. This is the only module of the
product that opens a network connection, and only to the configured endpoint.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from loguru import logger

from sea_lsp.actions.base import ActionContext, Candidate, dedupe
from sea_lsp.actions.llm_patch import explanation_of, parse_proposals
from sea_lsp.config import LLMSettings

__all__ = [
    "LLMClient",
    "LLMError",
    "LLMGenerator",
    "build_messages",
    "explanation_of",
    "numbered_excerpt",
    "parse_proposals",
]

MAX_REPLY_BYTES = 4_000_000
PROMPT_FILE_CHARS = 12_000
_SYSTEM = (
    "You are a careful software engineer working inside the user's editor. You fix code with "
    "small, correct patches and never change behaviour the task does not ask for."
)
_ANSWER_FORMAT = (
    "Answer with one line explaining the fix, then the patch in ONE of these forms:\n"
    "1. a unified diff in a ```diff fenced block, with '--- a/PATH' and '+++ b/PATH' headers, "
    "'@@' hunks and at least two lines of unchanged context around each change;\n"
    "2. the complete new version of one function in a ```python fenced block.\n"
    "Each fenced block is a separate, complete alternative. Do not copy the line numbers "
    "shown above into your code."
)


class LLMError(RuntimeError):
    """The LLM endpoint could not be used; the message names it and says what to check."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status when the server answered with an error


# --- the client --------------------------------------------------------------------------


class LLMClient:
    """A minimal OpenAI-compatible chat-completions client on the standard library."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings

    @property
    def url(self) -> str:
        return (self.settings.base_url or "").rstrip("/") + "/chat/completions"

    def complete(
        self, messages: list[dict[str, str]], n: int = 1, temperature: float = 0.2
    ) -> list[str]:
        """The text of each choice the endpoint returns for ``messages``."""
        s = self.settings
        if not s.enabled:
            raise LLMError("LLM is not configured: set sea.llm.baseUrl and sea.llm.model")
        url = self.url
        if not url.startswith(("http://", "https://")):
            raise LLMError(f"sea.llm.baseUrl must start with http:// or https://, got {url!r}")
        payload: dict[str, Any] = {
            "model": s.model,
            "messages": messages,
            "temperature": temperature,
        }
        if n > 1:
            payload["n"] = n
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(s.api_key_env) if s.api_key_env else None
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST"
        )
        body = self._send(request)
        return self._choices(body)

    def _send(self, request: urllib.request.Request) -> bytes:
        s, url = self.settings, self.url
        deadline = time.monotonic() + s.timeout_s
        timed_out = LLMError(
            f"LLM endpoint {url} did not answer within the timeout of {s.timeout_s:g} s; "
            "check that the server is running and not overloaded, or raise sea.llm.timeoutS"
        )
        try:
            with urllib.request.urlopen(request, timeout=s.timeout_s) as response:
                chunks, size = [], 0
                while chunk := response.read(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise timed_out
                    if size > MAX_REPLY_BYTES:
                        raise LLMError(f"LLM endpoint {url} sent more than {MAX_REPLY_BYTES} bytes")
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            raise LLMError(
                f"LLM endpoint {url} answered HTTP {exc.code}: {_server_message(exc)}; "
                + _hint_for_status(exc.code, s),
                status=exc.code,
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise timed_out from exc
            raise LLMError(
                f"could not reach LLM endpoint {url}: {exc.reason}; "
                "check that the server is running and that sea.llm.baseUrl is right"
            ) from exc
        except TimeoutError as exc:
            raise timed_out from exc
        except OSError as exc:
            raise LLMError(f"connection to LLM endpoint {url} failed: {exc}") from exc

    def _choices(self, body: bytes) -> list[str]:
        url = self.url
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LLMError(
                f"LLM endpoint {url} answered with a body that is not JSON "
                f"({body[:120]!r}); check that sea.llm.baseUrl points at an OpenAI-compatible "
                "API (it usually ends in /v1)"
            ) from exc
        choices = data.get("choices") if isinstance(data, dict) else None
        texts = []
        for choice in choices if isinstance(choices, list) else []:
            message = choice.get("message") if isinstance(choice, dict) else None
            content = message.get("content") if isinstance(message, dict) else None
            if isinstance(content, str):
                texts.append(content)
        if not texts:
            raise LLMError(
                f"LLM endpoint {url} answered JSON without choices[].message.content; check that "
                "it speaks the OpenAI chat-completions protocol and that sea.llm.model exists"
            )
        return texts


def _server_message(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read().decode("utf-8", errors="replace")
    except OSError:
        raw = ""
    try:
        data = json.loads(raw)
        err = data.get("error", data) if isinstance(data, dict) else data
        message = err.get("message", err) if isinstance(err, dict) else err
        text = str(message)
    except json.JSONDecodeError:
        text = raw.strip() or str(exc.reason)
    return text[:300]


def _hint_for_status(code: int, s: LLMSettings) -> str:
    if code in (401, 403):
        return f"check the API key in the environment variable {s.api_key_env}"
    if code == 404:
        return f"check sea.llm.baseUrl (usually ending in /v1) and that model {s.model!r} exists"
    if code == 429:
        return "the endpoint is rate-limiting; try again later"
    return "check the server's log and the sea.llm settings"


# --- the prompt --------------------------------------------------------------------------


def numbered_excerpt(
    text: str, focus_start: int | None, focus_end: int | None, budget: int = PROMPT_FILE_CHARS
) -> str:
    """``text`` with 1-based line numbers, trimmed to about ``budget`` characters around the focus."""
    lines = text.splitlines()
    if not lines:
        return "(empty file)"
    data = text.encode("utf-8")
    first = data.count(b"\n", 0, min(focus_start or 0, len(data)))
    last = data.count(b"\n", 0, min(focus_end, len(data))) if focus_end is not None else first
    width = len(str(len(lines)))
    rendered = [f"{i + 1:>{width}}| {line}" for i, line in enumerate(lines)]
    lo, hi = first, max(first, last)
    used = sum(len(rendered[i]) + 1 for i in range(lo, hi + 1))
    while lo > 0 or hi < len(lines) - 1:
        grown = False
        for side in (-1, 1):
            i = lo - 1 if side < 0 else hi + 1
            if 0 <= i < len(lines) and used + len(rendered[i]) + 1 <= budget:
                used += len(rendered[i]) + 1
                lo, hi = (i, hi) if side < 0 else (lo, i)
                grown = True
        if not grown:
            break
    parts = [f"... ({lo} lines above omitted)"] if lo > 0 else []
    parts += rendered[lo : hi + 1]
    if hi < len(lines) - 1:
        parts.append(f"... ({len(lines) - 1 - hi} lines below omitted)")
    return "\n".join(parts)


def build_messages(
    task: str,
    path: str | None,
    text: str | None,
    focus_start: int | None = None,
    focus_end: int | None = None,
    failing_tests: Sequence[str] = (),
    diagnostics: Sequence[str] = (),
    budget: int = PROMPT_FILE_CHARS,
) -> list[dict[str, str]]:
    """The chat messages asking for a patch: task, focus file, failing tests, diagnostics."""
    parts = [f"Task: {task.strip() or 'fix the failing tests'}"]
    if path is not None and text is not None:
        where = ""
        if focus_start is not None:
            data = text.encode("utf-8")
            line = data.count(b"\n", 0, min(focus_start, len(data))) + 1
            where = f" (the focus is around line {line})"
        excerpt = numbered_excerpt(text, focus_start, focus_end, budget)
        parts.append(f"File {path}{where}:\n```\n{excerpt}\n```")
    if failing_tests:
        parts.append("Failing tests:\n" + "\n".join(f"- {t}" for t in failing_tests[:20]))
    if diagnostics:
        parts.append("Diagnostics:\n" + "\n".join(f"- {d}" for d in diagnostics[:20]))
    parts.append(_ANSWER_FORMAT)
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


# --- the generator -----------------------------------------------------------------------


class LLMGenerator:
    """Action generator asking the configured LLM for patches; yields nothing when it is off."""

    name = "llm"

    def __init__(self, settings: LLMSettings, client: LLMClient | None = None) -> None:
        self.settings = settings
        self.client = client or LLMClient(settings)
        self._replies: OrderedDict[str, list[str]] = OrderedDict()  # prompt -> replies

    def generate(self, ctx: ActionContext) -> Iterator[Candidate]:
        if not self.settings.enabled:
            return
        text = ctx.view.read_text(ctx.focus_path) if ctx.focus_path else None
        messages = build_messages(
            ctx.task,
            ctx.focus_path if text is not None else None,
            text,
            ctx.focus_start,
            ctx.focus_end,
            ctx.failing_tests,
            ctx.diagnostics,
        )
        limit = self.settings.max_proposals
        if ctx.limit is not None:
            limit = min(limit, ctx.limit)
        if limit <= 0:
            return
        try:
            replies = self._ask(messages, limit)
        except LLMError as exc:
            logger.warning("LLM proposals skipped: {}", exc)
            return
        candidates = []
        for reply in replies:
            title = "LLM: " + explanation_of(reply)
            for change in parse_proposals(reply, ctx.view, ctx.focus_path):
                candidates.append(
                    Candidate(
                        kind="llm.patch",
                        title=title,
                        change=change,
                        lsp_kind="quickfix",
                        expensive=True,
                        data={"model": self.settings.model},
                    )
                )
        yield from dedupe(candidates)[:limit]

    def _ask(self, messages: list[dict[str, str]], n: int) -> list[str]:
        """The replies for ``messages``; a search revisiting a state does not ask again."""
        key = json.dumps(messages, sort_keys=True)
        if key in self._replies:
            self._replies.move_to_end(key)
            return self._replies[key]
        try:
            replies = self.client.complete(messages, n=n, temperature=0.2 if n == 1 else 0.7)
        except LLMError as exc:
            if exc.status != 400 or n == 1:
                raise
            logger.info("LLM endpoint refused n={} ({}); asking for one reply", n, exc)
            replies = self.client.complete(messages, n=1, temperature=0.2)
        self._replies[key] = replies
        while len(self._replies) > 32:
            self._replies.popitem(last=False)
        return replies
