"""Helpers for sandbox tests: small projects, workspace hashes, leftover-process scans."""

from __future__ import annotations

import hashlib
import os
import textwrap
import time
from pathlib import Path

CALC = """\
def add(a, b):
    return a - b


def mul(a, b):
    return a * b
"""

CALC_TESTS = """\
from calc import add, mul


def test_add():
    assert add(2, 3) == 5


def test_mul():
    assert mul(2, 3) == 6
"""


def make_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


def tree_hash(root: Path) -> str:
    """Hash of every path and file content under ``root`` (what must stay byte-for-byte)."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file() and not p.is_symlink():
            h.update(p.read_bytes())
    return h.hexdigest()


def marked_processes(marker: str) -> list[int]:
    """Live processes whose command line or environment carries ``marker``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
            with open(f"/proc/{name}/cmdline", "rb") as f:
                data = f.read()
            with open(f"/proc/{name}/environ", "rb") as f:
                data += f.read()
        except OSError:
            continue
        if marker.encode() in data:
            found.append(int(name))
    return found


def wait_gone(marker: str, seconds: float = 2.0) -> list[int]:
    """Processes still carrying ``marker`` after a short grace period (should be none)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        left = marked_processes(marker)
        if not left:
            return []
        time.sleep(0.05)
    return marked_processes(marker)
