"""Does the candidate space reach a bug's human fix? Measured, not assumed.

The repair generators run on the buggy file with the bug's lines (and the lines next to
them) as the only suspicious ones, without a cap; a bug is reachable when one candidate
gives the fixed text back, token for token. This is the ceiling of any ranking: a fix the
generators never propose cannot be found however well they are ordered.
"""

from __future__ import annotations

from typing import Any

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.registry import generate_all
from sea_lsp.bench.bug_data import Bug, BugProject, same_code
from sea_lsp.workspace.changes import ChangeError, apply_edits
from sea_lsp.workspace.symbols import SymbolIndex


class TextsView:
    """The read side of a workspace over a dict of texts (what the generators read)."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files
        self._trees: dict[str, Any] = {}

    def files(self) -> list[str]:
        return sorted(self._files)

    def read_text(self, path: str) -> str | None:
        return self._files.get(path)

    def tree(self, path: str) -> Any:
        if path not in self._trees:
            text = self._files.get(path)
            ok = text is not None and path.endswith(".py")
            self._trees[path] = pytree.parse(text) if ok else None
        return self._trees[path]


def bug_lines(project: BugProject, bug: Bug) -> dict[str, list[int]]:
    """1-based lines of the buggy files that the bug's edits cover, with a line each side."""
    buggy = project.buggy_files(bug)
    out: dict[str, set[int]] = {}
    for e in bug.edits:
        text = buggy[e.file]
        at = text.find(e.buggy) if e.buggy else -1
        if at < 0:  # the bug deleted text: the lines around where it was
            at = project.files[e.file].find(e.fixed)
        first = text.count("\n", 0, max(at, 0)) + 1
        last = first + e.buggy.count("\n")
        out.setdefault(e.file, set()).update(range(max(1, first - 1), last + 2))
    return {f: sorted(v) for f, v in out.items()}


def reachable(project: BugProject, bug: Bug) -> dict[str, Any]:
    """``{"reachable": bool, "family": the first family that reaches it, "candidates": n}``."""

    texts = {**project.files, **project.buggy_files(bug)}
    view = TextsView(texts)
    lines = bug_lines(project, bug)
    suspicious = [Suspicious(f, n, 1.0) for f, ns in lines.items() for n in ns]
    ctx = ActionContext(
        view=view, task="fix the failing tests", suspicious=suspicious, symbols=SymbolIndex(view)
    )
    candidates = generate_all(ctx, kinds={"repair"})
    for c in candidates:
        after = dict(texts)
        try:
            for e in c.change.edits:
                after[e.path] = apply_edits(after[e.path], [e])
        except (ChangeError, KeyError):
            continue
        if all(same_code(after[f], project.files[f]) for f in bug.files):
            return {"reachable": True, "family": c.kind, "candidates": len(candidates)}
    return {"reachable": False, "family": None, "candidates": len(candidates)}
