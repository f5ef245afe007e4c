"""``sea-lsp demo``: the agent fixes the bundled example project's failing tests.

Runs with the embedded default checkpoint, no configuration and no network; prints the
plan, the diff and the test outcomes, and leaves the example's files untouched.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from sea_lsp.config import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "buggy_stats"
TASK = "fix the failing tests"


def tree_digest(root: Path) -> str:
    """A hash of every file's path and bytes, to show the example is left as it was."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def main(args: Any) -> int:
    from sea_lsp.agent.task import TaskError
    from sea_lsp.cli.run import print_result, solve

    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    err = Console(file=sys.stderr, soft_wrap=True)
    if not EXAMPLE.is_dir():
        err.print(
            f"[red]sea-lsp demo:[/] the example project is not at {EXAMPLE}; run the demo "
            "from a checkout of the sea-lsp repository (bash scripts/setup.sh)."
        )
        return 2
    before = tree_digest(EXAMPLE)
    settings = Settings(trusted=True, budget_evaluations=200, budget_seconds=60.0)
    out.print(f"[bold]sea-lsp demo[/]: {TASK!r} in {EXAMPLE}")
    try:
        result = solve(TASK, EXAMPLE, settings, console=err, show_progress=err.is_terminal)
    except TaskError as exc:
        err.print(f"[red]sea-lsp demo:[/] {exc}")
        return 1
    print_result(result, out)
    if result.tests_before is not None and result.tests_after is not None:
        b, a = result.tests_before, result.tests_after
        out.print(
            f"Tests before: {len(b.passed)} passed, {len(b.failed)} failed.  "
            f"After the change (in the sandbox): {len(a.passed)} passed, {len(a.failed)} failed."
        )
    unchanged = tree_digest(EXAMPLE) == before
    where = (
        "the fix was verified in a sandbox copy"
        if result.verified_by_tests
        else "the change was made and tested only in a sandbox copy"
    )
    out.print(
        f"The example project is unchanged ({where})."
        if unchanged
        else "[red]The example project changed, which the demo must never do.[/]"
    )
    return 0 if result.solved and unchanged else 1
