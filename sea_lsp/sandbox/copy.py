"""The disposable copy: a workspace copied for running (no VCS, venvs or caches) and
candidate files written into it in each file's own encoding and line endings."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from sea_lsp.workspace.safe_fs import WorkspaceFS, encode_text

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", "node_modules", ".eggs", ".hypothesis", ".idea", ".vscode",
}  # fmt: skip


def encode_replacements(
    base: Path, replacements: Mapping[str, str | None]
) -> dict[str, bytes | None]:
    """Workspace-relative path -> bytes to write (keeping each file's encoding and line endings)."""
    fs = WorkspaceFS(base)
    out: dict[str, bytes | None] = {}
    for path, text in replacements.items():
        real = fs.resolve(path)
        rel = real.relative_to(fs.root).as_posix()
        if text is None:
            out[rel] = None
        else:
            old = real.read_bytes() if real.is_file() else None
            out[rel] = encode_text(rel, text, old)
    return out


def write_replacements(ws: Path, replacements: Mapping[str, str | None]) -> None:
    for rel, data in encode_replacements(ws, replacements).items():
        full = ws / rel
        if full.is_symlink() or full.exists():
            full.unlink()
        if data is not None:
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_bytes(data)


def copy_tree(src: Path, dst: Path) -> None:
    """Copy a workspace for running: regular files and in-tree symlinks; no VCS, venvs, caches."""
    dst.mkdir(parents=True)
    for dirpath, dirnames, filenames in os.walk(src):
        here = Path(dirpath)
        rel = here.relative_to(src)
        keep = []
        for d in dirnames:
            full = here / d
            if d in SKIP_DIRS or (full / "pyvenv.cfg").exists() or full.is_symlink():
                continue
            keep.append(d)
            (dst / rel / d).mkdir()
        dirnames[:] = keep
        for name in filenames:
            full = here / name
            if full.is_symlink():
                target = Path(os.path.realpath(full))
                if target.is_file() and target.is_relative_to(src):
                    shutil.copyfile(target, dst / rel / name)
                continue
            if full.is_file():
                shutil.copy2(full, dst / rel / name)
