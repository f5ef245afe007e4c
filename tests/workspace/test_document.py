"""Incremental reparsing after LSP changes gives the same tree as a full parse."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sea_lsp.workspace.languages import PYTHON
from sea_lsp.workspace.positions import LineIndex, PositionError
from sea_lsp.workspace.workspace import Document

SOURCE = 'def f(x):\n    """é 😀 中"""\n    return x + 1\r\n\nclass C:\n    y = [1, 2]\n'


def full_sexp(text: str) -> str:
    return str(PYTHON.parser().parse(text.encode()).root_node)


def test_edit_reparses_incrementally_and_matches_full_parse():
    doc = Document("m.py", SOURCE, 1, PYTHON)
    before = doc.tree
    doc.apply_change((2, 11, 2, 16), "y * 2")
    assert "return y * 2" in doc.text
    assert doc.sexp() == full_sexp(doc.text)
    assert doc.tree is not before
    assert str(before.root_node) == full_sexp(SOURCE)  # the old tree was not edited in place


def test_full_replacement_and_unknown_language():
    doc = Document("m.py", SOURCE, 1, PYTHON)
    doc.apply_change(None, "x = (")
    assert "ERROR" in doc.sexp() or "MISSING" in doc.sexp()
    notes = Document("notes.txt", "hello", 1, None)
    notes.apply_change((0, 5, 0, 5), " world")
    assert notes.text == "hello world" and notes.tree is None


def test_range_past_the_end_clamps_and_reversed_range_raises():
    doc = Document("m.py", "a = 1\n", 1, PYTHON)
    doc.apply_change((0, 4, 99, 0), "2\n")
    assert doc.text == "a = 2\n"
    with pytest.raises(PositionError, match="after its end"):
        doc.apply_change((0, 3, 0, 1), "x")


char = st.sampled_from(
    ["a", "b", "x", "1", " ", "\n", "(", ")", ":", "=", "'", "é", "中", "😀", "\r\n"]
)
snippet = st.lists(char, max_size=8).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(0, 10_000),
            snippet,
            st.sampled_from(["utf-16", "utf-8", "utf-32"]),
        ),
        min_size=1,
        max_size=6,
    )
)
@pytest.mark.parametrize("look_every_time", [True, False], ids=["each-edit", "burst"])
def test_random_edits_incremental_equals_full(look_every_time, edits):
    """Incremental reparses equal a full parse, the tree looked at after every edit or
    once after a burst of them (the edits then wait on one edited tree for one reparse)."""
    doc = Document("m.py", SOURCE, 1, PYTHON)
    assert doc.tree is not None  # parsed now: every edit below is incremental
    text = SOURCE
    for i, (a, b, new, encoding) in enumerate(edits):
        index = LineIndex(text)
        start, end = sorted((a % (len(text.encode()) + 1), b % (len(text.encode()) + 1)))
        sl, sc = index.byte_to_position(start, encoding)
        el, ec = index.byte_to_position(end, encoding)
        s_byte = index.position_to_byte(sl, sc, encoding)
        e_byte = index.position_to_byte(el, ec, encoding)
        doc.apply_change((sl, sc, el, ec), new, encoding)
        data = text.encode()
        text = (data[:s_byte] + new.encode() + data[e_byte:]).decode()
        assert doc.text == text
        if look_every_time or i == len(edits) - 1:
            assert doc.sexp() == full_sexp(text)
