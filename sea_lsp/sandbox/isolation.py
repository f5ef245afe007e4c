"""OS isolation of every run of workspace code: whether this kernel can, and the wrapping.

On Linux with unprivileged user namespaces and Landlock, every sandboxed command (a one-off
test run, the warm fork-server) starts under ``in_copy/jail.py``: new user, mount, PID and
network namespaces, a fresh ``/proc``, and a Landlock ruleset that allows writes only to the
disposable copy and its private home/temporary directory. Where the kernel cannot (macOS,
Windows, containers without user namespaces, Landlock disabled), runs fall back to the copy
plus resource limits and the reason is logged once, unless the policy requires isolation
(``sandbox.require``), in which case they are refused with ``IsolationRefused``.

``support()`` answers once per process by running the jail for real on ``python -c pass``.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loguru import logger

JAIL = Path(__file__).parent / "in_copy" / "jail.py"
JAIL_NAME = "sea_sandbox_jail.py"  # its name next to a sandbox copy
JAIL_FAILED = 125  # the jail's exit status when the kernel refused a step
_TRUE = ("1", "true", "yes", "on")


class IsolationRefused(RuntimeError):
    """Isolation is required (``sandbox.require``) but this system cannot provide it."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"refused to run the tests: sandbox.require is set but OS isolation is not "
            f"available here ({reason}). Run on Linux with unprivileged user namespaces and "
            "Landlock (see `sea-lsp doctor`), or set sandbox.require to false to fall back to "
            "a plain disposable copy with resource limits"
        )


@dataclass(frozen=True)
class Policy:
    """What the user asked of isolation: refuse without it, and whether tests get a network."""

    require: bool = False
    network: bool = False
    isolate: bool = True  # False only to measure what isolation costs (bench sandbox)


@dataclass(frozen=True)
class Support:
    """Whether this system isolates runs, and if not, why (one line a person can act on)."""

    available: bool
    reason: str


_policy = Policy(
    require=os.environ.get("SEA_SANDBOX_REQUIRE", "").lower() in _TRUE,
    network=os.environ.get("SEA_SANDBOX_NETWORK", "").lower() in _TRUE,
)
_warned: set[str] = set()


def set_policy(require: bool, network: bool) -> None:
    """Apply the user's settings (``sandbox.require``, ``sandbox.network``) process-wide."""
    global _policy
    _policy = Policy(require=bool(require), network=bool(network))


def current_policy() -> Policy:
    return _policy


@functools.cache
def support() -> Support:
    """Probe once: run the jail on ``python -c pass`` and see whether it got through (a
    failure is tried once more, so a passing hiccup does not turn isolation off for good)."""
    if not sys.platform.startswith("linux"):
        return Support(False, f"{sys.platform} has no Linux namespaces or Landlock")
    found = _probe()
    return found if found.available else _probe()


def _probe() -> Support:
    argv = [sys.executable, "-I", "-S", str(JAIL), json.dumps({"writable": [], "network": False})]
    argv += ["--", sys.executable, "-I", "-S", "-c", "pass"]
    try:
        res = subprocess.run(
            argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Support(False, f"the isolation probe could not run: {exc}")
    if res.returncode == 0:
        return Support(True, "user, mount, PID and network namespaces with Landlock")
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("sea-jail:")]
    why = lines[-1].removeprefix("sea-jail:").strip() if lines else res.stderr.strip()[-300:]
    return Support(False, f"the kernel refused {why}" if lines else f"probe failed: {why}")


def describe() -> str:
    """One line for ``sea-lsp doctor`` and the server's status."""
    s = support()
    policy = current_policy()
    if s.available:
        net = "allowed (sandbox.network)" if policy.network else "none"
        return f"sandbox isolation: on ({s.reason}; network: {net})"
    then = (
        "runs are refused (sandbox.require)"
        if policy.require
        else "falling back to a plain copy with resource limits"
    )
    return f"sandbox isolation: OFF ({s.reason}); {then}"


def wrap(
    argv: Sequence[str],
    python: str,
    jail: Path,
    writable: Sequence[Path],
    max_processes: int,
    policy: Policy | None = None,
) -> tuple[list[str], bool]:
    """``argv`` to run under the jail (and True), or unchanged (False) where the kernel
    cannot isolate; raises ``IsolationRefused`` then if the policy requires isolation."""
    policy = policy or current_policy()
    if not policy.isolate:
        return list(argv), False
    s = support()
    if not s.available:
        if policy.require:
            raise IsolationRefused(s.reason)
        if s.reason not in _warned:
            _warned.add(s.reason)
            logger.warning("sandbox: no OS isolation ({}); tests run in a plain copy", s.reason)
        return list(argv), False
    cfg = {
        "writable": [str(p) for p in writable],
        "network": policy.network,
        "max_processes": max_processes,
    }
    return [python, "-I", "-S", str(jail), json.dumps(cfg), "--", *argv], True
