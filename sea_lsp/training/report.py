"""What a person looks at while and after training: progress bars, TensorBoard, a PNG, a summary.

Progress goes to stderr (stdout may be a pipe); TensorBoard and matplotlib are imported
only when a report is actually written, so importing this module stays cheap.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loguru import logger


class TrainingReport:
    """Collects scalars per phase; writes TensorBoard events, a PNG of the curves, a summary."""

    def __init__(self, logdir: Path | None, enabled: bool = True) -> None:
        self.logdir = logdir
        self.enabled = enabled and logdir is not None
        self.curves: dict[str, list[tuple[int, float]]] = {}
        self._writer: Any = None

    def _tb(self) -> Any:
        if self._writer is None and self.enabled:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError:  # tensorboard is an optional extra
                logger.warning("tensorboard is not installed; no event files are written")
                self.enabled = False
                return None
            self.logdir.mkdir(parents=True, exist_ok=True)
            self._writer = SummaryWriter(log_dir=str(self.logdir))
        return self._writer

    def log(self, phase: str, metrics: dict[str, Any], step: int) -> None:
        """Record every finite numeric metric as ``phase/name`` (TRL-style names kept)."""
        for name, value in metrics.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if name in ("epoch", "iteration", "pass") or not math.isfinite(value):
                continue
            tag = f"{phase}/{name}"
            self.curves.setdefault(tag, []).append((step, float(value)))
            writer = self._tb()
            if writer is not None:
                writer.add_scalar(tag, float(value), step)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.flush()
            self._writer.close()
            self._writer = None

    def write_png(self, path: Path, title: str = "sea-lsp training") -> Path | None:
        """One small panel per curve (the PNG people attach to issues)."""
        if not self.curves:
            return None
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        tags = sorted(self.curves)
        cols = min(4, len(tags))
        rows = math.ceil(len(tags) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
        for ax, tag in zip(axes.flat, tags, strict=False):
            xs, ys = zip(*self.curves[tag], strict=True)
            ax.plot(xs, ys, marker="o" if len(xs) < 30 else None, linewidth=1.2)
            ax.set_title(tag, fontsize=8)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(tags) :]:
            ax.axis("off")
        fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=90)
        plt.close(fig)
        return path


@contextmanager
def phase_progress(description: str, total: int, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr for one phase; yields ``advance(n=1)``."""
    if not enabled:
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(file=sys.stderr)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=max(1, total))
        yield lambda n=1: progress.advance(task, n)


def print_summary(title: str, rows: list[tuple[str, str]]) -> None:
    """The one-screen summary at the end (stderr, a rich table)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    Console(file=sys.stderr).print(table)
