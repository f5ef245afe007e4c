"""A code action's deadline: the answer holds what was ready, the next request for the
same version and range goes on where it stopped, and another version starts over."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from sea_lsp.actions import registry
from sea_lsp.actions.base import ActionContext, Candidate
from sea_lsp.config import Settings
from sea_lsp.server import code_actions
from sea_lsp.server.documents import valid_text
from sea_lsp.workspace.changes import Change, TextEdit
from sea_lsp.workspace.symbols import SymbolIndex
from sea_lsp.workspace.workspace import Workspace

SOURCE = "def top(a, b):\n    return a < b\n"
RUNS: list[str] = []


def _generator(name: str, offset: int) -> type:
    class Fixed:
        def generate(self, ctx: ActionContext) -> list[Candidate]:
            RUNS.append(name)
            edit = TextEdit("m.py", offset, offset, f"# {name}\n")
            return [Candidate(f"{name}.fixed", f"from {name}", Change(edits=(edit,)))]

    Fixed.name = name
    return Fixed


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    gens = {n: _generator(n, i) for i, n in enumerate(("syntax", "imports", "repair"))}
    monkeypatch.setattr(registry, "GENERATORS", gens)
    RUNS.clear()
    ws = Workspace(tmp_path)
    ws.open("m.py", SOURCE, 1)
    state = SimpleNamespace(workspace=ws, symbols=SymbolIndex(ws), settings=Settings())
    return SimpleNamespace(state=state)


def _titles(found: list[Candidate]) -> list[str]:
    return [c.title for c in found]


def test_past_its_deadline_a_request_answers_with_what_is_ready(server) -> None:
    past = time.perf_counter() - 1.0
    first = code_actions.candidates_for(server, "m.py", 20, 20, [], past)
    assert _titles(first) == ["from syntax"]
    second = code_actions.candidates_for(server, "m.py", 20, 20, [], past)
    assert _titles(second) == ["from syntax", "from imports"]
    third = code_actions.candidates_for(server, "m.py", 20, 20, [], past)
    assert _titles(third) == ["from syntax", "from imports", "from repair"]
    assert RUNS == ["syntax", "imports", "repair"]  # each generator ran once in all
    assert all(c.tokens for c in third)  # encoded, the early ones included


def test_another_version_or_range_starts_over(server) -> None:
    past = time.perf_counter() - 1.0
    code_actions.candidates_for(server, "m.py", 20, 20, [], past)
    other_range = code_actions.candidates_for(server, "m.py", 5, 5, [], past)
    assert _titles(other_range) == ["from syntax"]
    server.state.workspace.change("m.py", [((1, 0, 1, 0), "\n")], 2)
    after_edit = code_actions.candidates_for(server, "m.py", 5, 5, [], past)
    assert _titles(after_edit) == ["from syntax"]
    assert RUNS == ["syntax"] * 3


def test_without_a_deadline_every_generator_runs(server) -> None:
    found = code_actions.candidates_for(server, "m.py", 20, 20, [], None)
    assert _titles(found) == ["from syntax", "from imports", "from repair"]


def test_the_deadline_is_a_setting_and_zero_waits_for_all() -> None:
    assert Settings().code_action_deadline_ms == 50.0
    settings = Settings().merged({"codeActionDeadlineMs": 0})
    ls = SimpleNamespace(state=SimpleNamespace(settings=settings))
    assert code_actions._deadline(ls) is None


def test_text_that_is_not_unicode_keeps_its_utf16_positions() -> None:
    text = "x = 'caf\udce9'\ny = 1\n"
    clean = valid_text(text, "file:///m.py")
    assert clean == "x = 'caf\ufffd'\ny = 1\n"
    assert len(clean.encode("utf-16-le")) == len(text.encode("utf-16-le", "surrogatepass"))
    assert valid_text("ok", "file:///m.py") == "ok"
