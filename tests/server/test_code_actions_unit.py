"""The code-action path in-process: editor-local candidates, and ranking remembered only
while model, state and candidates are the same."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sea_lsp.actions.base import Candidate
from sea_lsp.config import Settings
from sea_lsp.server import code_actions
from sea_lsp.workspace.changes import Change, TextEdit
from sea_lsp.workspace.symbols import SymbolIndex
from sea_lsp.workspace.workspace import Workspace

SOURCE = "def mean(xs):\n    return sum(xs) / (len(xs) - 1)\n\n\ndef top(a, b):\n    return a < b\n"


class CountingModel:
    """A policy stand-in that prefers later candidates and counts its calls."""

    version = "test"

    def __init__(self) -> None:
        self.calls = 0

    def log_probs(self, state, cands):
        self.calls += 1
        return [-float(len(cands) - i) for i in range(len(cands))]


def candidates(n: int) -> list[Candidate]:
    out = []
    for i in range(n):
        c = Candidate("repair.constant", f"c{i}", Change(edits=(TextEdit("m.py", i, i, "x"),)))
        c.tokens = [5, 6, i + 1]
        out.append(c)
    return out


def test_ranking_is_remembered_for_the_same_inputs_only() -> None:
    model, cands = CountingModel(), candidates(3)
    first = code_actions._ranked(model, [1, 2, 3], cands)
    again = code_actions._ranked(model, [1, 2, 3], cands)
    assert model.calls == 1
    assert [c.title for c, _ in first] == [c.title for c, _ in again] == ["c2", "c1", "c0"]
    code_actions._ranked(model, [1, 2, 4], cands)  # another state
    assert model.calls == 2
    other = CountingModel()
    code_actions._ranked(other, [1, 2, 3], cands)  # another model (a reload)
    assert other.calls == 1
    cands[0].tokens = [9]  # another candidate encoding
    code_actions._ranked(model, [1, 2, 3], cands)
    assert model.calls == 3


def test_candidates_for_stays_on_the_cursor_line(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.open("m.py", SOURCE, 1)
    state = SimpleNamespace(workspace=ws, symbols=SymbolIndex(ws), settings=Settings())
    ls = SimpleNamespace(state=state)
    cursor = SOURCE.index("a < b")
    tokens = code_actions.state_for(ls, "m.py", cursor, cursor, [])
    found = code_actions.candidates_for(ls, "m.py", cursor, cursor, [])
    assert tokens and found
    assert all(c.tokens for c in found)
    assert {c.data.get("line") for c in found if c.kind.startswith("repair.")} == {6}
    assert any(c.kind == "repair.compare_swap" for c in found)


def test_the_collector_waits_until_the_answer_is_out() -> None:
    import asyncio
    import gc

    from sea_lsp.server.app import SeaServer

    async def scenario() -> tuple[bool, bool, bool]:
        server = SeaServer()
        server.loop = asyncio.get_running_loop()
        with server.collector_deferred():
            during = gc.isenabled()
        right_after = gc.isenabled()  # the answer is being written: still off
        await asyncio.sleep(0)  # the loop's next turn collects and turns it back on
        return during, right_after, gc.isenabled()

    assert gc.isenabled()
    assert asyncio.run(scenario()) == (False, False, True)
