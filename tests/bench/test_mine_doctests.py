"""``benchmarks/tools/mine_fixes.py doctests``: a small program's docstring examples, frozen
into a test file that passes on the fixed module and catches the bug."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "benchmarks" / "tools" / "mine_fixes.py"

FIXED = '''"""Running sums.

>>> prefix_sums([])
[]
"""


def prefix_sums(xs):
    """
    >>> prefix_sums([1, 2, 3])
    [1, 3, 6]
    """
    out, total = [], 0
    for x in xs:
        total += x
        out.append(total)
    return out


class Box:
    def size(self):
        """
        >>> Box().size()
        0
        """
        return 0

    def plain(self):
        """No examples here."""
        return 1
'''


def _tool():
    spec = importlib.util.spec_from_file_location("mine_fixes", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_examples_are_found_by_qualified_name() -> None:
    found = _tool().docstring_examples(FIXED)
    assert list(found) == ["module", "prefix_sums", "Box.size"]
    assert ">>> prefix_sums([1, 2, 3])" in found["prefix_sums"]
    assert _tool().docstring_examples("def f(:\n") is None


def test_the_frozen_examples_pass_on_the_fix_and_catch_the_bug(tmp_path: Path) -> None:
    tool = _tool()
    (tmp_path / "sums.py").write_text(FIXED)
    (tmp_path / "test_sums.py").write_text(
        tool.doctest_file("sums", tool.docstring_examples(FIXED))
    )

    def pytest() -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    ok = pytest()
    assert ok.returncode == 0 and "3 passed" in ok.stdout, ok.stdout
    # the bug, and an edit of the module's own docstring that cannot hide it
    buggy = FIXED.replace("        total += x\n", "").replace("[1, 3, 6]", "[0, 0, 0]")
    (tmp_path / "sums.py").write_text(buggy)
    bad = pytest()
    assert bad.returncode == 1 and "1 failed, 2 passed" in bad.stdout, bad.stdout
    assert "Expected:" in bad.stdout and "[1, 3, 6]" in bad.stdout
