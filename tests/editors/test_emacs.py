"""Emacs with eglot (Debian's ``emacs-nox`` and ``elpa-eglot``, installed by
``scripts/setup.sh --test``) as a real client of ``sea-lsp serve``: code actions on the
example project, applied as a user does, and the acceptance recorded.

The Lisp under ``tests/editors/emacs/`` drives ``emacs --batch`` and writes what it saw to
a JSON file; this test asserts on it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "emacs"
EXAMPLE = REPO / "examples" / "buggy_stats"
BIN = Path(sys.executable).parent
BUG = "range(len(values) - window)"


def _emacs() -> str:
    """Emacs with eglot, or a skip that says how to get them."""
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip(
            "emacs not found: apt-get install emacs-nox elpa-eglot (scripts/setup.sh --test)"
        )
    probe = subprocess.run(
        [
            emacs,
            "--batch",
            "-q",
            "--eval",
            "(progn (require 'package) (package-initialize) (require 'eglot))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if probe.returncode != 0:
        pytest.skip(f"emacs has no eglot (apt-get install elpa-eglot): {probe.stderr[-300:]}")
    return emacs


def _server_cmd(log: Path) -> list[str]:
    script = BIN / "sea-lsp"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "sea_lsp"]
    return [*head, "--log-file", str(log), "serve"]


def _run_emacs(script: Path, env: dict[str, str], cwd: Path, timeout: float) -> dict[str, Any]:
    out = Path(env["SEA_TEST_OUT"])
    proc = subprocess.run(
        [_emacs(), "--batch", "-q", "-l", str(script)],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.exists(), f"{script.name} wrote no results (rc {proc.returncode}): {proc.stderr}"
    result = json.loads(out.read_text())
    result["stderr"] = proc.stderr[-3000:]
    return result


@pytest.mark.e2e
def test_emacs_eglot_gets_and_applies_code_actions(tmp_path: Path) -> None:
    project = tmp_path / "buggy_stats"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    source = project / "stats_kit" / "stats.py"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),  # no user init, no eglot events buffer left behind
        "SEA_LSP_DATA_DIR": str(tmp_path / "sea-data"),
        "SEA_TEST_OUT": str(tmp_path / "out.json"),
        "SEA_TEST_FILE": str(source),
        "SEA_TEST_BUG": BUG,
        "SEA_TEST_CMD": json.dumps(_server_cmd(tmp_path / "serve.log")),
    }
    r = _run_emacs(SCRIPTS / "e2e.el", env, project, timeout=200)
    log = tmp_path / "serve.log"
    r["stderr"] += "\n--- serve.log ---\n" + (log.read_text()[-3000:] if log.exists() else "")
    where = (
        f"\n{json.dumps({k: v for k, v in r.items() if k != 'stderr'}, indent=1)}\n{r['stderr']}"
    )
    assert not r.get("watchdog") and not r.get("error") and r.get("finished"), where
    assert r["connected"] and r["managed"], where
    assert Path(r["project"]).resolve() == project.resolve(), where
    assert r["titles"], "eglot got no code action on the bug line" + where
    # eglot's own menu offered the server's list (and "More SEA suggestions…" its picker)
    assert list(r["menus"][0]["items"]) == r["titles"], where
    assert r["changed"], "the chosen action did not edit the buffer" + where
    assert r["accepted"], "the server did not record the accepted action" + where


def _run_projects(tmp_path: Path, files: list[tuple[Path, str]], cwd: Path) -> dict[str, Any]:
    """tests/editors/emacs/projects.el on `files` ([file, text on the line]) in one Emacs."""
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "HOME": str(home),
        "SEA_LSP_DATA_DIR": str(tmp_path / "sea-data"),
        "SEA_TEST_OUT": str(tmp_path / "out.json"),
        "SEA_TEST_FILES": json.dumps([[str(f), bug] for f, bug in files]),
        "SEA_TEST_CMD": json.dumps(_server_cmd(log)),
    }
    r = _run_emacs(SCRIPTS / "projects.el", env, cwd, timeout=220)
    r["stderr"] += "\n--- serve.log ---\n" + (log.read_text()[-3000:] if log.exists() else "")
    shown = {k: v for k, v in r.items() if k != "stderr"}
    r["where"] = f"\n{json.dumps(shown, indent=1)[:6000]}\n{r['stderr']}"
    assert not r.get("watchdog") and not r.get("error") and r.get("finished"), r["where"]
    return r


def _assert_action_applied(served: dict[str, Any], where: str) -> None:
    assert served["managed"], where
    assert served["titles"], f"eglot got no code action in {served['file']}" + where
    assert list(served["menus"][0]["items"]) == served["titles"], where
    assert served["changed"], "the chosen action did not edit the buffer" + where
    assert served["accepted"], "the server did not record the accepted action" + where


LOOSE_EMACS = '''def overlap(a, b):
    """Whether the closed intervals a and b overlap."""
    return a[0] < b[1] and b[0] <= a[1]
'''


@pytest.mark.e2e
def test_emacs_eglot_on_a_loose_file_without_project_markers(tmp_path: Path) -> None:
    """eglot 1.9 with no project (no VC root, no pyproject.toml) uses the file's own
    directory as a transient project: the server serves it, no set-up needed."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    loose = folder / "intervals.py"
    loose.write_text(LOOSE_EMACS)
    markers = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
    if any((p / m).exists() for p in folder.parents for m in markers):
        pytest.skip(f"a project marker lies above {folder}; the file would not be loose")
    elsewhere = tmp_path / "elsewhere"  # Emacs started from another directory
    elsewhere.mkdir()
    r = _run_projects(tmp_path, [(loose, "a[0] < b[1]")], cwd=elsewhere)
    served = r["files"][0]
    assert Path(served["project"]).resolve() == folder.resolve(), r["where"]
    _assert_action_applied(served, r["where"])
    log = (tmp_path / "serve.log").read_text()
    assert "not an open document" not in log and "Traceback" not in log, r["where"]


@pytest.mark.e2e
def test_emacs_eglot_second_project_gets_its_own_server(tmp_path: Path) -> None:
    """Two projects opened one after the other in one Emacs: eglot starts a second server
    for the second, and code actions come back and apply there."""
    copies = []
    for name in ("alpha", "beta"):
        project = tmp_path / name
        shutil.copytree(
            EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache")
        )
        copies.append(project)
    alpha, beta = copies
    source = Path("stats_kit") / "stats.py"
    r = _run_projects(tmp_path, [(alpha / source, BUG), (beta / source, BUG)], cwd=alpha)
    first, second = r["files"]
    assert Path(first["project"]).resolve() == alpha.resolve(), r["where"]
    assert Path(second["project"]).resolve() == beta.resolve(), r["where"]
    assert first["pid"] != second["pid"], "one server for both projects" + r["where"]
    assert sorted(r["live_servers"]) == sorted([first["pid"], second["pid"]]), r["where"]
    _assert_action_applied(second, r["where"])
    _assert_action_applied(first, r["where"])
