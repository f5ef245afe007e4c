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


def _commit(repo: Path, text: str) -> str:
    (repo / "sums.py").write_text(text)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "sums.py"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True, capture_output=True)
    out = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def test_an_example_written_beside_the_fix_stays_and_only_code_is_reverted(tmp_path) -> None:
    tool = _tool()
    buggy = "def double(x):\n    return x + x + 1\n\n\ndef half(x):\n    return x // 2\n"
    # the fix adds a docstring with the example that catches the bug right above the fixed
    # line (git makes one hunk of both), and a docstring of its own to another function
    fixed = (
        'def double(x):\n    """\n    >>> double(2)\n    4\n    """\n    return x + x\n\n\n'
        'def half(x):\n    """\n    >>> half(5)\n    2\n    """\n    return x // 2\n'
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    parent, sha = _commit(tmp_path, buggy), _commit(tmp_path, fixed)
    gitdir = tmp_path / ".git"
    old, new = tool.lines_at(gitdir, parent, "sums.py"), tool.lines_at(gitdir, sha, "sums.py")
    runs = tool.code_hunks(gitdir, parent, sha, "sums.py", old, new)
    assert [
        [tool.code_lines(h, tool.doc_lines(old), tool.doc_lines(new)) for h in r] for r in runs
    ] == [[1]]
    edit = tool.make_edit(old, new, runs[0], "sums.py")
    assert edit["fixed"].strip() == "return x + x" and edit["buggy"].strip() == "return x + x + 1"
    assert "".join(new).replace(edit["fixed"], edit["buggy"]).count(">>> double(2)") == 1


def test_a_docstring_rewritten_in_place_is_cut_from_the_signature_s_hunk() -> None:
    tool = _tool()
    # old lines 5-6: ``def half(x):`` and a one-line docstring; new lines 5-9: the typed
    # signature and a docstring with an example (one -U0 hunk)
    parts = tool._split_docs((5, 2, 5, 5), od={6}, nd={6, 7, 8, 9})
    assert parts == [(5, 1, 5, 1), (6, 1, 6, 4)]
    assert [tool.code_lines(h, {6}, {6, 7, 8, 9}) for h in parts] == [1, 0]
    # an example inserted after the fixed line: the insertion follows old line 5
    assert tool._split_docs((5, 1, 5, 3), od=set(), nd={6, 7}) == [(5, 1, 5, 1), (5, 0, 6, 2)]


def test_a_function_the_commit_adds_or_a_change_outside_functions_is_no_bug(tmp_path) -> None:
    tool = _tool()
    before = "def double(x):\n    return x + x\n"
    added = (
        before
        + '\n\ndef triple(x):\n    """\n    >>> triple(2)\n    6\n    """\n    return 3 * x\n'
    )
    main = before.replace("x + x", "2 * x") + "\n\nLIMIT = 3\n"
    subprocess.run(["git", "init", "-q", str(tmp_path / "r")], check=True)
    repo = tmp_path / "r"
    shas = [_commit(repo, text) for text in (before, added, main)]
    gitdir, out = repo / ".git", tmp_path / "out"
    why = tool.try_doctests(gitdir, shas[1], shas[0], "x", "sums.py", out, sys.executable)
    assert why == "a function the commit adds"
    why = tool.try_doctests(gitdir, shas[2], shas[1], "x", "sums.py", out, sys.executable)
    assert why == "not within one function"
    assert not out.exists()
