"""Which candidate states are the same program, so the tests run once for all of them.

Different edits often compile to the same code: a statement inserted after one line or
before the next, ``x = (a)`` for ``x = a``, two plans that end in the same text. Their test
runs cannot differ, so a state whose program was already tested reuses that run instead of
spending an evaluation of the budget on it. Two texts are the same program when CPython
compiles them to the same code objects line for line (bytecode, constants, docstrings
included, names, signatures, and which line each instruction comes from: a reused run's
frames and coverage then point at the right lines); comments, blank space within a line
and parentheses do not count. A file that does not compile is never matched.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Iterable

Key = frozenset[tuple[str, str]]


def code_fingerprint(code: types.CodeType) -> str:
    """A digest of what ``code`` does and on which lines, blind to columns and the file
    name."""
    h = hashlib.blake2b(digest_size=16)
    _feed(h, code)
    return h.hexdigest()


def _feed(h, code: types.CodeType) -> None:
    h.update(code.co_code)
    h.update(getattr(code, "co_exceptiontable", b""))
    lines = tuple(line for _, _, line in code.co_lines())
    for part in (
        code.co_firstlineno,
        lines,
        code.co_name,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_flags,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
    ):
        h.update(repr(part).encode("utf-8", "surrogatepass"))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            h.update(b"<code>")
            _feed(h, const)
        else:
            h.update(f"{type(const).__name__}:{const!r}".encode("utf-8", "surrogatepass"))


def text_fingerprint(path: str, text: str) -> str | None:
    """The program ``text`` of file ``path`` compiles to (its text's digest for a file that
    is not Python), or None when it does not compile."""
    if not path.endswith(".py"):
        return "text:" + hashlib.blake2b(text.encode("utf-8", "surrogatepass")).hexdigest()
    try:
        code = compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return code_fingerprint(code)


class ProgramIndex:
    """The programs tested so far and their results, keyed by what changed from the start.

    ``key`` describes a state's program by the fingerprints of its changed files that
    differ from the original's (so an edit that changes nothing has the empty key, the
    start state's); ``None`` when a changed file does not compile (never matched)."""

    def __init__(self, original: Callable[[str], str | None]) -> None:
        self._original = original
        self._start: dict[str, str | None] = {}
        self._results: dict[Key, object] = {}

    def key(self, changed: Iterable[str], read: Callable[[str], str | None]) -> Key | None:
        parts = []
        for path in sorted(set(changed)):
            text = read(path)
            now = text_fingerprint(path, text) if text is not None else "deleted"
            if now is None:
                return None
            if path not in self._start:
                before = self._original(path)
                self._start[path] = text_fingerprint(path, before) if before is not None else None
            if now != self._start[path]:
                parts.append((path, now))
        return frozenset(parts)

    def get(self, key: Key | None) -> object | None:
        return None if key is None else self._results.get(key)

    def put(self, key: Key | None, result: object) -> None:
        if key is not None:
            self._results.setdefault(key, result)
