"""End to end against ``sea-lsp serve``: ranked code actions, acceptance logged, test
diagnostics, configuration, trust, and bad input."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

from sea_lsp.feedback.store import FeedbackStore
from tests.server.conftest import STATS, open_doc, start_client

pytestmark = pytest.mark.e2e


async def command(client: LanguageClient, name: str, arg: dict | None = None):
    return await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=name, arguments=[arg or {}])
    )


async def wait_model(client: LanguageClient, timeout: float = 60.0) -> dict:
    for _ in range(int(timeout / 0.2)):
        status = await command(client, "sea.status")
        if status["modelReady"]:
            return status
        await asyncio.sleep(0.2)
    raise AssertionError("the model never became ready")


def code_action_params(uri: str, line: int, end_char: int = 40) -> lsp.CodeActionParams:
    return lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, end_char)),
        context=lsp.CodeActionContext(diagnostics=[]),
    )


async def test_code_actions_ranked_applied_and_accept_logged(client, project, tmp_path):
    status = await wait_model(client)
    uri = open_doc(client, project, "stats.py")
    actions = await client.text_document_code_action_async(code_action_params(uri, 4))
    assert 1 < len(actions) <= 20
    assert actions[0].is_preferred and not any(a.is_preferred for a in actions[1:])
    assert all(a.command.command == "sea.accept" for a in actions)
    offer = actions[0].command.arguments[0]["offer"]
    # both editors resolve edits: the list carries none, resolving fills the chosen one in
    assert all(a.edit is None and a.data for a in actions)
    chosen = await client.code_action_resolve_async(actions[1])
    assert chosen.edit is not None and chosen.edit.document_changes
    # apply the edit as an editor would, then send the command
    text_edit = chosen.edit.document_changes[0].edits[0]
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(range=text_edit.range, text=text_edit.new_text)
            ],
        )
    )
    assert await command(client, "sea.accept", chosen.command.arguments[0]) == {"recorded": True}
    # the other actions of that list were meant for the old text: refused, not misapplied
    with pytest.raises(JsonRpcException, match="changed after this code action"):
        await client.code_action_resolve_async(actions[2])
    with FeedbackStore(tmp_path / "feedback.sqlite3") as store:
        (logged,) = [o for o in store.offers() if o.offer_id == offer]
        assert (logged.outcome, logged.chosen) == ("accepted", 1)
        assert logged.model_version == status["modelVersion"]
        assert logged.log_probs == sorted(logged.log_probs, reverse=True)  # best first
        assert len(logged.candidate_tokens) == len(actions)
        assert len(store.preference_pairs()) == len(actions) - 1
    # the text the server holds is the edited one: a new request answers for it
    after = await client.text_document_code_action_async(code_action_params(uri, 4))
    assert after and after[0].command.arguments[0]["offer"] != offer


async def test_a_client_that_cannot_resolve_gets_edits_in_the_list(tmp_path, project):
    caps = client_capabilities("neovim")
    caps.text_document.code_action.resolve_support = None
    client = await start_client(tmp_path, project, capabilities=caps, lightbulbMaxEntries=0)
    try:
        await wait_model(client)
        uri = open_doc(client, project, "stats.py")
        actions = await client.text_document_code_action_async(code_action_params(uri, 4))
        assert actions and all(a.edit is not None and a.edit.document_changes for a in actions)
    finally:
        await client.shutdown_session()


async def test_bad_input_gets_errors_and_the_server_keeps_serving(client, project):
    uri = open_doc(client, project, "stats.py")
    never = (project / "test_stats.py").as_uri()
    with pytest.raises(JsonRpcException, match="not an open document"):
        await client.text_document_code_action_async(code_action_params(never, 0))
    past_end = await client.text_document_code_action_async(code_action_params(uri, 500, 9))
    assert isinstance(past_end, (list, tuple))  # clamped to the end, answered
    with pytest.raises(JsonRpcException, match="one object argument"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="sea.accept", arguments=["x", 1])
        )
    with pytest.raises(JsonRpcException, match="index"):
        await command(client, "sea.accept", {"offer": "abc"})
    with pytest.raises(JsonRpcException, match="unknown offer"):
        await command(client, "sea.accept", {"offer": "abc", "index": 0})
    with pytest.raises(JsonRpcException):
        await client.protocol.send_request_async("sea/noSuchMethod", {})
    status = await command(client, "sea.status")
    assert status["version"] and status["trusted"] is False


async def test_untrusted_workspace_refuses_execution(client, project):
    with pytest.raises(JsonRpcException, match="not trusted"):
        await command(client, "sea.runTests")
    with pytest.raises(JsonRpcException, match="not trusted"):
        await command(client, "sea.fixFailingTests")
    await asyncio.sleep(0.1)
    assert any("not trusted" in m.message for m in client.messages)


async def test_configuration_change_is_honoured(tmp_path, project):
    client = await start_client(tmp_path, project)
    try:
        assert (await command(client, "sea.status"))["trusted"] is False
        client.set_configuration({"trusted": "yes"}, section="sea")
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={}))
        await asyncio.sleep(0.5)
        assert any("sea.trusted" in m.message for m in client.messages)
        assert (await command(client, "sea.status"))["trusted"] is False
        client.set_configuration({"trusted": True}, section="sea")
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={}))
        for _ in range(50):
            if (await command(client, "sea.status"))["trusted"]:
                break
            await asyncio.sleep(0.1)
        assert (await command(client, "sea.status"))["trusted"] is True
    finally:
        await client.shutdown_session()


async def test_test_diagnostics_published_and_cleared(tmp_path: Path, project: Path):
    client = await start_client(tmp_path, project, trusted=True)
    try:
        uri = open_doc(client, project, "stats.py")
        result = await command(client, "sea.runTests")
        assert (result["passed"], result["failed"]) == (1, 1), result
        failing = [
            d
            for diags in client.diagnostics.values()
            for d in diags
            if d.source == "sea-lsp" and "test_mean" in d.message
        ]
        assert failing and failing[0].severity == lsp.DiagnosticSeverity.Error
        published = [u for u, diags in client.diagnostics.items() if diags]
        # fix the bug in the editor only (unsaved): tests run on the editor's text
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    lsp.TextDocumentContentChangeWholeDocument(
                        text=STATS.replace("(len(xs) - 1)", "len(xs)")
                    )
                ],
            )
        )
        result = await command(client, "sea.runTests")
        assert (result["passed"], result["failed"]) == (2, 0), result
        assert published and all(len(client.diagnostics[u]) == 0 for u in published)
    finally:
        await client.shutdown_session()
