"""Fault localisation: which workspace lines most likely cause the failing tests.

Two signals, combined per (path, line):
- traceback frames of failing tests inside the workspace but outside test files, the
  deepest (closest to where the exception was raised) weighted most: 1 / (1 + distance).
  A test stopped by its timeout was interrupted wherever its loop happened to be, so that
  line is no evidence: the hung loop's lines share the weight instead, most of it on the
  lines that decide whether the loop ends (its header, the statements that change what the
  header reads, the conditions of its exits), see ``hang_weights``;
- spectrum-based Ochiai scores from per-test line coverage when it is available
  (``Sandbox.run_tests(coverage=True)``): ef / sqrt(total_failed * (ef + ep)), where ef/ep
  count failing/passing tests that executed the line.
With coverage the score is 0.7 * Ochiai + 0.3 * frame weight; without it, the frame weight.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from sea_lsp.actions import pytree, repair_loop
from sea_lsp.actions.base import Suspicious
from sea_lsp.actions.pytree import LOOPS
from sea_lsp.actions.repair_loop import EXITS
from sea_lsp.sandbox.results import TestRun

OCHIAI_WEIGHT = 0.7
# A hung loop's lines that neither decide nor change whether it ends keep this share of
# the frame weight (the deciding lines keep all of it).
HANG_OTHER = 0.5
NESTED = frozenset({*LOOPS, "function_definition", "class_definition", "lambda"})
COMPOUND = frozenset(
    {*LOOPS, "if_statement", "try_statement", "with_statement", "match_statement",
     "function_definition", "class_definition", "decorated_definition"}
)  # fmt: skip


def is_test_file(path: str) -> bool:
    """pytest's conventions (test_*.py, *_test.py, conftest.py, anything under tests/ or
    test/) and the folders and modules named for tests (testcases/, testing/, tests.py,
    *_tests.py): code the tests bring along is not a suspect and not a place to edit."""
    p = PurePosixPath(path)
    return (
        p.name.startswith("test_")
        or p.name.endswith(("_test.py", "_tests.py"))
        or p.name in ("conftest.py", "tests.py")
        or any(part.startswith("test") or part.endswith("tests") for part in p.parts[:-1])
    )


def _known(root_or_files: Path | str | Iterable[str]):
    if isinstance(root_or_files, (str, Path)):
        root = Path(root_or_files)
        return lambda p: (root / p).is_file()
    files = set(root_or_files)
    return lambda p: p in files


def _reader(root_or_files: Path | str | Iterable[str]):
    if not isinstance(root_or_files, (str, Path)):
        return lambda p: None
    root = Path(root_or_files)

    def read(path: str) -> str | None:
        try:
            return (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    return read


def _innermost_loop(tree, row: int):
    """The innermost ``while``/``for`` of the function holding 0-based ``row`` whose header
    or body holds it (not its ``else:``), or None."""
    node, loop = tree.root_node, None
    while True:
        inside = [c for c in node.named_children if c.start_point[0] <= row <= c.end_point[0]]
        if not inside:
            return loop
        node = inside[0]
        if node.type in LOOPS:
            other = node.child_by_field_name("alternative")  # ``else:`` runs once, after
            if other is None or row < other.start_point[0]:
                loop = node
        elif node.type in ("function_definition", "class_definition", "lambda"):
            loop = None  # a loop around a definition is not the loop its code runs in


def _reads(loop) -> set[str]:
    """What decides whether ``loop`` goes on: a ``while``'s condition (the names a ``while
    True`` steps), a ``for``'s iterable."""
    if loop.type == "while_statement":
        return repair_loop.progress_paths(loop)
    iterable = loop.child_by_field_name("right")
    return (repair_loop.condition_paths(iterable) or set()) if iterable is not None else set()


def _exits(block) -> bool:
    """``block`` leaves the loop it stands in: a ``break``, ``return`` or ``raise`` not
    inside a nested loop or definition."""
    stack = [block]
    while stack:
        n = stack.pop()
        if n.type in EXITS:
            return True
        stack.extend(c for c in n.named_children if c.type not in NESTED)
    return False


def hang_weights(tree, line: int) -> dict[int, float]:
    """Weights of the lines of the loop (of parsed ``tree``) a hung test was stopped in at
    1-based ``line``: 1 for the lines that decide whether it ends (its header, statements
    that change what it reads, conditions guarding a ``break``/``return``/``raise``),
    ``HANG_OTHER`` for its other statements; empty when ``line`` is in no loop."""
    loop = _innermost_loop(tree, line - 1)
    if loop is None:
        return {}
    reads = _reads(loop)
    out = {loop.start_point[0] + 1: 1.0}
    body = loop.child_by_field_name("body")
    for n in pytree.walk_local(body) if body is not None else ():
        if n.type in ("if_statement", "elif_clause"):
            branch = n.child_by_field_name("consequence")
            own = pytree.enclosing(n, LOOPS)  # an exit leaves the innermost loop only
            decides = branch is not None and own is not None and own.id == loop.id
            decides = decides and _exits(branch)
        elif n.parent is not None and n.parent.type == "block":  # any other statement
            simple = n.type not in COMPOUND
            decides = simple and bool(reads) and repair_loop.changes(n, reads)
        else:
            continue
        row = n.start_point[0] + 1
        out[row] = max(out.get(row, 0.0), 1.0 if decides else HANG_OTHER)
    return out


def frame_scores(run: TestRun, known, read=None) -> dict[tuple[str, int], float]:
    """Traceback weight of each non-test workspace line over the failing tests (max per line).
    A test stopped by its timeout weighs the lines of the loop it hung in (``hang_weights``,
    its lines that the test ran) instead of the line the timeout happened to interrupt,
    when ``read`` gives the file's text."""
    out: dict[tuple[str, int], float] = {}
    trees: dict[str, object] = {}
    for nodeid in run.failed:
        outcome = run.outcomes[nodeid]
        frames = [f for f in outcome.frames if not is_test_file(f[0]) and known(f[0])]
        frames = [(path, int(line)) for path, line in frames]
        start = 0
        if outcome.timed_out and read is not None:
            frames, start = _hung_frames(run, nodeid, frames, read, trees, out)
        for depth_from_end, key in enumerate(reversed(frames), start):
            out[key] = max(out.get(key, 0.0), 1.0 / (1.0 + depth_from_end))
    return out


def _hung_frames(run: TestRun, nodeid: str, frames, read, trees, out) -> tuple[list, int]:
    """Spread the weight of a hung test's frames over the loops they stand in (into
    ``out``): every loop on the stack may be the one that never ends, and the deepest frame
    is wherever the timeout struck (even a callee's ``def`` line). Returns the frames that
    called the outermost looping one, to weigh as usual one step further out (all the
    frames, from depth 0, when none stands in a loop). ``trees``: parsed files, by path."""
    ran = (run.coverage or {}).get(nodeid)
    first = None
    for i, (path, line) in enumerate(frames):
        if path not in trees:
            text = read(path)
            trees[path] = pytree.parse(text) if text is not None else None
        weights = hang_weights(trees[path], line) if trees[path] is not None else {}
        if not weights:
            continue
        first = i if first is None else first
        executed = set(ran.get(path, ())) if ran is not None else set()
        kept = {n: w for n, w in weights.items() if n in executed} or weights
        for n, w in kept.items():  # the lines it ran (all of them, if coverage missed it)
            out[(path, n)] = max(out.get((path, n), 0.0), w)
    return (frames, 0) if first is None else (frames[:first], 1)


def ochiai_scores(
    run: TestRun, coverage: dict[str, dict[str, list[int]]], known
) -> dict[tuple[str, int], float]:
    """Ochiai suspiciousness of every covered non-test workspace line."""
    failed = set(run.failed)
    total_failed = sum(1 for t in coverage if t in failed)
    if total_failed == 0:
        return {}
    ef: dict[tuple[str, int], int] = {}
    ep: dict[tuple[str, int], int] = {}
    for nodeid, files in coverage.items():
        counts = ef if nodeid in failed else ep
        for path, lines in files.items():
            if is_test_file(path) or not known(path):
                continue
            for line in set(lines):
                counts[(path, line)] = counts.get((path, line), 0) + 1
    return {key: f / math.sqrt(total_failed * (f + ep.get(key, 0))) for key, f in ef.items() if f}


def localize(
    run: TestRun,
    root_or_files: Path | str | Iterable[str],
    coverage: dict[str, dict[str, list[int]]] | None = None,
    read: Callable[[str], str | None] | None = None,
) -> list[Suspicious]:
    """Suspicious lines, best first (ties broken by path and line for a stable order).
    ``read`` gives a workspace file's text (by default read under ``root_or_files`` when it
    is the root): the loop a hung test was stopped in is weighed from its source."""
    known = _known(root_or_files)
    coverage = coverage if coverage is not None else run.coverage
    frames = frame_scores(run, known, read or _reader(root_or_files))
    if coverage:
        ochiai = ochiai_scores(run, coverage, known)
        keys = set(ochiai) | set(frames)
        scores = {
            k: OCHIAI_WEIGHT * ochiai.get(k, 0.0) + (1 - OCHIAI_WEIGHT) * frames.get(k, 0.0)
            for k in keys
        }
    else:
        scores = frames
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Suspicious(path, line, round(score, 6)) for (path, line), score in ranked if score > 0]
