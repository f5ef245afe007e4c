"""The agent's worker thread and the editor's edits at the same time; the first code action.

* ``sea.fixFailingTests`` searches in a worker thread while the editor keeps sending
  didChange + codeAction for the same file: the server must stay alive and consistent
  (the agent reads a frozen snapshot, never the documents being edited).
* The first code action after opening a file must offer what the second one does.
"""

from __future__ import annotations

import asyncio
import importlib.util
import random

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from tests.server.conftest import STATS, open_doc, start_client

pytestmark = pytest.mark.e2e

needs_agent = pytest.mark.skipif(
    importlib.util.find_spec("sea_lsp.agent.search") is None,
    reason="sea_lsp.agent.search not installed",
)
SNIPPETS = ["(", ")", "x", "def ", ":", "# note\n", "'''", "\n"]


def _code_action_params(uri: str, line: int, end: int = 3) -> lsp.CodeActionParams:
    return lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, end)),
        context=lsp.CodeActionContext(diagnostics=[]),
    )


async def _status(client) -> dict:
    return await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="sea.status", arguments=[{}])
    )


@needs_agent
async def test_edits_and_code_actions_while_the_agent_searches(tmp_path, project):
    client = await start_client(
        tmp_path, project, trusted=True, budget={"evaluations": 40, "seconds": 30}
    )
    try:

        @client.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)
        def ask(params: lsp.ShowMessageRequestParams):
            return lsp.MessageActionItem(title="Reject")

        uri = open_doc(client, project, "stats.py")
        lines = STATS.split("\n")
        task = asyncio.ensure_future(
            client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="sea.fixFailingTests", arguments=[{}])
            )
        )
        rnd = random.Random(0)
        version, rounds = 1, 0
        while not task.done() or rounds < 20:
            version += 1
            line = rnd.randrange(len(lines))
            if rnd.random() < 0.1:  # now and then the whole text, as some clients send it
                change = lsp.TextDocumentContentChangeWholeDocument(text="\n".join(lines))
            else:
                text = rnd.choice(SNIPPETS)
                change = lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)), text=text
                )
                lines[line : line + 1] = (text + lines[line]).split("\n")
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[change],
                )
            )
            await asyncio.wait_for(
                client.text_document_code_action_async(_code_action_params(uri, line)), 60
            )
            rounds += 1
            await asyncio.sleep(0)
        try:
            result = await asyncio.wait_for(task, 120)
            assert isinstance(result["summary"], str)
        except JsonRpcException as exc:
            # the tests run the text in the editor, which the edits above may have broken
            # before the agent took its snapshot: then the user is told, not a crash
            assert "tests" in str(exc) and "Internal" not in type(exc).__name__, repr(exc)
        # alive, idle and answering about the text as the editor last sent it
        assert (await _status(client))["taskRunning"] is False
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=STATS)],
            )
        )
        mean_line = STATS.split("\n").index("    return sum(xs) / (len(xs) - 1)")
        actions = await asyncio.wait_for(
            client.text_document_code_action_async(_code_action_params(uri, mean_line, 34)), 60
        )
        assert actions, "no code actions on the restored text"
    finally:
        await client.shutdown_session()


async def test_first_code_action_after_open_offers_what_the_second_does(tmp_path, project):
    client = await start_client(tmp_path, project)
    try:
        for _ in range(600):  # the model (and its warm-up) load in the background
            if (await _status(client))["modelReady"]:
                break
            await asyncio.sleep(0.1)
        uri = open_doc(client, project, "stats.py")
        line = STATS.split("\n").index("    return sum(xs) / (len(xs) - 1)")
        cursor = lsp.Position(line, 30)  # an empty range: the cursor, as Ctrl+. sends it
        params = lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(cursor, cursor),
            context=lsp.CodeActionContext(
                diagnostics=[], trigger_kind=lsp.CodeActionTriggerKind.Invoked
            ),
        )
        first = await client.text_document_code_action_async(params)
        second = await client.text_document_code_action_async(params)
        assert first, "the first code action request after didOpen offered nothing"
        assert [a.title for a in first] == [a.title for a in second]
    finally:
        await client.shutdown_session()
