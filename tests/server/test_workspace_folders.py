"""Multi-root and single-file mode against a real ``sea-lsp serve``: every workspace folder
is served with its own index, sandbox and trust; a folder added later is served; a file
outside every folder (or in a session with no root) gets its own single-file folder."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from sea_lsp.training.simulated_user import fix_code_action_results
from tests.server.conftest import STATS, TESTS, open_doc
from tests.server.test_server_lsp import code_action_params, command
from tests.server.test_server_tasks import answer_previews

pytestmark = pytest.mark.e2e


def make_project(parent: Path, name: str) -> Path:
    root = parent / name
    root.mkdir(parents=True)
    (root / "stats.py").write_text(STATS)
    (root / "test_stats.py").write_text(TESTS)
    return root


async def start(
    tmp_path: Path, folders: list[Path], configuration: dict | None = None, **options
) -> LanguageClient:
    """A client whose ``initialize`` names ``folders`` (none: no root at all); with
    ``configuration`` ({scope URI or None: the ``sea`` section}) it answers
    ``workspace/configuration`` from it."""
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "sea_lsp", "--log-level", "INFO", "serve"],
        server_env={**os.environ, "SEA_LSP_DATA_DIR": str(tmp_path / "data")},
    )
    client = await config.start()
    fix_code_action_results(client)
    for scope_uri, section in (configuration or {}).items():
        client.set_configuration(section, section="sea", scope_uri=scope_uri)
    capabilities = client_capabilities("visual-studio-code")
    if configuration is None:
        capabilities.workspace.configuration = False
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=folders[0].as_uri() if folders else None,
            workspace_folders=[lsp.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders]
            or None,
            initialization_options={
                "feedbackPath": str(tmp_path / "feedback.sqlite3"),
                "lightbulbMaxEntries": 0,  # every candidate with its edit, as the list was
                **options,
            },
        )
    )
    return client


async def assert_code_actions(client: LanguageClient, project: Path) -> None:
    uri = open_doc(client, project, "stats.py")
    actions = await client.text_document_code_action_async(code_action_params(uri, 4))
    assert actions, f"no code action for {uri}"
    for action in actions[:5]:
        chosen = await client.code_action_resolve_async(action)
        if chosen.edit is not None:
            break
    else:
        raise AssertionError(f"no edit among {[a.title for a in actions[:5]]}")
    uris = {c.text_document.uri for c in chosen.edit.document_changes}
    assert uris == {uri}  # the edit lands in that folder's file


async def test_second_folder_gets_code_actions_and_a_task(tmp_path: Path) -> None:
    first = make_project(tmp_path, "first")
    second = make_project(tmp_path, "second")
    client = await start(tmp_path, [first, second], trusted=True, budget={"evaluations": 60})
    try:
        await assert_code_actions(client, second)
        seen = answer_previews(client, "Apply")
        uri = (second / "stats.py").as_uri()
        result = await command(client, "sea.fixFailingTests", {"uri": uri})
        assert result["solved"] and result["applied"], result
        (edit,) = seen["edits"]
        assert {c.text_document.uri for c in edit.document_changes} == {uri}
        # each folder's tests run in its own sandbox; a command that names no file works
        # in the first folder
        (second / "test_only_here.py").write_text("def test_here():\n    assert True\n")
        ids = lambda run: {t["id"].split("::")[0] for t in run["tests"]}  # noqa: E731
        run = await command(client, "sea.runTests", {"folder": second.as_uri()})
        assert ids(run) == {"test_stats.py", "test_only_here.py"}, run
        assert ids(await command(client, "sea.runTests")) == {"test_stats.py"}
        assert (first / "stats.py").read_text() == STATS  # nothing written anywhere
    finally:
        await client.shutdown_session()


async def test_folder_added_later_is_served(tmp_path: Path) -> None:
    first = make_project(tmp_path, "first")
    later = make_project(tmp_path, "later")
    client = await start(tmp_path, [first])
    try:
        client.workspace_did_change_workspace_folders(
            lsp.DidChangeWorkspaceFoldersParams(
                lsp.WorkspaceFoldersChangeEvent(
                    added=[lsp.WorkspaceFolder(uri=later.as_uri(), name="later")], removed=[]
                )
            )
        )
        await assert_code_actions(client, later)
        # a folder the session serves may be named by a command; an unknown one is refused
        status = await command(client, "sea.status", {"folder": later.as_uri()})
        assert status["version"]
        with pytest.raises(JsonRpcException, match="is not a folder this session serves"):
            await command(client, "sea.runTests", {"folder": (tmp_path / "nope").as_uri()})
    finally:
        await client.shutdown_session()


async def test_loose_file_in_a_session_with_no_root(tmp_path: Path) -> None:
    loose = tmp_path / "scratch"  # no pyproject.toml, setup.py, setup.cfg or .git
    make_project(tmp_path, "scratch")
    client = await start(tmp_path, [], trusted=True)
    try:
        with pytest.raises(JsonRpcException, match="serves no folder yet; open a file"):
            await command(client, "sea.runTests")  # nothing names a folder yet
        await assert_code_actions(client, loose)
        run = await command(client, "sea.runTests", {"uri": (loose / "test_stats.py").as_uri()})
        assert (run["passed"], run["failed"]) == (1, 1), run
    finally:
        await client.shutdown_session()


async def test_each_folder_has_its_own_trust(tmp_path: Path) -> None:
    mine = make_project(tmp_path, "mine")
    foreign = make_project(tmp_path, "foreign")

    # the session is untrusted; only the folder "mine" is trusted (VS Code answers a
    # folder-scoped item with that folder's settings)
    configuration = {
        None: {"trusted": False},
        foreign.as_uri(): {"trusted": False},
        mine.as_uri(): {"trusted": True},
    }
    client = await start(tmp_path, [foreign, mine], configuration=configuration)
    try:
        arg = {"uri": (mine / "test_stats.py").as_uri()}
        for _ in range(50):  # the configuration pull of ``initialized`` may still be under way
            try:
                run = await command(client, "sea.runTests", arg)
                break
            except JsonRpcException:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the trusted folder never ran its tests")
        assert run["failed"] == 1, run
        with pytest.raises(JsonRpcException, match="trust"):
            await command(client, "sea.runTests", {"uri": (foreign / "test_stats.py").as_uri()})
    finally:
        await client.shutdown_session()
