"""Figures of the repair benchmark: per-ranking totals with 95 % intervals, per-category
rates and reachability, as rich tables and Markdown."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from typing import Any

from rich.table import Table

Z95 = 1.959964


def wilson(k: int, n: int) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a rate k/n."""
    if n == 0:
        return None
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3)


def median_interval(values: Sequence[float], seed: int = 0) -> tuple[float, float] | None:
    """A 95 % bootstrap interval of the median (1,000 resamples, fixed seed)."""
    if not values:
        return None
    rng = random.Random(seed)
    meds = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(1000))
    return round(meds[25], 3), round(meds[974], 3)


def _rates(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    fixed = [r for r in runs if r["fixed"]]
    evals = [r["evaluations_to_fix"] for r in fixed if r["evaluations_to_fix"] is not None]
    secs = [r["seconds_to_fix"] for r in fixed if r["seconds_to_fix"] is not None]
    n = len(runs)
    within10 = sum(1 for e in evals if e <= 10)
    reach = [r for r in runs if r.get("reachable") is not None]
    return {
        "bugs": n,
        "fixed": len(fixed),
        "exact": sum(1 for r in runs if r["exact"]),
        "errors": sum(1 for r in runs if r["error"]),
        "fix_rate": round(len(fixed) / n, 3) if n else None,
        "fix_rate_95": wilson(len(fixed), n),
        "exact_rate_95": wilson(sum(1 for r in runs if r["exact"]), n),
        "fixed_within_10": within10,
        "fixed_within_10_95": wilson(within10, n),
        "reachable": sum(1 for r in reach if r["reachable"]["reachable"]),
        "reachable_in_two": sum(1 for r in reach if r["reachable"].get("edits") == 2),
        "reach_known": len(reach),
        "evaluations_to_fix": {
            "median": round(statistics.median(evals), 3) if evals else None,
            "median_95": median_interval(evals),
        },
        "seconds_to_fix": {
            "median": round(statistics.median(secs), 3) if secs else None,
            "median_95": median_interval(secs),
        },
    }


def summarize(runs: Sequence[dict[str, Any]], rankings: Sequence[str]) -> dict[str, Any]:
    """Per ranking: totals, per source and per bug category."""
    out: dict[str, Any] = {}
    for ranking in rankings:
        mine = [r for r in runs if r["ranking"] == ranking]
        groups: dict[str, dict[str, list[dict[str, Any]]]] = {"category": {}, "source": {}}
        for r in mine:
            groups["category"].setdefault(r["category"], []).append(r)
            groups["source"].setdefault(r["source"], []).append(r)
        out[ranking] = {
            **_rates(mine),
            "by_source": {k: _rates(v) for k, v in sorted(groups["source"].items())},
            "by_category": {k: _rates(v) for k, v in sorted(groups["category"].items())},
            "by_family": by_family(mine),
        }
    return out


def reaching_family(run: dict[str, Any]) -> str | None:
    """The edit family whose candidate is the human fix (``a+b`` for a two-edit plan),
    without the generator's prefix; None when unreachable or not measured."""
    reach = run.get("reachable") or {}
    family = reach.get("family") if reach.get("reachable") else None
    if not family:
        return None
    return "+".join(part.split(".", 1)[-1] for part in family.split("+"))


def by_family(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per edit family that reaches a bug's human fix: the bugs it reaches, how many of
    them were fixed, and exactly. The ceiling each family gives, and what the search takes
    of it."""
    out: dict[str, dict[str, int]] = {}
    for r in runs:
        family = reaching_family(r)
        if family is None:
            continue
        row = out.setdefault(family, {"reachable": 0, "fixed": 0, "exact": 0})
        row["reachable"] += 1
        row["fixed"] += bool(r["fixed"])
        row["exact"] += bool(r["exact"])
    return dict(sorted(out.items(), key=lambda kv: (-kv[1]["reachable"], kv[0])))


def family_rows(summary: dict[str, Any]) -> list[list[str]]:
    """One row per family that reaches a human fix: bugs reached, then fixed (exact) per
    ranking."""
    rankings = list(summary)
    reach: dict[str, int] = {}  # reachability is the same under every ranking
    for r in rankings:
        for family, v in summary[r].get("by_family", {}).items():
            reach[family] = max(reach.get(family, 0), v["reachable"])
    rows = []
    for family in sorted(reach, key=lambda f: (-reach[f], f)):
        row = [family, str(reach[family])]
        for r in rankings:
            got = summary[r].get("by_family", {}).get(family)
            row.append("-" if got is None else f"{got['fixed']} ({got['exact']})")
        rows.append(row)
    return rows


def _fmt(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, tuple):
        return f"[{x[0]:g}, {x[1]:g}]"
    return f"{x:g}" if isinstance(x, float) else str(x)


COLUMNS = ("ranking", "bugs", "fixed", "fix rate [95 %]", "exact", "fixed in ≤10 evals",
           "reachable", "evals to fix: median [95 %]", "s to fix: median [95 %]")  # fmt: skip


def _row(name: str, s: dict[str, Any]) -> list[str]:
    ev, sec = s["evaluations_to_fix"], s["seconds_to_fix"]
    return [
        name,
        str(s["bugs"]),
        str(s["fixed"]),
        f"{_fmt(s['fix_rate'])} {_fmt(s['fix_rate_95'])}",
        str(s["exact"]),
        f"{s['fixed_within_10']} {_fmt(s['fixed_within_10_95'])}",
        (
            f"{s['reachable']}/{s['reach_known']}"
            + (f" ({s['reachable_in_two']} in two edits)" if s.get("reachable_in_two") else "")
        )
        if s["reach_known"]
        else "-",
        f"{_fmt(ev['median'])} {_fmt(ev['median_95'])}",
        f"{_fmt(sec['median'])} {_fmt(sec['median_95'])}",
    ]


def totals_table(summary: dict[str, Any]) -> Table:
    t = Table(title="Repair benchmark: per ranking")
    for col in COLUMNS:
        t.add_column(col, justify="left" if col == "ranking" else "right")
    for ranking, s in summary.items():
        t.add_row(*_row(ranking, s))
    return t


def category_rows(summary: dict[str, Any]) -> list[list[str]]:
    """One row per bug category: reachable, then fixed/bugs (exact) per ranking."""
    rankings = list(summary)
    cats = sorted({c for s in summary.values() for c in s["by_category"]})
    rows = []
    for c in cats:
        first = summary[rankings[0]]["by_category"].get(c)
        reach = f"{first['reachable']}/{first['reach_known']}" if first else "-"
        row = [c, reach]
        for r in rankings:
            v = summary[r]["by_category"].get(c)
            row.append("-" if v is None else f"{v['fixed']}/{v['bugs']} ({v['exact']})")
        rows.append(row)
    return rows


def category_table(summary: dict[str, Any]) -> Table:
    t = Table(
        title="Per category: fixed/bugs (exact); reachable = a candidate (or a plan of two) "
        "is the human fix"
    )
    t.add_column("category")
    t.add_column("reachable")
    for r in summary:
        t.add_column(r, justify="right")
    for row in category_rows(summary):
        t.add_row(*row)
    return t


def markdown(result: dict[str, Any]) -> str:
    """The results as Markdown, for benchmarks/README.md and the --out folder."""
    summary = result["summary"]
    settings = result["settings"]
    lines = [
        f"# Repair benchmark ({result['date']})",
        "",
        f"Command: `{result['command']}`  ",
        f"Machine: {result['machine']}  ",
        f"Model: {result['model']}  ",
        f"Budget per bug: {settings['budget_evaluations']} evaluations / "
        f"{settings['budget_seconds']} s; split: {settings['split']}; {len(result['bugs'])} "
        f"bugs from {len(result['projects'])} projects.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "| --- | " + " | ".join("---:" for _ in COLUMNS[1:]) + " |",
    ]
    lines += ["| " + " | ".join(_row(r, s)) + " |" for r, s in summary.items()]
    lines += [
        "",
        "Per category, fixed/bugs (exact):",
        "",
        "| category | reachable | " + " | ".join(summary) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in summary) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in category_rows(summary)]
    families = family_rows(summary)
    if families:
        lines += [
            "",
            "Per edit family whose candidate is the human fix (reachability per family), "
            "bugs it reaches and how many were fixed (exact):",
            "",
            "| family | reaches | " + " | ".join(summary) + " |",
            "| --- | ---: | " + " | ".join("---:" for _ in summary) + " |",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in families]
    return "\n".join(lines) + "\n"
