import pytest

from sea_lsp.agent.task import classify, named_identifiers, named_path


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("fix the failing tests", "repair"),
        ("Fix the bug in moving_average", "repair"),
        ("make the tests pass", "repair"),
        ("fix the syntax error", "syntax"),
        ("the file doesn't parse", "syntax"),
        ("document moving_average", "docs"),
        ("add a docstring to mean", "docs"),
        ("add tests for median", "tests"),
        ("write characterisation tests for variance", "tests"),
        ("add missing imports", "imports"),
        ("remove unused imports", "imports"),
        ("create module pkg/util.py", "file"),
        ("new package helpers", "file"),
    ],
)
def test_classify(text, kind):
    assert classify(text) == kind


def test_unknown_task_is_none():
    assert classify("order a pizza") is None


def test_named_things():
    assert named_path("create module pkg/util.py please") == "pkg/util.py"
    assert named_identifiers("document `stats.moving_average` and mean") == [
        "moving_average",
        "mean",
    ]
    assert named_identifiers("add tests for median")[0] == "median"
