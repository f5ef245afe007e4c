"""What was verified is what is applied: one change from the original to the tested texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sea_lsp.agent.search import TaskResult
from sea_lsp.agent.task import Task
from sea_lsp.workspace.changes import (
    Change,
    ChangeError,
    TextEdit,
    apply_edits,
    change_between,
    text_hash,
)

TEXTS = st.text(alphabet="ab\n λé😀", max_size=30)


@given(TEXTS, TEXTS)
def test_the_change_between_two_texts_gives_the_second(a: str, b: str) -> None:
    change = change_between({"m.py": a}, {"m.py": b})
    assert apply_edits(a, change.edits) == b
    assert len(change.edits) <= 1


def test_files_created_and_deleted_become_file_operations() -> None:
    change = change_between({"old.py": "x", "new.py": None}, {"old.py": None, "new.py": "y"})
    assert {(op.kind, op.path) for op in change.file_ops} == {
        ("delete", "old.py"),
        ("create", "new.py"),
    }


def test_two_insertions_at_one_place_apply_as_they_were_tested() -> None:
    original = "a = 1\nb = 2\n"
    # a plan of two steps, each inserting a line before line 2, tested in this order:
    step1 = apply_edits(original, [TextEdit("m.py", 6, 6, "x = 0\n")])
    tested = apply_edits(step1, [TextEdit("m.py", 6, 6, "y = 0\n")])
    naive = Change((TextEdit("m.py", 6, 6, "x = 0\n"), TextEdit("m.py", 6, 6, "y = 0\n")))
    assert apply_edits(original, naive.edits) != tested  # what composing the steps wrote
    result = TaskResult(
        task=Task(kind="repair", text="fix"),
        solved=True,
        summary="",
        change=change_between({"m.py": original}, {"m.py": tested}),
        verified={"m.py": text_hash(tested)},
    )
    result.check_applies({"m.py": original}.get)
    assert apply_edits(original, result.change.edits) == tested
    with pytest.raises(ChangeError, match="verified"):
        result.check_applies({"m.py": "a = 1\nb = 3\n"}.get)
