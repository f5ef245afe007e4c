"""Where sea-lsp keeps its data: the XDG data directory, the feedback database,
published checkpoints, and the embedded default checkpoint."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default_model"


def data_dir() -> Path:
    """``$SEA_LSP_DATA_DIR``, else ``$XDG_DATA_HOME/sea-lsp``, else ``~/.local/share/sea-lsp``."""
    explicit = os.environ.get("SEA_LSP_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "sea-lsp"


def feedback_db_path() -> Path:
    return data_dir() / "feedback.sqlite3"


def checkpoints_dir() -> Path:
    return data_dir() / "checkpoints"


def logs_dir() -> Path:
    return data_dir() / "logs"
