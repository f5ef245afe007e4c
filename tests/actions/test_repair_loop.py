"""``repair.insert_progress``: a ``while`` loop with a path that cannot progress."""

from __future__ import annotations

import sysconfig
from pathlib import Path

from sea_lsp.actions import pytree
from sea_lsp.actions.repair_loop import progress_paths, stuck_blocks
from tests.actions.conftest import stdlib_sources
from tests.actions.test_repair import apply, candidates


def _loops(source: str) -> list:
    tree = pytree.parse(source)
    return [n for n in pytree.walk(tree.root_node) if n.type == "while_statement"]


def _stuck_rows(source: str) -> list[list[int]]:
    out = []
    for loop in _loops(source):
        out.append([b.start_point.row + 1 for b in stuck_blocks(loop, progress_paths(loop))])
    return out


def test_loops_that_progress_are_not_flagged() -> None:
    source = (
        "def f(xs, n, stack, self):\n"
        "    i = 0\n"
        "    while i < n:\n"  # progress before the branch
        "        i += 1\n"
        "        if xs[i]:\n"
        "            print(i)\n"
        "    while stack:\n"  # a method of the name
        "        stack.pop()\n"
        "    while not self.done:\n"  # a method of one of its parts (another thread's flag)
        "        self.cond.wait()\n"
        "    while n > 1:\n"  # passed to a call that may change it
        "        shrink(n)\n"
        "        n //= 2\n"
        "    while True:\n"  # nothing steps: input loops are not judged
        "        line = input()\n"
        "        if not line:\n"
        "            break\n"
    )
    assert _stuck_rows(source) == [[], [], [], [], []]


def test_a_counter_loop_that_only_breaks_is_stuck_and_gets_its_increment() -> None:
    source = (
        "def common(a, b):\n"
        "    n = 0\n"
        "    while n < len(a):\n"
        "        if a[n] != b[n]:\n"
        "            break\n"
        "    return n\n"
    )
    assert _stuck_rows(source) == [[4]]
    view, cands = candidates(source)
    mine = [c for c in cands if c.kind == "repair.insert_progress"]
    assert mine and "n += 1" in mine[0].title  # the plain counter first, before `n = 0`
    fixed = apply(view, mine[0])["m.py"]
    assert "            break\n        n += 1\n    return n\n" in fixed


def test_the_branch_that_forgets_to_step_gets_the_mirrored_update() -> None:
    source = (
        "def insert(node, key):\n"
        "    while True:\n"
        "        if key < node.key:\n"
        "            if node.left is None:\n"
        "                node.left = key\n"
        "                break\n"
        "        else:\n"
        "            if node.right is None:\n"
        "                node.right = key\n"
        "                break\n"
        "            node = node.right\n"
    )
    assert _stuck_rows(source) == [[4]]  # the `if key < node.key` branch
    view, cands = candidates(source)
    titles = [c.title for c in cands if c.kind == "repair.insert_progress"]
    assert titles[:2] == [
        "Insert `node = node.right` after line 6 (the loop cannot progress)",
        "Insert `node = node.left` after line 6 (the loop cannot progress)",
    ]


def test_few_loops_of_ordinary_code_are_flagged() -> None:
    """Correct code rarely has a stuck path: on the standard library's own modules, at most
    one ``while`` loop in 20 is flagged (1.7 % of 770 when this was written)."""
    loops = flagged = 0
    for source in stdlib_sources():
        for row in _stuck_rows(source):
            loops += 1
            flagged += bool(row)
    assert loops >= 100
    assert flagged / loops < 0.05


def _reset_rows(source: str) -> list[tuple[int, str]]:
    from sea_lsp.actions.repair_loop import _resets
    from sea_lsp.actions.repair_site import Site

    data = source.encode()
    tree = pytree.parse(data)
    site = Site(path="m.py", data=data, tree=tree, symbols=None)
    loops = [
        n for n in pytree.walk(tree.root_node) if n.type in ("for_statement", "while_statement")
    ]
    return [(s.start_point.row + 1, init) for loop in loops for s, init in _resets(site, loop)]


def test_an_accumulator_handed_on_and_never_started_again_gets_its_initialiser() -> None:
    buggy = (
        "def decode(text):\n"
        "    out = []\n"
        "    digits = ''\n"
        "    for ch in text:\n"
        "        if ch.isdigit():\n"
        "            digits += ch\n"
        "        else:\n"
        "            out.append(ch * int(digits))\n"
        "    return out\n"
    )
    assert _reset_rows(buggy) == [(8, "digits = ''")]
    fixed = buggy.replace("int(digits))\n", "int(digits))\n            digits = ''\n")
    worklist = (
        "def walk(start):\n"
        "    todo = [start]\n"
        "    seen = set()\n"
        "    while todo:\n"
        "        x = todo.pop()\n"
        "        seen.add(x)\n"
        "        todo.extend(x.children)\n"
        "    return seen\n"
    )
    assert _reset_rows(fixed) == [] and _reset_rows(worklist) == []


def test_few_loops_of_ordinary_code_have_an_accumulator_never_started_again() -> None:
    """On the standard library's modules, at most one loop in 40 (1 % of 3,452 when this
    was written, over the whole library)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    loops = flagged = 0
    for path in sorted(stdlib.glob("*.py"))[:120]:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        tree = pytree.parse(source)
        loops += sum(
            n.type in ("for_statement", "while_statement") for n in pytree.walk(tree.root_node)
        )
        flagged += len({r for r, _ in _reset_rows(source)})
    assert loops >= 300
    assert flagged / loops < 0.025


def test_a_hang_puts_the_stuck_loops_update_first_wherever_its_lines_rank() -> None:
    from sea_lsp.actions.base import Suspicious

    source = (
        "def common(a, b):\n"
        "    n = min(0, len(a))\n"  # not a literal: no accumulator-never-fed evidence here
        "    total = a[0] + b[0]\n"
        "    while n < len(a):\n"
        "        if a[n] != b[n]:\n"
        "            break\n"
        "    return n + total\n"
    )
    suspicious = [Suspicious("m.py", 3, 1.0), Suspicious("m.py", 5, 0.3)]
    _, calm = candidates(source, suspicious=suspicious)
    _, hung = candidates(source, suspicious=suspicious, hangs=True)
    assert calm[0].kind != "repair.insert_progress"
    assert hung[0].kind == "repair.insert_progress" and "n += 1" in hung[0].title
