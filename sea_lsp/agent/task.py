"""From the user's words to a task: what kind of work, where, and on which tests.

The agent accepts a handful of task kinds; anything else is refused with the list of
what it can do (or handed to the configured LLM).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TASK_KINDS = ("repair", "syntax", "docs", "tests", "imports", "file")

# First match wins, so the narrower kinds come before "repair" ("fix the syntax error").
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("syntax", re.compile(r"\bsyntax\b|\bparse errors?\b|\bdoes(n't| not) parse\b", re.I)),
    ("docs", re.compile(r"\bdoc(string)?s?\b|\bdocument\b", re.I)),
    (
        "tests",
        re.compile(
            r"\b(add|write|generate|create)\b.*\btests?\b|\btests? for\b|\bcharacteri[sz]ation\b",
            re.I,
        ),
    ),
    (
        "file",
        re.compile(
            r"\b(create|add|new|make)\b.*\b(module|package|file)\b|\bnew (module|package|file)\b",
            re.I,
        ),
    ),
    ("imports", re.compile(r"\bimports?\b|\bundefined name\b|\bnot defined\b", re.I)),
    (
        "repair",
        re.compile(
            r"\bfix\b|\bfailing\b|\bfails?\b|\bbug\b|\brepair\b|\bdebug\b|\bbroken\b|\bmake\b.*\bpass\b",
            re.I,
        ),
    ),
)

CAPABILITIES = (
    '"fix the failing tests", "fix the syntax error", "document NAME", '
    '"add tests for NAME", "add missing imports", "create module PATH"'
)


class TaskError(Exception):
    """The task cannot be done as asked; the message tells the user why and what to do."""


@dataclass
class Task:
    kind: str
    text: str
    focus_path: str | None = None
    focus_start: int | None = None  # UTF-8 byte offsets in focus_path
    focus_end: int | None = None
    name: str | None = None  # the function, class or path the task names
    target_tests: list[str] = field(default_factory=list)


def classify(text: str) -> str | None:
    """The task kind the words ask for, or None when none fits."""
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None


_PATH_RE = re.compile(r"[\w./-]+\.py\b|\b[\w]+(?:/[\w]+)+/?")
_NAME_RE = re.compile(r"`([A-Za-z_][\w.]*)`|\b([A-Za-z_][A-Za-z0-9_]*)\b")

_STOP_WORDS = {
    "fix", "the", "a", "an", "failing", "tests", "test", "for", "of", "in", "to", "add",
    "write", "generate", "create", "document", "docs", "doc", "docstring", "docstrings",
    "module", "package", "file", "new", "make", "syntax", "error", "errors", "missing",
    "imports", "import", "bug", "bugs", "and", "please", "function", "class", "method",
    "pass", "all", "some", "my", "this", "that", "with", "unused", "remove", "repair",
}  # fmt: skip


def named_path(text: str) -> str | None:
    """A relative path the words name (``create module pkg/util.py``), or None."""
    m = _PATH_RE.search(text)
    return m.group(0).strip("/") if m else None


def named_identifiers(text: str) -> list[str]:
    """Words that could name a function or class, back-quoted ones first."""
    quoted, plain = [], []
    for m in _NAME_RE.finditer(text):
        if m.group(1):
            quoted.append(m.group(1).split(".")[-1])
        elif m.group(2).lower() not in _STOP_WORDS:
            plain.append(m.group(2))
    return quoted + plain
