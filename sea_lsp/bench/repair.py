"""``sea-lsp bench repair``: how often the agent fixes bugs that people made.

The bugs (``bug_data``: hand-written realistic bugs in small projects, and real fixes mined
from the histories of public projects) are never produced by our generators. Each bug is
written into a temporary project and handed to the agent as "fix the failing tests" through
the CLI's own code path, once per ranking: fault-localisation order (the engine without any
learned ranking), the generators' plain order, random order and the policy. Reported per
ranking and per bug category, with 95 % intervals: plausible fixes (every test passes, test
files untouched), exact fixes (token for token the human fix), evaluations and seconds to
the first plausible fix; and, per category, whether the candidate space reaches the human
fix at all (``reach``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from loguru import logger
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sea_lsp.agent.faults import is_test_file
from sea_lsp.bench import bug_data
from sea_lsp.bench.bug_data import same_code
from sea_lsp.bench.repair_report import category_table, markdown, summarize, totals_table
from sea_lsp.bench.repair_space import reachable
from sea_lsp.workspace.changes import ChangeError, apply_edits

TASK = "fix the failing tests"
DEFAULT_OUT = Path("benchmarks/results/repair")


def parse_args(rest: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sea-lsp bench repair", description=__doc__.split("\n")[0])
    p.add_argument("--budget", type=int, default=200, help="test evaluations per bug (200)")
    p.add_argument("--seconds", type=float, default=60.0, help="seconds per bug and ranking (60)")
    p.add_argument("--bugs", type=int, default=0, help="bugs to run (0 = all selected)")
    p.add_argument("--seed", type=int, default=0, help="selection and search seed")
    p.add_argument("--rankings", default="fl,generator,random,policy", help="comma-separated")
    p.add_argument("--split", default="held-out", choices=bug_data.SPLITS)
    p.add_argument("--projects", default=None, help="comma-separated project names")
    p.add_argument("--sources", default=None, help="comma-separated sources (handwritten,mined)")
    p.add_argument("--data", type=Path, default=bug_data.DATA_DIR, help="bug data folder")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder ({DEFAULT_OUT})")
    p.add_argument("--checkpoint", default=None, help="checkpoint for the policy ranking")
    p.add_argument("--max-depth", type=int, default=None, help="edits per plan (agent default)")
    p.add_argument("--no-reach", action="store_true", help="skip the reachability analysis")
    return p.parse_args(rest)


def _check(args: argparse.Namespace) -> list[str]:
    from sea_lsp.agent.search import RANKINGS

    rankings = [r.strip() for r in args.rankings.split(",") if r.strip()]
    bad = [r for r in rankings if r not in RANKINGS]
    if not rankings or bad:
        raise SystemExit(f"--rankings takes some of {','.join(RANKINGS)}; got {args.rankings!r}")
    if args.budget <= 0 or args.seconds <= 0:
        raise SystemExit("--budget and --seconds must be positive")
    if args.bugs < 0:
        raise SystemExit("--bugs must be >= 0")
    if "learned" in rankings:
        from sea_lsp.actions import repair_rank

        if repair_rank.default_ranker() is None:  # it would measure the hand order twice
            raise SystemExit(
                f"--rankings learned needs {repair_rank.RANKER_FILE}; rebuild it with "
                "`sea-lsp ranker`"
            )
    return rankings


def select_bugs(
    projects: list[bug_data.BugProject], args: argparse.Namespace
) -> list[tuple[bug_data.BugProject, bug_data.Bug]]:
    """The bugs to run: the split's projects (or those named), spread round-robin over
    projects in a seeded order, at most ``--bugs``."""
    chosen = bug_data.select(projects, args.split)
    if args.projects:
        names = {p.strip() for p in args.projects.split(",")}
        unknown = names - {p.name for p in projects}
        if unknown:
            raise SystemExit(f"unknown --projects {sorted(unknown)}")
        chosen = [p for p in projects if p.name in names]
    if args.sources:
        sources = {s.strip() for s in args.sources.split(",")}
        chosen = [p for p in chosen if p.source in sources]
    rng = random.Random(args.seed)
    queues = [[(p, b) for b in rng.sample(p.bugs, len(p.bugs))] for p in chosen]
    rng.shuffle(queues)
    out: list[tuple[bug_data.BugProject, bug_data.Bug]] = []
    while any(queues) and (args.bugs == 0 or len(out) < args.bugs):
        for q in queues:
            if q and (args.bugs == 0 or len(out) < args.bugs):
                out.append(q.pop(0))
    return out


def fixed_texts(buggy: dict[str, str], change: Any) -> dict[str, str]:
    """The files after the agent's change (its edits in order, one at a time)."""
    out = dict(buggy)
    for e in change.edits:
        if e.path in out:
            out[e.path] = apply_edits(out[e.path], [e])
    return out


def _record(project: bug_data.BugProject, bug: bug_data.Bug, ranking: str) -> dict[str, Any]:
    return {
        "bug": bug.id, "project": project.name, "source": project.source, "ranking": ranking,
        "category": bug.category or "uncategorised", "reachable": None, "fixed": False,
        "solved": False, "exact": False, "touched_tests": False, "evaluations": 0, "repeats": 0,
        "seconds": 0.0, "evaluations_to_fix": None, "seconds_to_fix": None, "steps": [],
        "summary": "", "error": None,
    }  # fmt: skip


def run_bug(
    project: bug_data.BugProject,
    bug: bug_data.Bug,
    ranking: str,
    model: Any,
    args: argparse.Namespace,
    on_eval,
) -> dict:
    """One agent run on one bug; never raises for the agent's own failures."""
    from sea_lsp.agent.task import TaskError

    record = _record(project, bug, ranking)
    last: list[Any] = []

    def progress(p: Any) -> None:
        last[:] = [p]
        on_eval(p)

    started = time.monotonic()
    buggy = project.buggy_files(bug)
    try:
        result = _solve(project, bug, ranking, model, args, progress)
    except TaskError as exc:
        record["error"] = f"task refused: {exc}"
        return record
    except Exception as exc:  # the benchmark goes on; the record says what broke
        logger.exception("repair bench: {} / {} failed", bug.id, ranking)
        record["error"] = f"{type(exc).__name__}: {exc}"
        return record
    record.update(
        solved=result.solved,
        evaluations=result.stats.get("evaluations", 0),
        repeats=result.stats.get("repeats", 0),  # same program as one tested: no evaluation
        seconds=round(time.monotonic() - started, 3),
        steps=result.steps,
        summary=result.summary[:300],
    )
    if result.solved:
        _judge(record, project, bug, buggy, result, last)
    return record


def _solve(project, bug, ranking, model, args, progress) -> Any:
    from sea_lsp.agent.search import assign_task, execute_task
    from sea_lsp.config import Settings
    from sea_lsp.workspace.workspace import Workspace

    settings = Settings(trusted=True, budget_evaluations=args.budget, budget_seconds=args.seconds)
    with tempfile.TemporaryDirectory(prefix="sea-repair-bug-") as d:
        root = project.write(Path(d), bug)
        ws = Workspace(root)
        task = assign_task(TASK, ws, settings=settings)
        return execute_task(
            task, ws, settings=settings, model=model, ranking=ranking, seed=args.seed,
            max_depth=args.max_depth, progress=progress,
        )  # fmt: skip


def _judge(record, project, bug, buggy, result, last) -> None:
    """Plausible (tests untouched) and exact (the human fix, token for token)."""
    record["touched_tests"] = any(is_test_file(p) for p in result.change.paths)
    record["fixed"] = not record["touched_tests"]
    if last:
        record["evaluations_to_fix"] = last[0].evaluations
        record["seconds_to_fix"] = round(last[0].elapsed_s, 3)
    try:
        after = fixed_texts(buggy, result.change)
        record["exact"] = record["fixed"] and all(
            same_code(after[f], project.files[f]) for f in bug.files
        )
    except ChangeError as exc:
        record["error"] = f"could not replay the change: {exc}"


def _load_model(args: argparse.Namespace, rankings: list[str]) -> tuple[Any, str]:
    if not any(r.startswith("policy") for r in rankings):
        return None, "not used"
    from sea_lsp.config import Settings
    from sea_lsp.model_store import load_model

    loaded = load_model(Settings(checkpoint=args.checkpoint))
    version = getattr(loaded.model, "version", "?")
    where = f", {loaded.path}" if loaded.path else ""
    return loaded.model, f"{loaded.source} ({version}{where})"


def main(args: argparse.Namespace) -> int:
    """Load the bugs, run every selected bug under every ranking, report."""
    rest = list(getattr(args, "rest", None) or [])
    opts = parse_args(rest)
    try:
        rankings = _check(opts)
        bugs = select_bugs(bug_data.load(opts.data), opts)
    except (SystemExit, bug_data.BugDataError) as exc:
        print(f"sea-lsp bench repair: {exc}", file=sys.stderr)
        return 2
    if not bugs:
        print(f"sea-lsp bench repair: no bugs selected from {opts.data}", file=sys.stderr)
        return 1
    console = Console()
    projects = sorted({p.name for p, _ in bugs})
    console.print(f"{len(bugs)} bugs from {len(projects)} projects ({opts.split}); "
                  f"rankings: {', '.join(rankings)}")  # fmt: skip
    reach = {} if opts.no_reach else {b.id: reachable(p, b) for p, b in bugs}
    model, model_name = _load_model(opts, rankings)
    runs = _run_all(bugs, rankings, model, opts, console)
    for r in runs:
        r["reachable"] = reach.get(r["bug"])
    result = {
        "date": date.today().isoformat(),
        "command": "sea-lsp bench repair " + shlex.join(rest),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "model": model_name,
        "settings": {
            "budget_evaluations": opts.budget,
            "budget_seconds": opts.seconds,
            "seed": opts.seed,
            "split": opts.split,
            "rankings": rankings,
            "max_depth": opts.max_depth,
        },  # fmt: skip
        "projects": projects,
        "bugs": [
            {"id": b.id, "project": p.name, "category": b.category, "hangs": b.hangs}
            for p, b in bugs
        ],  # fmt: skip
        "runs": runs,
        "summary": summarize(runs, rankings),
    }
    _write(result, opts.out, console)
    return 0


def _write(result: dict[str, Any], out: Path, console: Console) -> None:
    console.print(totals_table(result["summary"]))
    console.print(category_table(result["summary"]))
    out.mkdir(parents=True, exist_ok=True)
    (out / "repair.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (out / "repair.md").write_text(markdown(result), encoding="utf-8")
    console.print(f"results: {out / 'repair.json'} and {out / 'repair.md'}")


def _run_all(bugs, rankings, model, opts, console: Console) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[info]}"))  # fmt: skip
    with Progress(*columns, console=console) as bar:
        overall = bar.add_task("bugs x rankings", total=len(bugs) * len(rankings), info="")
        for project, bug in bugs:
            for ranking in rankings:
                label = f"{bug.id} [{bug.category}] {ranking}"

                def on_eval(p: Any, label: str = label) -> None:
                    bar.update(overall, info=f"{label}: {p.evaluations}/{p.budget} evals, "
                               f"{p.elapsed_s:.0f}s")  # fmt: skip

                rec = run_bug(project, bug, ranking, model, opts, on_eval)
                runs.append(rec)
                verdict = "exact" if rec["exact"] else "fixed" if rec["fixed"] else "-"
                error = f" {rec['error']}" if rec["error"] else ""
                bar.console.print(f"{label}: {verdict} ({rec['evaluations']} evals, "
                                  f"{rec['seconds']:.1f}s){error}")  # fmt: skip
                bar.advance(overall)
    return runs
