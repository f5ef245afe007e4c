"""The line-kind prior (``repair_lines``): lines localisation ties are not equally likely."""

from __future__ import annotations

import pytest

from sea_lsp.actions import pytree, repair_lines
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.repair import RepairGenerator
from tests.actions.conftest import DictView

KINDS = """import math


@cache
def scaled_sum(xs, k):
    total = 0
    seen = []
    for x in xs:
        if x is None:
            continue
        total = total + x * k
        seen.append(x)
        total += 1
    if not seen:
        raise ValueError("empty")
    label = name
    return total


class Box:
    def area(self):
        return self.w * self.h


def wrapped(xs):
    return [
        x for x in xs
    ]
"""

EXPECTED = {
    1: "import_statement",
    4: "header",  # the decorator's line starts the decorated definition
    5: "header",
    6: "assign-plain",
    7: "assign-plain",
    8: "for_statement",
    9: "if_statement",
    10: "jump",
    11: "assign-computed",
    12: "call",
    13: "expression",  # an augmented assignment
    15: "jump",
    16: "assign-plain",
    17: "return-plain",
    20: "header",
    21: "header",
    22: "return-computed",
    26: "return-computed",
    27: "none",  # a continuation line starts no statement
    2: "none",  # a blank line
}


def _kind(source: str, line: int) -> str:
    data = source.encode()
    offsets = [0]
    for text in data.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(text))
    tree = pytree.parse(data)
    return repair_lines.line_kind(
        repair_lines.statement_at(tree, data, offsets[line - 1], offsets[line])
    )


@pytest.mark.parametrize(("line", "kind"), sorted(EXPECTED.items()))
def test_each_line_is_known_by_the_statement_it_starts(line: int, kind: str) -> None:
    assert _kind(KINDS, line) == kind


def test_only_edits_of_a_line_s_own_tokens_take_its_prior() -> None:
    assert repair_lines.in_place("compare_swap") and repair_lines.in_place("identifier")
    assert repair_lines.in_place("delete_stmt")
    for family in ("insert_template", "insert_guard", "insert_entry", "wrap_if", "crash_guard"):
        assert not repair_lines.in_place(family)


SCALED = """def scaled_sum(xs, k):
    total = 0
    for x in xs:
        total = total + x * k
    return total
"""


def _lines(monkeypatch: pytest.MonkeyPatch, prior: dict[str, float]) -> list[tuple[str, int]]:
    monkeypatch.setattr(repair_lines, "LINE_PRIOR", prior)
    view = DictView({"m.py": SCALED})
    tied = [Suspicious("m.py", line, 0.7) for line in range(1, 6)]  # one test runs them all
    ctx = ActionContext(view=view, focus_path="m.py", suspicious=tied)
    return [(c.kind, c.data["line"]) for c in RepairGenerator().generate(ctx)]


def test_tied_lines_are_ordered_by_their_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = dict(repair_lines.LINE_PRIOR)
    flat = _lines(monkeypatch, {})
    prior = _lines(monkeypatch, shipped)

    def first(order: list[tuple[str, int]], line: int) -> int:
        return next(i for i, (kind, at) in enumerate(order) if at == line and "insert" not in kind)

    # without the prior, the few edits of `return total` each get a big share of their
    # line and go before the computation's; with it, they and the `def` line's go after
    assert first(flat, 5) < first(flat, 4)
    assert first(prior, 4) < first(prior, 5) and first(prior, 4) < first(prior, 1)
    before_4 = {line for _, line in prior[: first(prior, 4)]}
    assert before_4 <= {2, 3}  # a loop header and a start value keep more of their weight
    # insertions next to a line keep their order among themselves
    inserts = [k for k in flat if k[0].startswith("repair.insert_")]
    assert [k for k in prior if k[0].startswith("repair.insert_")] == inserts
