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

from sea_lsp.actions import pytree
from sea_lsp.actions.base import Suspicious
from sea_lsp.sandbox.results import TestRun

OCHIAI_WEIGHT = 0.7
LOOPS = ("while_statement", "for_statement")
EXITS = ("break_statement", "return_statement", "raise_statement")
# A hung loop's lines that neither decide nor change whether it ends keep this share of
# the frame weight (the deciding lines keep all of it).
HANG_OTHER = 0.5
# Calls that change the container they are called on (``while todo: todo.pop()``).
MUTATORS = frozenset(
    {"append", "extend", "insert", "pop", "popleft", "appendleft", "remove", "add", "clear",
     "discard", "update", "setdefault", "popitem", "sort", "reverse"}
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
    """The innermost ``while``/``for`` of the function holding 0-based ``row``, or None."""
    node, loop = tree.root_node, None
    while True:
        inside = [c for c in node.named_children if c.start_point[0] <= row <= c.end_point[0]]
        if not inside:
            return loop
        node = inside[0]
        if node.type in LOOPS:
            loop = node
        elif node.type in ("function_definition", "class_definition", "lambda"):
            loop = None  # a loop around a definition is not the loop its code runs in


def _names(node) -> set[str]:
    """What ``node`` refers to: its plain names and its whole dotted attributes
    (``self.pos``, not ``self``)."""
    out: set[str] = set()
    for n in pytree.walk_local(node):
        if n.type == "attribute" or (
            n.type == "identifier" and (n.parent is None or n.parent.type != "attribute")
        ):
            out.add(pytree.text_of(n))
    return out


def _changes(stmt, reads: set[str]) -> bool:
    """``stmt`` assigns one of ``reads`` or calls a mutating method on one."""
    for n in pytree.walk_local(stmt):
        if n.type in ("assignment", "augmented_assignment"):
            left = n.child_by_field_name("left")
            if left is not None and _names(left) & reads:
                return True
        elif n.type == "call":
            got = pytree.method_call(n)
            if got is not None and got[1] in MUTATORS and pytree.text_of(got[0]) in reads:
                return True
    return False


def hang_weights(text: str, line: int) -> dict[int, float]:
    """Weights of the lines of the loop a hung test was stopped in at 1-based ``line``: 1
    for the lines that decide whether it ends (its header, statements that assign or
    mutate what the header reads, conditions guarding a ``break``/``return``/``raise``),
    ``HANG_OTHER`` for its other statements; empty when ``line`` is in no loop."""
    loop = _innermost_loop(pytree.parse(text), line - 1)
    if loop is None:
        return {}
    head = loop.child_by_field_name("condition" if loop.type == "while_statement" else "right")
    reads = _names(head) if head is not None else set()
    out = {loop.start_point[0] + 1: 1.0}
    body = loop.child_by_field_name("body")
    for n in pytree.walk_local(body) if body is not None else ():
        if n.type in ("if_statement", "elif_clause"):
            branch = n.child_by_field_name("consequence")
            decides = branch is not None and any(c.type in EXITS for c in pytree.walk_local(branch))
        elif n.parent is not None and n.parent.type == "block":  # any other statement
            decides = n.type == "expression_statement" and _changes(n, reads)
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
    loops: dict[tuple[str, int], dict[int, float]] = {}
    for nodeid in run.failed:
        outcome = run.outcomes[nodeid]
        frames = [f for f in outcome.frames if not is_test_file(f[0]) and known(f[0])]
        frames = [(path, int(line)) for path, line in frames]
        start = 0
        if outcome.timed_out and read is not None:
            frames, start = _hung_frames(run, nodeid, frames, read, loops, out)
        for depth_from_end, key in enumerate(reversed(frames), start):
            out[key] = max(out.get(key, 0.0), 1.0 / (1.0 + depth_from_end))
    return out


def _hung_frames(run: TestRun, nodeid: str, frames, read, cache, out) -> tuple[list, int]:
    """Spread the weight of a hung test's frames over the loops they stand in (into
    ``out``): every loop on the stack may be the one that never ends, and the deepest frame
    is wherever the timeout struck (even a callee's ``def`` line). Returns the frames that
    called the outermost looping one, to weigh as usual one step further out (all the
    frames, from depth 0, when none stands in a loop)."""
    ran = (run.coverage or {}).get(nodeid)
    first = None
    for i, (path, line) in enumerate(frames):
        if (path, line) not in cache:
            text = read(path)
            cache[(path, line)] = hang_weights(text, line) if text is not None else {}
        weights = cache[(path, line)]
        if not weights:
            continue
        first = i if first is None else first
        executed = set(ran.get(path, ())) if ran is not None else None
        for n, w in weights.items():
            if executed is None or n in executed:
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
