"""``sea-lsp bench fixes``: real fixes replayed against the candidate space, nothing run."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from sea_lsp.bench import fixes


def _record(window: str, before: str, after: str, repo: str = "someone/project") -> dict:
    return {
        "repo": repo,
        "commit": "0" * 40,
        "file": "pkg/mod.py",
        "window": window,
        "where": window.index(before),
        "before": before,
        "after": after,
    }


def _write(path: Path, recs: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r) + "\n")
    return path


def _run(*rest: str) -> int:
    return fixes.main(argparse.Namespace(rest=list(rest)))


def test_a_reached_fix_is_found_with_its_family_and_an_unreachable_one_is_counted(
    tmp_path: Path,
) -> None:
    window = (
        "import os\n\n\ndef limit(values, top):\n"
        "    out = []\n"
        "    for v in values:\n"
        "        if v > top:\n"
        "            out.append(v)\n"
        "    return out\n"
    )
    reached = _record(window, "        if v > top:\n", "        if v >= top:\n")
    text = 'def name():\n    return "ab"\n'
    unreachable = _record(text, '    return "ab"\n', '    return "a-b"\n')
    data = _write(tmp_path / "w.jsonl.gz", [reached, unreachable])
    assert _run("--data", str(data), "--out", str(tmp_path / "out")) == 0
    result = json.loads((tmp_path / "out" / "fixes.json").read_text())
    s = result["summary"]
    assert (s["fixes"], s["reached"]) == (2, 1)
    assert s["by_family"] == {"compare_swap": 1}
    rows = {r["shape"]: r for r in result["fixes"]}
    assert rows["replace"]["candidates"] > 10
    hit = next(r for r in result["fixes"] if r["family"])
    assert hit["rank"]["engine"] is not None and hit["rank"]["family"] is not None
    assert "1/2" in (tmp_path / "out" / "fixes.md").read_text()


def test_bad_data_gets_a_clear_error(tmp_path: Path, capsys) -> None:
    assert _run("--data", str(tmp_path / "missing.jsonl.gz")) == 2
    assert "mine_fixes.py windows" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"not gzip at all")
    assert _run("--data", str(broken)) == 2
    assert "rebuild it" in capsys.readouterr().err
    moved = _record("def f():\n    return 1\n", "    return 1\n", "    return 2\n")
    moved["where"] += 3
    assert _run("--data", str(_write(tmp_path / "moved.jsonl.gz", [moved]))) == 2
    assert "'before' is not at 'where'" in capsys.readouterr().err


def test_the_shipped_fixes_load_and_come_from_many_projects() -> None:
    recs = fixes.load(fixes.DEFAULT_DATA)
    assert len(recs) >= 1000
    assert len({r["repo"] for r in recs}) >= 20
    assert {fixes.shape(r) for r in recs} >= {"replace", "insert"}


def test_nothing_reached_still_reports(tmp_path: Path) -> None:
    text = 'def name():\n    return "ab"\n'
    data = _write(
        tmp_path / "w.jsonl.gz", [_record(text, '    return "ab"\n', '    return "a-b"\n')]
    )
    assert _run("--data", str(data), "--out", str(tmp_path / "out")) == 0
    md = (tmp_path / "out" / "fixes.md").read_text()
    assert "**0/1 = 0.0%**" in md and "| engine (repair.order) | 0 | 0 | 0 | - | - |" in md
