"""LSP positions ↔ byte offsets ↔ points on multi-byte text and CRLF line endings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sea_lsp.workspace.positions import LineIndex, PositionError

TEXT = "a = '😀x'\r\n# 中文注释\nz = 1\rlast"


def units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_round_trip_every_character_boundary(encoding):
    index = LineIndex(TEXT)
    pieces = re.split(r"(\r\n|\r|\n)", TEXT)
    lines, breaks = pieces[0::2], pieces[1::2]
    assert index.line_count == len(lines) == 4
    line_start = 0
    for line_no, line in enumerate(lines):
        for i in range(len(line) + 1):
            char = units(line[:i], encoding)
            offset = index.position_to_byte(line_no, char, encoding)
            assert offset == line_start + len(line[:i].encode())
            assert index.byte_to_position(offset, encoding) == (line_no, char)
        if line_no < len(breaks):
            line_start += len((line + breaks[line_no]).encode())


def test_emoji_is_two_utf16_units_and_four_bytes():
    index = LineIndex("😀b")
    assert index.position_to_byte(0, 2, "utf-16") == 4
    assert index.position_to_byte(0, 1, "utf-32") == 4
    assert index.position_to_byte(0, 1, "utf-16") == 0  # inside the pair: snaps to its start
    assert index.byte_to_position(5, "utf-16") == (0, 3)
    assert index.byte_to_position(2, "utf-16") == (0, 0)  # inside the character


def test_past_the_end_clamps_and_strict_mode_raises():
    index = LineIndex("ab\r\ncd")
    assert index.position_to_byte(0, 99) == 2  # line end, before "\r\n"
    assert index.position_to_byte(7, 0) == 6
    with pytest.raises(PositionError, match="past the end"):
        index.position_to_byte(7, 0, clamp=False)
    with pytest.raises(PositionError):
        index.position_to_byte(-1, 0)


def test_points_count_rows_by_newline_only():
    index = LineIndex("a\rb\nc")  # a lone "\r" ends an LSP line but not a tree-sitter row
    assert index.byte_to_position(2) == (1, 0)
    assert index.byte_to_point(2) == (0, 2)
    assert index.byte_to_point(4) == (1, 0)
    assert index.point_to_byte(1, 0) == 4


alphabet = st.sampled_from(["a", "b", " ", "\n", "\r\n", "\r", "é", "中", "😀", "\t"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(alphabet, max_size=30).map("".join),
    st.integers(0, 200),
    st.integers(0, 200),
    st.lists(alphabet, max_size=8).map("".join),
)
def test_incremental_index_equals_fresh_index(text, a, b, inserted):
    data = text.encode()
    start, end = sorted((min(a, len(data)), min(b, len(data))))
    new = data[:start] + inserted.encode() + data[end:]
    edited = LineIndex(data=data).edited(start, end, new, len(inserted.encode()))
    fresh = LineIndex(data=new)
    assert edited._starts.tolist() == fresh._starts.tolist()
