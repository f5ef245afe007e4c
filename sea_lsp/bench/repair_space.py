"""Does the candidate space reach a bug's human fix? Measured, not assumed.

The repair generators run on the buggy file with the bug's lines (and the lines next to
them) as the only suspicious ones, without a cap; a bug is reachable when one candidate
gives the fixed text back, token for token. This is the ceiling of any ranking: a fix the
generators never propose cannot be found however well they are ordered.
"""

from __future__ import annotations

import difflib
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
    """1-based lines of the buggy files where they differ from the fixed ones (found by a
    line diff, so a buggy line whose text also occurs elsewhere in the file is placed
    right), with a line each side; a deletion marks the lines around where the text was."""
    buggy = project.buggy_files(bug)
    out: dict[str, set[int]] = {}
    for f in dict.fromkeys(e.file for e in bug.edits):
        old, new = project.files[f].split("\n"), buggy[f].split("\n")
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, _, _, j1, j2 in matcher.get_opcodes():
            if tag != "equal":  # buggy lines j1..j2 (0-based, j2 exclusive; j1 == j2: deleted)
                out.setdefault(f, set()).update(range(max(1, j1), max(j2, j1 + 1) + 2))
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
