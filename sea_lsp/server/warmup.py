"""First-use warm-up, run on the model loader thread before the model is published.

Without it the first ``textDocument/codeAction`` pays for every lazy first use at once:
the generators' first run (query compilation, caches) and, above all, torch's first
forward pass (about 1.5 s on a laptop CPU, 0.1 s afterwards). A request that slow is
often cancelled by VS Code (its code-action providers change while extensions start), and
the user reads "No code actions available" until they ask again. Warming both here, on a
throwaway project in the loader thread, keeps the first request as fast as the second.
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path
from typing import Any

from loguru import logger

from sea_lsp.config import Settings
from sea_lsp.model_store import LoadedModel, load_model

_SAMPLE = '''"""A throwaway module for warming the code-action path."""

import os


def ratio(values, total):
    """The share of every value."""
    if total == 0:
        raise ValueError("total must not be zero")
    return [v / (total - 1) for v in values if v >= 0]


def first(xs):
    return xs[len(xs)]
'''
WARM_CANDIDATE_COUNTS = (1, 20)  # one ranking per batch shape the server typically sends


def load_and_warm(settings: Settings) -> LoadedModel:
    """``load_model`` for ``ModelHolder``, with the generators and the model warmed first."""
    from sea_lsp.agent.ranking import one_thread

    warm_generators()
    loaded = load_model(settings)
    one_thread()
    warm_model(loaded.model)
    # torch, the grammar and the model are loaded for good: keep the collector from
    # walking them again in the middle of a request.
    gc.collect()
    gc.freeze()
    return loaded


def warm_generators() -> float:
    """Run the cheap code-action generators and the encoder once on a throwaway project;
    returns the seconds it took. Failures are logged, never raised: warming is optional."""
    from sea_lsp.actions.base import ActionContext
    from sea_lsp.actions.registry import generate_all
    from sea_lsp.encoding.encoder import StateInput, encode_candidates, encode_state
    from sea_lsp.server.code_actions import CHEAP_GENERATORS
    from sea_lsp.workspace.symbols import SymbolIndex
    from sea_lsp.workspace.workspace import Workspace

    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="sea-warm-") as tmp:
            (Path(tmp) / "warm.py").write_text(_SAMPLE, encoding="utf-8")
            ws = Workspace(tmp)
            ws.open("warm.py", _SAMPLE, 1)
            symbols = SymbolIndex(ws)
            symbols.update("warm.py")
            start = _SAMPLE.index("(total - 1)")
            ctx = ActionContext(
                view=ws,
                focus_path="warm.py",
                focus_start=start,
                focus_end=start,
                diagnostics=["ZeroDivisionError: division by zero"],
                symbols=symbols,
                editor=True,
            )
            candidates = generate_all(ctx, CHEAP_GENERATORS)
            encode_state(
                StateInput(
                    view=ws,
                    task="",
                    focus_path="warm.py",
                    focus_start=start,
                    focus_end=start,
                    diagnostics=ctx.diagnostics,
                    failing_tests=(),
                )
            )
            encode_candidates(candidates, ws)
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the first request time
        logger.exception("warming the code-action generators failed")
    elapsed = time.perf_counter() - started
    logger.debug("code-action generators warmed in {:.2f} s", elapsed)
    return elapsed


def warm_model(model: Any) -> float:
    """One policy and one value pass per typical batch shape; returns the seconds taken."""
    started = time.perf_counter()
    try:
        config = model.config
        top = max(2, min(64, int(config.vocab_size)))
        state = [1 + i % (top - 1) for i in range(int(config.max_state_len))]
        cand = [1 + i % (top - 1) for i in range(int(config.max_cand_len))]
        for n in WARM_CANDIDATE_COUNTS:
            model.log_probs(state, [cand] * n)
        model.value(state)
    except Exception:  # noqa: BLE001 - an odd model still ranks, only more slowly at first
        logger.exception("warming the model failed")
    elapsed = time.perf_counter() - started
    logger.debug("model warmed in {:.2f} s", elapsed)
    return elapsed
