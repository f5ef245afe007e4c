"""``sea.fixFailingTests`` / ``sea.runTask`` end to end: progress, preview, apply, cancel."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest
from lsprotocol import types as lsp

from sea_lsp.feedback.store import FeedbackStore
from tests.server.conftest import open_doc, spawn_server, start_client

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        importlib.util.find_spec("sea_lsp.agent.search") is None,
        reason="sea_lsp.agent.search not installed",
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


async def test_a_result_is_not_applied_once_its_file_changed(tmp_path, project):
    """The user edits the file while the preview is open: Apply must not send edits whose
    offsets were computed on the old text."""
    client = await start_client(
        tmp_path, project, trusted=True, budget={"evaluations": 60, "seconds": 60}
    )
    try:
        uri = open_doc(client, project, "stats.py")
        seen: dict = {"asked": 0, "edits": []}

        @client.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)
        def ask(params: lsp.ShowMessageRequestParams):
            seen["asked"] += 1
            top = lsp.Position(line=0, character=0)
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                    content_changes=[
                        lsp.TextDocumentContentChangePartial(
                            range=lsp.Range(top, top), text="# edited meanwhile\n"
                        )
                    ],
                )
            )
            return lsp.MessageActionItem(title="Apply")

        @client.feature(lsp.WORKSPACE_APPLY_EDIT)
        def apply(params: lsp.ApplyWorkspaceEditParams):
            seen["edits"].append(params.edit)
            return lsp.ApplyWorkspaceEditResult(applied=True)

        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="sea.fixFailingTests", arguments=[{}])
        )
        assert result["solved"] and not result["applied"], result
        assert seen["asked"] == 1 and seen["edits"] == []
        for _ in range(50):  # window/showMessage is a notification: let it arrive
            if any("stats.py changed after the task read it" in m.message for m in client.messages):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError([m.message for m in client.messages])
        with FeedbackStore(tmp_path / "feedback.sqlite3") as store:
            (task,) = [o for o in store.offers() if o.source == "task"]
            assert task.outcome == "superseded"
    finally:
        await client.shutdown_session()


def test_a_cancel_sent_before_the_progress_is_acknowledged_still_stops_the_task(tmp_path, project):
    """A client knows a progress token from the create request on; a cancel it sends
    before answering that request must stop the task (it was once ignored as "unknown
    token", and the task ran its whole budget)."""
    import json
    import queue
    import threading

    from sea_lsp.bench.lsp import frame, read_messages

    (project / "test_stats.py").write_text(
        "from stats import mean\n\n\ndef test_impossible():\n    assert mean([1, 2, 3]) == 42\n"
    )
    proc = spawn_server(tmp_path)
    inbox: queue.Queue = queue.Queue()

    def read() -> None:
        for message in read_messages(proc.stdout):
            inbox.put(message)

    def send(message: dict) -> None:
        proc.stdin.write(frame(json.dumps({"jsonrpc": "2.0", **message}).encode()))
        proc.stdin.flush()

    def until(test, timeout: float = 60.0) -> dict:
        while True:
            message = inbox.get(timeout=timeout)
            if test(message):
                return message

    threading.Thread(target=read, daemon=True).start()
    try:
        options = {
            "trusted": True,
            "budget": {"evaluations": 5000, "seconds": 120},
            "feedbackPath": str(tmp_path / "feedback.sqlite3"),
        }
        params = {
            "processId": None,
            "rootUri": project.as_uri(),
            "capabilities": {"window": {"workDoneProgress": True}},
            "initializationOptions": options,
        }
        send({"id": 1, "method": "initialize", "params": params})
        until(lambda m: m.get("id") == 1)
        send({"method": "initialized", "params": {}})
        task = {"command": "sea.runTask", "arguments": [{"text": "fix the bug"}]}
        send({"id": 2, "method": "workspace/executeCommand", "params": task})
        create = until(lambda m: m.get("method") == "window/workDoneProgress/create")
        token = create["params"]["token"]
        send({"method": "window/workDoneProgress/cancel", "params": {"token": token}})
        send({"id": create["id"], "result": None})  # the answer comes after the cancel
        answer = until(lambda m: m.get("id") == 2, timeout=60)
        assert answer["result"]["summary"].startswith("cancelled"), answer
    finally:
        proc.kill()
        proc.wait()
