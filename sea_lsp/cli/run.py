"""The command-line user interface: ``sea-lsp run`` and ``sea-lsp repl``.

Progress goes to stderr (a rich progress bar); the plan and the diff go to stdout.
Exit status: 0 when a solution was found, 1 when not, 2 for bad input. A solution is
"Verified" (``"verified": true`` in ``--json``) only when tests ran on it and passed; the
summary says "Not verified: ..." and why otherwise.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax

from sea_lsp.agent.task import TaskError
from sea_lsp.config import Settings
from sea_lsp.workspace.changes import ChangeError

if TYPE_CHECKING:
    from sea_lsp.agent.search import TaskProgress, TaskResult

EXIT_SOLVED, EXIT_UNSOLVED, EXIT_BAD_INPUT = 0, 1, 2


def settings_from_args(args: Any) -> Settings:
    """A workspace named explicitly on the command line is trusted to run its tests."""
    changes: dict[str, Any] = {"trusted": True}
    if args.budget is not None:
        changes["budget_evaluations"] = args.budget
    if args.seconds is not None:
        changes["budget_seconds"] = args.seconds
    if getattr(args, "checkpoint", None):
        changes["checkpoint"] = args.checkpoint
    return replace(Settings(), **changes)


def check_workspace(path: str) -> Path:
    root = Path(path).expanduser()
    if not root.exists():
        raise TaskError(f"workspace {root} does not exist: pass an existing project directory")
    if not root.is_dir():
        raise TaskError(f"workspace {root} is not a directory: pass the project's folder")
    return root.resolve()


def check_budget(settings: Settings) -> None:
    if settings.budget_evaluations <= 0:
        raise TaskError("the budget must allow at least one evaluation (--budget 1 or more)")
    if settings.budget_seconds <= 0:
        raise TaskError("the time budget must be positive (--seconds)")


def load_model(settings: Settings):
    from sea_lsp.model_store import load_current

    return load_current(settings)


def solve(
    text: str,
    root: Path,
    settings: Settings,
    *,
    focus_file: str | None = None,
    console: Console,
    model=None,
    show_progress: bool = True,
) -> TaskResult:
    """Assign and execute one task with a live progress bar on ``console``."""
    from sea_lsp.agent.search import assign_task, execute_task
    from sea_lsp.workspace.workspace import Workspace

    workspace = Workspace(root, max_file_bytes=settings.max_file_bytes)
    task = assign_task(text, workspace, settings=settings, focus_path=focus_file)
    if model is None:
        model = load_model(settings)
    cancel = threading.Event()
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} evaluations"),
        TextColumn("best reward {task.fields[best]:+.2f}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=not show_progress) as bar:
        bar_id = bar.add_task(f"{task.kind}: {text}", total=settings.budget_evaluations, best=0.0)

        def on_progress(p: TaskProgress) -> None:
            bar.update(bar_id, completed=p.evaluations, total=p.budget, best=p.best_reward)

        return execute_task(
            task, workspace, settings=settings, model=model, progress=on_progress, cancel=cancel
        )


def print_result(result: TaskResult, out: Console) -> None:
    style = (
        "bold green" if result.verified_by_tests else "bold yellow" if result.solved else "bold red"
    )
    out.print(f"[{style}]{escape(result.summary)}[/]")
    if result.steps:
        out.print("[bold]Plan:[/]")
        for i, step in enumerate(result.steps, 1):
            out.print(f"  {i}. {escape(step)}")
    if result.diff:
        out.print(Syntax(result.diff, "diff", theme="ansi_dark", background_color="default"))
    stats = result.stats
    out.print(
        f"[dim]{stats.get('evaluations', 0)} evaluations, {stats.get('simulations', 0)} "
        f"simulations, {stats.get('elapsed_s', 0.0):.1f} s[/]"
    )


def apply_result(result: TaskResult, root: Path) -> None:
    from sea_lsp.workspace.safe_fs import WorkspaceFS

    fs = WorkspaceFS(root)
    result.check_applies(lambda p: fs.read_text(p) if fs.resolve(p).is_file() else None)
    fs.apply(result.change)


def run_command(args: Any) -> int:
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    err = Console(file=sys.stderr, soft_wrap=True)
    try:
        root = check_workspace(args.workspace)
        settings = settings_from_args(args)
        check_budget(settings)
        if not args.task.strip():
            raise TaskError(f"the task is empty: say what to do, e.g. {_example()}")
        result = solve(
            args.task,
            root,
            settings,
            focus_file=args.file,
            console=err,
            show_progress=not args.json and err.is_terminal,
        )
    except TaskError as exc:
        if args.json:
            print(json.dumps({"error": str(exc)}))
        else:
            err.print(f"[bold red]sea-lsp:[/] {escape(str(exc))}")
        return EXIT_BAD_INPUT
    applied = False
    if args.apply and result.solved:
        try:
            apply_result(result, root)
            applied = True
        except ChangeError as exc:
            err.print(f"[red]sea-lsp run: {escape(str(exc))}[/]")
            return 1
    if args.json:
        print(json.dumps({**result.to_dict(), "applied": applied}, indent=2))
    else:
        print_result(result, out)
        if applied:
            out.print(f"[green]Applied to {escape(str(root))}.[/]")
        elif result.solved:
            out.print("[dim]Nothing was written; run again with --apply to write the change.[/]")
    return EXIT_SOLVED if result.solved else EXIT_UNSOLVED


def _example() -> str:
    return '"fix the failing tests"'


def repl_command(args: Any, stdin=None) -> int:
    """Type a task, see the plan and diff, accept or reject; ``exit`` quits."""
    stdin = stdin or sys.stdin
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    try:
        root = check_workspace(args.workspace)
        settings = settings_from_args(args)
        check_budget(settings)
    except TaskError as exc:
        out.print(f"[bold red]sea-lsp:[/] {escape(str(exc))}")
        return EXIT_BAD_INPUT
    store = _feedback_store(settings)
    model = None
    out.print(f"sea-lsp repl on {escape(str(root))}. Type a task, or 'exit' to quit.")
    while True:
        out.print("sea> ", end="")
        sys.stdout.flush()
        line = stdin.readline()
        if not line:
            break
        text = line.strip()
        if text in {"exit", "quit", ":q"}:
            break
        if not text:
            continue
        try:
            if model is None:
                model = load_model(settings)
            result = solve(text, root, settings, console=out, model=model, show_progress=False)
        except TaskError as exc:
            out.print(f"[bold red]cannot do that:[/] {escape(str(exc))}")
            continue
        print_result(result, out)
        if not result.solved:
            continue
        out.print(escape("Apply this change? [y/N] "), end="")
        sys.stdout.flush()
        answer = stdin.readline().strip().lower()
        accepted = answer in {"y", "yes"}
        if accepted:
            apply_result(result, root)
            out.print("[green]Applied.[/]")
        else:
            out.print("Rejected; nothing written.")
        _record(store, root, result, accepted, model)
    out.print("bye")
    return 0


def _feedback_store(settings: Settings):
    try:
        from sea_lsp.feedback.store import FeedbackStore
        from sea_lsp.paths import feedback_db_path

        return FeedbackStore(Path(settings.feedback_path or feedback_db_path()))
    except Exception as exc:  # the REPL works without feedback logging
        logger.warning("feedback will not be recorded: {}", exc)
        return None


def _record(store, root: Path, result: TaskResult, accepted: bool, model: Any) -> None:
    if store is None:
        return
    from sea_lsp.feedback.task_offers import record_task

    try:
        offer_id, index = record_task(
            store, str(root), result.task.focus_path, result, str(getattr(model, "version", ""))
        )
        if accepted:
            store.record_accept(offer_id, index)
        else:
            store.record_reject(offer_id, index, "rejected in the repl")
    except Exception as exc:
        logger.warning("could not record feedback: {}", exc)
