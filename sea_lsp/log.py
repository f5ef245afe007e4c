"""Logging set-up for the application (never done at import time).

Everything goes to stderr or a file: in `serve` mode stdout carries the protocol.
"""

from __future__ import annotations

import sys
from pathlib import Path

from loguru import logger


def configure_logging(level: str = "INFO", file: str | Path | None = None) -> None:
    """Send loguru's output to stderr (and optionally a rotating file)."""
    logger.remove()
    logger.add(sys.stderr, level=level.upper(), backtrace=False, diagnose=False)
    if file is not None:
        Path(file).parent.mkdir(parents=True, exist_ok=True)
        logger.add(
            str(file), level="DEBUG", rotation="5 MB", retention=3, backtrace=False, diagnose=False
        )
