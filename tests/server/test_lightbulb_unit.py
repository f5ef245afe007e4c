"""The lightbulb's shaping and crash sites, without a server process."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from lsprotocol import types as lsp

from sea_lsp.actions.base import Candidate
from sea_lsp.config import Settings
from sea_lsp.sandbox.results import TestOutcome, TestRun
from sea_lsp.server import lightbulb
from sea_lsp.workspace.changes import Change, TextEdit
from sea_lsp.workspace.workspace import Workspace


def _candidates() -> list[Candidate]:
    kinds = ["repair.constant"] * 6 + ["docs.docstring", "imports.add", "repair.swap"]
    return [
        Candidate(kind, f"{kind} {i}", Change(edits=(TextEdit("m.py", i, i + 1, "y"),)))
        for i, kind in enumerate(kinds)
    ]


class _Server:
    """What ``shape`` reads of a ``SeaServer``: its state."""

    def __init__(self, state: SimpleNamespace) -> None:
        self.state = state


def _server(tmp_path: Path, **settings) -> _Server:
    ws = Workspace(tmp_path)
    ws.open("m.py", "x = 1\nx = 2\nx = 3\n", version=3)
    return _Server(SimpleNamespace(settings=Settings().merged(settings), workspace=ws, offers={}))


def _actions(offered: list[Candidate]) -> list[lsp.CodeAction]:
    return [
        lsp.CodeAction(
            title=c.title,
            command=lsp.Command(c.title, "sea.accept", arguments=[{"offer": "o", "index": i}]),
        )
        for i, c in enumerate(offered)
    ]


def test_proven_first_then_precise_and_one_more_entry(tmp_path: Path) -> None:
    ls = _server(tmp_path, trusted=True)
    offered = _candidates()
    v = lightbulb.verifier(ls)
    v.failing = ("t::a", "t::b")
    fp = lightbulb.fingerprint(ls.state.workspace)
    v.proofs[(fp, offered[4].key())] = lightbulb.Proof(fixed=1, regressions=0, evaluated_s=0.1)
    v.proofs[(fp, offered[8].key())] = lightbulb.Proof(fixed=2, regressions=0, evaluated_s=0.1)
    v.proofs[(fp, offered[0].key())] = lightbulb.Proof(fixed=2, regressions=1, evaluated_s=0.1)
    v._seen.update((fp, c.key()) for c in offered)  # nothing new to verify here
    out = lightbulb.shape(ls, "o", offered, _actions(offered))
    titles = [a.title for a in out]
    assert titles[:2] == [
        "✓ fixes 2 failing tests: repair.swap 8",
        "✓ fixes 1 failing test: repair.constant 4",
    ]
    assert titles[2:4] == ["docs.docstring 6", "imports.add 7"]
    assert titles[4] == "More SEA suggestions… (5)" and len(out) == 5
    assert [a.is_preferred for a in out] == [True, True, None, None, None]
    assert out[4].command.command == "sea.moreSuggestions"
    ls.state.offers["o"] = SimpleNamespace(candidates=offered)
    rest = lightbulb.rest_of(ls, "o")
    assert [r["index"] for r in rest] == [0, 1, 2, 3, 5]  # a regression is no proof
    # the proof is for those texts only: an edit elsewhere in the file drops it
    ls.state.workspace.change("m.py", [{"text": "z = 0\n"}], version=4)
    again = lightbulb.shape(ls, "o", offered, _actions(offered))
    assert not any(a.title.startswith("✓") for a in again)
    # ... and an undo back to the proven text finds it again
    ls.state.workspace.change("m.py", [{"text": "x = 1\nx = 2\nx = 3\n"}], version=5)
    undone = lightbulb.shape(ls, "o", offered, _actions(offered))
    assert [a.title.startswith("✓") for a in undone][:2] == [True, True]


def test_no_tests_run_means_no_proofs_and_settings_shape_the_list(tmp_path: Path) -> None:
    offered = _candidates()
    ls = _server(tmp_path, lightbulbMaxEntries=3, lightbulbShowGuesses=False)
    out = lightbulb.shape(ls, "o", offered, _actions(offered))
    assert [a.title for a in out] == ["docs.docstring 6", "imports.add 7"]
    whole = _server(tmp_path, lightbulbMaxEntries=0)
    out = lightbulb.shape(whole, "o", offered, _actions(offered))
    assert len(out) == len(offered) and out[0].is_preferred
    assert not any(a.is_preferred for a in out[1:])


def test_crash_sites_are_the_innermost_frames_outside_the_test_file() -> None:
    def failed(nodeid: str, frames: list[tuple[str, int]]) -> TestOutcome:
        return TestOutcome(nodeid, "failed", frames=frames)

    run = TestRun(
        outcomes={
            "tests/test_a.py::one": failed(
                "tests/test_a.py::one", [("tests/test_a.py", 3), ("pkg/m.py", 9)]
            ),
            "tests/test_a.py::two": failed(
                "tests/test_a.py::two", [("tests/test_a.py", 7), ("pkg/m.py", 20), ("pkg/m.py", 9)]
            ),
            "tests/test_a.py::three": failed("tests/test_a.py::three", [("tests/test_a.py", 11)]),
            "tests/test_a.py::ok": TestOutcome("tests/test_a.py::ok", "passed"),
        }
    )
    assert lightbulb.crash_sites(run) == [("pkg/m.py", 9)]


def test_stop_drops_the_queue_and_closes_the_warm_worker() -> None:
    """On shutdown the background proofs end and their sandbox worker is closed."""
    import threading
    import time

    v = lightbulb.Verifier(failing=("t::a",))
    v.max_evaluations, v.started = 1000, time.monotonic()
    closed, proved = [], []
    v._evaluator = lambda job: SimpleNamespace(close=lambda: closed.append(True))

    def slow(evaluator, job, generation):
        proved.append(job.key)
        time.sleep(0.05)

    v._prove = slow
    for i in range(40):
        v._jobs.append(lightbulb._Job(("fp", i), "fp", f"c{i}", {}, {}))
    v._idle.clear()
    v._thread = threading.Thread(target=v._work, daemon=True)
    v._thread.start()
    time.sleep(0.1)
    assert v.stop(timeout=5.0)
    assert closed == [True] and len(proved) < 40 and not v._jobs and not v.active
