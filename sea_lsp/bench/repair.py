"""``sea-lsp bench repair``: how often the agent fixes real bugs in real, tested code.

Each bug of the corpus (``repair_corpus``: one injected mutation that the project's own tests
detect) is written to a temporary project and handed to the agent as "fix the failing
tests" under a fixed budget, once per ranking: the trained policy, a uniform prior and
random order, side by side. Reported per ranking and per mutation family: fixed (all tests
pass, test files untouched), exact (the original code restored, token for token), and the
evaluations and seconds to the first fix.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import shlex
import sys
import tempfile
import time
import tokenize
from datetime import date
from pathlib import Path
from typing import Any

from loguru import logger
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sea_lsp.agent.faults import is_test_file
from sea_lsp.bench import repair_corpus
from sea_lsp.bench.repair_report import family_table, markdown, summarize, totals_table
from sea_lsp.workspace.changes import ChangeError, apply_edits

TASK = "fix the failing tests"
DEFAULT_OUT = Path("benchmarks/results/repair")


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "sea-lsp" / "repair-corpus"


def parse_args(rest: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sea-lsp bench repair", description=__doc__.split("\n")[0])
    p.add_argument("--budget", type=int, default=150, help="test evaluations per bug (150)")
    p.add_argument("--seconds", type=float, default=60.0, help="seconds per bug and ranking (60)")
    p.add_argument("--bugs", type=int, default=12, help="bugs to run (12; 0 = all selected)")
    p.add_argument("--seed", type=int, default=0, help="corpus, selection and search seed")
    p.add_argument("--rankings", default="policy,uniform,random", help="comma-separated")
    p.add_argument("--split", default="held-out", choices=repair_corpus.SPLITS, help="corpus split")
    p.add_argument("--projects", default=None,
                   help="comma-separated projects (stdlib:colorsys.py, own:intervals); "
                   "default: every project of the split")  # fmt: skip
    p.add_argument("--families", default=None,
                   help="comma-separated mutation families to inject (default: all)")  # fmt: skip
    p.add_argument("--per-project", type=int, default=4, help="bugs built per project (4)")
    p.add_argument("--corpus-cache", type=Path, default=None, help=f"default {default_cache()}")
    p.add_argument("--rebuild", action="store_true", help="ignore the cached corpus")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder ({DEFAULT_OUT})")
    p.add_argument("--checkpoint", default=None, help="checkpoint for the policy ranking")
    p.add_argument("--max-depth", type=int, default=None, help="edits per plan (agent default)")
    return p.parse_args(rest)


def _check(args: argparse.Namespace) -> list[str]:
    from sea_lsp.agent.search import RANKINGS

    rankings = [r.strip() for r in args.rankings.split(",") if r.strip()]
    bad = [r for r in rankings if r not in RANKINGS]
    if not rankings or bad:
        raise SystemExit(f"--rankings takes some of {','.join(RANKINGS)}; got {args.rankings!r}")
    if args.budget <= 0 or args.seconds <= 0:
        raise SystemExit("--budget and --seconds must be positive")
    if args.bugs < 0 or args.per_project <= 0:
        raise SystemExit("--bugs must be >= 0 and --per-project >= 1")
    if args.families:
        from sea_lsp.actions.repair import FAMILY_ORDER
        from sea_lsp.bench.repair_mutations import EXTRA_FAMILIES

        known = set(FAMILY_ORDER) | set(EXTRA_FAMILIES)
        unknown = sorted({f.strip() for f in args.families.split(",")} - known)
        if unknown:
            raise SystemExit(f"unknown --families {unknown}; known: {','.join(sorted(known))}")
    return rankings


def select_bugs(bugs: list[repair_corpus.Bug], n: int, seed: int) -> list[repair_corpus.Bug]:
    """``n`` bugs spread over the projects: a seeded order within each, then round-robin."""
    rng = random.Random(seed)
    by_project: dict[str, list[repair_corpus.Bug]] = {}
    for b in bugs:
        by_project.setdefault(b.project, []).append(b)
    queues = [rng.sample(v, len(v)) for _, v in sorted(by_project.items())]
    rng.shuffle(queues)
    out: list[repair_corpus.Bug] = []
    while any(queues) and (n == 0 or len(out) < n):
        for q in queues:
            if q and (n == 0 or len(out) < n):
                out.append(q.pop(0))
    return out


def same_code(a: str, b: str) -> bool:
    """Token-for-token equal (whitespace and comments aside)."""

    def tokens(text: str) -> list[str]:
        skip = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
        return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in skip]  # fmt: skip

    try:
        return tokens(a) == tokens(b)
    except (tokenize.TokenError, SyntaxError):
        return "".join(a.split()) == "".join(b.split())


def fixed_texts(mutant: dict[str, str], change: Any) -> dict[str, str]:
    """The files after the agent's change (steps' edits in order, one at a time)."""
    out = dict(mutant)
    for e in change.edits:
        if e.path in out:
            out[e.path] = apply_edits(out[e.path], [e])
    return out


def run_bug(
    bug: repair_corpus.Bug, ranking: str, model: Any, args: argparse.Namespace, on_eval
) -> dict:
    """One agent run on one bug; never raises for the agent's own failures."""
    from sea_lsp.agent.search import assign_task, execute_task
    from sea_lsp.agent.task import TaskError
    from sea_lsp.config import Settings
    from sea_lsp.workspace.workspace import Workspace

    record: dict[str, Any] = {
        "bug": bug.id, "ranking": ranking, "family": bug.family, "covered": bug.covered,
        "fixed": False, "solved": False, "exact": False, "touched_tests": False,
        "evaluations": 0, "seconds": 0.0, "evaluations_to_fix": None, "seconds_to_fix": None,
        "steps": [], "summary": "", "error": None,
    }  # fmt: skip
    settings = Settings(trusted=True, budget_evaluations=args.budget, budget_seconds=args.seconds)
    last: list[Any] = []

    def progress(p: Any) -> None:
        last[:] = [p]
        on_eval(p)

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sea-repair-bug-") as d:
        root = repair_corpus.write_project(bug.project, Path(d), bug)
        mutant = {
            rel: (root / rel).read_text(encoding="utf-8")
            for rel in repair_corpus.project_files(bug.project)
        }
        try:
            ws = Workspace(root)
            task = assign_task(TASK, ws, settings=settings)
            result = execute_task(
                task, ws, settings=settings, model=model, ranking=ranking, seed=args.seed,
                max_depth=args.max_depth, progress=progress,
            )  # fmt: skip
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
        seconds=round(time.monotonic() - started, 3),
        steps=result.steps,
        summary=result.summary[:300],
        root_candidates=result.stats.get("root_candidates"),
        simulations=result.stats.get("simulations"),
    )
    if not result.solved:
        return record
    record["touched_tests"] = any(is_test_file(p) for p in result.change.paths)
    record["fixed"] = not record["touched_tests"]
    if last:
        record["evaluations_to_fix"] = last[0].evaluations
        record["seconds_to_fix"] = round(last[0].elapsed_s, 3)
    try:
        after = fixed_texts(mutant, result.change)
        original = repair_corpus.project_files(bug.project)[bug.file]
        record["exact"] = record["fixed"] and same_code(after[bug.file], original)
    except ChangeError as exc:
        record["error"] = f"could not replay the change: {exc}"
    return record


def _load_model(args: argparse.Namespace, rankings: list[str]) -> tuple[Any, str]:
    if "policy" not in rankings:
        return None, "not used"
    from sea_lsp.config import Settings
    from sea_lsp.model_store import load_model

    loaded = load_model(Settings(checkpoint=args.checkpoint))
    version = getattr(loaded.model, "version", "?")
    return (
        loaded.model,
        f"{loaded.source} ({version}{', ' + str(loaded.path) if loaded.path else ''})",
    )


def main(args: argparse.Namespace) -> int:
    """Build (or load) the corpus, run every selected bug under every ranking, report."""
    opts = parse_args(list(getattr(args, "rest", None) or []))
    try:
        rankings = _check(opts)
    except SystemExit as exc:
        print(f"sea-lsp bench repair: {exc}", file=sys.stderr)
        return 2
    console = Console()
    try:
        projects = (
            [p.strip() for p in opts.projects.split(",") if p.strip()]
            if opts.projects
            else repair_corpus.all_projects(opts.split)
        )
        for p in projects:
            repair_corpus.project_files(p)
    except repair_corpus.CorpusError as exc:
        print(f"sea-lsp bench repair: {exc}", file=sys.stderr)
        return 2
    cache = opts.corpus_cache or default_cache()
    if opts.rebuild:
        repair_corpus.clear_cache(cache)
    with console.status("building the corpus (cached after the first run)") as status:
        corpus = repair_corpus.load_or_build(
            projects, opts.per_project, opts.seed, cache,
            progress=lambda p: status.update(f"corpus: checking and mutating {p}"),
            families=[f.strip() for f in opts.families.split(",")] if opts.families else None,
        )  # fmt: skip
    bugs = select_bugs(corpus.bugs, opts.bugs, opts.seed)
    if not bugs:
        print(
            f"sea-lsp bench repair: the corpus holds no bugs ({corpus.projects})", file=sys.stderr
        )
        return 1
    console.print(f"corpus: {len(corpus.bugs)} bugs from {sum(v == 'ok' for v in corpus.projects.values())} "
                  f"projects ({corpus.stats}); running {len(bugs)} x {len(rankings)}")  # fmt: skip
    model, model_name = _load_model(opts, rankings)
    runs = _run_all(bugs, rankings, model, opts, console)
    result = {
        "date": date.today().isoformat(),
        "command": "sea-lsp bench repair " + shlex.join(list(getattr(args, "rest", None) or [])),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "model": model_name,
        "settings": {
            "budget_evaluations": opts.budget,
            "budget_seconds": opts.seconds,
            "seed": opts.seed,
            "split": opts.split,
            "rankings": rankings,
            "per_project": opts.per_project,
            "max_depth": opts.max_depth,
        },  # fmt: skip
        "corpus": {
            "key": corpus.key,
            "projects": corpus.projects,
            "stats": corpus.stats,
            "held_out_modules": sorted(repair_corpus.HELD_OUT_MODULES),
        },  # fmt: skip
        "bugs": [vars(b) for b in bugs],
        "runs": runs,
        "summary": summarize(runs, rankings),
    }
    console.print(totals_table(result["summary"]))
    console.print(family_table(result["summary"]))
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "repair.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (opts.out / "repair.md").write_text(markdown(result), encoding="utf-8")
    console.print(f"results: {opts.out / 'repair.json'} and {opts.out / 'repair.md'}")
    return 0


def _run_all(bugs, rankings, model, opts, console: Console) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[info]}"))  # fmt: skip
    with Progress(*columns, console=console) as bar:
        overall = bar.add_task("bugs x rankings", total=len(bugs) * len(rankings), info="")
        for bug in bugs:
            for ranking in rankings:
                label = f"{bug.id} [{bug.family}] {ranking}"

                def on_eval(p: Any, label: str = label) -> None:
                    bar.update(overall, info=f"{label}: {p.evaluations}/{p.budget} evals, "
                               f"{p.elapsed_s:.0f}s")  # fmt: skip

                rec = run_bug(bug, ranking, model, opts, on_eval)
                runs.append(rec)
                verdict = "exact" if rec["exact"] else "fixed" if rec["fixed"] else "-"
                bar.console.print(f"{label}: {verdict} ({rec['evaluations']} evals, "
                                  f"{rec['seconds']:.1f}s){' ' + rec['error'] if rec['error'] else ''}")  # fmt: skip
                bar.advance(overall)
    return runs
