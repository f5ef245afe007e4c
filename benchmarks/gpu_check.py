"""Training on a GPU, checked on the lent device machine (not part of the CPU test suite).

    python3 benchmarks/gpu_check.py                       # one process on cuda:0
    torchrun --nproc_per_node 1 benchmarks/gpu_check.py   # the NCCL path of sea-lsp train

DPO on pairs from a hidden scoring rule must lift held-out preference accuracy from chance
to >= 0.95 with the networks on the GPU, and a checkpoint saved from the GPU must load on
the CPU with identical outputs. Under torchrun the networks are wrapped in DDP on
``cuda:<LOCAL_RANK>`` with the NCCL backend, as ``sea-lsp train`` does.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.agent_model import AgentModel  # noqa: E402
from model.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from model.dpo import DPOConfig, dpo_train, preference_accuracy  # noqa: E402
from model.networks import NetworkConfig  # noqa: E402
from model.toy import hidden_preference_pairs  # noqa: E402
from sea_lsp.training import distributed  # noqa: E402


def main() -> int:
    ctx = distributed.setup()
    cfg = NetworkConfig(  # the learning tests' small network
        vocab_size=40, d_model=32, n_heads=4, n_layers=1, d_ff=64, max_state_len=16,
        max_cand_len=8, cand_layers=1, d_embed=16, d_cand=16,
    )  # fmt: skip
    model = AgentModel.create(cfg, seed=0).to(ctx.device)
    print(f"rank {ctx.rank}/{ctx.world} on {model.device}", flush=True)
    held_out = hidden_preference_pairs(200, seed=1)
    before = preference_accuracy(model, held_out)
    started = time.perf_counter()
    with distributed.data_parallel(model, ("policy",), ctx):
        history = dpo_train(
            model,
            distributed.shard(hidden_preference_pairs(600, seed=0), ctx),
            DPOConfig(beta=0.5, lr=3e-3, epochs=8, batch_size=32),
        )
    after = preference_accuracy(model, held_out)
    metrics = distributed.mean_metrics({"accuracy": after}, ctx)
    print(
        f"DPO on {model.device}: held-out accuracy {before:.3f} -> {metrics['accuracy']:.3f} "
        f"in {time.perf_counter() - started:.1f} s ({len(history)} epochs)",
        flush=True,
    )
    ok = before < 0.7 and after >= 0.95
    if ctx.is_main:
        with tempfile.TemporaryDirectory() as tmp:
            save_checkpoint(model, Path(tmp) / "ckpt")
            cpu = load_checkpoint(Path(tmp) / "ckpt")
            state, cands = held_out[0].state_tokens, held_out[0].candidate_tokens
            gap = (
                (torch.tensor(cpu.logits(state, cands)) - torch.tensor(model.logits(state, cands)))
                .abs()
                .max()
                .item()
            )
            same = gap < 1e-2  # GPU and CPU kernels round differently (~2e-3 seen on an H200)
            print(f"checkpoint saved from {model.device}, loaded on cpu: max logit gap {gap:.2e}")
            ok = ok and same
    print(f"parameter hash {distributed.parameter_hash(model)[:16]}", flush=True)
    distributed.teardown(ctx)
    print("GPU CHECK", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
