"""Neovim's native review of a proposal (editors/nvim/lua/sea/review.lua) in a real headless
Neovim 0.11: the preview opens a diff split of the file against the proposed text, and
``:SeaApply`` / ``:SeaReject`` answer the server's waiting request and close the split."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.editors.test_nvim import (
    EXAMPLE,
    SCRIPTS,
    _isolated_env,
    _lsp_log_tail,
    _run_nvim,
    _server_cmd,
)

STATS = "def mean(xs):\n    total = sum(xs)\n    return total / (len(xs) - 1)\n"
# as sea_lsp's Overlay.diff writes it into <data dir>/diffs/<offer>.diff
DIFF = (
    "--- a/stats.py\n+++ b/stats.py\n@@ -1,3 +1,3 @@\n def mean(xs):\n     total = sum(xs)\n"
    "-    return total / (len(xs) - 1)\n+    return total / len(xs)\n"
)


def test_diff_split_then_sea_apply_and_sea_reject(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "stats.py").write_text(STATS)
    diffs = tmp_path / "sea-data" / "diffs"
    diffs.mkdir(parents=True)
    (diffs / "offer1.diff").write_text(DIFF)
    env = _isolated_env(
        tmp_path,
        SEA_TEST_OUT=str(tmp_path / "out.json"),
        SEA_TEST_ROOT=str(root),
        SEA_TEST_DIFF=str(diffs / "offer1.diff"),
    )
    r = _run_nvim(SCRIPTS / "review.lua", env, timeout=60)

    assert r["commands"] == {"SeaApply": True, "SeaReject": True}
    assert r["more_registered"] is True
    for round_, title in zip(r["rounds"], ["Apply", "Reject"], strict=True):
        assert round_["first"] == {"title": "Show diff"}  # the diff opens at once
        assert round_["shown"] is True
        left, right = round_["layout"]["wins"]
        assert round_["layout"]["tabs"] == 2
        assert left["name"] == str(root / "stats.py") and left["diff"] and right["diff"]
        assert left["lines"] == STATS.splitlines()
        assert right["lines"] == STATS.replace("(len(xs) - 1)", "len(xs)").splitlines()
        assert right["name"].endswith("sea-proposal://stats.py") and not right["modifiable"]
        assert round_["waiting"] is True  # the request waits for the user's word
        assert round_["answer"] == {"title": title}
        assert round_["after"]["tabs"] == 1  # the review closes once decided
        assert not any(w["diff"] for w in round_["after"]["wins"])
    assert [p["items"] for p in r["prompts"]] == [["Apply", "Show diff", "Reject"]] * 2
    assert r["nothing_waiting"] is False
    assert any("no sea-lsp proposal is waiting" in n["msg"] for n in r["notifications"])
    assert r["stale"][0] is False and "no longer the one" in r["stale"][1]
    assert r["created"] == ["created"]


@pytest.mark.e2e
def test_review_of_a_real_proposal_with_sea_reject_then_sea_apply(tmp_path: Path) -> None:
    project = tmp_path / "buggy_stats"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    original = (project / "stats_kit" / "stats.py").read_text()
    env = _isolated_env(
        tmp_path,
        SEA_TEST_OUT=str(tmp_path / "out.json"),
        SEA_TEST_PROJECT=str(project),
        SEA_TEST_CMD=json.dumps(_server_cmd()),
    )
    r = _run_nvim(SCRIPTS / "review_e2e.lua", env, timeout=200)
    log = _lsp_log_tail(env)
    assert r["attached"] and not r.get("watchdog"), json.dumps(r)[:3000] + log
    rejected, applied = r["rounds"]
    for round_ in (rejected, applied):
        assert round_["review_open"], json.dumps(round_)[:3000] + log
        assert round_["tabs"] == 2
        left, right = round_["wins"]
        source = str(project / "stats_kit" / "stats.py")
        assert left["name"] == source and left["diff"] and right["diff"]
        assert left["text"] == original.rstrip("\n")
        assert right["name"].endswith("sea-proposal://stats_kit/stats.py")
        assert right["text"] != left["text"] and "range(len(values) - window)" not in right["text"]
        assert round_["finished"] and round_["tabs_after"] == 1
    assert rejected["result"]["applied"] is False
    assert rejected["buffer"] == original.rstrip("\n")
    assert applied["result"]["applied"] is True
    assert applied["buffer"] == applied["wins"][1]["text"]  # what was reviewed is what applied
    with sqlite3.connect(tmp_path / "sea-data" / "feedback.sqlite3") as db:
        kinds = [k for (k,) in db.execute("SELECT kind FROM decisions ORDER BY rowid")]
    assert kinds == ["reject", "accept"], kinds
