"""``sea-lsp run`` and ``sea-lsp repl`` as a user drives them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.agent.conftest import DOCS, SYNTAX, snapshot, write_project

SEA = [sys.executable, "-m", "sea_lsp"]


def sea(*args: str, stdin: str | None = None, data_dir: Path | None = None, timeout=240):
    env = dict(os.environ)
    if data_dir is not None:
        env["SEA_LSP_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [*SEA, "--log-level", "WARNING", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def project_tests(root: Path) -> subprocess.CompletedProcess:
    """The example project's own test suite, run as its user would."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_without_apply_changes_nothing(example, tmp_path):
    before = snapshot(example)
    proc = sea(
        "run", "fix the failing tests", "--workspace", str(example), "--json", "--budget", "150"
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["solved"] and not result["applied"]
    assert result["tests_before"]["failed"] and not result["tests_after"]["failed"]
    assert snapshot(example) == before


def test_run_with_apply_writes_only_inside_the_workspace(example, tmp_path):
    outside = snapshot(tmp_path / "buggy_stats")
    proc = sea("run", "fix the failing tests", "-w", str(example), "--apply", "--budget", "150")
    assert proc.returncode == 0, proc.stderr
    assert "Applied" in proc.stdout and "---" in proc.stdout
    after = snapshot(example)
    changed = {k for k in after if after[k] != outside.get(k)}
    assert changed == {"stats_kit/stats.py"}
    # the applied fix really fixes the tests
    check = project_tests(example)
    assert check.returncode == 0, check.stdout


def test_run_says_verified_only_when_tests_ran_and_passed(tmp_path):
    untested = write_project(tmp_path / "docs", DOCS)  # no tests to run
    proc = sea("run", "document scale", "-w", str(untested), "--json", "--budget", "60")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["solved"] and result["verified"] is False
    assert result["summary"].startswith("Not verified: no test ran. Proposed: ")
    tested = write_project(tmp_path / "syntax", SYNTAX)
    proc = sea("run", "fix the syntax error", "-w", str(tested), "--budget", "60")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Verified: ") and "(1 test passes)" in proc.stdout


def test_bad_input_exits_non_zero_with_a_message(tmp_path):
    proc = sea("run", "fix the failing tests", "-w", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = sea("run", "   ", "-w", str(tmp_path))
    assert proc.returncode == 2 and "empty" in proc.stderr
    proc = sea("run", "fix the failing tests", "-w", str(tmp_path), "--budget", "0")
    assert proc.returncode == 2 and "budget" in proc.stderr


def test_repl_accepts_then_quits(example, tmp_path):
    proc = sea(
        "repl",
        "-w",
        str(example),
        "--budget",
        "150",
        stdin="order a pizza\nfix the failing tests\ny\nexit\n",
        data_dir=tmp_path / "data",
    )
    assert proc.returncode == 0, proc.stderr
    assert "cannot do that" in proc.stdout
    assert "Apply this change?" in proc.stdout and "Applied." in proc.stdout
    assert proc.stdout.rstrip().endswith("bye")
    check = project_tests(example)
    assert check.returncode == 0, check.stdout  # the accepted fix was written
    stats = json.loads(sea("feedback", "stats", "--json", data_dir=tmp_path / "data").stdout)
    assert stats["accepted"] == 1 and stats["task_results"] == 1


def test_a_subcommand_word_inside_another_commands_options_is_not_the_subcommand() -> None:
    from sea_lsp.cli.main import _subcommand_at

    assert _subcommand_at(["--log-level", "DEBUG", "bench", "repair", "--split", "train"]) == 2
    assert _subcommand_at(["train", "--dry-run"]) == 0
    assert _subcommand_at(["--version"]) is None


def test_a_plan_is_printed_as_written_not_read_as_markup() -> None:
    """A step's code (``del self.loans[isbn]``) holds brackets the console would take for
    its own markup and drop: the user must see the line the change inserts."""
    import io

    from rich.console import Console

    from sea_lsp.agent.search import TaskResult
    from sea_lsp.agent.task import Task
    from sea_lsp.cli.run import print_result

    step = "Insert `del self.loans[isbn]` after line 23"
    result = TaskResult(
        task=Task(kind="repair", text="fix [it]"),
        solved=True,
        summary=f"Verified: {step} (3 tests pass).",
        steps=[step],
        verified_by_tests=True,
    )
    buf = io.StringIO()
    print_result(result, Console(file=buf, width=200, color_system=None))
    printed = buf.getvalue()
    assert f"Verified: {step} (3 tests pass)." in printed
    assert f"1. {step}" in printed
