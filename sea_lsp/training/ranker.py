"""Fit the learned ranking (``actions.repair_rank``) on the repair benchmark's train bugs.

Every bug of the *train* projects (``benchmarks/bugs``; held-out projects are never read)
is set up as the agent meets it when it serves: the buggy project's tests run in the
sandbox with coverage, localisation ranks its lines, and the repair generators build the
root's candidates with the failing tests' evidence. Each candidate is described by
``repair_rank.candidate_features``; the candidates that turn the buggy code into the human
fix (``bug_data.same_code``) are the positives. A log-linear model starts from the hand
order (the ``hand`` feature at 1, every other weight 0) and is fitted listwise (softmax over
a bug's candidates, the positives' probability maximised, L2 towards the start) with a
fixed seed. Only the hand order's best ``KEEP`` candidates of a bug (and its positives)
take part: the cap the agent keeps at the root. The figures printed are root positions of
the human fix (0 = first), hand order beside the learned one, on the bugs fitted and on
the projects named by ``--test`` (train projects left out of the fit, for an honest figure).

    sea-lsp ranker                          # rebuild sea_lsp/default_model/ranker.json
    sea-lsp ranker --leave-out bitset,mailbox --out /tmp/ranker.json
    sea-lsp ranker --projects bank_accounts --epochs 20 --out /tmp/ranker.json
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger

from sea_lsp.actions import repair_rank
from sea_lsp.actions.repair import hand_key
from sea_lsp.bench import bug_data

KEEP = 3000  # candidates a bug keeps in the fit: the agent's cap at the root
EPOCHS = 100
L2 = 1.0
LEARNING_RATE = 0.05
SEED = 0


@dataclass
class Group:
    """One bug's root candidates: their features, the positives, and the hand order."""

    bug: str
    project: str
    feats: list[list[tuple[str, float]]]
    positives: list[int]  # indices into ``feats``
    ties: list[tuple[int, int]]  # the hand order's tie-breakers (family rank, sequence)
    hand: list[float]  # the hand scores


class _Recorder:
    """A ranker that keeps the hand order and records what the learned one would see."""

    def __init__(self) -> None:
        self.rows: list = []
        self.feats: list = []

    def order(self, rows, weights, evidence):
        self.rows = list(rows)
        self.feats = repair_rank.candidate_features(rows, weights, evidence)
        return [f for f, _, _ in sorted(rows, key=hand_key)]


def collect(project: bug_data.BugProject, bug: bug_data.Bug, keep: int = KEEP) -> Group | None:
    """The root candidates of ``bug`` as the agent builds them (None when its baseline has
    no failing test to repair)."""
    from sea_lsp.agent.environment import SEState, SoftwareEngineeringEnv
    from sea_lsp.agent.faults import localize
    from sea_lsp.agent.task import Task
    from sea_lsp.sandbox.sandbox import Limits, Sandbox
    from sea_lsp.workspace.overlay import Overlay
    from sea_lsp.workspace.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = project.write(Path(tmp), bug)
        run = Sandbox(root, trusted=True, limits=Limits(timeout_s=120)).run_tests(coverage=True)
        if not run.failed:
            return None
        task = Task(kind="repair", text="fix the failing tests")
        task.target_tests = list(run.failed)
        env = SoftwareEngineeringEnv(
            task, trusted=True, baseline=run, suspicious=localize(run, root, coverage=run.coverage)
        )
        recorder = _Recorder()
        env.ranker = recorder
        env._generate(SEState(overlay=Overlay(Workspace(root)), run=run))
        texts = {p: (root / p).read_bytes() for p in {f.path for f, _, _ in recorder.rows}}
    files = set(bug.files)
    positives = []
    for i, (f, _, _) in enumerate(recorder.rows):
        if files != {f.path}:
            continue
        m, data = f.mutation, texts[f.path]
        after = data[: m.start] + m.new_text.encode("utf-8") + data[m.end :]
        if bug_data.same_code(after.decode("utf-8", "replace"), project.files[f.path]):
            positives.append(i)
    rows = recorder.rows
    order = sorted(range(len(rows)), key=lambda i: hand_key(rows[i]))
    kept = sorted(set(order[:keep]) | set(positives))
    index = {i: k for k, i in enumerate(kept)}
    return Group(
        bug=bug.id,
        project=project.name,
        feats=[recorder.feats[i] for i in kept],
        positives=[index[i] for i in positives],
        ties=[(rows[i][0].rank, rows[i][0].seq) for i in kept],
        hand=[rows[i][1] for i in kept],
    )


def _collect_one(item: tuple[bug_data.BugProject, bug_data.Bug]) -> tuple[Group | None, str]:
    """``collect`` that reports instead of raising: one broken bug must not lose the others."""
    try:
        return collect(*item), ""
    except Exception as e:  # noqa: BLE001
        logger.exception("collecting {} failed; it is skipped", item[1].id)
        return None, f": skipped ({type(e).__name__}: {e})"


def position(scores: list[float], group: Group) -> int | None:
    """Where the first positive stands when the group is sorted by ``scores`` (None: none)."""
    if not group.positives:
        return None
    best = set(group.positives)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], *group.ties[i]))
    return next(k for k, i in enumerate(order) if i in best)


def fit(
    groups: list[Group],
    l2: float = L2,
    epochs: int = EPOCHS,
    seed: int = SEED,
    progress: Any = None,
) -> repair_rank.Ranker:
    """A ``Ranker`` fitted listwise on the groups that have a positive."""
    import torch

    torch.manual_seed(seed)
    vocab: dict[str, int] = {"hand": 0}
    encoded = []
    for g in groups:
        if not g.positives:
            continue
        ids: list[int] = []
        vals: list[float] = []
        offsets: list[int] = []
        for fs in g.feats:
            offsets.append(len(ids))
            for k, v in fs:
                ids.append(vocab.setdefault(k, len(vocab)))
                vals.append(v)
        encoded.append(
            (
                torch.tensor(ids),
                torch.tensor(vals, dtype=torch.float32),
                torch.tensor(offsets),
                torch.tensor(g.positives),
            )
        )
    start = torch.zeros(len(vocab))
    start[0] = 1.0
    w = start.clone().requires_grad_(True)
    opt = torch.optim.Adam([w], lr=LEARNING_RATE)
    for epoch in range(epochs if encoded else 0):
        opt.zero_grad()
        loss = torch.zeros(())
        for ids, vals, offsets, pos in encoded:
            s = torch.nn.functional.embedding_bag(
                ids, w.unsqueeze(1), offsets, mode="sum", per_sample_weights=vals
            ).squeeze(1)
            loss = loss + torch.logsumexp(s, 0) - torch.logsumexp(s[pos], 0)
        loss = loss / len(encoded) + l2 * ((w - start) ** 2).sum() / 100
        loss.backward()
        opt.step()
        if progress is not None:
            progress(epoch + 1, epochs, float(loss.detach()))
    names = {i: k for k, i in vocab.items()}
    weights = {names[i]: round(float(v), 6) for i, v in enumerate(w.detach()) if v != 0 or i == 0}
    return repair_rank.Ranker(weights)


def positions(groups: list[Group], ranker: repair_rank.Ranker | None) -> list[int | None]:
    """The human fix's root position of each group under ``ranker`` (None: the hand order)."""
    out = []
    for g in groups:
        scores = g.hand if ranker is None else [ranker.score(fs) for fs in g.feats]
        out.append(position(scores, g))
    return out


def summary(found: list[int | None]) -> dict[str, Any]:
    reached = [p for p in found if p is not None]
    return {
        "bugs": len(found),
        "reached": len(reached),
        "first": sum(p == 0 for p in reached),
        "within_10": sum(p < 10 for p in reached),
        "mean_log2": round(sum(math.log2(p + 1) for p in reached) / max(1, len(reached)), 3),
    }


def _line(name: str, s: dict[str, Any]) -> str:
    return (
        f"{name}: {s['bugs']} bugs, fix reached {s['reached']}, first {s['first']}, "
        f"within 10 {s['within_10']}, mean log2 position {s['mean_log2']}"
    )


def parse_args(rest: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sea-lsp ranker", description=__doc__.split("\n")[0], epilog=__doc__.split("\n\n")[-1]
    )
    p.add_argument("--data", type=Path, default=bug_data.DATA_DIR, help="bug data folder")
    p.add_argument("--sources", default="handwritten", help="bug sources to fit on (comma list)")
    p.add_argument("--projects", default="", help="only these train projects (comma list)")
    p.add_argument("--leave-out", default="", help="train projects kept out of the fit")
    p.add_argument("--test", default="", help="train projects left out and reported on")
    p.add_argument("--epochs", type=int, default=EPOCHS)
    p.add_argument("--l2", type=float, default=L2)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--jobs", type=int, default=1, help="bugs set up in parallel (processes)")
    p.add_argument("--out", type=Path, default=repair_rank.RANKER_FILE, help="where to write")
    args = p.parse_args(rest)
    if args.epochs < 1 or args.l2 < 0 or args.jobs < 1:
        p.error("--epochs and --jobs must be at least 1, --l2 not negative")
    if args.out.is_dir() or not (args.out.parent.is_dir() or not args.out.parent.exists()):
        p.error(f"--out {args.out}: give a file path (its folder is made if missing)")
    return args


def _names(text: str) -> set[str]:
    return {n.strip() for n in text.split(",") if n.strip()}


def main(args: argparse.Namespace | list[str] | None = None) -> int:
    from rich.console import Console

    rest = getattr(args, "rest", args) if args is not None else None
    rest = list(sys.argv[1:] if rest is None else rest)
    args = parse_args(rest)
    console = Console(stderr=True)
    try:
        projects = bug_data.select(
            [p for p in bug_data.load(args.data) if p.source in _names(args.sources)], "train"
        )
    except bug_data.BugDataError as e:
        console.print(f"[red]{e}[/red]")
        return 2
    wanted, left, test = _names(args.projects), _names(args.leave_out), _names(args.test)
    known = {p.name for p in projects}
    unknown = (wanted | left | test) - known
    if unknown:
        console.print(
            f"[red]not train projects of {args.data}: {', '.join(sorted(unknown))}[/red] "
            f"(train projects: {', '.join(sorted(known))})"
        )
        return 2
    left |= test  # a project reported on is never fitted on: the figure is on unseen bugs
    if wanted:
        projects = [p for p in projects if p.name in wanted | left]
    test = left
    bugs = [(p, b) for p in projects for b in p.bugs]
    if not bugs:
        console.print("[red]no train bugs to fit on[/red]")
        return 2
    started = time.monotonic()
    groups: list[Group] = []
    with ProcessPoolExecutor(args.jobs) if args.jobs > 1 else nullcontext() as pool:
        results = pool.map(_collect_one, bugs) if pool else map(_collect_one, bugs)
        for k, ((_, b), (g, error)) in enumerate(zip(bugs, results, strict=True), 1):
            console.print(f"[{k}/{len(bugs)}] {b.id}{error}", highlight=False, markup=False)
            if g is not None:
                groups.append(g)
    fitted = [g for g in groups if g.project not in left]
    tested = [g for g in groups if g.project in test]
    reached = sum(bool(g.positives) for g in fitted)
    if not reached:
        console.print(
            f"[red]nothing to fit: no candidate of the {len(fitted)} bugs left in the fit makes "
            "its human fix[/red] (name more projects, or fewer with --leave-out)"
        )
        return 2
    console.print(f"fitting on {len(fitted)} bugs ({reached} reached)")
    ranker = fit(
        fitted,
        args.l2,
        args.epochs,
        args.seed,
        lambda e, n, loss: e % 20 == 0 and console.print(f"  epoch {e}/{n}: loss {loss:.4f}"),
    )
    figures = {}
    for name, gs in (("fit", fitted), ("test", tested)):
        if gs:
            figures[name] = {
                "hand": summary(positions(gs, None)),
                "learned": summary(positions(gs, ranker)),
            }
            for kind in ("hand", "learned"):
                print(_line(f"{name} ({kind} order)", figures[name][kind]))
    body = json.dumps(ranker.weights, sort_keys=True)
    ranker.meta = {
        "features": repair_rank.FEATURE_SET,
        "built": datetime.date.today().isoformat(),
        "command": " ".join(["sea-lsp ranker", *rest]),
        "data": {
            "source": str(args.data.name),
            "sources": sorted(_names(args.sources)),
            "split": "train",
            "projects": sorted({g.project for g in fitted}),
            "bugs": len(fitted),
            "reached": sum(bool(g.positives) for g in fitted),
        },
        "seed": args.seed,
        "l2": args.l2,
        "epochs": args.epochs,
        "keep": KEEP,
        "figures": figures,
        "weights_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "seconds": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=args.out.parent, suffix=".tmp", delete=False
    ) as tmp:
        tmp.write(json.dumps(ranker.to_json(), indent=1, sort_keys=True) + "\n")
    Path(tmp.name).replace(args.out)  # whole or not at all
    console.print(f"wrote {args.out} ({len(ranker.weights)} weights)")
    return 0
