"""The registry of action generators: ``generate_all`` runs the registered generators, isolating failures (a generator that
raises is logged and skipped), dropping execution-needing candidates in an untrusted
workspace, and merging duplicates in a stable order.
"""

from __future__ import annotations

import time

from loguru import logger

from sea_lsp.actions.base import ActionContext, Candidate, Generator, dedupe
from sea_lsp.actions.docs import DocstringGenerator
from sea_lsp.actions.files import FilesGenerator
from sea_lsp.actions.imports import ImportsGenerator
from sea_lsp.actions.repair import RepairGenerator
from sea_lsp.actions.run_tests import RunTestsGenerator
from sea_lsp.actions.syntax import SyntaxGenerator
from sea_lsp.actions.tests_gen import TestsGenerator

# Cheap, local generators first; the expensive one (it runs the sandbox) last.
GENERATORS: dict[str, type] = {
    "syntax": SyntaxGenerator,
    "imports": ImportsGenerator,
    "repair": RepairGenerator,
    "docs": DocstringGenerator,
    "files": FilesGenerator,
    "run_tests": RunTestsGenerator,
    "tests": TestsGenerator,
}
# Candidate kinds start with the generator's name, except these.
_KIND_PREFIX = {"run_tests": "run"}


def _wanted(name: str, kinds: set[str]) -> bool:
    prefix = _KIND_PREFIX.get(name, name)
    return any(k == name or k.split(".")[0] == prefix for k in kinds)


def _selected(ctx: ActionContext, kinds: set[str] | None) -> list[tuple[str, type]]:
    """The generators ``generate_all`` runs for ``kinds``, in order."""
    out = []
    for name, cls in GENERATORS.items():
        if kinds is not None and not _wanted(name, kinds):
            continue
        if name == "tests" and not ctx.trusted:
            continue  # it runs code to build its candidate
        out.append((name, cls))
    return out


def _run_one(name: str, cls: type, ctx: ActionContext, kinds: set[str] | None) -> list[Candidate]:
    """One generator's candidates; a generator that raises is logged and gives none."""
    gen: Generator = cls()
    started = time.perf_counter()
    try:
        produced = list(gen.generate(ctx))
    except Exception:
        logger.exception("action generator {!r} failed; its candidates are skipped", name)
        return []
    logger.debug(
        "{}: {} candidates in {:.1f} ms", name, len(produced), 1e3 * (time.perf_counter() - started)
    )
    if kinds is not None and name not in kinds:
        produced = [c for c in produced if any(c.kind.startswith(k) for k in kinds)]
    return [c for c in produced if ctx.trusted or not c.needs_execution]


def generate_all(ctx: ActionContext, kinds: set[str] | None = None) -> list[Candidate]:
    """Candidates from every generator named in ``kinds`` (all when None), merged, in stable order.

    ``kinds`` holds generator names (``"repair"``) or candidate-kind prefixes (``"repair.negate"``).
    """
    out: list[Candidate] = []
    for name, cls in _selected(ctx, kinds):
        out.extend(_run_one(name, cls, ctx, kinds))
    return dedupe(out)


def generate_until(
    ctx: ActionContext,
    kinds: set[str] | None,
    first: int,
    deadline: float | None,
    ready: int = 0,
) -> tuple[list[Candidate], int | None]:
    """``generate_all``'s generators from the ``first``-th on, until ``deadline`` (a
    ``time.perf_counter()`` value; None: no deadline) has passed and there is something to
    answer with (``ready`` candidates from earlier parts, or new ones): an answer is never
    empty for want of time, and a caller that resumes always makes progress. Returns the
    candidates (not deduplicated against earlier parts) and the index to resume from, or
    None once all have run."""
    selected = _selected(ctx, kinds)
    out: list[Candidate] = []
    for index in range(first, len(selected)):
        late = deadline is not None and time.perf_counter() >= deadline
        if late and index > first and (ready or out):
            return out, index
        out.extend(_run_one(*selected[index], ctx, kinds))
    return out, None


__all__ = ["GENERATORS", "generate_all", "generate_until"]
