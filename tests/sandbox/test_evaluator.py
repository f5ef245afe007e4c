"""The warm evaluator: right answers, no leaks between candidates, hung children killed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_helpers import CALC, make_project, tree_hash, wait_gone

from sea_lsp.sandbox.sandbox import Limits, Sandbox

FIXED = CALC.replace("a - b", "a + b")


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory: pytest.TempPathFactory):
    root = make_project(
        tmp_path_factory.mktemp("ev") / "proj",
        {
            "calc.py": CALC,
            "tests/test_calc.py": """\
                import os, time
                from pathlib import Path
                from calc import add, mul

                def test_add():
                    assert add(2, 3) == 5

                def test_mul():
                    assert mul(2, 3) == 6

                def test_no_leftovers():
                    here = Path(__file__).resolve().parent.parent
                    assert not (here / "leak.txt").exists()
                    (here / "leak.txt").write_text("from an earlier candidate")
                    with open(here / "calc.py", "a") as f:
                        f.write("\\nLEAKED = True\\n")
                """,
        },
    )
    before = tree_hash(root)
    limits = Limits(timeout_s=30, max_processes=12)
    with Sandbox(root, trusted=True, limits=limits).evaluator() as ev:
        yield ev
    assert tree_hash(root) == before


def test_baseline_and_fix(evaluator) -> None:
    base = evaluator.baseline
    assert [k.split("::")[1] for k in base.failed] == ["test_add"]
    assert len(base.passed) == 2
    fixed = evaluator.evaluate({"calc.py": FIXED})
    assert fixed.all_passed and len(fixed.passed) == 3
    still = evaluator.evaluate({})
    assert not still.all_passed
    # failing tests run first and -x stops there
    assert list(still.outcomes) == [base.failed[0]]
    assert still.outcomes[base.failed[0]].line == 6


def test_candidates_do_not_leak_into_each_other(evaluator) -> None:
    for _ in range(3):
        run = evaluator.evaluate({"calc.py": FIXED + "\nEXTRA = 1\n"})
        assert run.all_passed, run.to_dict()


def test_deleted_module_and_new_file(evaluator) -> None:
    gone = evaluator.evaluate({"calc.py": None})
    assert not gone.all_passed and (gone.error or gone.failed)
    extra = evaluator.evaluate(
        {"calc.py": "from helper import add\nfrom helper import mul\n", "helper.py": FIXED}
    )
    assert extra.all_passed
    back = evaluator.evaluate({"calc.py": FIXED})
    assert back.all_passed


def test_hung_candidate_is_killed_and_the_evaluator_survives(evaluator, marker: str) -> None:
    hang = FIXED.replace(
        "return a + b",
        "import subprocess, sys, time\n"
        f"    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'], start_new_session=True)\n"
        "    time.sleep(300)",
    )
    run = evaluator.evaluate({"calc.py": hang})
    assert not run.all_passed
    assert wait_gone(marker) == []
    assert evaluator.evaluate({"calc.py": FIXED}).all_passed


def test_fork_bomb_candidate_is_stopped(evaluator, marker: str) -> None:
    bomb = FIXED.replace(
        "return a + b",
        "import subprocess, sys, time\n"
        "    for _ in range(100):\n"
        f"        subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'])\n"
        "    time.sleep(300)",
    )
    run = evaluator.evaluate({"calc.py": bomb})
    assert not run.all_passed
    assert wait_gone(marker) == []
    assert evaluator.evaluate({"calc.py": FIXED}).all_passed


def test_conftest_fixture_bound_to_workspace_code(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "calc.py": CALC,
            "tests/conftest.py": "import pytest\nfrom calc import add\n\n@pytest.fixture\ndef adder():\n    return add\n",
            "tests/test_fx.py": "def test_adder(adder):\n    assert adder(2, 3) == 5\n",
        },
    )
    with Sandbox(root, trusted=True, limits=Limits(timeout_s=30)).evaluator() as ev:
        assert ev.baseline.failed
        assert ev.evaluate({"calc.py": FIXED}).all_passed
        assert not ev.evaluate({}).all_passed
