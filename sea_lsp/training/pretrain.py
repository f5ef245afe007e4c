"""``sea-lsp pretrain``: self-supervised break-it-fix-it training of the embedded default.

1. Mutants of correct corpus files (``mutants.py``); held-out FILES give held-out mutants.
2. Supervised: the policy learns to rank the inverse edit first (cross-entropy over the
   candidate set), the value network whether a state is fixed (originals 1, mutants 0).
3. PPO (``model.ppo.train``) on one-step repair episodes whose reward is 1 when the file
   text equals the original: a cheap oracle standing in for a verified repair (the agent's
   real environment runs the project's tests instead).
4. Held-out top-1 / top-5 / mean rank of the true fix, before and after, go in the record.

Rebuild the shipped default with ``sea-lsp pretrain`` (defaults, seed 0).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from loguru import logger
from torch import nn

from model.agent_model import AgentModel
from model.env import Observation
from model.networks import NetworkConfig
from sea_lsp import paths
from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.training import distributed
from sea_lsp.training.mutants import (
    CorpusStats,
    RepairExample,
    build_examples,
    corpus_files,
    default_corpus,
    split_files,
)
from sea_lsp.training.report import TrainingReport, phase_progress, print_summary


class RepairEpisodes:
    """One-step repair episodes over mutants (the ``EpisodicEnvironment`` protocol).

    A state is ``(example index, chosen candidate or None)``; the episode ends after one
    edit, rewarded 1 when that edit restores the original text.
    """

    def __init__(self, examples: Sequence[RepairExample]) -> None:
        if not examples:
            raise ValueError("repair episodes need at least one mutant")
        self.examples = list(examples)

    def reset(self, rng: random.Random) -> tuple[int, int | None]:
        return rng.randrange(len(self.examples)), None

    def candidates(self, state: tuple[int, int | None]) -> list[int]:
        i, done = state
        return [] if done is not None else list(range(len(self.examples[i].candidate_tokens)))

    def transition(self, state: tuple[int, int | None], action: int) -> tuple[int, int | None]:
        return state[0], action

    def reward_function(self, state: tuple[int, int | None]) -> float:
        return 1.0 if self.is_solution(state) else 0.0

    def is_solution(self, state: tuple[int, int | None]) -> bool:
        i, chosen = state
        return chosen is not None and chosen in self.examples[i].fixes

    def is_terminal(self, state: tuple[int, int | None]) -> bool:
        return state[1] is not None

    def observe(self, state: tuple[int, int | None], candidates: Sequence[int]) -> Observation:
        ex = self.examples[state[0]]
        return Observation(
            list(ex.state_tokens), [list(ex.candidate_tokens[c]) for c in candidates]
        )


def rank_metrics(model: AgentModel, examples: Sequence[RepairExample], batch: int = 64) -> dict:
    """Top-1, top-5 and mean rank (1 = first) of the true fix among each mutant's candidates."""
    if not examples:
        return {"top1": float("nan"), "top5": float("nan"), "mean_rank": float("nan"), "n": 0}
    ranks = []
    rows = model.policy_rows(
        [e.state_tokens for e in examples], [e.candidate_tokens for e in examples], batch
    )
    for row, ex in zip(rows, examples, strict=True):
        best = max(float(row[f]) for f in ex.fixes)
        n = len(ex.candidate_tokens)
        ranks.append(1 + int((row[:n] > best).sum()))
    r = np.array(ranks)
    return {
        "top1": float((r == 1).mean()),
        "top5": float((r <= 5).mean()),
        "mean_rank": float(r.mean()),
        "mean_candidates": float(np.mean([len(e.candidate_tokens) for e in examples])),
        "n": len(ranks),
    }


def supervised(
    model: AgentModel,
    examples: Sequence[RepairExample],
    epochs: int,
    seed: int,
    ctx: distributed.DistContext,
    report: TrainingReport,
    lr: float = 1e-3,
    batch_size: int = 32,
) -> list[dict]:
    """Cross-entropy on the inverse edit (policy) and fixed-vs-buggy regression (value)."""
    mine = distributed.shard(examples, ctx)
    params = list(model.policy.parameters()) + list(model.value_net.parameters())
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    rng = random.Random(seed)
    history = []
    steps = len(mine) // batch_size + (1 if len(mine) % batch_size else 0)
    with (
        distributed.data_parallel(model, ("policy", "value_net"), ctx),
        phase_progress("pretrain: policy + value", epochs * steps, ctx.is_main) as advance,
    ):
        model.train()
        for epoch in range(epochs):
            order = list(range(len(mine)))
            rng.shuffle(order)
            losses, accs, vlosses = [], [], []
            for start in range(0, len(order), batch_size):
                part = [mine[i] for i in order[start : start + batch_size]]
                states, cands = model.collate(
                    [e.state_tokens for e in part], [e.candidate_tokens for e in part]
                )
                target = torch.tensor([e.target for e in part], device=states.device)
                logits = model.policy(states, cands)
                p_loss = F.cross_entropy(logits, target)
                vstates = model.collate_states(
                    [e.state_tokens for e in part] + [e.fixed_state_tokens for e in part]
                )
                labels = torch.tensor([0.0] * len(part) + [1.0] * len(part), device=vstates.device)
                v_loss = F.mse_loss(model.value_net(vstates), labels)
                loss = p_loss + v_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                losses.append(p_loss.item())
                vlosses.append(v_loss.item())
                accs.append(float((logits.argmax(-1) == target).float().mean()))
                advance()
            metrics = distributed.mean_metrics(
                {
                    "policy_loss": float(np.mean(losses)),
                    "value_loss": float(np.mean(vlosses)),
                    "train_top1": float(np.mean(accs)),
                },
                ctx,
            )
            history.append(metrics)
            report.log("pretrain", metrics, epoch)
    model.eval()
    return history


def ppo_phase(
    model: AgentModel,
    examples: Sequence[RepairExample],
    iterations: int,
    seed: int,
    ctx: distributed.DistContext,
    report: TrainingReport,
) -> list[dict]:
    """A short online PPO phase on repair episodes (each rank samples its own episodes)."""
    from model.ppo import PPOConfig, train

    if iterations <= 0:
        return []
    env = RepairEpisodes(examples)
    cfg = PPOConfig(learning_rate=1e-4, gamma=1.0, num_minibatches=2, update_epochs=2)
    history: list[dict] = []
    with (
        distributed.data_parallel(model, ("policy", "value_net"), ctx),
        phase_progress("pretrain: PPO", iterations, ctx.is_main) as advance,
    ):

        def log(m: dict) -> None:
            m = distributed.mean_metrics(m, ctx)
            report.log("ppo", m, int(m["iteration"]))
            history.append(m)
            advance()

        train(
            env,
            model,
            cfg,
            iterations=iterations,
            steps_per_iteration=64,
            seed=seed * 1000 + ctx.rank,
            log=log,
        )
    model.eval()
    return history


def parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sea-lsp pretrain", description=__doc__.split("\n")[0])
    p.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="directory of correct Python files (default: the stdlib)",
    )
    p.add_argument(
        "--out", type=Path, default=paths.DEFAULT_MODEL_DIR, help="checkpoint directory to write"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--files", type=int, default=200, help="corpus files to sample")
    p.add_argument("--mutants", type=int, default=6, help="mutants attempted per file")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--ppo-iterations", type=int, default=10)
    p.add_argument("--held-out", type=float, default=0.15, help="fraction of FILES held out")
    p.add_argument("--max-candidates", type=int, default=32, help="candidates kept per mutant")
    p.add_argument(
        "--logdir",
        type=Path,
        default=None,
        help="TensorBoard/PNG directory (default: <data dir>/logs/pretrain)",
    )
    p.add_argument(
        "--threads", type=int, default=None, help="torch CPU threads (default: see set_threads)"
    )
    a = p.parse_args([x for x in argv if x != "--"])
    if not 0 <= a.held_out < 1:
        p.error("--held-out must be in [0, 1)")
    for name in ("files", "mutants", "max_candidates"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return a


class _Corpus(NamedTuple):
    """The train / held-out split of corpus files and the mutants built from each side."""

    train_files: list[Path]
    held_files: list[Path]
    train_ex: list[RepairExample]
    train_stats: CorpusStats
    held_ex: list[RepairExample]
    held_stats: CorpusStats


def _build_corpus(a: argparse.Namespace, ctx: distributed.DistContext) -> _Corpus:
    """Sample and split the corpus files, then build train (sharded, gathered) and held-out
    mutants; raises ValueError when no train mutant is usable."""
    root = (a.corpus or default_corpus()).expanduser().resolve()
    files = corpus_files(root, a.files, a.seed)
    train_files, held_files = split_files(files, a.held_out, a.seed)
    with phase_progress("pretrain: mutants", len(files), ctx.is_main) as advance:
        train_ex, train_stats = build_examples(
            root,
            distributed.shard(train_files, ctx) if ctx.active else train_files,
            a.mutants,
            a.seed,
            a.max_candidates,
            advance,
        )
        held_ex, held_stats = build_examples(
            root, held_files, a.mutants, a.seed, a.max_candidates, advance
        )
    train_ex = distributed.gather(train_ex, ctx)
    if not train_ex:
        raise ValueError(
            f"no usable mutants from {len(train_files)} files of {root}; try more --files"
        )
    return _Corpus(train_files, held_files, train_ex, train_stats, held_ex, held_stats)


def _new_model(seed: int, ctx: distributed.DistContext) -> AgentModel:
    """A freshly initialised model for ``seed``, on the context's device."""
    torch.manual_seed(seed)
    model = AgentModel.create(NetworkConfig(), seed=seed, vocab_version=VOCAB_VERSION)
    model.to(ctx.device)
    return model


def _train(
    model: AgentModel,
    corpus: _Corpus,
    a: argparse.Namespace,
    ctx: distributed.DistContext,
    report: TrainingReport,
) -> tuple[dict, dict]:
    """The supervised then the PPO phase; held-out rank metrics after each."""
    supervised(model, corpus.train_ex, a.epochs, a.seed, ctx, report)
    mid = rank_metrics(model, corpus.held_ex)
    ppo_phase(model, corpus.train_ex, a.ppo_iterations, a.seed, ctx, report)
    return mid, rank_metrics(model, corpus.held_ex)


def _log_held_out(report: TrainingReport, before: dict, mid: dict, after: dict) -> None:
    """Held-out metrics before training, after supervised and after PPO, as steps 0-2."""
    for name, m in (("before", before), ("supervised", mid), ("after", after)):
        report.log(
            "held_out",
            {k: v for k, v in m.items() if k != "n"},
            {"before": 0, "supervised": 1, "after": 2}[name],
        )


def _run_record(
    a: argparse.Namespace,
    ctx: distributed.DistContext,
    corpus: _Corpus,
    before: dict,
    mid: dict,
    after: dict,
    started: float,
) -> dict[str, Any]:
    """The run's record for the checkpoint meta (all but the parameter hash)."""
    return {
        "kind": "pretrain",
        "corpus": str(a.corpus) if a.corpus else "stdlib",
        "seed": a.seed,
        "files": {"train": len(corpus.train_files), "held_out": len(corpus.held_files)},
        "mutants": {"train": len(corpus.train_ex), "held_out": len(corpus.held_ex)},
        "corpus_stats": {
            "train": corpus.train_stats.as_dict(),
            "held_out": corpus.held_stats.as_dict(),
        },
        "options": {
            "files": a.files,
            "mutants": a.mutants,
            "epochs": a.epochs,
            "ppo_iterations": a.ppo_iterations,
            "held_out": a.held_out,
            "max_candidates": a.max_candidates,
            "world_size": ctx.world,
        },
        "held_out_before": before,
        "held_out_supervised": mid,
        "held_out_after": after,
        "seconds": round(time.time() - started, 1),
    }


def _save_outputs(
    model: AgentModel, a: argparse.Namespace, report: TrainingReport, ctx: distributed.DistContext
) -> None:
    """On the main rank: the checkpoint in ``a.out`` and the PNG summary in ``a.logdir``."""
    if not ctx.is_main:
        return
    from model.checkpoint import save_checkpoint

    save_checkpoint(model, a.out)
    if a.logdir is not None:
        report.write_png(a.logdir / "pretrain.png", "sea-lsp pretrain")
    logger.info("pretrained checkpoint written to {}", a.out)


def run(a: argparse.Namespace, ctx: distributed.DistContext) -> dict[str, Any]:
    """The whole pretraining run; returns the record written into the checkpoint meta."""
    started = time.time()
    corpus = _build_corpus(a, ctx)
    model = _new_model(a.seed, ctx)
    before = rank_metrics(model, corpus.held_ex)
    report = TrainingReport(a.logdir, enabled=ctx.is_main)
    mid, after = _train(model, corpus, a, ctx, report)
    _log_held_out(report, before, mid, after)
    report.close()
    record = _run_record(a, ctx, corpus, before, mid, after, started)
    model.meta = record
    model.version = f"pretrained-seed{a.seed}"
    _save_outputs(model, a, report, ctx)
    distributed.barrier(ctx)
    record["parameter_hash"] = distributed.parameter_hash(model)
    return record


def main(args: Any) -> int:
    """``sea-lsp pretrain``: see the module docstring."""
    a = parse(list(getattr(args, "rest", []) or []))
    if a.logdir is None:
        a.logdir = paths.logs_dir() / "pretrain"
    ctx = distributed.setup()
    distributed.set_threads(a.threads, ctx)
    try:
        record = run(a, ctx)
    except (FileNotFoundError, ValueError) as exc:
        print(f"sea-lsp pretrain: {exc}", flush=True)
        return 2
    finally:
        distributed.teardown(ctx)
    if ctx.is_main:
        b, f = record["held_out_before"], record["held_out_after"]
        print_summary(
            "sea-lsp pretrain",
            [
                ("checkpoint", str(a.out)),
                (
                    "mutants",
                    f"{record['mutants']['train']} train / {record['mutants']['held_out']} held out",
                ),
                ("held-out top-1", f"{b['top1']:.1%} untrained -> {f['top1']:.1%}"),
                ("held-out top-5", f"{b['top5']:.1%} untrained -> {f['top5']:.1%}"),
                (
                    "held-out mean rank",
                    f"{b['mean_rank']:.2f} -> {f['mean_rank']:.2f} (of ~{f.get('mean_candidates', 0):.0f})",
                ),
                ("time", f"{record['seconds']:.0f} s"),
            ],
        )
    print(f"rank {ctx.rank} parameter hash {record['parameter_hash']}", flush=True)
    return 0
