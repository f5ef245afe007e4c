"""``sea-lsp train``: tune the networks on the user's accept/reject feedback and publish.

Phases: DPO on the pairs against the current checkpoint as the frozen reference (the
default); on request (``--phases``) also offline PPO on the logged offers with their
behaviour log-probs, off by default because it measured no help (see ``DEFAULT_PHASES``).
Validation (held-out offers): agreement = the top-ranked candidate is the one the user
accepted; pairwise accuracy = chosen ranked above rejected. A model that validates worse
than the current one is not published. Each finished phase is saved under
``<data dir>/train-state/`` so ``--resume`` continues after an interruption.

Exit codes: 0 published (or dry run), 1 refused (worse on validation), 2 unusable input
(no/empty/newer database, corrupted checkpoint), 3 could not write (disk full, ...).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loguru import logger

from sea_lsp import paths
from sea_lsp.training import distributed
from sea_lsp.training.feedback_data import FeedbackData, TrainInputError, load_feedback
from sea_lsp.training.report import TrainingReport, phase_progress, print_summary

PHASES = ("dpo", "ppo")
# Measured (issue #18, held-out projects, `linear` user, 100 decisions, seed 0, 2026-12-05):
# offline PPO after DPO moved top-1 from 37.4 % to 36.7 % with approx_kl 7.2e14 and clipfrac
# 0.90 (the logged "behaviour" was an argmax ranking, so pi/pi_logged is no importance
# weight), and the reward model, which only invented rewards for undecided offers in that
# PPO, changed nothing and doubled the time. PPO stays available (``--phases``), off by
# default; the reward model is not shipped (``model.reward_model`` keeps the fit).
DEFAULT_PHASES = ("dpo",)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sea-lsp train", description=__doc__.split("\n")[0])
    p.add_argument(
        "--db", type=Path, default=None, help="feedback database (default: the data dir's)"
    )
    p.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="checkpoint to start from (default: the current one)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="report what would be trained on; write nothing"
    )
    # DPO's defaults are the ones measured on held-out projects (issue #18, README): with
    # beta 0.1 the margins keep growing until the scores are hundreds of logits apart and
    # what the kind and snippet tokens learn outweighs the edit measures (smallest-diff
    # user, 300 decisions, seed 0: 80 % top-1 against 89 % with beta 1; beta 3: 71 %).
    p.add_argument("--epochs", type=int, default=6, help="epochs of DPO")
    p.add_argument("--beta", type=float, default=1.0, help="DPO temperature")
    p.add_argument("--lr", type=float, default=1e-3, help="DPO learning rate")
    p.add_argument(
        "--phases",
        default=",".join(DEFAULT_PHASES),
        help=f"comma-separated, of {','.join(PHASES)} (default: dpo; offline PPO measured "
        "no help, see README)",
    )
    p.add_argument("--ppo-passes", type=int, default=2, help="offline PPO passes over the offers")
    p.add_argument("--max-pairs-per-offer", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--val-fraction", type=float, default=0.2)
    p.add_argument(
        "--logdir",
        type=Path,
        default=None,
        help="TensorBoard + PNG (default: <data dir>/logs/train-<time>)",
    )
    p.add_argument("--resume", action="store_true", help="continue an interrupted run")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args([x for x in argv if x != "--"])
    if not 0 <= a.val_fraction < 1:
        p.error("--val-fraction must be in [0, 1)")
    if a.epochs < 1 or a.beta <= 0:
        p.error("--epochs must be >= 1 and --beta > 0")
    a.phases = tuple(x for x in a.phases.split(",") if x)
    if not a.phases or set(a.phases) - set(PHASES):
        p.error(f"--phases takes some of {','.join(PHASES)}, comma-separated")
    a.phases = tuple(x for x in PHASES if x in a.phases)  # always in this order
    return a


def load_base(checkpoint: Path | None):
    """The checkpoint to tune, strictly: a corrupted one is refused, never silently replaced.
    The current one, when an earlier sea-lsp made it (other networks or vocabulary), gives
    way to the embedded default with a warning; one named with ``--checkpoint`` is refused."""
    from model.agent_model import AgentModel
    from model.checkpoint import CheckpointError, CheckpointMismatch, load_checkpoint
    from model.networks import NetworkConfig
    from sea_lsp import model_store
    from sea_lsp.encoding.vocab import VOCAB_VERSION

    path = checkpoint or model_store.current_path()
    if path is None and (paths.DEFAULT_MODEL_DIR / "weights.safetensors").is_file():
        path = paths.DEFAULT_MODEL_DIR
    if path is None:
        logger.warning("no checkpoint yet: starting from an untrained model (seed 0)")
        return AgentModel.create(NetworkConfig(), 0, vocab_version=VOCAB_VERSION), "untrained"
    try:
        return load_checkpoint(path, expected_vocab_version=VOCAB_VERSION), str(path)
    except CheckpointMismatch as exc:
        # the current checkpoint was made by an earlier sea-lsp: tune this version's default
        if checkpoint is not None or path == paths.DEFAULT_MODEL_DIR:
            raise TrainInputError(f"refusing to train from the checkpoint {path}: {exc}") from exc
        logger.warning(
            f"the current checkpoint {path} does not fit this sea-lsp ({exc}); tuning the "
            "embedded default instead (your feedback is kept and trained on)"
        )
        return load_base(paths.DEFAULT_MODEL_DIR)
    except (CheckpointError, OSError) as exc:
        raise TrainInputError(
            f"refusing to train from the checkpoint {path}: {exc}. Pass --checkpoint with a good "
            "one (or remove the broken directory)."
        ) from exc


def validate(model, data: FeedbackData) -> dict[str, float]:
    from model.dpo import preference_accuracy
    from sea_lsp.training.feedback_data import agreement

    return {
        "agreement": agreement(model, data.val_offers),
        "pairwise_accuracy": preference_accuracy(model, data.val_pairs),
    }


def worse(after: dict[str, float], before: dict[str, float]) -> bool:
    """Lower agreement, or equal agreement and lower pairwise accuracy (NaN: nothing to compare)."""
    a, b = after["agreement"], before["agreement"]
    if math.isnan(a) or math.isnan(b):
        return False
    if a != b:
        return a < b
    pa, pb = after["pairwise_accuracy"], before["pairwise_accuracy"]
    return not (math.isnan(pa) or math.isnan(pb)) and pa < pb


class RunState:
    """Per-phase progress under ``<data dir>/train-state`` (for ``--resume``)."""

    def __init__(self, root: Path, fingerprint: dict) -> None:
        self.root, self.fingerprint = root, fingerprint
        self.record: dict[str, Any] = {"fingerprint": fingerprint, "phases_done": []}

    def resumable(self) -> bool:
        try:
            record = json.loads((self.root / "state.json").read_text())
        except (OSError, ValueError):
            return False
        if record.get("fingerprint") != self.fingerprint or not (self.root / "model").is_dir():
            return False
        self.record = record
        return True

    def save(self, model, ctx: distributed.DistContext) -> None:
        from model.checkpoint import save_checkpoint

        if ctx.is_main:
            self.root.mkdir(parents=True, exist_ok=True)
            save_checkpoint(model, self.root / "model")
            tmp = self.root / f".state.{uuid.uuid4().hex}.json"
            tmp.write_text(json.dumps(self.record, indent=2, default=str))
            os.replace(tmp, self.root / "state.json")
        distributed.barrier(ctx)

    def clear(self, ctx: distributed.DistContext) -> None:
        if ctx.is_main:
            shutil.rmtree(self.root, ignore_errors=True)


def _phase(
    name: str,
    model,
    data: FeedbackData,
    a,
    ctx: distributed.DistContext,
    report: TrainingReport,
    reference,
) -> dict:
    """Run one of ``PHASES``; its last metrics, or why it was skipped."""
    if name == "dpo":
        return _dpo_phase(model, data, a, ctx, report, reference)
    return _ppo_phase(model, data, a, ctx, report)


def _dpo_phase(
    model, data: FeedbackData, a, ctx: distributed.DistContext, report, reference
) -> dict:
    """DPO of the policy on this rank's share of the pairs, against the frozen ``reference``."""
    from model.dpo import DPOConfig, dpo_train

    mine = distributed.shard(data.train_pairs, ctx)
    if not mine:
        return {"skipped": "no training pairs"}
    cfg = DPOConfig(beta=a.beta, lr=a.lr, epochs=a.epochs, seed=a.seed)
    with _training(model, ("policy",), "train: DPO", a.epochs, a, ctx) as advance:
        log = _metrics_logger("dpo", report, ctx, advance)
        hist = dpo_train(model, mine, cfg, reference=reference, log=log)
    return hist[-1]


def _ppo_phase(model, data: FeedbackData, a, ctx: distributed.DistContext, report) -> dict:
    """Offline PPO on the logged offers, weighted by their behaviour log-probs."""
    from model.ppo import PPOConfig, train_offline
    from sea_lsp.training.feedback_data import trajectories

    trajs, sources = trajectories(data.train_offers)
    trajs = distributed.shard(trajs, ctx)
    if not trajs or a.ppo_passes < 1:
        return {"skipped": "no logged offers with behaviour log-probs"}
    cfg = PPOConfig(learning_rate=1e-4, gamma=1.0, num_minibatches=4, update_epochs=2)
    parts = ("policy", "value_net")
    with _training(model, parts, "train: offline PPO", a.ppo_passes, a, ctx) as advance:
        log = _metrics_logger("ppo", report, ctx, advance)
        hist = train_offline(trajs, model, cfg, passes=a.ppo_passes, seed=a.seed, log=log)
    return {**hist[-1], "reward_sources": sources}


@contextmanager
def _training(
    model, parts: tuple[str, ...], title: str, total: int, a, ctx: distributed.DistContext
) -> Iterator[Callable[..., None]]:
    """``parts`` of ``model`` trained data-parallel, under a progress bar; yields its ``advance``."""
    with (
        distributed.data_parallel(model, parts, ctx),
        phase_progress(title, total, not a.no_progress and ctx.is_main) as advance,
    ):
        yield advance


def _metrics_logger(
    tag: str, report: TrainingReport, ctx: distributed.DistContext, advance: Callable[[], Any]
) -> Callable[[dict], None]:
    """A phase's ``log``: metrics averaged over the ranks, reported at steps 0, 1, 2, ..."""
    step = 0

    def log(m: dict) -> None:
        nonlocal step
        report.log(tag, distributed.mean_metrics(m, ctx), step)
        step += 1
        advance()

    return log


def run(a: argparse.Namespace, ctx: distributed.DistContext) -> tuple[int, list[tuple[str, str]]]:
    """Train and maybe publish; returns the exit code and the summary rows."""
    db = (a.db or paths.feedback_db_path()).expanduser()
    data = load_feedback(db, a.val_fraction, a.seed, a.max_pairs_per_offer)
    counts = data.counts()
    rows = _data_rows(db, data)
    _require_training_data(db, data)
    if a.dry_run:
        rows.append(("dry run", "nothing written"))
        logger.info("dry run: {}", counts)
        return 0, rows
    _require_validation_offers(data, a)
    model, base_source = load_base(a.checkpoint)
    model.to(ctx.device)
    state = RunState(paths.data_dir() / "train-state", _fingerprint(db, counts, a, base_source))
    reference = copy.deepcopy(model)
    model = _start_or_resume(model, state, data, a, ctx, rows)
    before = state.record["before"]
    logdir = a.logdir or paths.logs_dir() / f"train-{time.strftime('%Y%m%d-%H%M%S')}"
    after, results = _train_phases(model, data, a, ctx, reference, state, logdir)
    rows += _validation_rows(before, after, base_source, logdir)
    if worse(after, before):
        state.clear(ctx)
        rows.append(("published", "no: worse on validation than the current checkpoint (kept)"))
        return 1, rows
    record = _checkpoint_record(a, ctx, base_source, counts, before, after, results)
    _publish(model, record, ctx)
    state.clear(ctx)
    rows.append(("published", f"version {record['version']} (running servers reload it)"))
    return 0, rows


def _data_rows(db: Path, data: FeedbackData) -> list[tuple[str, str]]:
    """The summary rows that say what the run trains and validates on."""
    return [
        ("database", str(db)),
        (
            "offers",
            f"{data.offers_total} ({data.offers_skipped_vocab} skipped: other vocabulary; "
            f"{data.offers_unranked} served unranked, not trained on)",
        ),
        (
            "pairs",
            f"{len(data.train_pairs)} train / {len(data.val_pairs)} validation, {data.pairs_skipped_vocab} skipped (vocabulary), {data.pairs_capped} capped",
        ),
        ("validation offers", str(len(data.val_offers))),
    ]


def _require_training_data(db: Path, data: FeedbackData) -> None:
    if not data.train_pairs and not data.train_offers:
        raise TrainInputError(
            f"nothing to train on in {db}: {data.offers_total} offers, "
            f"{data.pairs_skipped_vocab} pairs from another vocabulary. Accept or reject some "
            "code actions in your editor first."
        )


def _require_validation_offers(data: FeedbackData, a: argparse.Namespace) -> None:
    if a.val_fraction > 0 and not data.val_offers:
        raise TrainInputError(
            f"no accepted offers fell into the validation split ({len(data.train_offers)} offers in "
            "all); collect more feedback, or pass --val-fraction 0 to publish without validation"
        )


def _fingerprint(db: Path, counts: dict, a: argparse.Namespace, base_source: str) -> dict:
    """What an interrupted run must share with this one for ``--resume`` to continue it."""
    return {
        "db": str(db.resolve()),
        "counts": counts,
        "seed": a.seed,
        "base": base_source,
        "epochs": a.epochs,
        "beta": a.beta,
        "lr": a.lr,
        "ppo_passes": a.ppo_passes,
        "phases": list(a.phases),
    }


def _start_or_resume(
    model, state: RunState, data: FeedbackData, a, ctx: distributed.DistContext, rows: list
):
    """The model to train: the interrupted run's (``--resume``), else ``model`` with its
    validation recorded as the ``before`` to beat."""
    if a.resume and state.resumable():
        from model.checkpoint import load_checkpoint

        model = load_checkpoint(state.root / "model").to(ctx.device)
        rows.append(("resumed", f"after {', '.join(state.record['phases_done']) or 'start'}"))
        return model
    if a.resume:
        logger.warning("nothing to resume (no matching interrupted run); starting afresh")
    state.record["before"] = validate(model, data)
    return model


def _train_phases(
    model, data: FeedbackData, a, ctx: distributed.DistContext, reference, state: RunState, logdir
) -> tuple[dict[str, float], dict]:
    """Run the phases not done yet, saving after each; the validation after, and every
    phase's result. TensorBoard logs and the PNG go to ``logdir``."""
    report = TrainingReport(logdir, enabled=ctx.is_main)
    report.log("validation", state.record["before"], 0)
    results = dict(state.record.get("results", {}))
    for name in a.phases:
        if name in state.record["phases_done"]:
            continue
        results[name] = _phase(name, model, data, a, ctx, report, reference)
        state.record["phases_done"].append(name)
        state.record["results"] = results
        state.save(model, ctx)
    after = validate(model, data)
    report.log("validation", after, 1)
    report.close()
    if ctx.is_main:
        report.write_png(logdir / "training.png", "sea-lsp train")
    return after, results


def fit(
    model,
    data: FeedbackData,
    argv: Sequence[str] = (),
    phases: Sequence[str] | None = None,
    reference=None,
) -> dict:
    """The phases of ``sea-lsp train`` (options as on its command line, ``argv``) run on
    ``model`` in this process and on one rank, writing nothing (no progress bar, no
    TensorBoard, no checkpoint): what ``sea-lsp bench train`` and the tests train with.
    ``phases`` (default: ``--phases``) overrides the command line's. Returns each phase's
    last metrics."""
    a = parse([*argv, "--no-progress"])
    phases = a.phases if phases is None else tuple(phases)
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise ValueError(f"unknown training phases {sorted(unknown)}; known: {PHASES}")
    ctx = distributed.DistContext()
    reference = reference if reference is not None else copy.deepcopy(model)
    report = TrainingReport(None, enabled=False)
    return {name: _phase(name, model, data, a, ctx, report, reference) for name in phases}


def _validation_rows(before: dict, after: dict, base_source: str, logdir: Path) -> list:
    return [
        ("agreement", f"{before['agreement']:.1%} -> {after['agreement']:.1%}"),
        (
            "pairwise accuracy",
            f"{before['pairwise_accuracy']:.1%} -> {after['pairwise_accuracy']:.1%}",
        ),
        ("base checkpoint", base_source),
        ("logs", str(logdir)),
    ]


def _checkpoint_record(
    a, ctx: distributed.DistContext, base_source: str, counts: dict, before, after, results
) -> dict:
    """The new checkpoint's metadata: a fresh version, what it was trained on and how."""
    return {
        "version": f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}",
        "kind": "train",
        "base": base_source,
        "data": counts,
        "validation_before": before,
        "validation_after": after,
        "phases": results,
        "options": {k: str(v) for k, v in vars(a).items()},
        "world_size": ctx.world,
    }


def _publish(model, record: dict, ctx: distributed.DistContext) -> None:
    """Make ``model`` the current checkpoint (the main rank writes; every rank waits)."""
    from sea_lsp import model_store

    model.version, model.meta = record["version"], record
    if ctx.is_main:
        model_store.publish(model, record)
    distributed.barrier(ctx)


def main(args: Any) -> int:
    """``sea-lsp train``: see the module docstring."""
    a = parse(list(getattr(args, "rest", []) or []))
    ctx = distributed.setup()
    distributed.set_threads(a.threads, ctx)
    try:
        code, rows = run(a, ctx)
    except TrainInputError as exc:
        code, rows = 2, [("error", str(exc))]
    except OSError as exc:
        code, rows = (
            3,
            [
                (
                    "error",
                    f"could not write ({exc}); the current checkpoint is unchanged. Free space and run `sea-lsp train --resume`.",
                )
            ],
        )
    finally:
        distributed.teardown(ctx)
    if ctx.is_main:
        print_summary("sea-lsp train", rows)
        for key, value in rows:
            if key == "error":
                print(f"sea-lsp train: {value}", flush=True)
    return code
