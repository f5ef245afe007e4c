"""Candidates that run tests: the failing ones, the focus file's, a function's, or all.

They change nothing (empty ``Change``); the agent runs them in the sandbox and the results
become part of the next state. Kind ``run.tests``; ``data`` holds the scope and node ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate, NodeRef
from sea_lsp.actions.pytree import text_of
from sea_lsp.workspace.changes import Change

_EMPTY = Change()


def is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def tests_for(files: list[str], path: str) -> list[str]:
    """Test files that look like they test module ``path`` (``test_<stem>.py``)."""
    if is_test_file(path):
        return [path]
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    names = {f"test_{stem}.py", f"{stem}_test.py"}
    return [f for f in files if f.rsplit("/", 1)[-1] in names]


def test_ids_in(ctx: ActionContext, path: str) -> list[tuple[str, NodeRef]]:
    """pytest node ids of the test functions in ``path`` overlapping the focus range."""
    tree = ctx.view.tree(path)
    if tree is None:
        return []
    out = []
    for n in pytree.walk(tree.root_node):
        if n.type != "function_definition":
            continue
        name = text_of(n.child_by_field_name("name"))
        if not name.startswith("test"):
            continue
        lo, hi = ctx.focus_start, ctx.focus_end
        if lo is None or hi is None or not (n.start_byte <= hi and n.end_byte >= lo):
            continue
        parts = [name]
        p = n.parent
        while p is not None:
            if p.type == "class_definition":
                parts.insert(0, text_of(p.child_by_field_name("name")))
            p = p.parent
        ref = NodeRef(path, n.start_byte, n.end_byte, n.type)
        out.append(("::".join([path, *parts]), ref))
    return out


def _run(title: str, scope: str, ids: list[str], target: NodeRef | None = None) -> Candidate:
    return Candidate(
        kind="run.tests",
        title=title,
        change=_EMPTY,
        target=target,
        lsp_kind="source.sea.runTests",
        expensive=True,
        needs_execution=True,
        data={"scope": scope, "ids": ids},
    )


class RunTestsGenerator:
    """Run the failing tests, the focus's tests, or the whole project."""

    name = "run_tests"

    def generate(self, ctx: ActionContext) -> Iterable[Candidate]:
        out = []
        if ctx.failing_tests:
            ids = list(dict.fromkeys(ctx.failing_tests))
            out.append(_run(f"Run the {len(ids)} failing test(s)", "failing", ids))
        if ctx.focus_path and ctx.focus_path.endswith(".py"):
            for node_id, ref in test_ids_in(ctx, ctx.focus_path):
                out.append(_run(f"Run `{node_id.split('::', 1)[1]}`", "function", [node_id], ref))
            files = tests_for(ctx.view.files(), ctx.focus_path)
            if files:
                title = f"Run the tests of `{ctx.focus_path}`"
                out.append(_run(title, "file", files))
        out.append(_run("Run all tests", "project", []))
        return out[: ctx.limit] if ctx.limit else out
