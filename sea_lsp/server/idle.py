"""The idle moment after a burst of edits: once a document has been quiet for
``typingIdleMs``, the server does the work a code action on its latest version needs (the
reparse, the generators' per-version walks and compile checks, the policy) for the last
range the editor asked about, so that the request after the pause is answered at once and
about the latest text (``sea_lsp.server.bursts`` explains the requests during the burst).

The work runs on the event loop a slice at a time (the generators left for later by a
slice's deadline go on in the next slice), so a message that arrives meanwhile waits for
one slice at most, never for the whole of it; a newer change to the document drops it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from loguru import logger
from lsprotocol import types as lsp

from sea_lsp.server import bursts, code_actions, documents

if TYPE_CHECKING:
    from sea_lsp.server.app import SeaServer

SLICE_S = 0.005  # the event loop is given back after the generator that passes this
MAX_SLICES = 64  # a document whose work never completes (requests keep resetting it)
# The syntax generator checks its tries 4 ms per call (``actions.syntax.EDITOR_BUDGET_S``)
# and resumes on the next call on the same version: a call that returns sooner than this
# had none left. At most this many calls per version.
SYNTAX_DONE_S = 0.002
MAX_SYNTAX_ROUNDS = 30


def did_change(ls: SeaServer, params: lsp.DidChangeTextDocumentParams) -> None:
    """``textDocument/didChange``: apply it, then (re)start the document's quiet period."""
    changed = documents.did_change(ls, params)
    if changed is not None:
        schedule(ls, *changed)


def schedule(ls: SeaServer, path: str, burst: bursts.Burst) -> None:
    """Run ``refresh`` once ``path`` has had no change for ``typingIdleMs``."""
    idle_s = ls.state.settings.typing_idle_ms / 1e3
    loop = getattr(ls, "loop", None)
    if burst.timer is not None:
        burst.timer.cancel()
        burst.timer = None
    if idle_s <= 0 or loop is None or loop.is_closed():
        return
    folder = ls.state.folder
    burst.timer = loop.call_later(idle_s, _quiet, ls, path, burst, folder, MAX_SLICES)


def _quiet(ls: SeaServer, path: str, burst: bursts.Burst, folder: Any, left: int) -> None:
    burst.timer = None
    with ls.state.active(folder):
        try:
            done = refresh(ls, path, burst, time.perf_counter() + SLICE_S)
        except Exception:  # noqa: BLE001 - idle work must never take the server down
            logger.exception("idle work on {} failed; the next request does it", path)
            return
    loop = getattr(ls, "loop", None)
    if not done and left > 1 and loop is not None and not loop.is_closed():
        burst.timer = loop.call_soon(_quiet, ls, path, burst, folder, left - 1)


def refresh(ls: SeaServer, path: str, burst: bursts.Burst, deadline: float | None) -> bool:
    """One slice of the latest version's work for the range last asked about in ``path``
    (until ``deadline``; None: all of it). True once it is done, or there is nothing to do:
    the document was closed or reopened or is over ``maxFileBytes``, nothing was asked or
    changed since it was opened, or the base already answers for this version."""
    while not _slice(ls, path, burst, deadline):
        if deadline is not None:
            return False
    return True


def _slice(ls: SeaServer, path: str, burst: bursts.Burst, deadline: float | None) -> bool:
    ws = ls.state.workspace
    if ws is None or path not in ws.open_paths() or ws.document(path) is not burst.document:
        return True
    if len(burst.document.data) > ls.state.settings.max_file_bytes:
        return True  # no generator for a document over maxFileBytes (``documents.too_big``)
    asked = bursts.idle_focus(burst, ls.state.settings.trusted)
    if asked is None:
        return True
    start, end, key = asked
    doc = burst.document
    if bursts.answered(burst, bursts.focus_of(doc, start, end), key):
        return True
    if burst.syntax_rounds < MAX_SYNTAX_ROUNDS:
        # the syntax fixes' tries run a few milliseconds per request: here until they end
        started = time.perf_counter()
        code_actions.gather(ls, path, start, end, list(key[0]), None, {"syntax"})
        took = time.perf_counter() - started
        burst.syntax_rounds = MAX_SYNTAX_ROUNDS if took < SYNTAX_DONE_S else burst.syntax_rounds + 1
        return False
    candidates, done = code_actions.gather(ls, path, start, end, list(key[0]), deadline)
    if not done:
        return False
    code_actions.ranked_answer(ls, path, start, end, key, candidates, done)
    logger.debug("idle: {} v{} answered ahead at bytes {}-{}", path, doc.version, start, end)
    return True
