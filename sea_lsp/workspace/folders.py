"""The folders a server session serves: every workspace folder the client names, plus a
single-file folder for each file opened outside all of them.

A file outside every workspace folder (or in a session with no root at all) is served in
single-file mode: its folder is the nearest directory above it that holds a project marker
(``pyproject.toml``, ``setup.py``, ``setup.cfg``, ``.git``) below the home directory, else
the file's own directory. Each folder has its own ``Workspace`` and ``SymbolIndex``; a file
belongs to the deepest folder that contains it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from loguru import logger

from sea_lsp.workspace.symbols import SymbolIndex
from sea_lsp.workspace.workspace import Workspace

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def path_of_uri(uri: str | None) -> Path | None:
    """The local path a ``file://`` URI names, or None for any other URI."""
    if not uri:
        return None
    parsed = urlparse(uri)
    if parsed.scheme != "file" or not parsed.path:
        return None
    return Path(os.path.normpath(unquote(parsed.path)))


def project_root_for(file: Path, home: Path | None = None) -> Path:
    """The single-file root of ``file``: the nearest directory at or above the file's own
    that holds one of ``ROOT_MARKERS``, else the file's own directory. The home directory
    and ``/`` never count as a project found by a marker (a dotfiles ``.git`` in ``~``
    would make every loose file's sandbox a copy of the whole home)."""
    start = file.parent
    home = home if home is not None else Path.home()
    for directory in (start, *start.parents):
        if directory != start and (directory == home or directory == directory.parent):
            break
        try:
            if any((directory / marker).exists() for marker in ROOT_MARKERS):
                return directory
        except OSError:  # an unreadable directory on the way up: stop looking there
            break
    return start


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass
class Folder:
    """One served folder: its workspace, its symbol index and its own settings (None:
    the session's settings)."""

    workspace: Workspace
    symbols: SymbolIndex
    single_file: bool = False
    settings: Any = None  # sea_lsp.config.Settings for this folder, or None
    test_diagnostics_paths: set[str] = field(default_factory=set)

    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def uri(self) -> str:
        return self.root.as_uri()

    def contains(self, path: Path) -> bool:
        root = str(self.root)
        real_root = os.path.realpath(root)
        candidates = (os.path.normpath(str(path)), os.path.realpath(path))
        return any(_inside(c, r) for c in candidates for r in (root, real_root))


class FolderSet:
    """The served folders, in the order they were added; the first is the primary one
    (commands that name no file work there)."""

    def __init__(self, max_file_bytes: int = 1_000_000, position_encoding: str = "utf-16"):
        self.max_file_bytes = max_file_bytes
        self.position_encoding = position_encoding
        self._folders: list[Folder] = []
        self._lock = threading.RLock()

    def __iter__(self):
        with self._lock:
            return iter(list(self._folders))

    def __len__(self) -> int:
        return len(self._folders)

    @property
    def primary(self) -> Folder | None:
        with self._lock:
            workspace = [f for f in self._folders if not f.single_file]
            return (workspace or self._folders or [None])[0]

    def get(self, root: Path) -> Folder | None:
        resolved = Path(root).resolve()
        with self._lock:
            return next((f for f in self._folders if f.root == resolved), None)

    def add(self, root: Path, single_file: bool = False) -> Folder:
        """The folder at ``root``, created if new; a single-file folder that the client
        now names as a workspace folder becomes one."""
        with self._lock:
            folder = self.get(root)
            if folder is not None:
                if folder.single_file and not single_file:
                    logger.info(
                        "serving workspace folder {} (served single-file until now)", folder.root
                    )
                folder.single_file = folder.single_file and single_file
                return folder
            workspace = Workspace(root, self.max_file_bytes)
            workspace.position_encoding = self.position_encoding
            folder = Folder(workspace, SymbolIndex(workspace), single_file=single_file)
            self._folders.append(folder)
        mode = "single-file folder" if single_file else "workspace folder"
        logger.info("serving {} {}", mode, folder.root)
        return folder

    def remove(self, root: Path) -> Folder | None:
        """Stop serving ``root`` as a workspace folder. A folder with documents still open
        stays, in single-file mode, until they close (their changes still arrive)."""
        with self._lock:
            folder = self.get(root)
            if folder is None:
                return None
            if folder.workspace.open_paths():
                folder.single_file = True
                logger.info("{} left the workspace; kept for its open documents", folder.root)
                return folder
            self._folders.remove(folder)
        logger.info("no longer serving {}", folder.root)
        return folder

    def for_path(self, path: Path) -> Folder | None:
        """The deepest served folder that contains ``path``, or None."""
        with self._lock:
            holding = [f for f in self._folders if f.contains(path)]
        return max(holding, key=lambda f: len(f.root.parts), default=None)

    def for_uri(self, uri: str | None, create: bool = True) -> Folder | None:
        """The folder of a ``file://`` URI; with ``create``, a file outside every folder
        gets a single-file folder (see the module's docstring). None for other URIs."""
        path = path_of_uri(uri)
        if path is None:
            return None
        folder = self.for_path(path)
        if folder is None and create:
            folder = self.add(project_root_for(path), single_file=True)
        return folder

    def set_limits(self, max_file_bytes: int) -> None:
        with self._lock:
            self.max_file_bytes = max_file_bytes
            for folder in self._folders:
                folder.workspace.max_file_bytes = max_file_bytes
