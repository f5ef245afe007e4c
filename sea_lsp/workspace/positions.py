"""LSP positions ↔ UTF-8 byte offsets ↔ tree-sitter points.

LSP counts characters in the negotiated encoding ("utf-16" by default, "utf-8" or
"utf-32") and ends lines at ``\\n``, ``\\r\\n`` or ``\\r``; tree-sitter counts bytes and
rows end at ``\\n``. Everything inside sea-lsp is a byte offset; this module converts at
the protocol edge. Line starts live in a numpy array so lookups are a binary search and
an edit updates the index without rescanning the whole text.
"""

from __future__ import annotations

import re

import numpy as np

ENCODINGS = ("utf-16", "utf-8", "utf-32")
_BREAK = re.compile(rb"\r\n|\r|\n")
_LONE_CR = re.compile(rb"\r(?!\n)")


class PositionError(ValueError):
    """A position or range that cannot be mapped onto the document (e.g. start after end)."""


def _line_starts(data: bytes, lo: int = 0, hi: int | None = None) -> list[int]:
    """Offsets ``k`` in ``[lo, hi]`` (``k >= 1``) where a line starts after a break."""
    hi = len(data) if hi is None else hi
    wlo = max(lo, 1) - 1
    return [
        m.end()
        for m in _BREAK.finditer(data, wlo, min(hi + 1, len(data)))
        if max(lo, 1) <= m.end() <= hi
    ]


class LineIndex:
    """Line starts of one text, with conversions between the three coordinate systems."""

    __slots__ = ("data", "_starts", "_simple_rows")

    def __init__(self, text: str | None = None, *, data: bytes | None = None, _starts=None):
        if data is None:
            data = (text or "").encode("utf-8")
        self.data = data
        if _starts is None:
            arr = np.frombuffer(data, dtype=np.uint8)
            if b"\r" in data:
                _starts = np.array([0, *_line_starts(data)], dtype=np.int64)
            else:
                _starts = np.concatenate(([0], np.flatnonzero(arr == 10) + 1)).astype(np.int64)
        self._starts = _starts
        # tree-sitter rows equal LSP lines unless the text has a lone "\r"
        self._simple_rows = b"\r" not in data or _LONE_CR.search(data) is None

    # -- basic facts -------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return int(self._starts[line])

    def line_end(self, line: int) -> int:
        """Byte offset where the line's content ends (before its line break)."""
        if line + 1 >= len(self._starts):
            return len(self.data)
        nxt = int(self._starts[line + 1])
        return nxt - 2 if self.data[nxt - 2 : nxt] == b"\r\n" else nxt - 1

    def line_of(self, offset: int) -> int:
        return int(np.searchsorted(self._starts, offset, side="right")) - 1

    # -- LSP positions ------------------------------------------------------------------
    def position_to_byte(
        self, line: int, character: int, encoding: str = "utf-16", clamp: bool = True
    ) -> int:
        """Byte offset of an LSP position; past-the-end characters clamp to the line end."""
        if line < 0 or character < 0:
            raise PositionError(f"negative position ({line}, {character})")
        if encoding not in ENCODINGS:
            raise PositionError(f"unknown position encoding {encoding!r}; use one of {ENCODINGS}")
        if line >= len(self._starts):
            if not clamp:
                raise PositionError(
                    f"line {line} is past the end of the document ({len(self._starts)} lines); "
                    "resynchronise the document"
                )
            return len(self.data)
        start = int(self._starts[line])
        end = self.line_end(line)
        raw = self.data[start:end]
        if character == 0:
            return start
        if encoding == "utf-8":
            if character >= len(raw):
                return end
            off = character
            while off > 0 and (raw[off] & 0xC0) == 0x80:  # never split a character
                off -= 1
            return start + off
        if raw.isascii():
            return start + min(character, len(raw))
        text = raw.decode("utf-8", errors="replace")
        if encoding == "utf-32":
            return start + len(text[:character].encode("utf-8"))
        if encoding != "utf-16":
            raise PositionError(f"unknown position encoding {encoding!r}; use one of {ENCODINGS}")
        units = text.encode("utf-16-le", errors="surrogatepass")
        if character * 2 >= len(units):
            return end
        prefix = units[: character * 2]
        if 0xD800 <= int.from_bytes(prefix[-2:], "little") <= 0xDBFF:
            prefix = prefix[:-2]  # inside a surrogate pair: snap to the character's start
        return start + len(prefix.decode("utf-16-le", errors="surrogatepass").encode("utf-8"))

    def byte_to_position(self, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
        """LSP ``(line, character)`` of a byte offset (clamped into the document)."""
        offset = max(0, min(offset, len(self.data)))
        line = self.line_of(offset)
        start = int(self._starts[line])
        col = min(offset, self.line_end(line)) - start
        if col == 0:
            return line, 0
        raw = self.data[start : start + col]
        if raw.isascii():
            return line, col
        if encoding == "utf-8":
            text = raw.decode("utf-8", errors="ignore")
            return line, len(text.encode("utf-8"))
        text = raw.decode("utf-8", errors="ignore")
        if encoding == "utf-32":
            return line, len(text)
        if encoding != "utf-16":
            raise PositionError(f"unknown position encoding {encoding!r}; use one of {ENCODINGS}")
        return line, len(text.encode("utf-16-le", errors="surrogatepass")) // 2

    # -- tree-sitter points ---------------------------------------------------------------
    def byte_to_point(self, offset: int) -> tuple[int, int]:
        """tree-sitter ``(row, byte column)``: rows end at ``\\n`` only."""
        offset = max(0, min(offset, len(self.data)))
        if self._simple_rows:
            line = self.line_of(offset)
            return line, offset - int(self._starts[line])
        row = self.data.count(b"\n", 0, offset)
        return row, offset - (self.data.rfind(b"\n", 0, offset) + 1)

    def point_to_byte(self, row: int, column: int) -> int:
        if self._simple_rows:
            if row >= len(self._starts):
                return len(self.data)
            return min(int(self._starts[row]) + column, len(self.data))
        pos = 0
        for _ in range(row):
            nxt = self.data.find(b"\n", pos)
            if nxt < 0:
                return len(self.data)
            pos = nxt + 1
        return min(pos + column, len(self.data))

    # -- edits --------------------------------------------------------------------------
    def edited(self, start: int, old_end: int, new_data: bytes, inserted_len: int) -> LineIndex:
        """The index of ``new_data``: bytes ``[start, old_end)`` replaced by ``inserted_len`` bytes.

        Only the edited window is rescanned; later line starts shift by the length change.
        """
        new_end = start + inserted_len
        delta = inserted_len - (old_end - start)
        starts = self._starts
        lo = int(np.searchsorted(starts, start, side="left"))
        hi = int(np.searchsorted(starts, old_end + 1, side="left"))
        head = starts[: max(lo, 1)] if start > 0 else starts[:1]
        mid = np.array(_line_starts(new_data, start, new_end), dtype=np.int64)
        tail = starts[hi:] + delta
        return LineIndex(data=new_data, _starts=np.concatenate((head, mid, tail)))
