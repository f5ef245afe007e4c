"""Item 4 of issue 14: a subprocess the server starts (``sea.train``) runs ``python -I`` from
a directory outside the workspace, so the workspace's own modules are never imported."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

from sea_lsp.server import commands


class _Popen:
    """Records the launch instead of starting ``sea-lsp train`` (torch is slow to import)."""

    calls: list[dict] = []

    def __init__(self, argv, **kwargs) -> None:
        self.calls.append({"argv": list(argv), **kwargs})
        self.pid = 4242

    def poll(self) -> None:
        return None


def test_train_runs_isolated_outside_the_workspace(tmp_path: Path, monkeypatch) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "loguru.py").write_text(f"open({str(tmp_path / 'hijacked')!r}, 'w').write('x')\n")
    monkeypatch.setattr(commands, "logs_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(commands.subprocess, "Popen", _Popen)
    _Popen.calls.clear()
    state = SimpleNamespace(train_process=None, train_log=None, workspace=SimpleNamespace(root=ws))
    answer = commands.train(SimpleNamespace(state=state), {})
    assert answer["started"] is True
    monkeypatch.undo()
    (call,) = _Popen.calls
    argv, cwd = call["argv"], Path(call["cwd"])
    assert argv[1] == "-I" and argv[2:] == ["-m", "sea_lsp", "train"]
    assert not cwd.resolve().is_relative_to(ws.resolve())
    # the same interpreter and flags, from the same place, with the workspace on every path a
    # careless launch would use: the workspace's loguru.py is not the one imported
    env = {**call["env"], "PYTHONPATH": str(ws)}
    probe = [*argv[:2], "-c", "import loguru, sys; print(loguru.__file__)"]
    out = subprocess.run(probe, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    assert not Path(out.stdout.strip()).resolve().is_relative_to(ws.resolve())
    assert not (tmp_path / "hijacked").exists()
