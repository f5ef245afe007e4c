"""The agent end to end on fixture projects, with real sandboxed test runs."""

from __future__ import annotations

import pytest

from sea_lsp.agent.search import assign_task, execute_task
from sea_lsp.agent.task import TaskError
from sea_lsp.config import Settings
from sea_lsp.workspace.workspace import Workspace
from tests.agent.conftest import DOCS, IMPORTS, SYNTAX, TESTS, TWO_EDIT, snapshot, write_project

SETTINGS = Settings(trusted=True, budget_evaluations=120, budget_seconds=90.0)


@pytest.fixture(scope="module")
def default_model():
    from sea_lsp.model_store import load_current

    return load_current(Settings())


def run(root, text, model=None, settings=SETTINGS, **kw):
    ws = Workspace(root)
    task = assign_task(text, ws, settings=settings, focus_path=kw.pop("focus_path", None))
    return execute_task(task, ws, settings=settings, model=model, **kw)


def test_example_project_is_fixed_with_the_embedded_default(example, default_model):
    before = snapshot(example)
    result = run(example, "fix the failing tests", default_model)
    assert result.solved, result.summary
    assert result.tests_after.all_passed
    assert len(result.tests_before.failed) == 2
    assert "moving_average" in result.diff or "range(" in result.diff
    assert snapshot(example) == before  # nothing written without apply


def test_two_edit_bug_needs_a_two_step_plan(tmp_path, default_model):
    root = write_project(tmp_path, TWO_EDIT)
    result = run(root, "fix the failing tests", default_model)
    assert result.solved, result.summary
    assert len(result.steps) == 2
    assert "total += v" in result.diff and "return low" in result.diff


def test_syntax_error_is_fixed(tmp_path):
    root = write_project(tmp_path, SYNTAX)
    result = run(root, "fix the syntax error")
    assert result.solved, result.summary
    assert "def area(w, h):" in result.diff
    assert result.tests_after is not None and result.tests_after.all_passed


def test_docstring_for_named_function(tmp_path):
    root = write_project(tmp_path, DOCS)
    result = run(root, "document scale")
    assert result.solved, result.summary
    assert '"""' in result.diff and "factor" in result.diff and "ValueError" in result.diff


def test_missing_import_is_added(tmp_path):
    root = write_project(tmp_path, IMPORTS)
    result = run(root, "add missing imports", focus_path="paths.py")
    assert result.solved, result.summary
    assert "+import os" in result.diff


def test_characterisation_tests_are_generated(tmp_path):
    root = write_project(tmp_path, TESTS)
    result = run(root, "add tests for gcd")
    assert result.solved, result.summary
    assert "def test_" in result.diff and "gcd(12, 18) == 6" in result.diff
    assert any(op.kind == "create" for op in result.change.file_ops)


def test_new_module_is_created(tmp_path):
    root = write_project(tmp_path, {"app.py": "x = 1\n"})
    result = run(root, "create module pkg/util.py")
    assert result.solved, result.summary
    created = {op.path for op in result.change.file_ops if op.kind == "create"}
    assert "pkg/util.py" in created and "pkg/__init__.py" in created


@pytest.mark.parametrize(
    ("files", "text", "message"),
    [
        ({"a.py": "x = 1\n"}, "", "empty"),
        ({"a.py": "x = 1\n"}, "order a pizza", "can't do"),
        ({"notes.txt": "hi\n"}, "fix the failing tests", "not a Python project"),
        ({"a.py": "x = 1\n"}, "fix the failing tests", "no tests ran"),
        (
            {"a.py": "x = 1\n", "tests/test_a.py": "def test_a():\n    assert True\n"},
            "fix the failing tests",
            "already pass",
        ),
    ],
)
def test_tasks_it_cannot_do_say_why(tmp_path, files, text, message):
    root = write_project(tmp_path, files)
    with pytest.raises(TaskError, match=message):
        run(root, text)


def test_untrusted_workspace_refuses_repair(example):
    with pytest.raises(TaskError, match="not trusted"):
        run(example, "fix the failing tests", settings=Settings(trusted=False))


def test_zero_budget_is_refused(example):
    with pytest.raises(TaskError, match="budget"):
        run(example, "fix the failing tests", settings=Settings(trusted=True, budget_evaluations=0))
