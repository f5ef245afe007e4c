"""Does the candidate space reach a bug's human fix? Measured, not assumed.

The repair generators run on the buggy file with the bug's lines (and the lines next to
them) as the only suspicious ones, without a cap; a bug is reachable when one candidate
gives the fixed text back, token for token, or a plan of two does (a first candidate fixes
part of it, a candidate of the state it leads to fixes the rest). This is the ceiling of
any ranking: a fix the generators never propose cannot be found however well they are
ordered.
"""

from __future__ import annotations

import difflib
from typing import Any

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Suspicious
from sea_lsp.actions.registry import generate_all
from sea_lsp.bench.bug_data import Bug, BugProject, same_code
from sea_lsp.workspace.changes import ChangeError, apply_edits, common_ends
from sea_lsp.workspace.symbols import SymbolIndex

MAX_FIRST_EDITS = 40  # first edits of a plan tried, those leaving the fewest lines to fix first


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


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """A line diff's opcodes, computed on the lines between the two lists' common start and
    end only (a whole 3,000-line file per candidate would take seconds each)."""
    head, tail = common_ends(old, new)
    matcher = difflib.SequenceMatcher(
        None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    )
    return [
        (tag, i1 + head, i2 + head, j1 + head, j2 + head)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def changed_lines(fixed: str, buggy: str) -> set[int]:
    """1-based lines of ``buggy`` where it differs from ``fixed`` (a line diff), with a line
    each side; a deletion marks the lines around where the text was."""
    out: set[int] = set()
    for tag, _, _, j1, j2 in _opcodes(fixed.split("\n"), buggy.split("\n")):
        if tag != "equal":  # buggy lines j1..j2 (0-based, j2 exclusive; j1 == j2: deleted)
            out.update(range(max(1, j1), max(j2, j1 + 1) + 2))
    return out


def distance(fixed: str, buggy: str) -> int:
    """How many lines a line diff changes between the two texts (0: the same code)."""
    if same_code(buggy, fixed):
        return 0
    return sum(
        max(i2 - i1, j2 - j1)
        for tag, i1, i2, j1, j2 in _opcodes(fixed.split("\n"), buggy.split("\n"))
        if tag != "equal"
    )


def bug_lines(project: BugProject, bug: Bug) -> dict[str, list[int]]:
    """1-based lines of the buggy files where they differ from the fixed ones (found by a
    line diff, so a buggy line whose text also occurs elsewhere in the file is placed
    right), with a line each side; a deletion marks the lines around where the text was."""
    buggy = project.buggy_files(bug)
    out: dict[str, list[int]] = {}
    for f in dict.fromkeys(e.file for e in bug.edits):
        lines = changed_lines(project.files[f], buggy[f])
        if lines:
            out[f] = sorted(lines)
    return out


def candidates_at(texts: dict[str, str], lines: dict[str, list[int]]) -> list[Any]:
    view = TextsView(texts)
    suspicious = [Suspicious(f, n, 1.0) for f, ns in lines.items() for n in ns]
    ctx = ActionContext(
        view=view, task="fix the failing tests", suspicious=suspicious, symbols=SymbolIndex(view)
    )
    return generate_all(ctx, kinds={"repair"})


def applied(texts: dict[str, str], candidate: Any) -> dict[str, str] | None:
    after = dict(texts)
    try:
        for e in candidate.change.edits:
            after[e.path] = apply_edits(after[e.path], [e])
    except (ChangeError, KeyError):
        return None
    return after


def reachable(project: BugProject, bug: Bug, plans: bool = True) -> dict[str, Any]:
    """``{"reachable": bool, "edits": 1 or 2 (None when not), "family": the first family
    (``a+b`` for a plan) that reaches it, "candidates": n}``.

    With ``plans``, a bug no single candidate fixes is reachable in two edits when a first
    candidate fixes part of it (its files come closer to the fixed ones, line by line) and
    a candidate of that state, generated on the lines still different, fixes the rest: the
    two-edit plans the search can make (it goes deeper under a first edit that helps)."""
    fixed = {f: project.files[f] for f in bug.files}
    texts = {**project.files, **project.buggy_files(bug)}
    candidates = candidates_at(texts, bug_lines(project, bug))

    def gap(state: dict[str, str]) -> int:
        return sum(distance(fixed[f], state[f]) for f in bug.files)

    start, closer = gap(texts), []
    for c in candidates:
        after = applied(texts, c)
        if after is None:
            continue
        left = gap(after)
        if left == 0:
            return {"reachable": True, "edits": 1, "family": c.kind, "candidates": len(candidates)}
        if left < start:
            closer.append((left, c, after))
    closer.sort(key=lambda x: x[0])
    for _, first, after in closer[:MAX_FIRST_EDITS] if plans else ():
        lines = {f: sorted(changed_lines(fixed[f], after[f])) for f in bug.files}
        for second in candidates_at(after, {f: ns for f, ns in lines.items() if ns}):
            done = applied(after, second)
            if done is not None and gap(done) == 0:
                family = f"{first.kind}+{second.kind}"
                return {
                    "reachable": True,
                    "edits": 2,
                    "family": family,
                    "candidates": len(candidates),
                }
    return {"reachable": False, "edits": None, "family": None, "candidates": len(candidates)}
