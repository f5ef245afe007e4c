"""A real ``sea-lsp serve`` process driven by pytest-lsp's client, on a small project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from sea_lsp.training.simulated_user import fix_code_action_results

STATS = '''"""Small statistics helpers."""


def mean(xs):
    return sum(xs) / (len(xs) - 1)


def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
'''

TESTS = """from stats import clamp, mean


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_clamp():
    assert clamp(5, 0, 3) == 3
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "stats.py").write_text(STATS)
    (root / "test_stats.py").write_text(TESTS)
    return root


async def start_client(
    tmp_path: Path,
    project: Path,
    client_name: str = "visual-studio-code",
    capabilities: lsp.ClientCapabilities | None = None,
    **options,
) -> LanguageClient:
    data = tmp_path / "data"
    env = {**os.environ, "SEA_LSP_DATA_DIR": str(data)}
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "sea_lsp", "--log-level", "INFO", "serve"],
        server_env=env,
    )
    client = await config.start()
    fix_code_action_results(client)
    # every generator's answer, however loaded the machine (the deadline has its own tests)
    init = {"feedbackPath": str(tmp_path / "feedback.sqlite3"), "codeActionDeadlineMs": 0}
    init.update(options)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities or client_capabilities(client_name),
            root_uri=project.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=project.as_uri(), name="proj")],
            initialization_options=init,
        )
    )
    return client


def spawn_server(tmp_path: Path) -> subprocess.Popen:
    """``sea-lsp serve`` on raw pipes, for tests that write the protocol bytes themselves."""
    return subprocess.Popen(
        [sys.executable, "-m", "sea_lsp", "--log-level", "ERROR", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SEA_LSP_DATA_DIR": str(tmp_path / "data")},
    )


@pytest_asyncio.fixture(params=["visual-studio-code", "neovim"])
async def client(request, tmp_path: Path, project: Path):
    # the whole ranked list (the lightbulb's shape is tested in test_lightbulb.py)
    c = await start_client(tmp_path, project, request.param, lightbulbMaxEntries=0)
    yield c
    await c.shutdown_session()


def open_doc(client: LanguageClient, project: Path, name: str, version: int = 1) -> str:
    uri = (project / name).as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=(project / name).read_text()
            )
        )
    )
    return uri
