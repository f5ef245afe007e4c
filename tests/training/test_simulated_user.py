"""The simulated user teaches a real server; the server ranks with the result without a restart."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsprotocol import types as lsp

from model.checkpoint import load_checkpoint
from sea_lsp import model_store
from sea_lsp.training import train
from sea_lsp.training.simulated_user import (
    make_fixture_project,
    preferred,
    run_session,
    start_server,
)
from tests.training.conftest import cli


def test_preference_is_consistent():
    src = "import os\n\n\nclass A:\n    def f(self):\n        return 1\n"
    titles = [
        "Change `1` to `2`",
        "Add a docstring to `A` (google style)",
        "Add a docstring to `f` (google style)",
        "Remove unused `import os`",
    ]
    assert preferred(titles, src, 6) == 2  # innermost definition
    assert preferred(titles, src, 4) == 1
    assert preferred(titles, src, 1) == 3
    assert preferred(titles[:1], src, 6) is None  # nothing wanted: reject


async def _wait_for_version(client, version: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams("sea.status", [{}])
        )
        if status and status.get("modelVersion") == version:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"the server did not reload checkpoint {version}")


@pytest.mark.e2e
async def test_simulated_user_teaches_the_running_server(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("SEA_LSP_DATA_DIR", str(data))
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    project = make_fixture_project(tmp_path / "proj")
    client = await start_server(project, data)
    try:
        collected = await run_session(client, project, passes=2)
        # enough of both to learn from (the lightbulb shows the policy's first five: with the
        # default of 2026-12-05 night the docstring action is among them at 132 of 340 offers)
        assert collected.offers >= 200 and collected.accepted >= 100 and collected.rejected > 0
        code = await asyncio.to_thread(train.main, cli("--epochs", "3", "--no-progress"))
        assert code == 0
        published = model_store.current_path()
        meta = load_checkpoint(published).meta
        before, after = (
            meta["validation_before"]["agreement"],
            meta["validation_after"]["agreement"],
        )
        assert after >= 0.9, meta["validation_after"]
        assert before < 0.6, meta["validation_before"]
        # Hot reload: the same server process now ranks with the new checkpoint.
        await run_session(
            client, project, decide=False
        )  # touches the model: triggers the reload check
        await _wait_for_version(client, published.name)
        again = await run_session(client, project, decide=False)
        assert again.agreement >= 0.9, again.agreement
        assert again.agreement > collected.agreement
    finally:
        await client.shutdown_session()
