"""An editor request's syntax and imports work is bounded by its focus (issue 15): on a
file of 10,000-character lines the compile check reads the focus statement, not the
seven long lines of the window, and a statement's text is compiled once, not once per
document version. The answers stay those of the whole-window check."""

from __future__ import annotations

import random

import pytest

from sea_lsp.actions import focus, pytree, syntax
from sea_lsp.actions.imports import identifiers_in, undefined_near
from sea_lsp.actions.syntax import SyntaxGenerator, _compile_error_near, _lines
from sea_lsp.bench.pathological import long_lines
from sea_lsp.workspace.workspace import Workspace
from tests.actions.test_focus import FUNCS, editor_ctx, line_range

LONG = long_lines(21, 10_000)  # 21 top-level statements of 10,000 characters each
NAMED = "".join(LONG.splitlines(keepends=True)[:3]) + "row = [undefined_name, 1]\n"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every text the syntax generator hands to ``compile()``."""
    cache = getattr(syntax, "_COMPILED", None)
    if cache is not None:
        cache.clear()
    focus._CACHE.clear()  # per-version results of another test's text
    sizes: list[int] = []
    real = syntax._compile_error_line

    def spy(data: bytes | str, path: str) -> int | None:
        sizes.append(len(data))
        return real(data, path)

    monkeypatch.setattr(syntax, "_compile_error_line", spy)
    return sizes


def test_a_request_on_a_long_line_compiles_that_line_only(compiled: list[int], tmp_path) -> None:
    view = Workspace(tmp_path)
    view.open("m.py", LONG, 1)
    assert SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(LONG, 11))) == []
    assert 0 < sum(compiled) <= 10_100, compiled  # the whole window: seven lines, 70 KB


def test_a_statement_is_compiled_once_across_versions(compiled: list[int], tmp_path) -> None:
    view = Workspace(tmp_path)
    view.open("m.py", LONG, 1)
    SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(LONG, 11)))
    first = len(compiled)
    view.change("m.py", [((0, 0, 0, 0), "# typed\n")], 2)  # a new version, line 11 -> 12
    text = view.read_text("m.py")
    SyntaxGenerator().generate(editor_ctx(view, "m.py", *line_range(text, 12)))
    assert first > 0 and len(compiled) == first  # nothing compiled again


def _error_line(text: str, line: int, with_span: bool = True) -> int | None:
    data = text.encode()
    tree = pytree.parse(data)
    assert not tree.root_node.has_error  # only compile() sees these errors
    span = line_range(text, line)
    win = focus.window(data, *span)
    if not with_span:  # the focus is the window
        return _compile_error_near(tree, data, _lines(data), win, "m.py")
    return _compile_error_near(tree, data, _lines(data), win, "m.py", span)


def test_compile_errors_are_found_under_the_focus_and_in_short_neighbours() -> None:
    lines = LONG.splitlines()
    bad_long = "(a, b) += " + lines[10].split(" = ", 1)[1]  # illegal augmented assignment
    at_focus = "\n".join([*lines[:10], bad_long, *lines[11:]]) + "\n"
    assert _error_line(at_focus, 11) == 11
    assert _error_line(at_focus, 12) is None  # a 10 KB neighbour: looked at on its own line
    short = "\n".join([*lines[:10], "del f()", *lines[11:]]) + "\n"
    assert _error_line(short, 12) == 11  # a short neighbour is still checked
    in_def = "def f(xs):\n    return xs\n    del f()\n"
    assert _error_line(in_def, 2) == 3  # the enclosing function is the unit
    methods = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(80))
    long_class = f"class C:\n{methods}    def last(self):\n        del f()\n\n\nx = 1\n"
    row = long_class.count("\n")  # `x = 1`, three lines below the error
    assert len(long_class) > 2_000 and _error_line(long_class, row) == row - 3  # its method


def test_a_future_import_after_code_is_an_error_even_when_the_window_starts_at_it() -> None:
    late = "x = 1\n\n\n\n\nfrom __future__ import annotations\n"
    assert _error_line(late, 6, with_span=False) == 6  # the window (3-6) holds no code
    first = '# a comment\n"""Docstring."""\nfrom __future__ import annotations\nx = 1\n'
    assert _error_line(first, 3, with_span=False) is None


def test_identifiers_in_a_range_are_those_of_the_walk() -> None:
    rng = random.Random(0)
    broken = FUNCS.replace("):\n", ")\n", 3)
    for text in (FUNCS, broken, NAMED):
        data = text.encode()
        tree = pytree.parse(data)
        for _ in range(60):
            lo = rng.randrange(len(data))
            hi = min(len(data), lo + rng.choice([0, 40, 400]))
            walked = [
                (n.start_byte, n.end_byte)
                for n in focus.walk_overlapping(tree.root_node, lo, hi)
                if n.type == "identifier" and lo <= n.start_byte <= hi
            ]
            assert [(n.start_byte, n.end_byte) for n in identifiers_in(tree, lo, hi)] == walked
    data = NAMED.encode()
    tree = pytree.parse(data)
    assert set(undefined_near(tree, 30_003, len(data))) == {"undefined_name"}
