"""``sea-lsp bench unset``: names read before anything binds them (``repair.insert_init``),
measured on the standard library.

Two figures, on the files ``sea-lsp shapes`` trains on and on the ones it holds out (split
by a hash of the path, ``training.shapes.held_out``):

- **flagged in correct code**: the share of functions ``repair_init.unbound_reads`` flags
  in the library as it is (each one a function the family would give candidates it does
  not need);
- **restored**: real one-line initialisations (``name = literal``: a number, a string,
  ``True``/``False``/``None``, a list, at most 20 characters) deleted from a function, up
  to ``--per-file`` of a file at random, and whether the family makes the real line back,
  token for token at its place (``bench.bug_data.same_code``), and first.

Nothing runs but the parser.

    sea-lsp bench unset                     # every file, 6 deletions per file
    sea-lsp bench unset --files 300 --seed 0
"""

from __future__ import annotations

import argparse
import random
import sys
import sysconfig
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node, Tree

from sea_lsp.actions import pytree, repair_init
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Site
from sea_lsp.bench.bug_data import same_code

_INIT_LITERALS = frozenset({"integer", "float", "string", "true", "false", "none", "list"})
MAX_FILE_BYTES = 200_000


@dataclass
class Figures:
    functions: int = 0
    flagged: int = 0
    deleted: int = 0
    restored: int = 0
    first: int = 0

    def line(self, side: str) -> str:
        share = self.flagged / max(self.functions, 1)
        got = self.restored / max(self.deleted, 1)
        top = self.first / max(self.restored, 1)
        return (
            f"  {side:9s} functions {self.functions:6d}, flagged {self.flagged:4d}"
            f" ({1000 * share:.1f} per 1,000); deleted initialisations {self.deleted:5d},"
            f" restored {self.restored:4d} ({100 * got:.1f} %), first {self.first:4d}"
            f" ({100 * top:.1f} % of restored)"
        )


def read_module(path: Path) -> str | None:
    """A module's source, or None when it is unreadable, not UTF-8 or over ``MAX_FILE_BYTES``."""
    try:
        data = path.read_bytes()
        return data.decode("utf-8") if len(data) <= MAX_FILE_BYTES else None
    except (OSError, UnicodeDecodeError):
        return None


def flagged(text: str, path: str = "m.py") -> tuple[int, int]:
    """(functions, functions with an unbound read) in a module's source."""
    data = text.encode()
    return _flagged(Site(path=path, data=data, tree=pytree.parse(data)))


def _flagged(site: Site) -> tuple[int, int]:
    fns = [n for n in pytree.walk(site.tree.root_node) if n.type == "function_definition"]
    return len(fns), sum(bool(repair_init.unbound_reads(site, fn)) for fn in fns)


def initialisations(tree: Tree) -> list[Node]:
    """One-line ``name = literal`` statements in functions, where a block keeps another."""
    out = []
    for fn in pytree.walk(tree.root_node):
        if fn.type != "function_definition":
            continue
        for s in pytree.walk_local(fn):
            if (
                s.type != "expression_statement"
                or s.start_point.row != s.end_point.row
                or s.parent is None
                or s.parent.type != "block"
                or len([c for c in s.parent.named_children if c.type != "comment"]) < 2
                or not s.named_children
                or s.named_children[0].type != "assignment"
            ):
                continue
            e = s.named_children[0]
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            if (
                left is not None
                and left.type == "identifier"
                and right is not None
                and right.type in _INIT_LITERALS
                and len(text_of(right)) <= 20
            ):
                out.append(s)
    return out


def restore(text: str, stmt: Node, path: str = "m.py") -> int | None:
    """``stmt`` (of ``text``'s tree) deleted: where among the family's candidates the real
    line comes back (0: first), or None where it does not (or the rest does not parse)."""
    lines = text.split("\n")
    row = stmt.start_point.row
    buggy = "\n".join(lines[:row] + lines[row + 1 :])
    data = buggy.encode()
    site = Site(path=path, data=data, tree=pytree.parse(data), weigh=True)
    if pytree.has_error(site.tree):
        return None
    node = site.tree.root_node.descendant_for_byte_range(stmt.start_byte, stmt.start_byte)
    fn = pytree.enclosing(node, ("function_definition",)) if node is not None else None
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None or not body.named_children:
        return None
    for i, m in enumerate(repair_init.insert_init(body.named_children[-1], site)):
        if same_code((data[: m.start] + m.new_text.encode() + data[m.end :]).decode(), text):
            return i
    return None


def measure(paths: Iterable[Path], per_file: int, rng: random.Random) -> Figures:
    fig = Figures()
    for path in paths:
        text = read_module(path)
        if text is None:
            continue
        data = text.encode()
        site = Site(path=str(path), data=data, tree=pytree.parse(data))  # parsed once
        fns, bad = _flagged(site)
        fig.functions += fns
        fig.flagged += bad
        places = initialisations(site.tree)
        rng.shuffle(places)
        for stmt in places[:per_file]:
            fig.deleted += 1
            at = restore(text, stmt, str(path))
            if at is not None:
                fig.restored += 1
                fig.first += at == 0
    return fig


def library_sides(
    prog: str, args: argparse.Namespace, per_file: str
) -> tuple[argparse.Namespace, list[tuple[str, list[Path]]]] | int:
    """The options of a standard-library deletion bench (``--files``, ``--per-file``,
    ``--seed``, ``--root``) and its files split as ``sea-lsp shapes`` splits them, train then
    held-out; or the exit code (a bad root: 2). Prints the bench's header line."""
    from sea_lsp.training import shapes

    p = argparse.ArgumentParser(prog=prog, description=f"{prog}: {per_file}, deleted and restored")
    p.add_argument("--files", type=int, default=0, help="a seeded sample of files (0: all)")
    p.add_argument("--per-file", type=int, default=6, help=f"deleted {per_file} per file")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    try:
        opts = p.parse_args(list(getattr(args, "rest", None) or []))
    except SystemExit as exc:
        return int(exc.code or 0)
    if not opts.root.is_dir():
        print(f"{prog}: {opts.root} is not a directory", file=sys.stderr)
        return 2
    paths = shapes.corpus(opts.root)
    if opts.files:
        paths = random.Random(opts.seed).sample(paths, min(opts.files, len(paths)))
    print(f"{prog} ({len(paths)} files of {opts.root}, seed {opts.seed})")
    sides = [
        (side, [q for q in paths if shapes.held_out(q, opts.root) == held])
        for side, held in (("train", False), ("held-out", True))
    ]
    return opts, sides


def main(args: argparse.Namespace) -> int:
    got = library_sides("sea-lsp bench unset", args, "initialisations")
    if isinstance(got, int):
        return got
    opts, sides = got
    t0 = time.perf_counter()
    for side, paths in sides:
        print(measure(paths, opts.per_file, random.Random(opts.seed)).line(side))
    print(f"  {time.perf_counter() - t0:.1f} s")
    return 0
