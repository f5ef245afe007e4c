"""``sea-lsp doctor``: what this system lets sea-lsp do, one line per check.

Today it checks the sandbox: whether every run of workspace code is OS-isolated (user,
mount, PID and network namespaces with Landlock, ``sandbox/isolation.py``), and if not,
which piece the kernel refused and what happens instead (a plain copy with resource
limits, or a refusal when ``SEA_SANDBOX_REQUIRE=1`` / ``sandbox.require`` is set).
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from sea_lsp import __version__
from sea_lsp.sandbox import isolation
from sea_lsp.sandbox.in_copy.jail import landlock_abi


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return "unknown"


def kernel_lines() -> list[str]:
    """The kernel facts behind the verdict (Linux only)."""
    if not sys.platform.startswith("linux"):
        return [f"  platform: {platform.system()} (no Linux namespaces or Landlock)"]
    abi = landlock_abi()
    return [
        f"  kernel: {platform.release()}",
        f"  user namespaces allowed: {_read('/proc/sys/user/max_user_namespaces')} max",
        f"  Landlock ABI: {abi if abi else 'not available'}",
    ]


def main(args: argparse.Namespace) -> int:
    print(f"sea-lsp {__version__} doctor (python {platform.python_version()})")
    print(isolation.describe())
    for line in kernel_lines():
        print(line)
    if not isolation.support().available:
        if isolation.current_policy().require:
            print("  tests will NOT run: isolation is required but unavailable")
            return 1
        print(
            "  to refuse instead of falling back, set sea.sandbox.require (editor) or "
            "SEA_SANDBOX_REQUIRE=1 (command line)"
        )
    return 0
