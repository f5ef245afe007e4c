"""Check the repair benchmark's bug data: every project passes its own tests, every bug fails some.

    python benchmarks/bugs/check.py [DIR ...]      (default: every project under benchmarks/bugs)

A project is a folder holding ``bugs.json`` and ``project/`` (the correct code and its pytest
tests). Each bug lists ``edits``: ``{"file", "fixed", "buggy"}``, where ``fixed`` occurs exactly
once in the file of the correct project and ``buggy`` replaces it. The check copies the project,
runs pytest (per-test timeout 5 s), applies each bug's edits, runs pytest again, and prints the
tests that fail; with ``--write`` it stores them as the bug's ``failing_tests`` and ``hangs``.
Only the standard library and pytest (+ pytest-timeout) are needed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
PER_TEST_TIMEOUT = 5
RUN_TIMEOUT = 120


def apply_edits(root: Path, edits: list[dict]) -> None:
    for e in edits:
        path = root / e["file"]
        text = path.read_text(encoding="utf-8")
        n = text.count(e["fixed"])
        if n != 1:
            raise ValueError(f"{e['file']}: the fixed text occurs {n} times (must be once)")
        path.write_text(text.replace(e["fixed"], e["buggy"]), encoding="utf-8")


def run_pytest(root: Path) -> tuple[list[str], list[str], bool]:
    """(passed, failed, hung) node ids of one pytest run in ``root``."""
    xml = root.parent / "report.xml"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           f"--timeout={PER_TEST_TIMEOUT}", f"--junitxml={xml}", "--rootdir", str(root)]  # fmt: skip
    hung = False
    try:
        subprocess.run(cmd, cwd=root, capture_output=True, timeout=RUN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        hung = True
    passed, failed = [], []
    if xml.exists():
        for case in ET.parse(xml).iter("testcase"):
            cls, name = case.get("classname", ""), case.get("name", "")
            parts = cls.split(".")
            # classname is "tests.test_x" or "tests.test_x.TestClass"
            mod, klass = parts, []
            for i in range(len(parts), 0, -1):
                if (root / Path(*parts[:i])).with_suffix(".py").is_file():
                    mod, klass = parts[:i], parts[i:]
                    break
            nodeid = "/".join(mod) + ".py::" + "::".join([*klass, name])
            bad = any(c.tag in ("failure", "error") for c in case)
            timeout = any("Timeout" in (c.get("message") or "") for c in case)
            hung = hung or timeout
            (failed if bad else passed).append(nodeid)
        xml.unlink()
    return passed, failed, hung


def check_project(folder: Path, write: bool) -> tuple[int, int]:
    meta_path = folder / "bugs.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    ok = bad = 0
    with tempfile.TemporaryDirectory() as d:
        clean = Path(d) / "clean" / "project"
        shutil.copytree(folder / "project", clean)
        passed, failed, hung = run_pytest(clean)
        if failed or hung or not passed:
            print(f"{folder.name}: the correct project does not pass its tests: {failed[:5]}")
            return 0, len(meta["bugs"])
        for bug in meta["bugs"]:
            work = Path(d) / bug["id"] / "project"
            shutil.copytree(folder / "project", work)
            try:
                apply_edits(work, bug["edits"])
            except ValueError as exc:
                print(f"  {bug['id']}: BAD EDIT {exc}")
                bad += 1
                continue
            _, failed, hung = run_pytest(work)
            if not failed and not hung:
                print(f"  {bug['id']}: NOT DETECTED (every test passes)")
                bad += 1
                continue
            ok += 1
            print(f"  {bug['id']}: {len(failed)} failing{' (hangs)' if hung else ''}")
            if write:
                bug["failing_tests"] = sorted(failed)
                bug["hangs"] = hung
    if write:
        meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"{folder.name}: {ok} bugs detected, {bad} bad, {len(passed)} tests")
    return ok, bad


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dirs", nargs="*", type=Path)
    p.add_argument("--write", action="store_true", help="store failing_tests and hangs")
    args = p.parse_args()
    folders = args.dirs or sorted(q.parent for q in HERE.glob("*/*/bugs.json"))
    total_ok = total_bad = 0
    for f in folders:
        ok, bad = check_project(f.resolve(), args.write)
        total_ok, total_bad = total_ok + ok, total_bad + bad
    print(f"total: {total_ok} bugs detected, {total_bad} bad")
    return 1 if total_bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
