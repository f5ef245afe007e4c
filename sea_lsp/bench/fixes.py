"""``sea-lsp bench fixes``: does the candidate space reach real human fixes, and how early.

The data (``benchmarks/bugs/mined/fix_windows.jsonl.gz``, made by ``benchmarks/tools/
mine_fixes.py windows`` from the git histories of ordinary public projects, no bug
benchmark) holds small real fix commits (1-3 changed lines in one hunk of one source file),
each with the function (or method, under its class's header) it changed and the module's
one-line imports: the code before the fix. Nothing runs: for each fix, the repair engine
generates its candidates at the lines the fix changed (a line either side, as the repair
benchmark's reachability does), and the report says whether one of them is the human fix,
token for token, which family made it, and where the engine's order puts it beside plain
family order (suspicious line first, then ``repair.FAMILY_ORDER``) in the same run.

What it measures is the candidate space and the static order with the faulty lines given,
on code people wrote and fixed; not localisation, not tests (most of these fixes have none
that run here: ``sea-lsp bench repair`` is the end-to-end figure). Library histories are
not small programs: string and import changes, which no edit family makes, are a fifth of
them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import random
import shlex
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sea_lsp.actions.repair import FAMILY_ORDER
from sea_lsp.bench.bug_data import DATA_DIR, same_code
from sea_lsp.bench.repair_space import applied, candidates_at, changed_lines

DEFAULT_DATA = DATA_DIR / "mined" / "fix_windows.jsonl.gz"
DEFAULT_OUT = Path("benchmarks/results/fixes")
ORDERS = ("engine", "family")
_FAMILY_RANK = {f: i for i, f in enumerate(FAMILY_ORDER)}


class FixDataError(RuntimeError):
    """The fix data is missing or malformed; the message says what to do."""


def parse_args(rest: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sea-lsp bench fixes", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="fix windows (.jsonl.gz)")
    p.add_argument("--limit", type=int, default=0, help="fixes to replay, a seeded sample (0: all)")
    p.add_argument("--seed", type=int, default=0, help="sample seed")
    p.add_argument("--repos", default=None, help="comma-separated owner/name to keep")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder ({DEFAULT_OUT})")
    return p.parse_args(rest)


def load(path: Path) -> list[dict[str, Any]]:
    """The fix windows, each checked: its ``before`` text stands at ``where``."""
    if not path.is_file():
        raise FixDataError(
            f"{path} does not exist: it ships with the repository (benchmarks/bugs/mined/); "
            "rebuild it with benchmarks/tools/mine_fixes.py windows"
        )
    out = []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                rec = json.loads(line)
                w, where, before = rec["window"], rec["where"], rec["before"]
                if w[where : where + len(before)] != before:
                    raise FixDataError(f"{path} line {n}: 'before' is not at 'where'")
                out.append(rec)
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise FixDataError(f"{path} is not fix-window data ({exc}): rebuild it") from exc
    return out


def shape(rec: dict[str, Any]) -> str:
    """``replace`` (lines changed), ``insert`` (lines added only) or ``delete``."""
    if not rec["before"]:
        return "insert"
    return "delete" if not rec["after"] else "replace"


def replay(rec: dict[str, Any]) -> dict[str, Any]:
    """The engine's candidates at the fix's lines: the human fix's family and its position
    in the engine's order and in plain family order (None: not reached)."""
    path, buggy, where = rec["file"], rec["window"], rec["where"]
    fixed = buggy[:where] + rec["after"] + buggy[where + len(rec["before"]) :]
    lines = sorted(changed_lines(fixed, buggy))
    texts = {path: buggy}
    cands = candidates_at(texts, {path: lines})
    hit = None
    for i, c in enumerate(cands):
        after = applied(texts, c)
        if after is not None and same_code(after[path], fixed):
            hit = i
            break
    out: dict[str, Any] = {
        "repo": rec["repo"],
        "commit": rec["commit"][:12],
        "file": path,
        "shape": shape(rec),
        "candidates": len(cands),
        "family": None,
        "rank": {o: None for o in ORDERS},
    }
    if hit is None:
        return out
    line_rank = {n: i for i, n in enumerate(lines)}
    family = sorted(
        range(len(cands)),
        key=lambda i: (
            line_rank.get(cands[i].data.get("line"), len(lines)),
            _FAMILY_RANK.get(cands[i].kind.removeprefix("repair."), len(_FAMILY_RANK)),
            i,
        ),
    )
    out["family"] = cands[hit].kind.removeprefix("repair.")
    out["rank"] = {"engine": hit, "family": family.index(hit)}
    return out


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    reached = [r for r in rows if r["family"] is not None]
    orders = {}
    for o in ORDERS:
        ranks = [r["rank"][o] for r in reached]
        orders[o] = {
            "top1": sum(x < 1 for x in ranks),
            "top10": sum(x < 10 for x in ranks),
            "top50": sum(x < 50 for x in ranks),
            "median": statistics.median(ranks) if ranks else None,
            "mean_log2": round(statistics.fmean(math.log2(x + 1) for x in ranks), 3)
            if ranks
            else None,
        }
    by_shape = {}
    for s in ("replace", "insert", "delete"):
        mine = [r for r in rows if r["shape"] == s]
        by_shape[s] = {"fixes": len(mine), "reached": sum(r["family"] is not None for r in mine)}
    by_repo = {}
    for repo in sorted({r["repo"] for r in rows}):
        mine = [r for r in rows if r["repo"] == repo]
        by_repo[repo] = {"fixes": len(mine), "reached": sum(r["family"] is not None for r in mine)}
    return {
        "fixes": len(rows),
        "reached": len(reached),
        "candidates_median": statistics.median(r["candidates"] for r in rows) if rows else None,
        "by_family": dict(Counter(r["family"] for r in reached).most_common()),
        "by_shape": by_shape,
        "by_repo": by_repo,
        "orders": orders,
    }


def markdown(result: dict[str, Any]) -> str:
    s = result["summary"]
    n, hit = s["fixes"], s["reached"]
    pct = f"{hit / n:.1%}" if n else "-"
    lines = [
        f"# Real fixes replayed ({result['date']})",
        "",
        f"Command: `{result['command']}`  ",
        f"Machine: {result['machine']}  ",
        f"Data: {result['data']}; {n} fixes from {len(s['by_repo'])} repositories, "
        f"{result['seconds']:.0f} s.",
        "",
        f"Reached (a candidate at the fix's lines is the human fix): **{hit}/{n} = {pct}**; "
        f"candidates per fix, median {s['candidates_median']}.",
        "",
        "| order | top 1 | top 10 | top 50 | median rank | mean log2 (rank + 1) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for o, label in (("engine", "engine (repair.order)"), ("family", "family order")):
        x = {k: "-" if v is None else v for k, v in s["orders"][o].items()}
        lines.append(
            f"| {label} | {x['top1']} | {x['top10']} | {x['top50']} | {x['median']} "
            f"| {x['mean_log2']} |"
        )
    lines += ["", "| shape | fixes | reached |", "| --- | ---: | ---: |"]
    for k, v in s["by_shape"].items():
        lines.append(f"| {k} | {v['fixes']} | {v['reached']} |")
    lines += ["", "| family that makes the human fix | fixes |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in s["by_family"].items()]
    return "\n".join(lines) + "\n"


def main(args: argparse.Namespace) -> int:
    rest = list(getattr(args, "rest", None) or [])
    try:
        opts = parse_args(rest)
        recs = load(opts.data)
    except SystemExit as exc:
        return int(exc.code or 0)
    except FixDataError as exc:
        print(f"sea-lsp bench fixes: {exc}", file=sys.stderr)
        return 2
    if opts.repos:
        keep = set(opts.repos.split(","))
        recs = [r for r in recs if r["repo"] in keep]
    if opts.limit and len(recs) > opts.limit:
        recs = random.Random(opts.seed).sample(recs, opts.limit)
    if not recs:
        print(f"sea-lsp bench fixes: no fixes selected from {opts.data}", file=sys.stderr)
        return 1
    console = Console(stderr=True)
    rows, t0 = [], time.perf_counter()
    columns = (TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("fixes", total=len(recs))
        for rec in recs:
            rows.append(replay(rec))
            bar.advance(task)
    result = {
        "date": date.today().isoformat(),
        "command": "sea-lsp bench fixes " + shlex.join(rest),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "data": str(opts.data),
        "seconds": time.perf_counter() - t0,
        "summary": summarize(rows),
        "fixes": rows,
    }
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / "fixes.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    text = markdown(result)
    (opts.out / "fixes.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"results: {opts.out / 'fixes.json'} and {opts.out / 'fixes.md'}")
    return 0
