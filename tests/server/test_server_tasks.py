"""``sea.fixFailingTests`` / ``sea.runTask`` end to end: progress, preview, apply, cancel."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest
from lsprotocol import types as lsp

from sea_lsp.feedback import FeedbackStore
from tests.server.conftest import start_client

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        importlib.util.find_spec("sea_lsp.agent") is None, reason="sea_lsp.agent not installed"
    ),
]


def answer_previews(client, choice: str) -> dict:
    seen: dict = {"asked": [], "edits": []}

    @client.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)
    def ask(params: lsp.ShowMessageRequestParams):
        seen["asked"].append(params.message)
        return lsp.MessageActionItem(title=choice)

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply(params: lsp.ApplyWorkspaceEditParams):
        seen["edits"].append(params.edit)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    return seen


async def test_fix_failing_tests_with_progress_preview_and_apply(tmp_path, project):
    client = await start_client(
        tmp_path, project, trusted=True, budget={"evaluations": 60, "seconds": 60}
    )
    try:
        seen = answer_previews(client, "Apply")
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="sea.fixFailingTests", arguments=[{}])
        )
        assert result["solved"] and result["applied"], result
        assert seen["asked"] and seen["edits"]
        kinds = [type(v).__name__ for reports in client.progress_reports.values() for v in reports]
        assert "WorkDoneProgressBegin" in kinds and "WorkDoneProgressEnd" in kinds
        with FeedbackStore(tmp_path / "feedback.sqlite3") as store:
            (task,) = [o for o in store.offers() if o.source == "task"]
            assert (task.outcome, task.chosen) == ("accepted", 0)
    finally:
        await client.shutdown_session()


async def test_task_stops_promptly_when_cancelled(tmp_path, project):
    (project / "test_stats.py").write_text(
        "from stats import mean\n\n\ndef test_impossible():\n    assert mean([1, 2, 3]) == 42\n"
    )
    client = await start_client(
        tmp_path, project, trusted=True, budget={"evaluations": 5000, "seconds": 120}
    )
    try:
        answer_previews(client, "Reject")
        running = asyncio.ensure_future(
            client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="sea.runTask", arguments=[{"text": "fix the bug"}])
            )
        )
        for _ in range(600):
            if client.progress_reports:
                break
            await asyncio.sleep(0.1)
        (token,) = list(client.progress_reports)
        client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(running, 60)
        assert result["summary"].startswith("cancelled") and not result["applied"]
        status = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="sea.status", arguments=[{}])
        )
        assert status["taskRunning"] is False
    finally:
        await client.shutdown_session()
