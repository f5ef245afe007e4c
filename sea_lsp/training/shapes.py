"""Learn the inserted-statement prior (``actions.repair_shapes``) from ordinary code.

The data is real code and nothing else: every one-line statement of a template shape
(``return a``, ``a += 1``, ``a -= 1``, ``a.append(b)``, ``a.add(b)``, ``a = b``, ``a += b``)
and every two-line guard (``if COND:`` and one simple statement) in the functions of a
corpus (the standard library by default) is deleted, the repair engine's own
``insert_template`` / ``insert_guard`` candidates are generated where it stood, and a
conditional-logit model per family (softmax over each place's candidates, L2-regularised)
learns to put the real statement first. The same is done for a real name read replaced by
another (``identifier``, ``actions/repair_names``) and for a real clause dropped from a
condition or a returned test (``clause``, ``actions/repair_clause``). Files are split by a
hash of their path: the figures printed are on files the model never saw, beside the
generator's own order (how the search broke ties before).

    sea-lsp shapes                      # rebuild sea_lsp/default_model/shapes.json
    sea-lsp shapes --files 300 --out /tmp/shapes.json --seed 0
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node, Tree

from sea_lsp.actions import (
    pytree,
    repair_clause,
    repair_expr,
    repair_guard,
    repair_names,
    repair_shapes,
    repair_stmt,
)
from sea_lsp.actions.pytree import text_of
from sea_lsp.actions.repair_site import Site
from sea_lsp.actions.repair_stmt import _typed_templates, name_kinds, object_parts

MAX_FILE_BYTES = 200_000
PER_FILE = 12  # deleted statements per file at most: many files rather than a few big ones


@dataclass
class Group:
    """One deleted statement: its candidates' features and which candidate restores it."""

    feats: list[list[str]]
    positive: int  # index into ``feats``; -1: the generator does not make the statement
    baseline: int  # where the unweighted order put it (generation order, guards interleaved)


def template_shape(stmt: Node) -> tuple[str, str, str | None] | None:
    """``(kind, a, b)`` when ``stmt`` is one of the template shapes over plain names."""
    if stmt.type == "return_statement":
        kids = stmt.named_children
        if len(kids) == 1 and kids[0].type == "identifier":
            return "return", text_of(kids[0]), None
        return None
    if stmt.type != "expression_statement" or len(stmt.named_children) != 1:
        return None
    e = stmt.named_children[0]
    left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
    if e.type == "augmented_assignment" and left is not None and left.type == "identifier":
        op = text_of(e.child_by_field_name("operator"))
        if right.type == "integer" and text_of(right) == "1" and op in ("+=", "-="):
            return ("inc" if op == "+=" else "dec"), text_of(left), None
        if right.type == "identifier" and op == "+=":
            return "augname", text_of(left), text_of(right)
    if (
        e.type == "assignment"
        and left is not None
        and right is not None
        and left.type == "identifier"
        and right.type == "identifier"
    ):
        return "assign", text_of(left), text_of(right)
    if e.type == "call" and (method := pytree.method_call(e)) is not None:
        obj, name = method
        args = e.child_by_field_name("arguments")
        if obj.type == "identifier" and args is not None and args.named_child_count == 0:
            return "call0", text_of(obj), None
        arg = args.named_children[0] if args is not None and len(args.named_children) == 1 else None
        if (
            name in ("append", "add")
            and obj.type == "identifier"
            and arg is not None
            and arg.type == "identifier"
        ):
            return name, text_of(obj), text_of(arg)
    return None


def _one_line_statements(tree: Tree) -> Iterator[Node]:
    for fn in pytree.walk(tree.root_node):
        if fn.type != "function_definition":
            continue
        for block in pytree.walk_local(fn):
            if block.type != "block":
                continue
            stmts = [c for c in block.named_children if c.type != "comment"]
            if len(stmts) < 2:
                continue  # deleting the only statement leaves no block
            for s in stmts:
                if s.start_point.row == s.end_point.row and template_shape(s) is not None:
                    yield s


def _guards(tree: Tree) -> Iterator[Node]:
    """Two-line guards (``repair_guard.two_line_guard``) in a block of a function."""
    for fn in pytree.walk(tree.root_node):
        if fn.type != "function_definition":
            continue
        for s in pytree.walk_local(fn):
            if s.parent is None or s.parent.type != "block" or len(s.parent.named_children) < 2:
                continue  # the only statement of its block cannot be cut
            if repair_guard.two_line_guard(s) is not None:
                yield s


FAMILIES = ("insert_template", "insert_guard", "identifier", "clause")
OBJECT_SHAPES = ("call0",)  # sampled apart, so the plain shapes' sample stays what it was


def _name_reads(tree: Tree) -> Iterator[Node]:
    """Identifiers read inside functions (where a wrong variable can be)."""
    for n in pytree.walk(tree.root_node):
        if (
            n.type == "identifier"
            and n.parent is not None
            and n.parent.type != "attribute"
            and pytree.enclosing(n, ("function_definition",)) is not None
        ):
            yield n


def _identifier_group(site: Site, node: Node, rng: random.Random) -> Group | None:
    """A real name read (``node`` of the file's ``site``) replaced by another the engine
    could put there (the bug), and the engine's own ``identifier`` candidates at it, the
    real name among them."""
    path, data = site.path, site.data
    real = text_of(node)
    others = [m.new_text for m in repair_expr.identifiers(node, site) if m.family == "identifier"]
    if not others:
        return None
    wrong = rng.choice(others)
    buggy = data[: node.start_byte] + wrong.encode() + data[node.end_byte :]
    tree = pytree.parse(buggy)
    if pytree.has_error(tree):
        return None
    bsite = Site(path, buggy, tree)  # unweighed: generation order is the baseline
    spot = tree.root_node.descendant_for_byte_range(
        node.start_byte, node.start_byte + len(wrong.encode())
    )
    if spot is None or spot.type != "identifier" or text_of(spot) != wrong:
        return None
    cands = [m.new_text for m in repair_expr.identifiers(spot, bsite) if m.family == "identifier"]
    if real not in cands or len(cands) < 2:
        return None
    feats = [repair_names.name_features(bsite, spot, c) for c in cands]
    return Group(feats, cands.index(real), cands.index(real))


def _joined_conditions(tree: Tree) -> Iterator[Node]:
    """Statements of a function whose one-line condition (``repair_clause.condition_of``:
    of an ``if``/``elif``/``while``, a returned test) joins clauses with ``and``/``or``
    (``MAX_CLAUSE_CHARS`` at most)."""
    for n in pytree.walk(tree.root_node):
        if n.type not in repair_clause.HOLDERS:
            continue
        cond = repair_clause.condition_of(n)
        if (
            cond is not None
            and cond.type == "boolean_operator"
            and cond.start_point.row == cond.end_point.row
            and cond.end_byte - cond.start_byte <= MAX_CLAUSE_CHARS
            and pytree.enclosing(n, ("function_definition",)) is not None
        ):
            yield n


MAX_CLAUSE_CHARS = 100


def _clause_group(path: Path, data: bytes, holder: Node, first: bool) -> Group | None:
    """A real condition ``A and B`` (or ``or``) with its first (``first``) or last clause
    dropped, and the engine's ``guard`` candidates on what is left: the real condition among
    them or not (a miss: ``Group([], -1, -1)``)."""
    cond = repair_clause.condition_of(holder)
    op = cond.child_by_field_name("operator")
    parts = [cond]
    while parts[0].type == "boolean_operator" and text_of(
        parts[0].child_by_field_name("operator")
    ) == text_of(op):  # (A and B) and C: the chain's operands, left to right
        left = parts[0].child_by_field_name("left")
        right = parts[0].child_by_field_name("right")
        if left is None or right is None:
            return None
        parts = [left, right, *parts[1:]]
    rest = (parts[1].start_byte, cond.end_byte) if first else (cond.start_byte, parts[-2].end_byte)
    buggy = data[: cond.start_byte] + data[rest[0] : rest[1]] + data[cond.end_byte :]
    tree = pytree.parse(buggy)
    if pytree.has_error(tree):
        return None
    spot = tree.root_node.descendant_for_byte_range(holder.start_byte, holder.start_byte)
    while spot is not None and not (
        spot.type == holder.type and spot.start_byte == holder.start_byte
    ):
        spot = spot.parent
    if spot is None:
        return None
    site = Site(str(path), buggy, tree, weigh=True)
    found = repair_clause.candidates(spot, site)
    if len(found) < 2:
        return None
    real = "".join(text_of(cond).split())
    texts = ["".join(c.text.split()) for c in found]
    if real not in texts:
        return Group([], -1, -1)
    where = repair_clause.Where.of(site, repair_clause.condition_of(spot))
    feats = [repair_clause.clause_features(where, c) for c in found]
    at = texts.index(real)
    return Group(feats, at, at)


def groups_of_file(
    path: Path, rng: random.Random, families: tuple[str, ...] = FAMILIES, seed: int = 0
) -> dict[str, list[Group]]:
    """The deletion groups of one file per family (at most ``PER_FILE`` each)."""
    out: dict[str, list[Group]] = {f: [] for f in families}
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return out
    if len(data) > MAX_FILE_BYTES:
        return out
    tree = pytree.parse(data)
    if "identifier" in out:  # its own generator, so adding it changes no other family's data
        mine = random.Random(f"identifier:{seed}:{path.parent.name}/{path.name}")
        site = Site(str(path), data, tree)  # the file as it is, shared by its places
        reads = list(_name_reads(tree))
        mine.shuffle(reads)
        for read in reads[:PER_FILE]:
            g = _identifier_group(site, read, mine)
            if g is not None:
                out["identifier"].append(g)
    if "clause" in out:  # its own generator too
        mine = random.Random(f"clause:{seed}:{path.parent.name}/{path.name}")
        holders = list(_joined_conditions(tree))
        mine.shuffle(holders)
        for holder in holders[:PER_FILE]:
            g = _clause_group(path, data, holder, mine.random() < 0.5)
            if g is not None:
                out["clause"].append(g)
    if "insert_template" in out:
        plain: list[Node] = []
        objects: list[Node] = []
        for stmt in _one_line_statements(tree):
            (objects if template_shape(stmt)[0] in OBJECT_SHAPES else plain).append(stmt)
        rng.shuffle(plain)  # the plain shapes' sample as before object shapes were learned
        random.Random(f"objects:{seed}:{path.parent.name}/{path.name}").shuffle(objects)
        for stmt in plain[:PER_FILE] + objects[: PER_FILE // 2]:
            g = _template_group(path, data, stmt)
            if g is not None:
                out["insert_template"].append(g)
    if "insert_guard" in out:  # its own generator too: learning it alone samples the same
        mine = random.Random(f"insert_guard:{seed}:{path.parent.name}/{path.name}")
        guards = list(_guards(tree))
        mine.shuffle(guards)
        for stmt in guards[: 4 * PER_FILE]:
            g = _guard_group(path, data, stmt)
            if g is not None:
                out["insert_guard"].append(g)
    return out


def _cut(path: Path, data: bytes, stmt: Node) -> tuple[Site, Node, bool, Node] | None:
    """``stmt``'s lines deleted: the site, the statement to insert at, on which side of it,
    and the enclosing function; None when the rest does not parse."""
    lo = pytree.line_start(data, stmt.start_byte)
    hi = pytree.line_end(data, stmt.end_byte) + 1
    cut = data[:lo] + data[hi:]
    tree = pytree.parse(cut)
    if pytree.has_error(tree):
        return None
    # the statement after the deleted one (insert before it), else the one before (after it)
    nxt, prev = repair_shapes.sibling(stmt, True), repair_shapes.sibling(stmt, False)
    if nxt is None and prev is None:
        return None  # the block's only statement (beside comments)
    after = nxt is None
    anchor = prev.start_byte if after else nxt.start_byte - (hi - lo)
    node = _statement_at(tree, anchor)
    fn = pytree.enclosing(node, ("function_definition",)) if node is not None else None
    if fn is None:
        return None
    return Site(str(path), cut, tree, weigh=True), node, after, fn


def _template_group(path: Path, data: bytes, stmt: Node) -> Group | None:
    shape, real = template_shape(stmt), text_of(stmt)
    got = _cut(path, data, stmt)
    if got is None:
        return None
    site, node, after, fn = got
    kinds = name_kinds(site, fn)
    ctx = repair_shapes.Context(site, node, after, fn, kinds)
    feats, positive = [], -1
    parts = object_parts(site, fn)
    for text, kind, a, b in _typed_templates(site.value_names(node)[:8], kinds, parts):
        if text == real and (kind, a, b) == shape:
            positive = len(feats)
        feats.append(repair_shapes.features(ctx, kind, a, b))
    return Group(feats, positive, positive) if positive >= 0 and len(feats) > 1 else None


def _guard_group(path: Path, data: bytes, stmt: Node) -> Group | None:
    cond = text_of(stmt.child_by_field_name("condition"))
    body = text_of(stmt.child_by_field_name("consequence").named_children[0])
    got = _cut(path, data, stmt)
    if got is None:
        return None
    site, node, after, fn = got
    if node.type == "elif_clause" or not repair_stmt.starts_line(site, node):
        return None
    conds, filed = repair_guard.conditions_and_filed(site, node, fn)
    bodies = repair_guard.exits(site, node, fn)
    bodies = list(dict.fromkeys(bodies + repair_guard.actions(site, node, fn)))
    if len(conds) * len(bodies) < 2:
        return None
    if cond not in conds or body not in bodies:
        return Group([], -1, -1)  # a place the generator misses: counted, not learned
    ctx = repair_shapes.Context(site, node, after, fn, name_kinds(site, fn))
    mined = set(repair_guard.mined_conditions(site, fn))
    pairs = [(c, b) for c in conds for b in bodies]
    feats = [repair_shapes.guard_features(ctx, c, b, c in mined, c in filed) for c, b in pairs]
    order = repair_guard._interleave(conds, bodies, len(pairs))
    return Group(feats, pairs.index((cond, body)), order.index((cond, body)))


def _statement_at(tree: Tree, offset: int) -> Node | None:
    """The statement of a block that starts at ``offset``."""
    n = tree.root_node.descendant_for_byte_range(offset, offset)
    while n is not None and not (
        n.start_byte == offset and n.parent is not None and n.parent.type == "block"
    ):
        n = n.parent
    return n


SKIP_DIRS = frozenset({"site-packages", "dist-packages", "test", "tests", "__pycache__"})


def corpus(root: Path) -> list[Path]:
    """The Python files under ``root``, without tests and installed third-party packages."""
    return sorted(
        p
        for p in root.rglob("*.py")
        if not SKIP_DIRS.intersection(p.relative_to(root).parts) and p.is_file()
    )


def held_out(path: Path, root: Path) -> bool:
    """One file in five, by a hash of its path: stable across machines and runs."""
    digest = hashlib.sha256(str(path.relative_to(root)).encode()).digest()
    return digest[0] % 5 == 0


MAX_NEGATIVES = 600  # a group's other candidates a fit sees at most (a seeded sample)


def _sampled(g: Group, rng: random.Random) -> tuple[list[list[str]], int]:
    """``g``'s candidates, at most ``MAX_NEGATIVES`` besides the real one (guards offer
    thousands a place: the softmax over a sample learns the same ranking, many times
    faster), and the real one's index among them."""
    if len(g.feats) <= MAX_NEGATIVES + 1:
        return g.feats, g.positive
    others = [i for i in range(len(g.feats)) if i != g.positive]
    keep = sorted(rng.sample(others, MAX_NEGATIVES) + [g.positive])
    return [g.feats[i] for i in keep], keep.index(g.positive)


def fit(groups: list[Group], epochs: int = 300, l2: float = 1e-3, seed: int = 0) -> dict:
    """Feature weights maximising the real statement's softmax probability in its group."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    groups = [Group(*_sampled(g, rng), g.baseline) for g in groups]
    vocab = sorted({f for g in groups for c in g.feats for f in c})
    index = {f: i for i, f in enumerate(vocab)}
    ids, offsets, group_of, positives = [], [], [], []
    row = 0
    for gi, g in enumerate(groups):
        positives.append(row + g.positive)
        for c in g.feats:
            offsets.append(len(ids))
            ids.extend(index[f] for f in c)
            group_of.append(gi)
            row += 1
    bag = torch.nn.EmbeddingBag(len(vocab), 1, mode="sum")
    torch.nn.init.zeros_(bag.weight)
    ids_t, off_t = torch.tensor(ids), torch.tensor(offsets)
    group_t, pos_t = torch.tensor(group_of), torch.tensor(positives)
    opt = torch.optim.Adam(bag.parameters(), lr=0.05)
    for _ in range(epochs):
        opt.zero_grad()
        s = bag(ids_t, off_t).squeeze(1)
        # log-sum-exp per group
        m = torch.zeros(len(groups)).scatter_reduce(0, group_t, s, "amax", include_self=False)
        z = torch.zeros(len(groups)).index_add(0, group_t, (s - m[group_t]).exp())
        loss = -(s[pos_t] - m - z.log()).mean() + l2 * (bag.weight**2).sum()
        loss.backward()
        opt.step()
    return {
        f: round(float(w), 4) for f, w in zip(vocab, bag.weight.detach().squeeze(1), strict=True)
    }


def evaluate(
    groups: list[Group], prior: repair_shapes.ShapePrior, cap: int = 48, missed: int = 0
) -> dict:
    """Where the real statement lands among its place's candidates: by the prior (ties in
    generation order, as the search breaks them) and by the unweighted order; ``top_cap``:
    among the first ``cap`` (what ``insert_guard`` keeps per insertion point). With
    ``missed`` (places whose statement the generator never makes), ``generated`` is the
    share it makes and ``kept_of_all`` the share of all places kept among the first ``cap``."""
    learned, plain = [], []
    for g in groups:
        w = [prior.weight(c) for c in g.feats]
        mine = w[g.positive]
        learned.append(
            sum(1 for i, x in enumerate(w) if x > mine or (x == mine and i < g.positive))
        )
        plain.append(g.baseline)

    def summary(ranks: list[int]) -> dict:
        return {
            "top1": round(sum(r == 0 for r in ranks) / len(ranks), 4),
            "top10": round(sum(r < 10 for r in ranks) / len(ranks), 4),
            "top_cap": round(sum(r < cap for r in ranks) / len(ranks), 4),
            "mrr": round(statistics.mean(1 / (r + 1) for r in ranks), 4),
            "median_rank": statistics.median(ranks),
        }

    cands = statistics.median(len(g.feats) for g in groups)
    coverage = {}
    if missed:
        made = len(groups) / (len(groups) + missed)
        kept = sum(r < cap for r in learned) / (len(groups) + missed)
        coverage = {"places": len(groups) + missed, "generated": round(made, 4)}
        coverage["kept_of_all"] = round(kept, 4)
    return {
        **coverage,
        "groups": len(groups),
        "median_candidates": cands,
        "learned": summary(learned),
        "generator_order": summary(plain),
    }


def collect(
    root: Path, files: int | None, seed: int, families: tuple[str, ...] = FAMILIES
) -> tuple[dict[str, list[Group]], dict[str, list[Group]], int]:
    """Train and held-out groups per family, files split by ``held_out``."""
    paths = corpus(root)
    rng = random.Random(seed)
    if files is not None and files < len(paths):
        paths = sorted(rng.sample(paths, files))
    train: dict[str, list[Group]] = {f: [] for f in families}
    test: dict[str, list[Group]] = {f: [] for f in families}
    for i, p in enumerate(paths):
        side = test if held_out(p, root) else train
        for family, groups in groups_of_file(p, rng, families, seed).items():
            side[family].extend(groups)  # misses (positive -1) included: ``split_missed``
        if (i + 1) % 100 == 0:
            places = sum(len(v) for v in (*train.values(), *test.values()))
            print(f"  {i + 1}/{len(paths)} files, {places} places", file=sys.stderr)
    return train, test, len(paths)


def split_missed(groups: list[Group]) -> tuple[list[Group], int]:
    """The groups the generator makes, and how many places it missed."""
    made = [g for g in groups if g.positive >= 0]
    return made, len(groups) - len(made)


def _merge(out: Path, weights: dict[str, float], meta: dict) -> tuple[dict, dict]:
    """The table at ``out`` with the families just learned replaced (their feature groups,
    their figures); what it held for the others is kept as it was."""
    try:
        old = json.loads(out.read_text(encoding="utf-8"))
        old_weights, old_meta = dict(old["weights"]), dict(old.get("meta", {}))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(
            f"{out} is unreadable ({e}), so the families not learned now would be lost: "
            "learn them all with `sea-lsp shapes` (no --families)"
        ) from e
    groups = {k.split("|", 1)[0] for k in weights}
    merged = {k: v for k, v in old_weights.items() if k.split("|", 1)[0] not in groups}
    merged.update(weights)
    kept = sorted(set(old_meta.get("held_out", {})) - set(meta["held_out"]))
    for key in ("train_places", "held_out"):
        meta[key] = {**old_meta.get(key, {}), **meta[key]}
    before = old_meta.get("kept", {})
    meta["kept"] = {f: before.get(f, old_meta.get("command", "?")) for f in kept}  # its command
    return merged, meta


def main(args: argparse.Namespace | list[str] | None = None) -> int:
    rest = getattr(args, "rest", args) if args is not None else None
    p = argparse.ArgumentParser(prog="sea-lsp shapes", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--corpus",
        default=sysconfig.get_paths()["stdlib"],
        help="a folder of Python code (default: the standard library)",
    )
    p.add_argument("--files", type=int, default=None, help="sample this many files (default: all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--out", default=str(repair_shapes.SHAPES_FILE), help="where to write the table")
    p.add_argument(
        "--families",
        default=",".join(FAMILIES),
        help="comma-separated families to learn; the table's other families are kept "
        f"(default: all, {','.join(FAMILIES)})",
    )
    opts = p.parse_args(rest)
    families = tuple(f for f in opts.families.split(",") if f)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or not families:
        print(
            f"sea-lsp shapes: unknown families {unknown}; choose from {', '.join(FAMILIES)}",
            file=sys.stderr,
        )
        return 2
    root = Path(opts.corpus)
    if not root.is_dir():
        print(f"sea-lsp shapes: {root} is not a folder of Python code", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    train, test, n = collect(root, opts.files, opts.seed, families)
    if not all(train.values()) or not all(test.values()):
        print(f"sea-lsp shapes: too few statements to learn from under {root}", file=sys.stderr)
        return 2
    weights: dict[str, float] = {}
    report: dict[str, dict] = {}
    for family in train:
        made, _ = split_missed(train[family])
        learned = fit(made, opts.epochs, seed=opts.seed)
        weights.update(learned)
        made, missed = split_missed(test[family])
        report[family] = evaluate(made, repair_shapes.ShapePrior(learned), missed=missed)
    stdlib = root == Path(sysconfig.get_paths()["stdlib"])
    meta = {
        "corpus": f"Python {sys.version.split()[0]} standard library" if stdlib else str(root),
        "files": n, "seed": opts.seed,
        "train_places": {f: len(split_missed(g)[0]) for f, g in train.items()},
        "epochs": opts.epochs, "held_out": report,
        "command": "sea-lsp shapes"
        + (f" --files {opts.files}" if opts.files else "")
        + (f" --families {','.join(families)}" if set(families) != set(FAMILIES) else ""),
    }  # fmt: skip
    if set(families) != set(FAMILIES):
        try:
            weights, meta = _merge(Path(opts.out), weights, meta)
        except ValueError as e:
            print(f"sea-lsp shapes: {e}", file=sys.stderr)
            return 2
    Path(opts.out).write_text(
        json.dumps({"meta": meta, "weights": weights}, indent=1, sort_keys=True) + "\n"
    )
    print(json.dumps(report, indent=1))
    print(f"wrote {opts.out} ({len(weights)} features, {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
