"""An in-memory workspace view for generator tests: a dict of path → text."""

from __future__ import annotations

import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate
from sea_lsp.workspace.changes import apply_edits


class DictView:
    """``WorkspaceView`` over a dict; trees are parsed on demand with tree-sitter."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = dict(files)

    def files(self) -> list[str]:
        return sorted(self._files)

    def read_text(self, path: str) -> str | None:
        return self._files.get(path)

    def tree(self, path: str):
        text = self._files.get(path)
        return None if text is None or not path.endswith(".py") else pytree.parse(text)


def apply(view: DictView, cand: Candidate) -> dict[str, str]:
    """The files after applying ``cand`` (file ops first, then edits)."""
    files = {p: view.read_text(p) for p in view.files()}
    for op in cand.change.file_ops:
        if op.kind == "create":
            files[op.path] = op.content or ""
        elif op.kind == "delete":
            files.pop(op.path, None)
        elif op.kind == "rename":
            files[op.new_path] = files.pop(op.path)
    for path in {e.path for e in cand.change.edits}:
        files[path] = apply_edits(files[path], [e for e in cand.change.edits if e.path == path])
    return files


@pytest.fixture
def make_ctx():
    def make(files: dict[str, str], focus: str | None = None, **kw) -> ActionContext:
        view = DictView(files)
        return ActionContext(view=view, focus_path=focus or next(iter(files)), **kw)

    return make


def learned_and_untrained(family: str, files: int) -> tuple[int, int, dict, dict]:
    """``sea-lsp shapes`` on ``files`` standard-library files (seed 0, 100 epochs) for one
    family: the train and held-out place counts, and the held-out report of the learned
    table and of an empty one (which ranks in generator order)."""
    import sysconfig
    from pathlib import Path

    from sea_lsp.actions.repair_shapes import ShapePrior
    from sea_lsp.training import shapes

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    train, test, _ = shapes.collect(stdlib, files=files, seed=0, families=(family,))
    train, _ = shapes.split_missed(train[family])
    test, missed = shapes.split_missed(test[family])
    learned = shapes.evaluate(test, ShapePrior(shapes.fit(train, epochs=100)), missed=missed)
    return len(train), len(test), learned, shapes.evaluate(test, ShapePrior({}), missed=missed)


def stdlib_sources(count: int = 120) -> Iterator[str]:
    """The text of the standard library's first ``count`` modules by name (those that read
    as UTF-8): ordinary correct code, to count how often a family flags it."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.glob("*.py"))[:count]:
        try:
            yield path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue


def position(source: str, lines: tuple[int, ...], title: str, **told) -> int:
    """Where the repair generator puts the candidate titled ``title`` in ``source`` (as
    ``m.py``), with ``lines`` equally suspicious and what the failing tests told
    (``evidence=``, ``unbound=``, ``hangs=``)."""
    from sea_lsp.actions.base import Suspicious
    from sea_lsp.actions.repair import RepairGenerator

    view = DictView({"m.py": source})
    suspicious = [Suspicious("m.py", line, 1.0) for line in lines]
    ctx = ActionContext(view=view, focus_path="m.py", suspicious=suspicious, **told)
    return [c.title for c in RepairGenerator().generate(ctx)].index(title)
