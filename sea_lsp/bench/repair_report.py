"""Figures of the repair benchmark: per-ranking totals, per-family rates, tables."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from rich.table import Table


def _stat(values: Sequence[float], how: str) -> float | None:
    if not values:
        return None
    return round(statistics.median(values) if how == "median" else statistics.fmean(values), 3)


def _rates(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    fixed = [r for r in runs if r["fixed"]]
    evals = [r["evaluations_to_fix"] for r in fixed if r["evaluations_to_fix"] is not None]
    secs = [r["seconds_to_fix"] for r in fixed if r["seconds_to_fix"] is not None]
    return {
        "bugs": len(runs),
        "fixed": len(fixed),
        "exact": sum(1 for r in runs if r["exact"]),
        "errors": sum(1 for r in runs if r["error"]),
        "fix_rate": round(len(fixed) / len(runs), 3) if runs else None,
        "evaluations_to_fix": {"median": _stat(evals, "median"), "mean": _stat(evals, "mean")},
        "seconds_to_fix": {"median": _stat(secs, "median"), "mean": _stat(secs, "mean")},
    }


def summarize(runs: Sequence[dict[str, Any]], rankings: Sequence[str]) -> dict[str, Any]:
    """Per ranking: totals, the covered/not-covered split and per-family rates."""
    out: dict[str, Any] = {}
    for ranking in rankings:
        mine = [r for r in runs if r["ranking"] == ranking]
        families: dict[str, list[dict[str, Any]]] = {}
        for r in mine:
            families.setdefault(r["family"], []).append(r)
        out[ranking] = {
            **_rates(mine),
            "covered_by_generators": _rates([r for r in mine if r["covered"]]),
            "not_covered_by_generators": _rates([r for r in mine if not r["covered"]]),
            "by_family": {
                f: {k: v for k, v in _rates(rs).items() if k in ("bugs", "fixed", "exact")}
                | {"covered": rs[0]["covered"]}
                for f, rs in sorted(families.items())
            },
        }
    return out


def _fmt(x: Any) -> str:
    return "-" if x is None else f"{x:g}" if isinstance(x, float) else str(x)


def totals_table(summary: dict[str, Any]) -> Table:
    t = Table(title="Repair benchmark: per ranking")
    for col in ("ranking", "bugs", "fixed", "exact", "fix rate", "covered fixed",
                "not covered fixed", "evals to fix (med/mean)", "s to fix (med/mean)"):  # fmt: skip
        t.add_column(col, justify="left" if col == "ranking" else "right")
    for ranking, s in summary.items():
        cov, unc = s["covered_by_generators"], s["not_covered_by_generators"]
        t.add_row(
            ranking,
            str(s["bugs"]),
            str(s["fixed"]),
            str(s["exact"]),
            _fmt(s["fix_rate"]),
            f"{cov['fixed']}/{cov['bugs']}",
            f"{unc['fixed']}/{unc['bugs']}",
            f"{_fmt(s['evaluations_to_fix']['median'])} / {_fmt(s['evaluations_to_fix']['mean'])}",
            f"{_fmt(s['seconds_to_fix']['median'])} / {_fmt(s['seconds_to_fix']['mean'])}",
        )
    return t


def family_rows(summary: dict[str, Any]) -> list[list[str]]:
    """One row per family: family, covered?, then fixed/bugs (exact) per ranking."""
    rankings = list(summary)
    fams: dict[str, bool] = {}
    for s in summary.values():
        for f, v in s["by_family"].items():
            fams[f] = v["covered"]
    rows = []
    for covered in (True, False):
        for f in sorted(k for k, c in fams.items() if c == covered):
            row = [f, "yes" if covered else "NO"]
            for r in rankings:
                v = summary[r]["by_family"].get(f)
                row.append("-" if v is None else f"{v['fixed']}/{v['bugs']} ({v['exact']})")
            rows.append(row)
    return rows


def family_table(summary: dict[str, Any]) -> Table:
    t = Table(title="Per family: fixed/bugs (exact); 'covered' = generators propose the inverse")
    t.add_column("family")
    t.add_column("covered")
    for r in summary:
        t.add_column(r, justify="right")
    for row in family_rows(summary):
        t.add_row(*row)
    return t


def markdown(result: dict[str, Any]) -> str:
    """The results as Markdown, for benchmarks/README.md and the --out folder."""
    summary = result["summary"]
    lines = [
        f"# Repair benchmark ({result['date']})",
        "",
        f"Command: `{result['command']}`  ",
        f"Model: {result['model']}  ",
        f"Budget per bug: {result['settings']['budget_evaluations']} evaluations / "
        f"{result['settings']['budget_seconds']} s; split: {result['settings']['split']}; "
        f"{len(result['bugs'])} bugs.",
        "",
        "| ranking | bugs | fixed | exact | covered fixed | not covered fixed | "
        "evals to fix (median/mean) | s to fix (median/mean) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for ranking, s in summary.items():
        cov, unc = s["covered_by_generators"], s["not_covered_by_generators"]
        ev, sec = s["evaluations_to_fix"], s["seconds_to_fix"]
        lines.append(
            f"| {ranking} | {s['bugs']} | {s['fixed']} | {s['exact']} | "
            f"{cov['fixed']}/{cov['bugs']} | {unc['fixed']}/{unc['bugs']} | "
            f"{_fmt(ev['median'])} / {_fmt(ev['mean'])} | {_fmt(sec['median'])} / {_fmt(sec['mean'])} |"
        )
    lines += [
        "",
        "Per family, fixed/bugs (exact); families marked NO are not inverted by the repair "
        "generators at the bug's line:",
        "",
        "| family | covered | " + " | ".join(summary) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in summary) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in family_rows(summary)]
    return "\n".join(lines) + "\n"
