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


def generate_all(ctx: ActionContext, kinds: set[str] | None = None) -> list[Candidate]:
    """Candidates from every generator named in ``kinds`` (all when None), merged, in stable order.

    ``kinds`` holds generator names (``"repair"``) or candidate-kind prefixes (``"repair.negate"``).
    """
    out: list[Candidate] = []
    for name, cls in GENERATORS.items():
        if kinds is not None and not _wanted(name, kinds):
            continue
        if name == "tests" and not ctx.trusted:
            continue  # it runs code to build its candidate
        gen: Generator = cls()
        started = time.perf_counter()
        try:
            produced = list(gen.generate(ctx))
        except Exception:
            logger.exception("action generator {!r} failed; its candidates are skipped", name)
            continue
        logger.debug(
            "{}: {} candidates in {:.1f} ms",
            name,
            len(produced),
            1e3 * (time.perf_counter() - started),
        )
        if kinds is not None and name not in kinds:
            produced = [c for c in produced if any(c.kind.startswith(k) for k in kinds)]
        out.extend(c for c in produced if ctx.trusted or not c.needs_execution)
    return dedupe(out)


__all__ = ["GENERATORS", "generate_all"]
