"""The repair benchmark: its corpus pieces, and one tiny end-to-end run."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest

from sea_lsp.actions import pytree
from sea_lsp.bench import repair, repair_corpus
from sea_lsp.bench.repair_mutations import (
    EXTRA_FAMILIES,
    Mutation,
    extra_mutations,
    parses,
    restorable,
)
from sea_lsp.bench.repair_projects import PROJECTS
from sea_lsp.bench.repair_report import summarize
from sea_lsp.training import held_out

SAMPLE = """\
def f(xs, flag):
    total = 0
    for x in xs:
        if not flag:
            break
        total += x
        total = max(total, 0)
    return foo(total, 1)
"""


def _bug(project: str, family: str = "compare_swap", covered: bool = True) -> repair_corpus.Bug:
    return repair_corpus.Bug(
        id=f"{project}#0", project=project, split="held-out", file="intervals.py", line=1,
        family=family, covered=covered, start=0, end=0, new_text="", original="",
    )  # fmt: skip


def test_held_out_split_is_stable_and_disjoint():
    train, held = held_out.split_modules(held_out.STDLIB_MODULES)
    assert set(held) == held_out.HELD_OUT_MODULES
    assert not set(train) & set(held)
    assert sorted(train + held) == sorted(held_out.STDLIB_MODULES)
    assert held_out.split_modules(reversed(held_out.STDLIB_MODULES)) == (train, held)
    assert all(m.endswith(".py") and "/" not in m for m in held)
    held_projects = repair_corpus.all_projects("held-out")
    assert all(repair_corpus.project_split(p) == "held-out" for p in held_projects)
    assert not any(p.removeprefix("stdlib:") in train for p in held_projects)


def test_extra_families_make_parsing_mutants():
    tree = pytree.parse(SAMPLE)
    found: dict[str, list[str]] = {}
    for row in range(len(SAMPLE.splitlines())):
        for m in extra_mutations(SAMPLE, tree, row):
            found.setdefault(m.family, []).append(m.apply(SAMPLE))
    assert set(found) == set(EXTRA_FAMILIES)
    assert any("    return\n" in t for t in found["drop_return_value"])
    assert any("continue" in t for t in found["break_continue"])
    assert any("if flag:" in t for t in found["drop_not"])
    assert any("foo(total)" in t for t in found["drop_last_argument"])
    assert any(t.index("max(total") < t.index("+= x") for t in found["swap_statements"])
    assert all(parses(t) for texts in found.values() for t in texts)


def test_restorable_tells_covered_from_uncovered():
    mutant = SAMPLE.replace("if not flag", "if flag")
    assert restorable("m.py", mutant, 4, SAMPLE)  # `negate` inverts a dropped `not`
    swapped = SAMPLE.replace("return foo(total, 1)", "return")
    assert not restorable("m.py", swapped, 8, SAMPLE)  # no generator invents `foo(total, 1)`


def test_same_code_ignores_whitespace_only():
    assert repair.same_code("x = a+b  # c\n", "x = a + b\n")
    assert not repair.same_code("x = a + b\n", "x = a - b\n")


def test_select_bugs_spreads_over_projects_deterministically():
    bugs = [_bug("own:a") for _ in range(5)] + [_bug("own:b") for _ in range(5)]
    for i, b in enumerate(bugs):
        b.id = f"{b.project}#{i}"
    picked = repair.select_bugs(bugs, 4, seed=3)
    assert len(picked) == 4 and {b.project for b in picked} == {"own:a", "own:b"}
    assert [b.id for b in picked] == [b.id for b in repair.select_bugs(bugs, 4, seed=3)]
    assert len(repair.select_bugs(bugs, 0, seed=3)) == 10


def test_own_projects_write_and_mutate(tmp_path: Path):
    bug = _bug("own:intervals")
    bug.start = PROJECTS["intervals"]["intervals.py"].index("lo <= x")
    bug.end, bug.new_text = bug.start + len("lo <= x"), "lo < x"
    root = repair_corpus.write_project("own:intervals", tmp_path, bug)
    assert "if lo < x <= hi" in (root / "intervals.py").read_text()
    assert (root / "tests" / "test_intervals.py").read_text() == PROJECTS["intervals"][
        "tests/test_intervals.py"
    ]


@pytest.mark.parametrize(
    "rest",
    [
        ["--rankings", "best"],
        ["--budget", "0"],
        ["--projects", "stdlib:nonexistent_module.py"],
        ["--projects", "own:nope"],
        ["--families", "not_a_family"],
    ],
)
def test_bad_options_exit_2_with_a_message(rest, tmp_path: Path, capsys):
    code = repair.main(Namespace(rest=[*rest, "--out", str(tmp_path / "out")]))
    assert code == 2
    assert "sea-lsp bench repair:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_bench_end_to_end_on_a_tiny_corpus(tmp_path: Path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    rest = [
        "--projects", "own:intervals,own:inventory", "--families", "compare_swap,bool_swap",
        "--per-project", "1", "--bugs", "2", "--rankings", "uniform", "--budget", "80",
        "--seconds", "40", "--corpus-cache", str(cache), "--out", str(out),
    ]  # fmt: skip
    assert repair.main(Namespace(rest=rest)) == 0
    result = json.loads((out / "repair.json").read_text())
    assert {"date", "command", "model", "settings", "corpus", "bugs", "runs", "summary"} <= set(
        result
    )
    assert len(result["bugs"]) == 2
    for bug in result["bugs"]:
        assert bug["failing_tests"] and bug["family"] in ("compare_swap", "bool_swap")
        assert bug["split"] == "held-out"
    s = result["summary"]["uniform"]
    assert s["bugs"] == 2 and s["fixed"] >= 1 and s["exact"] <= s["fixed"]
    fixed = [r for r in result["runs"] if r["fixed"]]
    assert all(0 < r["evaluations_to_fix"] <= 80 and r["seconds_to_fix"] > 0 for r in fixed)
    assert "| uniform | 2 |" in (out / "repair.md").read_text()
    cached = list(cache.glob("repair-corpus-*.json"))
    assert len(cached) == 1
    corpus = repair_corpus.Corpus.from_json(cached[0].read_text())
    assert {b.id for b in corpus.bugs} == {b["id"] for b in result["bugs"]}


def test_whole_blocks_are_not_single_bugs():
    delete_fn = Mutation("delete_stmt", 0, SAMPLE.index("    return"), "", True)
    drop_value = Mutation("drop_return_value", SAMPLE.index(" foo("), len(SAMPLE) - 1, "", False)
    assert not repair_corpus._small(delete_fn, SAMPLE)
    assert repair_corpus._small(drop_value, SAMPLE)


def test_summary_keeps_uncovered_families_apart():
    def run(family, covered, fixed, evals):
        return {
            "ranking": "uniform", "family": family, "covered": covered, "fixed": fixed,
            "exact": fixed, "error": None, "evaluations_to_fix": evals if fixed else None,
            "seconds_to_fix": 1.0 if fixed else None,
        }  # fmt: skip

    runs = [run("compare_swap", True, True, 4), run("compare_swap", True, True, 10),
            run("swap_statements", False, False, 0)]  # fmt: skip
    s = summarize(runs, ["uniform"])["uniform"]
    assert (s["bugs"], s["fixed"], s["fix_rate"]) == (3, 2, 0.667)
    assert s["covered_by_generators"]["fixed"] == 2
    assert s["not_covered_by_generators"] == {
        **s["not_covered_by_generators"],
        "bugs": 1,
        "fixed": 0,
    }
    assert s["evaluations_to_fix"] == {"median": 7.0, "mean": 7.0}
    assert s["by_family"]["swap_statements"] == {
        "bugs": 1,
        "fixed": 0,
        "exact": 0,
        "covered": False,
    }
