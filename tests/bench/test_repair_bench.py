"""The repair benchmark: its bug data, the split, the figures, and one real run."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest

from sea_lsp.bench import bug_data, repair, repair_report
from sea_lsp.bench.bug_data import Bug, BugProject, Edit
from sea_lsp.bench.repair_report import median_interval, summarize, wilson
from sea_lsp.bench.repair_space import bug_lines, reachable

PROJECTS = bug_data.load()


def _project(name: str) -> bug_data.BugProject:
    return next(p for p in PROJECTS if p.name == name)


def test_the_benchmark_holds_bugs_people_made_in_several_projects_on_both_sides() -> None:
    bugs = [b for p in PROJECTS for b in p.bugs]
    assert len(bugs) >= 50 and len({b.id for b in bugs}) == len(bugs)
    assert {p.split for p in PROJECTS} == {"train", "held-out"}
    for p in PROJECTS:
        assert any("test" in f for f in p.files), f"{p.name} has no tests"
        for b in p.bugs:
            buggy = p.buggy_files(b)  # every fixed text occurs once
            assert all(buggy[f] != p.files[f] for f in b.files)
            assert b.failing_tests or b.hangs, f"{b.id}: checked by benchmarks/bugs/check.py"


def test_the_split_is_by_project_and_stable() -> None:
    assert bug_data.split_of("graph_walks") == bug_data.split_of("graph_walks")
    assert bug_data.project_family("toolz-1a2b3c4") == "toolz"
    assert bug_data.project_family("text_tools") == "text_tools"
    sides = {bug_data.split_of(f"p{i}") for i in range(40)}
    assert sides == {"train", "held-out"}


def test_a_broken_bug_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "hand" / "demo"
    (folder / "project").mkdir(parents=True)
    (folder / "project" / "m.py").write_text("x = 1\n")
    (folder / "bugs.json").write_text("{not json")
    with pytest.raises(bug_data.BugDataError, match="bugs.json"):
        bug_data.load(tmp_path)
    (folder / "bugs.json").write_text(
        json.dumps(
            {"bugs": [{"id": "d-1", "edits": [{"file": "m.py", "fixed": "y", "buggy": "z"}]}]}
        )
    )
    (project,) = bug_data.load(tmp_path)
    with pytest.raises(bug_data.BugDataError, match="occur once"):
        project.buggy_files(project.bugs[0])
    with pytest.raises(bug_data.BugDataError, match="no bug data"):
        bug_data.load(tmp_path / "missing")


def test_same_code_ignores_layout_and_comments_only() -> None:
    same = bug_data.same_code
    assert same("a = 1\nb = 2\n", "a = 1\nb = 2  # why\n")
    assert same("x = (1 +\n  2)\nz = 0\n", "x = (1 +\n        2)\nz = 0\n")
    assert not same("a = 1\nb = 2\n", "a = 1\nb = 3\n")
    assert not same('s = """\nab\n"""\n', 's = """\nac\n"""\n')
    # a changed line inside a bracket opened above it (does not tokenize alone)
    assert not same("x = f(a,\n  b,\n  c)\n", "x = f(a,\n  c,\n  c)\n")
    assert same("x = f(a,\n  b,\n  c)\n", "x = f(a,\n  b ,\n  c)\n")


def test_same_code_tells_where_a_statement_stands() -> None:
    """A statement inside a loop's body and the same statement after the loop are
    different programs (a missing statement's fix is most often exactly that choice)."""
    same = bug_data.same_code
    fixed = (
        "def f(xs):\n    n = 0\n    for x in xs:\n        n += x\n        n += 1\n    return n\n"
    )
    after = "def f(xs):\n    n = 0\n    for x in xs:\n        n += x\n    n += 1\n    return n\n"
    assert not same(fixed, after)
    assert same(fixed, fixed.replace("n += 1\n", "n += 1  # counted\n\n"))
    # the changed lines start inside a bracket opened above them: read with their context
    assert same("def g():\n    x = (1 +\n      2)\n", "def g():\n    x = (1 +\n              2)\n")
    assert not same("def g():\n    x = (1 +\n      2)\n", "def g():\n    x = (1 +\n      3)\n")
    # ... and a bracket still open after them: read on (a call's arguments reflowed)
    one = "def g():\n    x = [f(a, b,\n          c=c)\n         for a in y]\n"
    assert same(one, "def g():\n    x = [f(a, b, c=c)\n         for a in y]\n")
    assert not same(one, "def g():\n    x = [f(a, b, c=d)\n         for a in y]\n")
    # an unterminated string: the lines compared one by one, indentation included
    broken = 'def h():\n    s = """\n    if a:\n        b()\n'
    assert not same(broken, broken.replace("        b()", "    b()"))
    assert same(broken, broken.replace("        b()", "        b( )"))


def test_intervals() -> None:
    assert wilson(0, 0) is None
    lo, hi = wilson(7, 10)
    assert lo < 0.7 < hi and lo >= 0 and hi <= 1
    lo, hi = median_interval([1, 2, 3, 4, 100])
    assert lo <= 3 <= hi


def test_summary_counts_fixes_exact_fixes_and_fixes_within_ten_evaluations() -> None:
    def run(fixed: bool, evals: int | None, exact: bool = False) -> dict:
        return {
            "ranking": "fl", "category": "comparison", "source": "handwritten",
            "fixed": fixed, "exact": exact, "error": None, "evaluations_to_fix": evals,
            "seconds_to_fix": 1.0 if fixed else None, "reachable": {"reachable": True},
        }  # fmt: skip

    plan = run(False, None)
    plan["reachable"] = {"reachable": True, "edits": 2}
    s = summarize([run(True, 3, True), run(True, 40), plan], ["fl"])["fl"]
    assert (s["bugs"], s["fixed"], s["exact"], s["fixed_within_10"]) == (3, 2, 1, 1)
    assert s["reachable"] == 3 and s["by_category"]["comparison"]["fixed"] == 2
    assert s["reachable_in_two"] == 1


def test_reachability_is_reported_per_edit_family() -> None:
    def run(family: str | None, fixed: bool, exact: bool = False, edits: int = 1) -> dict:
        reach = {"reachable": family is not None, "family": family, "edits": edits}
        return {
            "ranking": "fl", "category": "c", "source": "handwritten", "fixed": fixed,
            "exact": exact, "error": None, "evaluations_to_fix": 5 if fixed else None,
            "seconds_to_fix": 1.0 if fixed else None, "reachable": reach,
        }  # fmt: skip

    runs = [
        run("repair.compare_swap", True, True),
        run("repair.compare_swap", False),
        run("repair.insert_template", True),
        run("repair.off_by_one+repair.swap_stmt", False, edits=2),
        run(None, True),  # fixed plausibly, the human fix out of reach: no family
    ]
    fam = summarize(runs, ["fl"])["fl"]["by_family"]
    assert list(fam) == ["compare_swap", "insert_template", "off_by_one+swap_stmt"]
    assert fam["compare_swap"] == {"reachable": 2, "fixed": 1, "exact": 1}
    assert fam["insert_template"] == {"reachable": 1, "fixed": 1, "exact": 0}
    result = {"date": "d", "command": "c", "machine": "m", "model": "-", "bugs": runs,
              "projects": ["p"], "settings": {"budget_evaluations": 200, "budget_seconds": 60,
              "split": "held-out"}, "summary": summarize(runs, ["fl"])}  # fmt: skip
    text = repair_report.markdown(result)
    assert "| compare_swap | 2 | 1 (1) |" in text and "| off_by_one+swap_stmt | 1 | 0 (0) |" in text


def test_reachability_finds_the_human_fix_among_the_candidates() -> None:
    project = _project("number_theory")
    bug = next(b for b in project.bugs if b.category in ("comparison", "wrong-operator"))
    lines = bug_lines(project, bug)
    assert lines and all(n >= 1 for ns in lines.values() for n in ns)
    got = reachable(project, bug)
    assert got["reachable"] and got["family"].startswith("repair.")


@pytest.mark.slow
def test_one_real_run_fixes_a_bug_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    project = _project("number_theory")
    bug = next(b for b in project.bugs if b.category in ("comparison", "wrong-operator"))
    rest = ["--projects", project.name, "--bugs", "1", "--rankings", "fl,learned", "--budget",
            "150", "--seconds", "60", "--out", str(out), "--split", "all"]  # fmt: skip
    opts = repair.parse_args(rest)
    for ranking in ("fl", "learned"):  # the learned ranking re-scores the same candidates
        record = repair.run_bug(project, bug, ranking, None, opts, lambda p: None)
        assert record["fixed"], record
    assert repair.main(Namespace(rest=rest)) == 0
    result = json.loads((out / "repair.json").read_text())
    assert result["summary"]["fl"]["bugs"] == result["summary"]["learned"]["bugs"] == 1
    assert "| fl | 1 |" in (out / "repair.md").read_text()


def test_bad_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert repair.main(Namespace(rest=["--rankings", "nonsense"])) == 2
    assert "--rankings" in capsys.readouterr().err
    assert repair.main(Namespace(rest=["--projects", "no_such_project"])) == 2


def test_bug_lines_follow_the_diff_when_the_buggy_text_occurs_twice() -> None:
    """``trees_and_heaps-2``'s buggy line also stands, correct, in another branch: the lines
    are where the buggy file differs from the fixed one, not the text's first occurrence."""
    project = _project("trees_and_heaps")
    bug = next(b for b in project.bugs if b.id == "trees_and_heaps-2")
    (path,) = bug.files
    buggy, fixed = project.buggy_files(bug)[path].split("\n"), project.files[path].split("\n")
    assert buggy.count(bug.edits[0].buggy.strip("\n")) == 2
    lines = bug_lines(project, bug)[path]
    assert any(buggy[n - 1] != fixed[n - 1] for n in lines)
    assert reachable(project, bug)["reachable"]


def test_a_bug_two_candidates_fix_together_is_reachable_in_two_edits(tmp_path: Path) -> None:
    """Two wrong comparisons in two functions: no single candidate fixes both, a plan of
    two does (each a candidate of the state before it), and the report says so."""
    fixed = (
        "def low(xs, k):\n    return [x for x in xs if x < k]\n\n\n"
        "def high(xs, k):\n    return [x for x in xs if x > k]\n"
    )
    edits = [
        Edit("m.py", "if x < k]", "if x <= k]"),
        Edit("m.py", "if x > k]", "if x >= k]"),
    ]
    bug = Bug("p-1", "p", "handwritten", "train", edits, "multi-line", lines_changed=2)
    project = BugProject("p", "handwritten", tmp_path, "train", {"m.py": fixed}, [bug])
    got = reachable(project, bug)
    assert got["reachable"] and got["edits"] == 2
    assert got["family"] == "repair.compare_swap+repair.compare_swap"
    assert not reachable(project, bug, plans=False)["reachable"]
    one = Bug("p-2", "p", "handwritten", "train", edits[:1], "comparison")
    assert reachable(project, one)["edits"] == 1
