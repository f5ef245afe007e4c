"""Data-parallel training under ``torchrun`` with no change for the user.

When ``WORLD_SIZE`` > 1 (set by ``torchrun``) the process group is initialised, the networks
are wrapped in ``DistributedDataParallel`` for the duration of a phase, data is sharded by
rank, metrics are averaged over ranks, and only rank 0 writes checkpoints. With CUDA the
networks train on ``cuda:<LOCAL_RANK>`` and the backend is NCCL; without it, the CPU and
gloo. ``SEA_LSP_DEVICE=cpu`` keeps a GPU machine on the CPU; ``SEA_LSP_DIST_BACKEND``
overrides the backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from loguru import logger

T = TypeVar("T")


@dataclass(frozen=True)
class DistContext:
    """This process's place in the job (``world == 1``: plain single-process training)."""

    rank: int = 0
    world: int = 1
    device: str = "cpu"  # "cuda:<local rank>" when training on GPUs

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world > 1


def setup() -> DistContext:
    """Join the process group when launched by ``torchrun`` (``WORLD_SIZE``/``RANK`` set)."""
    world = int(os.environ.get("WORLD_SIZE", "1") or 1)
    cuda = torch.cuda.is_available() and os.environ.get("SEA_LSP_DEVICE", "") != "cpu"
    local = int(os.environ.get("LOCAL_RANK", "0"))
    gpus = torch.cuda.device_count() if cuda else 0
    device = f"cuda:{local % gpus}" if gpus else "cpu"  # more ranks than GPUs: they share
    if gpus:
        torch.cuda.set_device(local % gpus)
    if world <= 1:
        return DistContext(device=device)
    rank = int(os.environ.get("RANK", "0"))
    if not dist.is_initialized():
        # NCCL needs a GPU of its own per rank; ranks sharing GPUs (or none) talk over gloo
        nccl = gpus and int(os.environ.get("LOCAL_WORLD_SIZE", world)) <= gpus
        backend = os.environ.get("SEA_LSP_DIST_BACKEND", "nccl" if nccl else "gloo")
        dist.init_process_group(backend=backend)
        logger.info("distributed training: rank {} of {} ({}, {})", rank, world, backend, device)
    return DistContext(rank=rank, world=world, device=device)


def set_threads(threads: int | None, ctx: DistContext) -> None:
    """Torch CPU threads: ``threads`` if given, else 1 on small or shared machines and under
    ``torchrun`` (intra-op threads of several ranks fighting over cores run many times slower)."""
    if threads is None:
        threads = 1 if ctx.active or (os.cpu_count() or 1) <= 4 else None
    if threads is not None:
        torch.set_num_threads(max(1, threads))


def teardown(ctx: DistContext) -> None:
    if ctx.active and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def barrier(ctx: DistContext) -> None:
    if ctx.active:
        dist.barrier()


def shard(items: Sequence[T], ctx: DistContext) -> list[T]:
    """This rank's equal share (the remainder is dropped so every rank takes as many steps)."""
    if not ctx.active:
        return list(items)
    per_rank = len(items) // ctx.world
    return list(items[ctx.rank * per_rank : (ctx.rank + 1) * per_rank])


def gather(items: list[T], ctx: DistContext) -> list[T]:
    """Every rank's list, concatenated in rank order, on every rank."""
    if not ctx.active:
        return items
    parts: list[Any] = [None] * ctx.world
    dist.all_gather_object(parts, items)
    return [x for part in parts for x in part]


def mean_metrics(metrics: dict[str, float], ctx: DistContext) -> dict[str, float]:
    """Average numeric metrics over ranks (what each rank then logs is the same)."""
    if not ctx.active or not metrics:
        return metrics
    keys = sorted(k for k, v in metrics.items() if isinstance(v, (int, float)))
    values = torch.tensor([float(metrics[k]) for k in keys], dtype=torch.float64, device=ctx.device)
    dist.all_reduce(values, op=dist.ReduceOp.SUM)
    out = dict(metrics)
    out.update({k: float(v) / ctx.world for k, v in zip(keys, values.tolist(), strict=True)})
    return out


@contextmanager
def data_parallel(model: Any, names: Sequence[str], ctx: DistContext) -> Iterator[None]:
    """Wrap ``model.<name>`` networks in DDP for a block, unwrapping afterwards."""
    if not ctx.active:
        yield
        return
    from torch.nn.parallel import DistributedDataParallel as DDP

    plain = {name: getattr(model, name) for name in names}
    for name, net in plain.items():
        ids = [torch.device(ctx.device).index] if ctx.device.startswith("cuda") else None
        setattr(model, name, DDP(net, device_ids=ids, find_unused_parameters=False))
    try:
        yield
    finally:
        for name, net in plain.items():
            setattr(model, name, net)


def parameter_hash(model: Any) -> str:
    """A hash of every parameter (the distributed test compares ranks with it)."""
    import hashlib

    h = hashlib.sha256()
    for name, net in model.networks().items():
        for key, value in sorted(net.state_dict().items()):
            h.update(f"{name}.{key}".encode())
            h.update(value.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()
