"""``sea-lsp bench model``: network sizes, policy/value latency, PPO and DPO throughput on CPU."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import torch

from model.agent_model import AgentModel
from model.dpo import DPOConfig, dpo_train
from model.networks import NetworkConfig
from model.ppo import PPOConfig, train
from model.preferences import PreferencePair
from model.toy import ContextualBandit


def _latencies(fn: Callable[[], object], repeats: int, warmup: int = 5) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    return statistics.median(times), p99


def main(args: argparse.Namespace) -> int:
    parser = argparse.ArgumentParser(prog="sea-lsp bench model")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--repeats", type=int, default=100, help="timed calls per latency figure")
    opts = parser.parse_args(getattr(args, "rest", None) or [])

    torch.set_num_threads(opts.threads)
    cfg = NetworkConfig()
    model = AgentModel.create(cfg, seed=0)
    print(f"threads: {opts.threads}   repeats: {opts.repeats}")
    _print_sizes(model, cfg)
    _print_latencies(model, cfg, opts.repeats)
    _print_ppo_throughput()
    _print_dpo_throughput(cfg)
    return 0


def _print_sizes(model: AgentModel, cfg: NetworkConfig) -> None:
    counts = model.parameter_counts()
    print(
        "parameters: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + f", total {sum(counts.values()):,}"
    )
    print(
        f"config: d_model {cfg.d_model}, layers {cfg.n_layers}, candidate encoder "
        f"{cfg.d_cand} wide x {cfg.cand_layers} layer(s)"
    )


def _print_latency(label: str, fn: Callable[[], object], repeats: int, budget: str = "") -> None:
    with torch.inference_mode():
        p50, p99 = _latencies(fn, repeats)
    print(f"  {label:<58} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms {budget}")


def _print_latencies(model: AgentModel, cfg: NetworkConfig, repeats: int) -> None:
    """Batch-1 latency of the policy (full, padded, from Python lists, long candidates) and
    of the value network."""
    gen = torch.Generator().manual_seed(0)
    state = torch.randint(1, cfg.vocab_size, (1, cfg.max_state_len), generator=gen)
    cands = torch.randint(1, cfg.vocab_size, (1, 64, cfg.max_cand_len), generator=gen)
    mixed = cands.clone()
    lengths = torch.randint(4, cfg.max_cand_len + 1, (64,), generator=gen)
    for i, n in enumerate(lengths.tolist()):
        mixed[0, i, n:] = 0
    state_list = state[0].tolist()
    cand_lists = [c[c != 0].tolist() for c in mixed[0]]
    policy, value = model.policy, model.value_net

    print("latency (batch 1, torch.inference_mode):")
    _print_latency(
        f"policy: 64 cands x {cfg.max_cand_len} tokens, {cfg.max_state_len}-token state",
        lambda: policy(state, cands),
        repeats,
        "(budget 5 ms)",
    )
    _print_latency(
        f"policy: 64 cands x 4..{cfg.max_cand_len} tokens (padding mask)",
        lambda: policy(state, mixed),
        repeats,
    )
    _print_latency(
        f"AgentModel.priors on python lists (64 x 4..{cfg.max_cand_len})",
        lambda: model.priors(state_list, cand_lists),
        repeats,
    )
    if repeats > 0:
        _print_long_candidates_latency(cfg, state, gen, repeats)
    _print_latency("value: 256-token state", lambda: value(state), repeats)


def _print_long_candidates_latency(
    cfg: NetworkConfig, state: torch.Tensor, gen: torch.Generator, repeats: int
) -> None:
    long_policy = AgentModel.create(NetworkConfig(max_cand_len=256), seed=0).policy
    long_cands = torch.randint(1, cfg.vocab_size, (1, 64, 256), generator=gen)
    with torch.inference_mode():
        p50, p99 = _latencies(lambda: long_policy(state, long_cands), max(10, repeats // 10), 2)
    print(
        f"  {'policy: 64 cands x 256 tokens (max_cand_len=256 variant)':<58} "
        f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
    )


def _print_ppo_throughput() -> None:
    """PPO on a toy bandit with default-width networks, sampling included."""
    env = ContextualBandit(n_contexts=16, n_arms=8, seed=0)
    small = NetworkConfig(vocab_size=64, max_state_len=16, max_cand_len=8, n_measures=0)
    ppo_model = AgentModel.create(small, seed=0)
    ppo_cfg = PPOConfig()
    steps, iterations = 256, 3
    start = time.perf_counter()
    train(env, ppo_model, ppo_cfg, iterations=iterations, steps_per_iteration=steps, seed=0)
    elapsed = time.perf_counter() - start
    updates = iterations * ppo_cfg.update_epochs * ppo_cfg.num_minibatches
    print(
        f"PPO (bandit, 8 arms, default-width nets, sampling included): "
        f"{updates / elapsed:.1f} minibatch updates/s, {iterations * steps / elapsed:.0f} samples/s"
    )


def _print_dpo_throughput(cfg: NetworkConfig) -> None:
    """One DPO epoch over 256 random pairs, the reference model's pass included."""
    rng = random.Random(0)
    pairs = [
        PreferencePair(
            [rng.randrange(1, cfg.vocab_size) for _ in range(128)],
            [[rng.randrange(1, cfg.vocab_size) for _ in range(16)] for _ in range(8)],
            0,
            1,
        )
        for _ in range(256)
    ]
    dpo_model = AgentModel.create(cfg, seed=0)
    start = time.perf_counter()
    dpo_train(dpo_model, pairs, DPOConfig(epochs=1, batch_size=32))
    elapsed = time.perf_counter() - start
    print(
        f"DPO (128-token states, 8 x 16-token candidates, default nets): "
        f"{len(pairs) / elapsed:.0f} pairs/s (reference pass included)"
    )
