"""The short lightbulb against a real ``sea-lsp serve``: at most five entries, fixes proven
by a background test run first (marked and preferred), the unverified guesses behind one
"More SEA suggestions…" entry whose command lists them, and the whole list logged."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from sea_lsp.feedback.store import FeedbackStore
from tests.server.conftest import open_doc, start_client

# ``mean([5])`` divides by zero inside stats.py: the crash site is the buggy line
CRASHING = '''"""Small statistics helpers."""


def mean(xs):
    total = sum(xs)
    return total / (len(xs) - 1)
'''

CRASHING_TESTS = """from stats import mean


def test_one():
    assert mean([5]) == 5


def test_three():
    assert mean([1, 2, 3]) == 2


def test_empty_sum():
    assert sum([]) == 0
"""


async def command(client: LanguageClient, name: str, arg: dict | None = None):
    return await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=name, arguments=[arg or {}])
    )


async def actions_at(client: LanguageClient, uri: str, line: int) -> list[lsp.CodeAction]:
    """The code actions for a line, asked again (as editors do on every cursor pause) until
    two answers agree: a request past its deadline leaves generators for the next one."""
    params = lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 40)),
        context=lsp.CodeActionContext(diagnostics=[]),
    )
    previous: list[str] | None = None
    for _ in range(10):
        actions = list(await client.text_document_code_action_async(params) or [])
        titles = [a.title for a in actions]
        if titles == previous:
            break
        previous = titles
    return actions


def accept_edits(client: LanguageClient) -> list[lsp.WorkspaceEdit]:
    edits: list[lsp.WorkspaceEdit] = []

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply(params: lsp.ApplyWorkspaceEditParams):
        edits.append(params.edit)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    return edits


def logged(tmp_path: Path, offer: str):
    with FeedbackStore(tmp_path / "feedback.sqlite3") as store:
        (found,) = [o for o in store.offers() if o.offer_id == offer]
        return found


async def test_short_list_with_more_entry_listing_the_rest(tmp_path, project):
    client = await start_client(tmp_path, project)
    try:
        edits = accept_edits(client)
        uri = open_doc(client, project, "stats.py")
        actions = await actions_at(client, uri, 3)  # ``def mean``: a docstring, and guesses
        assert 1 < len(actions) <= 5
        assert actions[0].command.command == "sea.accept"  # precise ones stay in view
        more = actions[-1]
        assert more.title.startswith("More SEA suggestions…")
        assert more.command.command == "sea.moreSuggestions" and more.edit is None
        assert not any(a.is_preferred for a in actions)  # nothing is proven untrusted
        assert not any(a.command.command == "sea.accept" and "✓" in a.title for a in actions)
        offer = more.command.arguments[0]["offer"]
        rest = await command(client, "sea.moreSuggestions", {"offer": offer, "list": True})
        shown = {a.command.arguments[0]["index"] for a in actions[:-1]}
        indices = [item["index"] for item in rest["items"]]
        assert more.title.endswith(f"({len(indices)})")
        assert indices and not shown & set(indices)
        assert any(item["kind"].startswith("repair.") for item in rest["items"])
        # the offer logged for learning keeps every candidate, shown or behind More
        assert len(logged(tmp_path, offer).candidate_tokens) == len(shown) + len(indices)
        # picking one from the picker applies it through the editor and records it
        pick = indices[0]
        answer = await command(client, "sea.applySuggestion", {"offer": offer, "index": pick})
        assert answer == {"applied": True, "recorded": True}
        assert edits and edits[0].document_changes
        found = logged(tmp_path, offer)
        assert (found.outcome, found.chosen) == ("accepted", pick)
    finally:
        await client.shutdown_session()


async def test_settings_hide_the_guesses_or_lift_the_limit(tmp_path, project):
    hidden = await start_client(tmp_path, project, lightbulbShowGuesses=False)
    try:
        uri = open_doc(hidden, project, "stats.py")
        actions = await actions_at(hidden, uri, 4)
        assert all(a.command.command == "sea.accept" for a in actions)
        assert not any(a.title.startswith("More SEA") for a in actions)
    finally:
        await hidden.shutdown_session()
    (tmp_path / "feedback.sqlite3").unlink()
    whole = await start_client(tmp_path, project, lightbulbMaxEntries=0)
    try:
        uri = open_doc(whole, project, "stats.py")
        actions = await actions_at(whole, uri, 4)
        assert len(actions) > 5 and all(a.command.command == "sea.accept" for a in actions)
    finally:
        await whole.shutdown_session()


async def test_fixes_proven_by_a_test_run_come_first_marked_and_preferred(tmp_path):
    root = tmp_path / "crash"
    root.mkdir()
    (root / "stats.py").write_text(CRASHING)
    (root / "test_stats.py").write_text(CRASHING_TESTS)
    client = await start_client(
        tmp_path, root, trusted=True, budget={"evaluations": 40, "seconds": 60}
    )
    try:
        uri = open_doc(client, root, "stats.py")
        before = await actions_at(client, uri, 5)
        assert not any(a.is_preferred for a in before)
        run = await command(client, "sea.runTests")
        assert run["failed"] == 2, run
        proven: list[lsp.CodeAction] = []
        for _ in range(150):  # the sandbox proves in the background
            actions = await actions_at(client, uri, 5)
            proven = [a for a in actions if a.title.startswith("✓ fixes")]
            if any(a.title.startswith("✓ fixes 2 ") for a in proven):
                break
            await asyncio.sleep(0.2)
        assert proven, [a.title for a in actions]
        assert len(actions) <= 5
        assert actions[: len(proven)] == proven  # proven first, most tests fixed first
        assert proven[0].title.startswith("✓ fixes 2 failing tests: ")
        assert all(a.is_preferred for a in proven)
        assert not any(a.is_preferred for a in actions if a not in proven)
        # the proven edit is a real fix: resolved and applied, the tests pass
        chosen = await client.code_action_resolve_async(proven[0])
        edit = chosen.edit.document_changes[0].edits[0]
        lines = CRASHING.splitlines(keepends=True)
        line = lines[edit.range.start.line]
        fixed = (
            line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
        )
        assert edit.range.start.line == edit.range.end.line == 5
        ns: dict = {}
        exec(compile("".join(lines[:5]) + fixed, "stats.py", "exec"), ns)  # noqa: S102
        assert ns["mean"]([5]) == 5 and ns["mean"]([1, 2, 3]) == 2
    finally:
        await client.shutdown_session()


@pytest.mark.parametrize("arg", [{"offer": "nope"}, {"offer": "nope", "list": True}])
async def test_more_on_an_unknown_offer_says_what_to_do(tmp_path, project, arg):
    client = await start_client(tmp_path, project)
    try:
        from pygls.exceptions import JsonRpcException

        with pytest.raises(JsonRpcException, match="request code actions again"):
            await command(client, "sea.moreSuggestions", arg)
        with pytest.raises(JsonRpcException, match="request code actions again"):
            await command(client, "sea.applySuggestion", {"offer": "nope", "index": 0})
        assert (await command(client, "sea.status"))["version"]
    finally:
        await client.shutdown_session()
