"""Which files of a project tree sea-lsp looks at.

One walker serves the workspace listing (``.gitignore`` honoured) and sandbox copies
(everything but VCS data, virtual environments and caches). It never follows a symlink
out of the root and never loops on a symlinked directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pathspec
from loguru import logger

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
    }
)
BINARY_SNIFF_BYTES = 8192


def is_virtualenv(path: str | Path) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def looks_binary(path: str | Path) -> bool:
    """A NUL byte in the first 8 KB marks a file as binary (git's rule)."""
    try:
        with open(path, "rb") as fh:
            return b"\0" in fh.read(BINARY_SNIFF_BYTES)
    except OSError:
        return True


def _load_gitignore(directory: str) -> pathspec.GitIgnoreSpec | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("cannot read {}: {}; its rules are not applied", path, exc)
        return None


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    """Deepest .gitignore with a rule for ``rel`` decides (negations included)."""
    for base, spec in reversed(specs):
        sub = rel[len(base) + 1 :] if base else rel
        result = spec.check_file(sub + "/" if is_dir else sub)
        if result.include is not None:
            return bool(result.include)
    return False


def walk_files(root: Path, *, gitignore: bool = True) -> Iterator[str]:
    """Workspace-relative POSIX paths of the regular files under ``root``, sorted per directory.

    Skips VCS and cache directories, virtual environments, ``.gitignore``d paths (when
    ``gitignore``), symlinks that leave the root, and symlinked directories (so a symlink
    loop cannot recurse; their targets inside the root are listed under their own names).
    """
    real_root = os.path.realpath(root)
    seen_dirs: set[str] = {real_root}
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    if gitignore and (spec := _load_gitignore(real_root)):
        specs.append(("", spec))
    yield from _walk(str(root), "", real_root, seen_dirs, specs, gitignore)


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _walk(directory, rel_dir, real_root, seen_dirs, specs, gitignore) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        logger.warning("cannot list {}: {}; skipped", directory, exc)
        return
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()  # follows symlinks
            is_file = entry.is_file()
        except OSError:
            continue
        if is_link:
            real = os.path.realpath(entry.path)
            if not _inside(real, real_root):
                logger.debug("skipping {}: symlink points outside the workspace", rel)
                continue
        if is_dir:
            if entry.name in SKIP_DIRS or is_virtualenv(entry.path):
                continue
            if is_link:  # its target inside the root is listed under its own name
                logger.debug("skipping {}: symlinked directory (not followed)", rel)
                continue
            if specs and _ignored(rel, True, specs):
                continue
            real = os.path.realpath(entry.path)
            if real in seen_dirs:
                logger.debug("skipping {}: directory already visited (symlink loop?)", rel)
                continue
            seen_dirs.add(real)
            pushed = False
            if gitignore and (spec := _load_gitignore(entry.path)):
                specs.append((rel, spec))
                pushed = True
            yield from _walk(entry.path, rel, real_root, seen_dirs, specs, gitignore)
            if pushed:
                specs.pop()
        elif is_file:
            if specs and _ignored(rel, False, specs):
                continue
            yield rel
