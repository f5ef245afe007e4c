"""``sea-lsp bench unset``: its figures on a sample of the standard library, and bad input."""

from __future__ import annotations

import re

from sea_lsp.cli.main import main


def test_the_bench_prints_both_sides_of_the_library(capsys) -> None:
    assert main(["bench", "unset", "--files", "40", "--per-file", "3"]) == 0
    out = capsys.readouterr().out
    sides = re.findall(r"^  (train|held-out) +functions +(\d+), flagged +(\d+)", out, re.M)
    assert [s[0] for s in sides] == ["train", "held-out"]
    assert sum(int(s[1]) for s in sides) > 100
    assert "restored" in out and "% of restored" in out


def test_a_root_that_is_not_a_folder_is_refused(tmp_path, capsys) -> None:
    assert main(["bench", "unset", "--root", str(tmp_path / "nope")]) == 2
    assert "is not a directory" in capsys.readouterr().err
