"""The break-it-fix-it corpus: correct files, one injected bug each, the original as the fix.

A mutant comes from applying one repair candidate to correct code (any repair candidate
applied where nothing is wrong *is* a plausible bug), or from two families the repair
generators do not produce: dropping a ``return`` value and swapping two adjacent simple
statements. The buggy state is encoded as the agent would see it during repair (task
"fix the failing tests", focus on the mutated statement, a ``Suspicious`` line where fault
localisation would point), and its candidate set comes from the repair generators at that
line. The target is the *inverse edit*: the candidate whose application restores the
original text. Mutants whose inverse is not in the candidate set are skipped and counted.
"""

from __future__ import annotations

import random
import sysconfig
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.base import ActionContext, Candidate, Suspicious
from sea_lsp.actions.repair import RepairGenerator
from sea_lsp.encoding.encoder import StateInput, encode_candidates, encode_state
from sea_lsp.training.held_out import HELD_OUT_MODULES
from sea_lsp.workspace.changes import apply_edits

TASK = "fix the failing tests"
SKIP_DIRS = frozenset(
    {
        "test",
        "tests",
        "idlelib",
        "site-packages",
        "lib2to3",
        "turtledemo",
        "__pycache__",
        "ensurepip",
        "dist-packages",
        "encodings",
        "pydoc_data",
    }
)
EXTRA_FAMILIES = ("drop_return_value", "swap_statements")
_SIMPLE = frozenset({"expression_statement", "return_statement", "assert_statement"})


@dataclass
class RepairExample:
    """One mutant: encoded buggy state, its candidate set and which candidate is the fix."""

    file: str
    family: str
    line: int  # 1-based line of the mutation in the mutant
    state_tokens: list[int]  # the mutant, focused on the mutated statement
    fixed_state_tokens: list[int]  # the original, same focus (a "fixed" state)
    candidate_tokens: list[list[int]]
    target: int  # index of the inverse edit
    fixes: list[int]  # every candidate whose application restores the original


@dataclass
class CorpusStats:
    """What the corpus builder did, for the checkpoint record and the summary."""

    files: int = 0
    attempted: int = 0
    kept: int = 0
    no_inverse: int = 0
    no_site: int = 0
    unreadable: int = 0
    by_family: Counter = field(default_factory=Counter)
    skipped_by_family: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "attempted": self.attempted,
            "kept": self.kept,
            "skipped_no_inverse": self.no_inverse,
            "skipped_no_site": self.no_site,
            "unreadable_files": self.unreadable,
            "by_family": dict(sorted(self.by_family.items())),
            "skipped_by_family": dict(sorted(self.skipped_by_family.items())),
        }


def default_corpus() -> Path:
    """The installed standard library: correct, varied, always present."""
    return Path(sysconfig.get_paths()["stdlib"])


def _benchmark_held_out(root: Path) -> frozenset[str]:
    """The repair benchmark's held-out stdlib modules: never trained on."""
    if root.resolve() != default_corpus().resolve():
        return frozenset()
    return HELD_OUT_MODULES


def corpus_files(root: Path, count: int, seed: int, max_bytes: int = 12_000) -> list[Path]:
    """A fixed, sorted sample of ``count`` Python files of ``root`` (same seed, same files)."""
    if not root.is_dir():
        raise FileNotFoundError(f"corpus {root} is not a directory; pass --corpus DIR")
    found = []
    held_out = _benchmark_held_out(root)
    for p in sorted(root.rglob("*.py")):
        rel = p.relative_to(root).parts
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel[:-1]):
            continue
        if "/".join(rel) in held_out:
            continue
        try:
            size = p.stat().st_size
        except OSError:
            continue
        if 1_000 <= size <= max_bytes:
            found.append(p)
    if not found:
        raise FileNotFoundError(f"corpus {root} holds no Python files of 1-{max_bytes} bytes")
    rng = random.Random(seed)
    return sorted(rng.sample(found, min(count, len(found))))


def split_files(files: Sequence[Path], held_out: float, seed: int) -> tuple[list[Path], list[Path]]:
    """Train and held-out FILES (mutants of a held-out file are never trained on)."""
    order = list(files)
    random.Random(seed + 1).shuffle(order)
    n_held = max(1, round(len(order) * held_out)) if held_out > 0 and len(order) > 1 else 0
    return sorted(order[n_held:]), sorted(order[:n_held])


def _statement(node: Node) -> Node:
    while node.parent is not None and node.parent.type not in ("block", "module"):
        node = node.parent
    return node


def _extra_mutations(
    view: pytree.FileView, row: int, rng: random.Random
) -> list[tuple[str, int, int, str]]:
    """(family, start, end, new_text) for the families the repair generators lack."""
    out = []
    for node in pytree.walk(view.tree(view.path).root_node):
        if node.start_point.row != row:
            continue
        if node.type == "return_statement" and node.named_child_count:
            keyword_end = node.start_byte + len("return")
            out.append(("drop_return_value", keyword_end, node.end_byte, ""))
        if node.type in _SIMPLE and node.parent is not None and node.parent.type == "block":
            sibs = node.parent.named_children
            i = next(k for k, s in enumerate(sibs) if s.id == node.id)
            if i + 1 < len(sibs) and sibs[i + 1].type in _SIMPLE:
                a, b = node, sibs[i + 1]
                if a.start_point.row == a.end_point.row and b.start_point.row == b.end_point.row:
                    data = view.text.encode("utf-8")
                    between = data[a.end_byte : b.start_byte].decode("utf-8")
                    swapped = pytree.text_of(b) + between + pytree.text_of(a)
                    out.append(("swap_statements", a.start_byte, b.end_byte, swapped))
    return out


def _candidates(view: pytree.FileView, line: int) -> list[Candidate]:
    ctx = ActionContext(
        view=view,
        task=TASK,
        focus_path=view.path,
        suspicious=[Suspicious(view.path, line, 1.0)],
    )
    return list(RepairGenerator().generate(ctx))


def _apply(text: str, cand: Candidate) -> str:
    return apply_edits(text, list(cand.change.edits))


def _encode(view: pytree.FileView, start: int, line: int) -> list[int]:
    node = view.tree(view.path).root_node.descendant_for_byte_range(start, start)
    stmt = _statement(node) if node is not None else None
    lo, hi = (stmt.start_byte, stmt.end_byte) if stmt is not None else (None, None)
    fn = pytree.enclosing(node, pytree.FUNCTION_TYPES) if node is not None else None
    name_node = fn.child_by_field_name("name") if fn is not None else None  # None: a lambda
    name = pytree.text_of(name_node) if name_node is not None else "module"
    stem = Path(view.path).stem
    return encode_state(
        StateInput(
            view=view,
            task=TASK,
            focus_path=view.path,
            focus_start=lo,
            focus_end=hi,
            failing_tests=[f"tests/test_{stem}.py::test_{name}"],
            diagnostics=[f"line {line}: suspicious"],
        )
    )


def _mutable_rows(text: str) -> list[int]:
    """0-based rows worth mutating: not blank, not a comment, string or decorator line."""
    return [
        i
        for i, ln in enumerate(text.split("\n"))
        if ln.strip() and not ln.lstrip().startswith(("#", '"', "'", "@"))
    ]


def _mutation_options(
    view: pytree.FileView, row: int, rng: random.Random
) -> dict[str, list[tuple[int, int, str]]]:
    """Edits ``(start, end, new text)`` by mutation family at ``row``: repair-generator
    candidates plus the extra mutations."""
    options: dict[str, list[tuple[int, int, str]]] = {}
    for c in _candidates(view, row + 1):
        e = c.change.edits[0]
        options.setdefault(c.kind.split(".", 1)[1], []).append((e.start, e.end, e.new_text))
    for fam, s, e, new in _extra_mutations(view, row, rng):
        options.setdefault(fam, []).append((s, e, new))
    return options


def _apply_mutation(text: str, start: int, end: int, new_text: str) -> tuple[str, int, int]:
    """The mutant, the byte offset where its new text starts (past leading whitespace) and
    that offset's 1-based line."""
    data = text.encode("utf-8")
    mutant = (data[:start] + new_text.encode("utf-8") + data[end:]).decode("utf-8", "replace")
    lead = len(new_text) - len(new_text.lstrip())
    at = start + len(new_text[:lead].encode("utf-8")) if new_text.strip() else start
    line = mutant.encode("utf-8").count(b"\n", 0, at) + 1
    return mutant, at, line


def _mutate_once(
    view: pytree.FileView,
    row: int,
    rng: random.Random,
    stats: CorpusStats,
    max_candidates: int,
) -> RepairExample | None:
    """One mutant at ``row`` and its repair example, or None (counted in ``stats``) when
    there is no mutation site or no candidate undoes it."""
    rel, text = view.path, view.text
    options = _mutation_options(view, row, rng)
    if not options:
        stats.no_site += 1
        return None
    family = rng.choice(sorted(options))
    start, end, new_text = rng.choice(options[family])
    mutant, at, line = _apply_mutation(text, start, end, new_text)
    mview = pytree.FileView(rel, mutant)
    cands = _candidates(mview, line)
    fixes = [i for i, c in enumerate(cands) if _apply(mutant, c) == text]
    if not fixes:
        stats.no_inverse += 1
        stats.skipped_by_family[family] += 1
        return None
    keep = _subsample(len(cands), fixes[0], max_candidates, rng)
    kept = [cands[i] for i in keep]
    return RepairExample(
        file=rel,
        family=family,
        line=line,
        state_tokens=_encode(mview, at, line),
        fixed_state_tokens=_encode(view, min(start, len(text.encode("utf-8"))), line),
        candidate_tokens=encode_candidates(kept, mview),
        target=keep.index(fixes[0]),
        fixes=[keep.index(i) for i in fixes if i in keep],
    )


def mutate_file(
    rel: str,
    text: str,
    per_file: int,
    rng: random.Random,
    stats: CorpusStats,
    max_candidates: int = 32,
) -> list[RepairExample]:
    """Up to ``per_file`` repair examples from one correct file."""
    view = pytree.FileView(rel, text)
    rows = _mutable_rows(text)
    examples: list[RepairExample] = []
    tries = 0
    while rows and len(examples) < per_file and tries < per_file * 3:
        tries += 1
        stats.attempted += 1
        example = _mutate_once(view, rng.choice(rows), rng, stats, max_candidates)
        if example is None:
            continue
        examples.append(example)
        stats.kept += 1
        stats.by_family[example.family] += 1
    return examples


def _subsample(n: int, target: int, limit: int, rng: random.Random) -> list[int]:
    """Candidate indices to keep: the target plus random others, in generator order."""
    if n <= limit:
        return list(range(n))
    others = rng.sample([i for i in range(n) if i != target], limit - 1)
    return sorted([target, *others])


def build_examples(
    root: Path,
    files: Iterable[Path],
    per_file: int,
    seed: int,
    max_candidates: int = 32,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[RepairExample], CorpusStats]:
    """Repair examples from ``files`` (paths under ``root``), deterministic for a seed."""
    stats = CorpusStats()
    out: list[RepairExample] = []
    for path in files:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        rng = random.Random(f"{seed}:{rel}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            stats.unreadable += 1
            continue
        stats.files += 1
        out.extend(mutate_file(rel, text, per_file, rng, stats, max_candidates))
        if progress is not None:
            progress(1)
    return out, stats
