"""``sea.runTests``: run the project's tests in the sandbox (open documents as the editor
has them) and publish each failing test at its failing line; clear the ones that pass."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from sea_lsp.sandbox.results import TestRun
from sea_lsp.sandbox.sandbox import ExecutionRefused, Limits, Sandbox
from sea_lsp.server import code_actions, lightbulb
from sea_lsp.server.args import optional_str, require_trusted
from sea_lsp.server.documents import workspace_path

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

SOURCE = "sea-lsp"


def _range_for(ls: SeaServer, path: str, line: int | None) -> lsp.Range:
    row = max(0, (line or 1) - 1)
    doc = ls.state.workspace.document(path)
    end_char = 0
    if doc is not None and row < doc.index.line_count:
        text_line = doc.index.data[doc.index.line_start(row) : doc.index.line_end(row)]
        end_char = doc.index.byte_to_position(doc.index.line_end(row), ls.state.position_encoding)[
            1
        ]
        if not text_line.strip():
            end_char = 0
    return lsp.Range(lsp.Position(row, 0), lsp.Position(row, end_char))


def publish_test_diagnostics(ls: SeaServer, run: TestRun) -> None:
    """Failing tests at their failing lines; files that had failures and have none now are cleared."""
    by_path: dict[str, list[lsp.Diagnostic]] = {}
    for nodeid, outcome in run.outcomes.items():
        if outcome.outcome not in ("failed", "error") or not outcome.path:
            continue
        message = outcome.message.strip() or f"{nodeid} {outcome.outcome}"
        by_path.setdefault(outcome.path, []).append(
            lsp.Diagnostic(
                range=_range_for(ls, outcome.path, outcome.line),
                message=f"{nodeid}: {message}",
                severity=lsp.DiagnosticSeverity.Error,
                source=SOURCE,
                code=outcome.outcome,
            )
        )
    st = ls.state
    previous = st.test_diagnostics_paths
    st.test_diagnostics_paths = set(by_path)
    ws = st.workspace
    for path in previous | set(by_path):
        params = lsp.PublishDiagnosticsParams(
            uri=ws.uri_for(path), diagnostics=by_path.get(path, [])
        )
        ls.call_in_loop(ls.text_document_publish_diagnostics, params)


def _summary(run: TestRun) -> dict[str, Any]:
    counts = {"passed": 0, "failed": 0, "errors": 0}
    tests = []
    for nodeid, o in run.outcomes.items():
        key = {"passed": "passed", "failed": "failed", "error": "errors"}.get(o.outcome)
        if key:
            counts[key] += 1
        tests.append(
            {
                "id": nodeid,
                "outcome": o.outcome,
                "message": o.message,
                "path": o.path,
                "line": o.line,
            }
        )
    if run.error and not run.outcomes:
        counts["errors"] += 1
    return {**counts, "tests": tests, "error": run.error, "timedOut": run.timed_out}


def sandbox_for(ls: SeaServer) -> Sandbox:
    """A sandbox whose copies start from the editor's texts (unsaved edits included)."""
    s = ls.state.settings
    return Sandbox(
        ls.state.workspace.root,
        trusted=s.trusted,
        limits=Limits(timeout_s=s.test_timeout_s, per_test_timeout_s=s.test_case_timeout_s),
        test_command=s.test_command,
        editor_texts=ls.state.workspace.open_texts(),
    )


async def run_tests(ls: SeaServer, arg: dict[str, Any]) -> dict[str, Any]:
    require_trusted(ls, "run the tests")
    name = optional_str(arg, "name")
    uri = optional_str(arg, "uri")
    test_ids: list[str] | None = None
    if name:
        test_ids = [name]
    elif uri:
        test_ids = [workspace_path(ls, uri)]
    sandbox = sandbox_for(ls)
    async with ls.progress("sea: running tests", cancellable=False) as report:
        report(0, "running tests in the sandbox")
        try:
            run = await asyncio.to_thread(sandbox.run_tests, None, test_ids)
        except ExecutionRefused as exc:
            raise ls.user_error(str(exc)) from exc
    publish_test_diagnostics(ls, run)
    lightbulb.after_test_run(ls, run, code_actions)  # proofs for the lightbulb, in background
    return _summary(run)
