"""Pathological files for the language server: what generated tables, long test
functions, exported notebooks and careless encodings look like.

Each file comes with the line a code action is asked for (the middle of the hard part),
so the benchmark and the tests ask where the quadratic or deep work would be.
"""

from __future__ import annotations

from dataclasses import dataclass

MEGABYTE = 1_000_000  # the default maxFileBytes: a 1 MB module is just inside it


@dataclass(frozen=True)
class Pathological:
    """One generated file: its name, the bytes on disk, the text an editor opens, and the
    0-based line code actions are asked on."""

    name: str
    data: bytes
    text: str
    line: int


def flat_block(statements: int) -> str:
    """One function whose body is ``statements`` one-line statements in a single block."""
    body = []
    for i in range(statements):
        if i % 3 == 0:
            body.append(f"    v{i} = v{max(i - 1, 0)} + {i}")
        elif i % 3 == 1:
            body.append(f"    table.append((v{i - 1}, {i}))")
        else:
            body.append(f"    v{i} = v{i - 1} * 2 if v{i - 1} > {i} else v{i - 2}")
    return "def build(table, v0=0):\n" + "\n".join(body) + "\n    return table\n"


def nested(depth: int) -> str:
    """``depth`` levels of indentation: a function, then ``if`` blocks nested inside it."""
    lines = ["def deep(x):"]
    for level in range(1, depth):
        lines.append("    " * level + f"if x > {level}:")
    lines.append("    " * depth + "x = x - 1")
    lines.append("    return x")
    return "\n".join(lines) + "\n"


def long_lines(count: int, width: int) -> str:
    """``count`` assignments of a list literal ``width`` characters long each."""
    out = []
    for i in range(count):
        head = f"row{i} = ["
        items: list[str] = []
        size = len(head) + 1
        n = 0
        while size < width:
            item = f"{n}, "
            items.append(item)
            size += len(item)
            n += 1
        out.append((head + "".join(items)).rstrip(", ")[: width - 1] + "]")
    return "\n".join(out) + "\n"


def module_of_size(limit: int) -> str:
    """Ordinary functions, repeated with new names, up to ``limit`` bytes (never over)."""
    parts: list[str] = []
    size = 0
    i = 0
    while True:
        part = (
            f"def step_{i}(xs, lo={i}, hi={i + 10}):\n"
            f"    total = 0\n"
            f"    for x in xs:\n"
            f"        if x < lo or x > hi:\n"
            f"            continue\n"
            f"        total += x\n"
            f"    return total / (len(xs) - 1)\n\n\n"
        )
        if size + len(part) > limit:
            return "".join(parts)
        parts.append(part)
        size += len(part)
        i += 1


def _middle_line(text: str) -> int:
    return text.count("\n") // 2


def crlf_bom() -> Pathological:
    """Windows line endings and a UTF-8 byte-order mark, as some editors save."""
    text = "\ufeff" + module_of_size(20_000).replace("\n", "\r\n")
    return Pathological("CRLF + BOM", text.encode("utf-8"), text, _middle_line(text))


def invalid_utf8() -> Pathological:
    """Latin-1 bytes on disk (not UTF-8); the editor sends them as lone surrogates, as
    Python's ``surrogateescape`` decodes them (a careless client forwarding raw bytes)."""
    data = module_of_size(20_000).encode("utf-8") + b"NAME = 'caf\xe9'\n# na\xefve \xff\xfe\n"
    text = data.decode("utf-8", "surrogateescape")
    return Pathological("invalid UTF-8", data, text, text.count("\n") - 2)


def generated() -> list[Pathological]:
    """Every pathological file of the benchmark and the tests."""
    out = []
    for name, text, line in (
        ("flat block, 5k statements", flat_block(5_000), 2_500),
        ("flat block, 20k statements", flat_block(20_000), 10_000),
        ("nesting 100 deep", nested(100), 99),
        ("10,000-character lines", long_lines(100, 10_000), 50),
        ("1 MB module", module_of_size(MEGABYTE), None),
    ):
        at = _middle_line(text) if line is None else line
        out.append(Pathological(name, text.encode("utf-8"), text, at))
    out += [crlf_bom(), invalid_utf8()]
    return out
