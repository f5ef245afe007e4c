"""Two ranks under torchrun (gloo on CPU) end with the same parameters and one checkpoint."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


@pytest.mark.e2e
def test_torchrun_two_ranks_agree(tmp_path):
    out = tmp_path / "ckpt"
    env = {**os.environ, "SEA_LSP_DATA_DIR": str(tmp_path / "data"), "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "sea_lsp",
        "--log-level",
        "WARNING",
        "pretrain",
        "--files",
        "6",
        "--mutants",
        "2",
        "--epochs",
        "1",
        "--ppo-iterations",
        "1",
        "--out",
        str(out),
        "--logdir",
        str(tmp_path / "logs"),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    hashes = dict(re.findall(r"rank (\d) parameter hash ([0-9a-f]{64})", proc.stdout))
    assert set(hashes) == {"0", "1"}
    assert hashes["0"] == hashes["1"]
    assert (out / "weights.safetensors").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in ("logs", "data")) == ["ckpt"]
