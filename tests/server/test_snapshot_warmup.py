"""Unit tests: the agent's frozen workspace snapshot, and the first-use warm-up."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from sea_lsp.server import warmup
from sea_lsp.workspace.workspace import Workspace

SOURCE = "def mean(xs):\n    return sum(xs) / len(xs)\n"


def _open(tmp_path) -> Workspace:
    (tmp_path / "m.py").write_text(SOURCE)
    (tmp_path / "other.py").write_text("X = 1\n")
    ws = Workspace(tmp_path)
    ws.open("m.py", SOURCE, 1)
    assert ws.tree("m.py") is not None  # parsed: later changes reparse incrementally
    return ws


def test_snapshot_keeps_text_and_tree_of_one_version(tmp_path):
    ws = _open(tmp_path)
    snap = ws.snapshot()
    ws.change("m.py", [((1, 4, 1, 10), "yield")], 2)
    ws.change("m.py", [(None, "def broken(:\n")], 3)

    doc = snap.document("m.py")
    assert doc.version == 1 and doc.text == SOURCE
    tree = snap.tree("m.py")
    assert not tree.root_node.has_error
    assert tree.root_node.end_byte == len(SOURCE.encode())
    assert ws.read_text("m.py") == "def broken(:\n"
    assert ws.tree("m.py").root_node.has_error
    assert snap.read_text("other.py") == "X = 1\n"  # disk files read through as before
    assert snap.open_paths() == ["m.py"]


def test_snapshot_is_independent_of_edits_from_another_thread(tmp_path):
    ws = _open(tmp_path)
    snap = ws.snapshot()
    stop = threading.Event()

    def edit() -> None:
        version = 1
        while not stop.is_set():
            version += 1
            ws.change("m.py", [((0, 0, 0, 0), "# c\n")], version)

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        for _ in range(200):
            assert snap.read_text("m.py") == SOURCE
            assert snap.tree("m.py").root_node.end_byte == len(SOURCE.encode())
    finally:
        stop.set()
        editor.join()
    assert ws.read_text("m.py").endswith(SOURCE) and ws.read_text("m.py") != SOURCE


def test_warm_generators_runs_the_code_action_path():
    assert warmup.warm_generators() >= 0.0


class _FakeModel:
    config = SimpleNamespace(vocab_size=100, max_state_len=12, max_cand_len=5)

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def log_probs(self, state, cands):
        self.calls.append(("policy", len(state), len(cands)))
        return [0.0] * len(cands)

    def value(self, state):
        self.calls.append(("value", len(state), 0))
        return 0.0


def test_warm_model_runs_full_length_batches():
    model = _FakeModel()
    warmup.warm_model(model)
    counts = warmup.WARM_CANDIDATE_COUNTS
    assert model.calls == [*(("policy", 12, n) for n in counts), ("value", 12, 0)]


def test_warm_model_survives_a_model_that_fails():
    class Broken(_FakeModel):
        def log_probs(self, state, cands):
            raise RuntimeError("boom")

    assert warmup.warm_model(Broken()) >= 0.0


def test_load_and_warm_warms_before_returning(monkeypatch):
    model = _FakeModel()
    loaded = SimpleNamespace(model=model)
    monkeypatch.setattr(warmup, "load_model", lambda settings: loaded)
    monkeypatch.setattr(warmup, "warm_generators", lambda: 0.0)
    assert warmup.load_and_warm(object()) is loaded
    assert model.calls, "the model was published before its first forward pass"
