"""The state and candidate encodings the networks read."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from sea_lsp.actions.base import Candidate, NodeRef
from sea_lsp.encoding import encoder, vocab
from sea_lsp.encoding.encoder import (
    MAX_CANDIDATE_TOKENS,
    MAX_STATE_TOKENS,
    VOCAB_SIZE,
    StateInput,
    edit_measures,
    encode_candidate,
    encode_candidates,
    encode_file,
    encode_state,
    tokenize_snippet,
)
from sea_lsp.workspace.changes import Change, FileOp, TextEdit
from sea_lsp.workspace.overlay import Overlay
from sea_lsp.workspace.workspace import Workspace

SRC = """import os

def add(a, b):
    total = a + b
    return total

def sub(a, b):
    if a > b:
        return a - b
    return b - a
"""


def view(tmp_path, files=None):
    return Overlay(Workspace(tmp_path), files or {"pkg/m.py": SRC})


def state(v, start=None, end=None, **kw) -> StateInput:
    return StateInput(v, kw.pop("task", "fix the failing test"), "pkg/m.py", start, end, **kw)


def test_stable_ids_are_hard_coded():
    # CRC-32 buckets: identical in every process and on every machine
    assert vocab.ident("total") == 4354
    assert vocab.task_word("fix") == 1754
    assert vocab.named_kind("function_definition") == 180
    assert vocab.anon_kind("==") == 415
    assert vocab.special("[TASK]") == 2
    assert (vocab.number(3), vocab.number(1000), vocab.number(-5)) == (67, 119, 122)
    assert vocab.named_kind("kind_from_a_newer_grammar") == 367  # overflow range, no shift


def test_state_is_deterministic_bounded_and_in_vocab(tmp_path):
    v = view(tmp_path)
    s = state(v, SRC.index("a - b"), SRC.index("a - b") + 5, diagnostics=["E: bad operand"])
    first = encode_state(s)
    assert first == encode_state(s)
    assert 0 < len(first) <= MAX_STATE_TOKENS
    assert all(0 < t < VOCAB_SIZE for t in first)
    code = (
        "from sea_lsp.workspace.overlay import Overlay; from sea_lsp.workspace.workspace import Workspace;"
        "from sea_lsp.encoding.encoder import StateInput, encode_state; import sys;"
        f"v = Overlay(Workspace({str(tmp_path)!r}), {{'pkg/m.py': {SRC!r}}});"
        f"print(encode_state(StateInput(v, 'fix the failing test', 'pkg/m.py', {s.focus_start}, "
        f"{s.focus_end}, diagnostics=['E: bad operand'])))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(first)


def test_every_section_survives_long_inputs(tmp_path):
    v = view(tmp_path)
    s = state(
        v,
        SRC.index("a - b"),
        task="word " * 500,
        diagnostics=["unsupported operand type " * 20] * 20,
        failing_tests=["tests/test_m.py::test_sub"] * 20,
    )
    tokens = encode_state(s)
    assert MAX_STATE_TOKENS - 16 <= len(tokens) <= MAX_STATE_TOKENS
    for header in ("[TASK]", "[PATH]", "[FOCUS]", "[CONTEXT]", "[DIAG]", "[FAIL]", "[SUMMARY]"):
        assert vocab.special(header) in tokens, header


def test_focus_changes_the_encoding(tmp_path):
    v = view(tmp_path)
    at_sub = encode_state(state(v, SRC.index("a - b")))
    at_add = encode_state(state(v, SRC.index("a + b")))
    assert at_sub != at_add
    assert vocab.ident("total") in at_add  # the focus statement's identifiers are seen


def test_syntax_errors_become_tokens(tmp_path):
    broken = "def f(a:\n    return a +\n"
    v = view(tmp_path, {"pkg/m.py": broken})
    tokens = encode_state(state(v, broken.index("return")))
    assert vocab.special("[ERROR]") in tokens or vocab.special("[MISSING]") in tokens
    assert len(tokens) <= MAX_STATE_TOKENS
    assert vocab.special("[ERROR]") in encode_file(v, "pkg/m.py")


def test_no_focus_and_unknown_files(tmp_path):
    v = view(tmp_path, {"pkg/m.py": SRC, "notes.txt": "hello"})
    assert encode_state(StateInput(v, "add docs")) == encode_state(StateInput(v, "add docs"))
    tokens = encode_state(StateInput(v, "x", "notes.txt", 0, 1))
    assert vocab.special("[NO_TREE]") in tokens
    assert encode_file(v, "notes.txt")[-1] == vocab.special("[NO_TREE]")
    whole = encode_file(v, "pkg/m.py")
    assert vocab.ident("add") in whole and vocab.ident("sub") in whole


def test_candidates_encode_edits_kinds_and_file_ops(tmp_path):
    v = view(tmp_path)
    start = SRC.encode().index(b"a - b")
    fix = Candidate(
        "repair.operator_swap",
        "use +",
        Change(edits=(TextEdit("pkg/m.py", start + 2, start + 3, "+"),)),
        NodeRef("pkg/m.py", start, start + 5, "binary_operator"),
    )
    other = Candidate(
        "repair.operator_swap",
        "use *",
        Change(edits=(TextEdit("pkg/m.py", start + 2, start + 3, "*"),)),
        NodeRef("pkg/m.py", start, start + 5, "binary_operator"),
    )
    new_file = Candidate(
        "tests.create",
        "add tests",
        Change(file_ops=(FileOp("create", "tests/test_m.py", content="def test_sub():\n"),)),
        lsp_kind="source.sea.tests",
    )
    encoded = encode_candidates([fix, other, new_file], v)
    assert [c.tokens for c in (fix, other, new_file)] == encoded
    assert all(0 < len(t) <= MAX_CANDIDATE_TOKENS for t in encoded)
    assert encoded[0] != encoded[1]
    assert vocab.anon_kind("-") in encoded[0] and vocab.anon_kind("+") in encoded[0]
    assert vocab.named_kind("binary_operator") in encoded[0]
    assert vocab.special("[CREATE]") in encoded[2] and vocab.ident("test_sub") in encoded[2]
    assert encode_candidate(fix, v) == encoded[0]
    big = Candidate("x", "big", Change(edits=(TextEdit("pkg/m.py", 0, len(SRC), "y = 1\n" * 500),)))
    assert len(encode_candidate(big, v)) == MAX_CANDIDATE_TOKENS


def test_edit_measures_count_the_changed_span_and_its_names():
    # (characters, line breaks, names brought in, names taken out)
    assert edit_measures("a < b", "a > b") == (1, 0, 0, 0)
    assert edit_measures("total", "totals") == (1, 0, 1, 1)  # a cut inside a name takes it all
    assert edit_measures("x = f(a)\n", "x = f(a)\nif x is None:\n    return 0\n") == (27, 2, 1, 0)
    in_file = Counter({"x": 2, "f": 1, "a": 1})  # the file has x already: nothing comes in
    assert edit_measures("x = f(a)\n", "x = f(a)\nif x is None:\n    return 0\n", in_file)[2] == 0
    assert edit_measures("g(a)", "g(b)", Counter({"g": 1, "a": 3, "b": 1}))[2:] == (0, 0)
    assert edit_measures("g(a)", "g(b)", Counter({"g": 1, "a": 1}))[2:] == (1, 1)
    assert edit_measures("f(a, b)", "f(b, a)") == (2, 0, 0, 0)  # same names: none in or out
    assert edit_measures("return n", "return len(items)") == (9, 0, 2, 1)
    assert edit_measures("same", "same") == (0, 0, 0, 0)
    long = "y = " + " + ".join(f"v{i}" for i in range(3000))
    assert edit_measures(long, long.replace("v1500 ", "w1500 ")) == (1, 0, 1, 1)


def test_edit_measures_read_names_as_the_tokenizer_does():
    # words of strings and comments are not names: quoting text brings no name in
    assert edit_measures('x = "a"', 'x = "a b c"')[2:] == (0, 0)
    assert edit_measures("x = 1", "x = 1  # keep total here")[2:] == (0, 0)
    assert edit_measures("f(a)", 'f(a, """doc of a""")')[2:] == (0, 0)
    assert edit_measures("f(a)", "f(a, rb'raw')")[2:] == (0, 0)
    # a name beside a string still counts, and a file's strings do not hold its names
    assert edit_measures("f(a)", "f(a, 'x', b)")[2:] == (1, 0)
    quoted = encoder._identifier_counts(b"total = 1\nlog('total of items')  # items\n")
    assert quoted == Counter({"total": 1, "log": 1})
    assert edit_measures("x", "items", quoted)[2:] == (1, 1)


def test_candidates_carry_how_big_their_edit_is(tmp_path):
    v = view(tmp_path)
    start = SRC.encode().index(b"a - b")
    end = start + len("a - b")
    small = Candidate("r", "+", Change(edits=(TextEdit("pkg/m.py", start + 2, start + 3, "+"),)))
    large = Candidate("r", "abs", Change(edits=(TextEdit("pkg/m.py", start, end, "abs(a - b)"),)))
    lo, hi = vocab.MEASURE_RANGE
    levels = vocab.MEASURE_LEVELS

    def measures(c: Candidate) -> list[tuple[int, int]]:
        toks = encode_candidate(c, v)
        return [divmod(t - lo, levels) for t in toks if lo <= t < hi]

    assert measures(small) == [(0, 1), (1, 0), (2, 0), (3, 0)]
    assert measures(large) == [(0, 5), (1, 0), (2, 1), (3, 0)]  # "abs(" and ")"; abs comes in
    # levels grow with the amount: exact to 23, then about two per doubling
    assert [vocab.measure_level(n) for n in (0, 15, 23, 24, 34, 48, 96, 10**9)] == [
        0, 15, 23, 24, 25, 26, 28, levels - 1,
    ]  # fmt: skip


def test_snippet_lexer():
    tokens = tokenize_snippet("if x == 10: return 'a'  # c")
    assert tokens == [
        vocab.anon_kind("if"), vocab.ident("x"), vocab.anon_kind("=="), vocab.number(10), vocab.anon_kind(":"),
        vocab.anon_kind("return"), vocab.special("[STR]"), vocab.literal("'a'"), vocab.special("[COMMENT]"),
    ]  # fmt: skip
