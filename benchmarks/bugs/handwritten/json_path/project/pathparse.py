"""Parse path expressions such as ``$.store.books[0].title`` into steps.

Supported syntax::

    $                 the root (optional)
    .name  ['name']   a dict key (quoted keys may hold any character)
    [3]  [-1]         a list index, negative counts from the end
    [1:4]  [::2]      a list slice, like Python's
    .*  [*]           every child of a dict or list
    ..name            ``name`` anywhere below the current node
"""

from __future__ import annotations

from dataclasses import dataclass

IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


class PathSyntaxError(ValueError):
    def __init__(self, message: str, position: int):
        super().__init__(f"{message} at position {position}")
        self.position = position


@dataclass(frozen=True)
class Key:
    name: str


@dataclass(frozen=True)
class Index:
    value: int


@dataclass(frozen=True)
class Slice:
    start: int | None = None
    stop: int | None = None
    step: int | None = None


@dataclass(frozen=True)
class Wildcard:
    pass


@dataclass(frozen=True)
class Descendant:
    name: str


class Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.steps: list = []

    def peek(self) -> str:
        if self.pos < len(self.text):
            return self.text[self.pos]
        return ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise PathSyntaxError(f"expected {ch!r}", self.pos)
        self.pos += 1

    def parse(self) -> list:
        if self.peek() == "$":
            self.pos += 1
        elif self.text and self.peek() not in ".[":
            self.steps.append(self.read_name())
        while self.pos < len(self.text):
            ch = self.peek()
            if ch == ".":
                self.pos += 1
                if self.peek() == ".":
                    self.pos += 1
                    self.steps.append(Descendant(self.read_name().name))
                else:
                    self.steps.append(self.read_name())
            elif ch == "[":
                self.pos += 1
                self.steps.append(self.read_bracket())
                self.expect("]")
            else:
                raise PathSyntaxError(f"unexpected {ch!r}", self.pos)
        return self.steps

    def read_name(self):
        if self.peek() == "*":
            self.pos += 1
            return Wildcard()
        start = self.pos
        while self.peek() in IDENT_CHARS:
            self.pos += 1
        if self.pos == start:
            raise PathSyntaxError("expected a key", start)
        return Key(self.text[start:self.pos])

    def read_bracket(self):
        ch = self.peek()
        if ch == "*":
            self.pos += 1
            return Wildcard()
        if ch in ("'", '"'):
            return Key(self.read_quoted(ch))
        return self.read_index_or_slice()

    def read_quoted(self, quote: str) -> str:
        self.pos += 1
        chars = []
        while True:
            ch = self.peek()
            if ch == "":
                raise PathSyntaxError("unterminated string", self.pos)
            if ch == quote:
                self.pos += 1
                return "".join(chars)
            if ch == "\\":
                self.pos += 1
                ch = self.peek()
                if ch == "":
                    raise PathSyntaxError("unterminated string", self.pos)
            chars.append(ch)
            self.pos += 1

    def read_int(self) -> int | None:
        start = self.pos
        if self.peek() == "-":
            self.pos += 1
        while self.peek().isdigit():
            self.pos += 1
        digits = self.text[start:self.pos]
        if digits in ("", "-"):
            self.pos = start
            return None
        return int(digits)

    def read_index_or_slice(self):
        begin = self.pos
        first = self.read_int()
        if self.peek() != ":":
            if first is None:
                raise PathSyntaxError("expected an index", begin)
            return Index(first)
        self.pos += 1
        stop = self.read_int()
        step = None
        if self.peek() == ":":
            self.pos += 1
            step = self.read_int()
            if step == 0:
                raise PathSyntaxError("slice step cannot be zero", self.pos)
        return Slice(first, stop, step)


def parse_path(text: str) -> list:
    if not isinstance(text, str):
        raise TypeError(f"path must be a string, not {type(text).__name__}")
    return Parser(text.strip()).parse()


def _format_key(name: str) -> str:
    if name and all(c in IDENT_CHARS for c in name):
        return "." + name
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"['{escaped}']"


def format_path(steps) -> str:
    parts = ["$"]
    for step in steps:
        if isinstance(step, Key):
            parts.append(_format_key(step.name))
        elif isinstance(step, Index):
            parts.append(f"[{step.value}]")
        elif isinstance(step, Slice):
            text = ":".join("" if v is None else str(v) for v in (step.start, step.stop))
            if step.step is not None:
                text += f":{step.step}"
            parts.append(f"[{text}]")
        elif isinstance(step, Descendant):
            parts.append(".." + step.name)
        else:
            parts.append("[*]")
    return "".join(parts)


def format_location(location) -> str:
    """Turn a tuple of concrete keys and indexes into a path string."""
    return format_path(Index(p) if isinstance(p, int) else Key(p) for p in location)
