"""``sea-lsp bench train``: learning speed and quality on CPU.

- issue #18's table (first; ``--held-out-only`` stops after it): content-preference users
  (``training.content_users``) on projects never trained on, where different real edits
  compete (``training.held_out_projects``): top-1 agreement of generator order, of
  fault-localisation order and of the policy before and after ``sea-lsp train``'s phases on
  50 / 100 / 300 decisions from the other projects, mean and 95 % interval over seeds;
- DPO pairs/s and offline-PPO samples/s on feedback the simulated user produced through a
  real server;
- a learning curve: validation agreement against the number of offers collected (PNG);
- the shipped default checkpoint against an untrained policy on held-out mutants.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


async def _collect(project: Path, data: Path) -> None:
    from sea_lsp.training.simulated_user import run_session, start_server

    client = await start_server(project, data)
    try:
        await run_session(client, project, passes=2)
    finally:
        await client.shutdown_session()


def _curve(db: Path, sizes: list[int], seed: int) -> tuple[list[dict], dict]:
    import copy

    from model.dpo import DPOConfig, dpo_train
    from model.ppo import PPOConfig, train_offline
    from sea_lsp.training.feedback_data import agreement, load_feedback, trajectories
    from sea_lsp.training.train import load_base

    full = load_feedback(db, 0.25, seed, 4)
    base, _ = load_base(None)
    points, speed = [], {}
    for n in sizes:
        model = copy.deepcopy(base)
        offers = {o.offer_id for o in full.train_offers[:n]}
        pairs = [p for p, o in _pairs_with_offers(full) if o in offers]
        if not pairs:
            continue
        started = time.perf_counter()
        dpo_train(model, pairs, DPOConfig(lr=3e-4, epochs=3, seed=seed), reference=base)
        dpo_s = time.perf_counter() - started
        trajs, _ = trajectories(full.train_offers[:n])
        started = time.perf_counter()
        if trajs:
            train_offline(
                trajs, model, PPOConfig(learning_rate=1e-4, gamma=1.0), passes=2, seed=seed
            )
        ppo_s = time.perf_counter() - started
        speed = {
            "dpo_pairs_per_s": 3 * len(pairs) / dpo_s,
            "ppo_samples_per_s": 2 * 4 * len(trajs) / ppo_s if trajs else float("nan"),
        }
        points.append(
            {"offers": n, "pairs": len(pairs), "agreement": agreement(model, full.val_offers)}
        )
    points.insert(0, {"offers": 0, "pairs": 0, "agreement": agreement(base, full.val_offers)})
    return points, speed


def _pairs_with_offers(data) -> list[tuple[Any, str]]:
    from sea_lsp.training.feedback_data import _pairs_of

    out = []
    for o in data.train_offers:
        out += [(p, o.offer_id) for p in _pairs_of(o, 4)[0]]
    return out


def _mutants(files: int, seed: int) -> dict:
    from model.agent_model import AgentModel
    from model.checkpoint import load_checkpoint
    from model.networks import NetworkConfig
    from sea_lsp import paths
    from sea_lsp.training.mutants import build_examples, corpus_files, default_corpus, split_files
    from sea_lsp.training.pretrain import rank_metrics

    root = default_corpus()
    default = load_checkpoint(paths.DEFAULT_MODEL_DIR)
    pick = corpus_files(
        root, default.meta.get("options", {}).get("files", 200), default.meta.get("seed", 0)
    )
    _, held = split_files(
        pick, default.meta.get("options", {}).get("held_out", 0.15), default.meta.get("seed", 0)
    )
    examples, _ = build_examples(root, held[:files], 4, seed + 17)
    return {
        "mutants": len(examples),
        "untrained": rank_metrics(AgentModel.create(NetworkConfig(), seed), examples),
        "default": rank_metrics(default, examples),
    }


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def held_out_table(places: int, sizes: list[int], seeds: list[int], users: list[str]) -> dict:
    """Issue #18's table: content-preference users on held-out projects (see
    ``sea_lsp.training.held_out_projects``); printed, and returned for ``train.json``."""
    from sea_lsp.training import held_out_projects as hop
    from sea_lsp.training.content_users import USERS
    from sea_lsp.training.train import load_base

    unknown = set(users) - set(USERS)
    if unknown:
        raise SystemExit(f"unknown users {sorted(unknown)}; known: {sorted(USERS)}")
    started = time.perf_counter()
    tmp, projects = hop.temporary_stdlib()
    try:
        projects.update(hop.repo_projects())
        decisions, counts = hop.collect_all(projects, {u: USERS[u] for u in users}, places)
    finally:
        tmp.cleanup()
    collect_s = time.perf_counter() - started
    base, _ = load_base(None)
    table = hop.measure(base, decisions, users, [0, *sizes], seeds)
    print(
        f"held-out projects (issue #18): {counts['projects']} projects, {counts['places']} places "
        f"(at most {places} lines each), {counts['competing']} offered sets with >= 2 different "
        f"edits; collected in {collect_s:.0f} s, trained and measured in "
        f"{time.perf_counter() - started - collect_s:.0f} s; seeds {seeds} (each its own split)"
    )
    print(f"top-1 agreement on held-out projects, mean [95 % interval] over {len(seeds)} seeds")
    for user in users:
        row = table[user]
        cells = "  ".join(f"{n}: {_cell(v)}" for n, v in row["policy"].items())
        print(
            f"  {user:14s} sets with a choice {counts[f'with_choice:{user}']:4d} (held out "
            f"{row['held_out']})  generator {_cell(row['generator'])}  fl {_cell(row['fl'])}"
        )
        print(f"  {'':14s} policy by training decisions  {cells}")
    return {"counts": counts, "collect_seconds": collect_s, "table": _jsonable(table)}


def _cell(v: tuple[float, float, float]) -> str:
    return f"{v[0]:.1%} [{v[1]:.1%}, {v[2]:.1%}]"


def _jsonable(table: dict) -> dict:
    return {
        u: {
            k: ({str(n): x for n, x in v.items()} if isinstance(v, dict) else v)
            for k, v in r.items()
        }
        for u, r in table.items()
    }


def main(args: Any) -> int:
    p = argparse.ArgumentParser(prog="sea-lsp bench train")
    p.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--held-out-files", type=int, default=12)
    p.add_argument("--places", type=int, default=80, help="lines sampled per held-out project")
    p.add_argument("--sizes", type=_ints, default=[50, 100, 200, 300])
    p.add_argument("--seeds", type=_ints, default=[0, 1, 2])
    p.add_argument("--users", default="smallest_diff,keeps_names,linear")
    p.add_argument(
        "--held-out-only", action="store_true", help="only the held-out-project table (#18)"
    )
    a = p.parse_args([x for x in (getattr(args, "rest", []) or []) if x != "--"])
    import torch

    torch.set_num_threads(1)
    held = held_out_table(a.places, a.sizes, a.seeds, [u for u in a.users.split(",") if u])
    if a.held_out_only:
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "train_held_out.json").write_text(json.dumps(held, indent=2))
        print(f"wrote {a.out / 'train_held_out.json'}")
        return 0
    from sea_lsp.training.simulated_user import make_fixture_project

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        os.environ["SEA_LSP_DATA_DIR"] = str(data)
        project = make_fixture_project(Path(tmp) / "proj")
        started = time.perf_counter()
        asyncio.run(_collect(project, data))
        collect_s = time.perf_counter() - started
        points, speed = _curve(data / "feedback.sqlite3", [20, 50, 100, 200], a.seed)
    mutants = _mutants(a.held_out_files, a.seed)
    result = {
        "machine": f"{os.cpu_count()}-core CPU, torch threads 1",
        "collect_seconds": collect_s,
        **speed,
        "learning_curve": points,
        "held_out_mutants": mutants,
        "held_out_projects": held,
    }
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "train.json").write_text(json.dumps(result, indent=2))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot([q["offers"] for q in points], [q["agreement"] for q in points], marker="o")
    ax.set_xlabel("training offers collected")
    ax.set_ylabel("held-out agreement")
    ax.set_ylim(0, 1.02)
    ax.set_title("sea-lsp: learning the simulated user's preference")
    fig.tight_layout()
    fig.savefig(a.out / "train_learning_curve.png", dpi=90)
    print(
        f"DPO: {speed.get('dpo_pairs_per_s', float('nan')):.1f} pairs/s   offline PPO: "
        f"{speed.get('ppo_samples_per_s', float('nan')):.1f} samples/s (CPU, 1 thread)"
    )
    for q in points:
        print(f"  offers {q['offers']:4d}  pairs {q['pairs']:5d}  agreement {q['agreement']:.1%}")
    u, d = mutants["untrained"], mutants["default"]
    print(
        f"held-out mutants ({mutants['mutants']}): untrained top-1 {u['top1']:.1%} mean rank "
        f"{u['mean_rank']:.2f}; shipped default top-1 {d['top1']:.1%} mean rank {d['mean_rank']:.2f}"
    )
    print(f"wrote {a.out / 'train.json'} and {a.out / 'train_learning_curve.png'}")
    return 0
