"""What is never trained on: the repair benchmark's held-out standard-library modules.

Pretraining samples its corpus from the standard library; the benchmark mutates some of the
same modules. Both read the split from here, so training never depends on the benchmark.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SPLIT_SEED = 20261126
# Checked here (2026-11-26, CPython 3.11): not imported by pytest or at start-up, so the copy
# shadows them; their own tests pass on the copy in about 1-2 s.
STDLIB_MODULES = (
    "colorsys.py", "configparser.py", "filecmp.py", "fractions.py", "getopt.py",
    "graphlib.py", "imghdr.py", "mailcap.py", "mimetypes.py", "netrc.py", "optparse.py",
    "pipes.py", "plistlib.py", "sched.py", "uu.py", "xdrlib.py",
)  # fmt: skip


def split_modules(modules: Iterable[str], seed: int = SPLIT_SEED) -> tuple[list[str], list[str]]:
    """(train, held_out): a stable half/half split by a seeded hash of each name."""
    ranked = sorted(modules, key=lambda m: hashlib.sha256(f"{seed}:{m}".encode()).hexdigest())
    n_held = (len(ranked) + 1) // 2
    return sorted(ranked[n_held:]), sorted(ranked[:n_held])


TRAIN_MODULES, _HELD = split_modules(STDLIB_MODULES)
HELD_OUT_MODULES: frozenset[str] = frozenset(_HELD)
