"""Sandbox.run_tests: outcomes, and bad test suites contained with the workspace unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_helpers import CALC, make_project, tree_hash, wait_gone

from sea_lsp.sandbox.sandbox import ExecutionRefused, Limits, Sandbox

FAST = Limits(timeout_s=20, memory_mb=1024, cpu_s=20, max_processes=32)


def test_untrusted_workspace_refuses_execution(calc_project: Path) -> None:
    sb = Sandbox(calc_project, trusted=False)
    with pytest.raises(ExecutionRefused, match="sea.trusted"):
        sb.run_tests()
    with pytest.raises(ExecutionRefused, match="--workspace"):
        sb.evaluator()


def test_outcomes_lines_and_coverage(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "calc.py": CALC + "\n\ndef inv(x):\n    return 1 / x\n",
            "tests/test_all.py": """\
                import pytest
                from calc import add, inv, mul

                @pytest.fixture
                def broken():
                    raise RuntimeError("fixture broke")

                def test_add():
                    assert add(2, 3) == 5

                def test_mul():
                    assert mul(2, 3) == 6

                def test_error(broken):
                    pass

                def test_inv():
                    assert inv(0) == 0

                @pytest.mark.skip(reason="not today")
                def test_skipped():
                    pass
                """,
        },
    )
    before = tree_hash(root)
    run = Sandbox(root, trusted=True, limits=FAST).run_tests(coverage=True)
    out = {k.split("::")[1]: v for k, v in run.outcomes.items()}
    assert {k: v.outcome for k, v in out.items()} == {
        "test_add": "failed",
        "test_mul": "passed",
        "test_error": "error",
        "test_inv": "failed",
        "test_skipped": "skipped",
    }
    assert (out["test_add"].path, out["test_add"].line) == ("tests/test_all.py", 9)
    assert out["test_inv"].frames == [("tests/test_all.py", 18), ("calc.py", 10)]
    assert (out["test_inv"].path, out["test_inv"].line) == ("tests/test_all.py", 18)
    assert "assert -1 == 5" in out["test_add"].message
    assert "fixture broke" in out["test_error"].message
    assert run.coverage is not None
    add_id = next(k for k in run.outcomes if k.endswith("test_add"))
    assert run.coverage[add_id]["calc.py"] == [1, 2]
    assert len(run.failed) == 3
    assert not run.all_passed and run.error is None and run.returncode == 1
    assert run.to_dict()["failed"] == run.failed
    assert tree_hash(root) == before


def test_replacements_apply_only_in_the_copy(calc_project: Path) -> None:
    before = tree_hash(calc_project)
    sb = Sandbox(calc_project, trusted=True, limits=FAST)
    run = sb.run_tests({"calc.py": CALC.replace("a - b", "a + b")}, test_ids=["tests/test_calc.py"])
    assert run.all_passed and len(run.passed) == 2
    gone = sb.run_tests({"calc.py": None})
    assert gone.error and "collecting" in gone.error and not gone.all_passed
    assert tree_hash(calc_project) == before
    with pytest.raises(ValueError, match="node id"):
        sb.run_tests(test_ids=["--rootdir=/"])


def test_collection_error_is_reported(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"tests/test_bad.py": "def test_x(:\n    pass\n"})
    run = Sandbox(root, trusted=True, limits=FAST).run_tests()
    assert run.error and "SyntaxError" in run.error and not run.all_passed


def test_hanging_suite_is_killed_with_its_children(tmp_path: Path, marker: str) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "tests/test_hang.py": f"""\
                import subprocess, sys, time

                def test_hang():
                    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{marker}"])
                    time.sleep(300)
                """
        },
    )
    run = Sandbox(root, trusted=True, limits=Limits(timeout_s=3)).run_tests()
    assert run.timed_out and "timeout" in (run.error or "")
    assert run.duration < 30
    assert wait_gone(marker) == []


def test_background_and_escaped_processes_are_gone_afterwards(tmp_path: Path, marker: str) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "tests/test_bg.py": f"""\
                import subprocess, sys

                def test_spawns():
                    code = "import time; time.sleep(300)"
                    subprocess.Popen(["sleep", "300"])
                    subprocess.Popen([sys.executable, "-c", code, "{marker}"])
                    subprocess.Popen([sys.executable, "-c", code, "{marker}"], start_new_session=True)
                """
        },
    )
    run = Sandbox(root, trusted=True, limits=FAST).run_tests()
    assert run.all_passed
    assert wait_gone(marker) == []


def test_fork_bomb_is_stopped_by_the_process_limit(tmp_path: Path, marker: str) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "tests/test_bomb.py": f"""\
                import subprocess, sys, time

                def test_bomb():
                    for _ in range(200):
                        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{marker}"])
                    time.sleep(300)
                """
        },
    )
    limits = Limits(timeout_s=60, max_processes=12)
    run = Sandbox(root, trusted=True, limits=limits).run_tests()
    assert not run.all_passed and "max_processes" in (run.error or "")
    assert wait_gone(marker) == []


def test_memory_hog_fails_without_harm(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {"tests/test_mem.py": "def test_hog():\n    x = bytearray(4 * 1024**3)\n    assert x\n"},
    )
    run = Sandbox(root, trusted=True, limits=Limits(timeout_s=20, memory_mb=600)).run_tests()
    assert not run.all_passed
    assert run.failed or run.error


def test_destructive_suite_leaves_the_workspace_unchanged(calc_project: Path) -> None:
    make_project(
        calc_project,
        {
            "tests/test_evil.py": """\
                import os, shutil
                from pathlib import Path

                def test_wreck():
                    here = Path(__file__).resolve().parent.parent
                    (here / "calc.py").write_text("broken")
                    (here / "new_file.txt").write_text("x")
                    shutil.rmtree(here / "tests", ignore_errors=True)
                    os.chmod(here, 0o700)
                """
        },
    )
    before = tree_hash(calc_project)
    run = Sandbox(calc_project, trusted=True, limits=FAST).run_tests()
    assert run.outcomes
    assert tree_hash(calc_project) == before


def test_loud_output_with_capture_off_is_capped(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "tests/test_loud.py": "import os\n\ndef test_loud():\n    os.write(1, b'x' * 5_000_000)\n"
        },
    )
    limits = Limits(timeout_s=20, max_output_bytes=10_000)
    run = Sandbox(root, trusted=True, limits=limits, test_command="pytest -s").run_tests()
    assert run.all_passed
    assert len(run.output_tail) < 11_000 and "dropped" in run.output_tail


def test_non_pytest_command_is_judged_by_exit_code(calc_project: Path) -> None:
    ok = Sandbox(
        calc_project, trusted=True, limits=FAST, test_command="test -f calc.py"
    ).run_tests()
    bad = Sandbox(
        calc_project, trusted=True, limits=FAST, test_command="echo no; exit 3"
    ).run_tests()
    assert ok.all_passed and ok.returncode == 0
    assert not bad.all_passed and bad.returncode == 3 and "no" in bad.output_tail


def test_copies_start_from_the_editors_unsaved_texts(calc_project: Path) -> None:
    """The agent and the test diagnostics run the code the user sees: an open document's
    unsaved text, not the file on disk (which stays as it is)."""
    fixed_unsaved = CALC.replace("a - b", "a + b")
    before = tree_hash(calc_project)
    sb = Sandbox(calc_project, trusted=True, limits=FAST, editor_texts={"calc.py": fixed_unsaved})
    assert sb.run_tests(test_ids=["tests/test_calc.py"]).all_passed
    disk = Sandbox(calc_project, trusted=True, limits=FAST).run_tests(
        test_ids=["tests/test_calc.py"]
    )
    assert not disk.all_passed  # on disk the bug is still there
    # a candidate's replacement still wins over the editor's text
    assert not sb.run_tests({"calc.py": CALC}, test_ids=["tests/test_calc.py"]).all_passed
    assert tree_hash(calc_project) == before
