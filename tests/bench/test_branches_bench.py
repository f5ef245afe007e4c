"""``sea-lsp bench branches``: its figures on a sample of the standard library, and bad input."""

from __future__ import annotations

import re

from sea_lsp.actions import pytree
from sea_lsp.bench.branches import restore
from sea_lsp.cli.main import main


def test_a_deleted_else_comes_back() -> None:
    source = (
        "def sign(x, default):\n"
        "    if x > 0:\n"
        "        return 1\n"
        "    elif x < 0:\n"
        "        return -1\n"
        "    else:\n"
        "        return default\n"
    )
    clause = next(n for n in pytree.walk(pytree.parse(source).root_node) if n.type == "else_clause")
    assert restore(source, clause) is not None


def test_the_bench_prints_both_sides_and_both_clauses(capsys) -> None:
    assert main(["bench", "branches", "--files", "40", "--per-file", "3"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^  (train|held-out) +(elif|else) +deleted +(\d+), restored +(\d+)", out, re.M
    )
    assert [r[:2] for r in rows] == [
        ("train", "elif"), ("train", "else"), ("held-out", "elif"), ("held-out", "else")
    ]  # fmt: skip
    assert sum(int(r[2]) for r in rows) > 20
    assert 0 < sum(int(r[3]) for r in rows) <= sum(int(r[2]) for r in rows)


def test_a_root_that_is_not_a_folder_is_refused(tmp_path, capsys) -> None:
    assert main(["bench", "branches", "--root", str(tmp_path / "nope")]) == 2
    assert "is not a directory" in capsys.readouterr().err
