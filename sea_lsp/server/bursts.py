"""Typing bursts: a code action asked while the user types waits for no per-version work.

Every keystroke is a new document version, and a code action asked at the cursor after
each one would pay for that version: the reparse (error recovery after an edit that breaks
the syntax), the scope and defined-name walks, the compile checks. Instead:

- the answer of every request that ran the generators is kept as the document's *base*:
  its version, focus range, ranked candidates, encoded state and model;
- a request that comes while the document is changing (its last change less than
  ``typingIdleMs`` ago) for the same focus as the base is answered with the base carried to
  the new text: edits shifted past the changes; dropped are the candidates with an edit
  that touches a changed byte, those below a change that added or removed lines (their
  titles name lines), and syntax fixes (each was checked on the old text);
- once the document has been quiet for ``typingIdleMs``, the server does the new version's
  work for the last focus asked about (``sea_lsp.server.idle``), and that answer becomes the
  base: a request for that version and focus is answered from it at once.

A change that replaces the whole text ends the burst: nothing is carried across it. A
request for another focus, or with nothing to carry, does the full work as before. This
module holds the bookkeeping only; the server's modules call it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sea_lsp.actions.base import Candidate, NodeRef
from sea_lsp.workspace.changes import Change, TextEdit

if TYPE_CHECKING:
    from sea_lsp.workspace.workspace import Document

# One content change in bytes: start, old end, new end, and whether it added or removed lines.
Span = tuple[int, int, int, bool]
Ranked = list[tuple[Candidate, "float | None"]]

_GENERATION = itertools.count(1)  # document-sync events in this process
_current = [0]


@dataclass
class Answer:
    """A code-action answer before it is logged and shaped: ranked candidates (best first,
    with the policy's log-probabilities), the encoded state they were ranked in, the model."""

    ranked: Ranked
    state_tokens: list[int] = field(default_factory=list)
    model: Any = None
    carried: bool = False  # carried from an earlier version: its state is that version's


@dataclass
class Base:
    """The last answer that ran the generators (or was carried) for an open document."""

    focus: tuple[int, int]  # the focus byte range (a cursor widened to its line)
    key: tuple  # the request's diagnostics, wanted kinds, trust
    answer: Answer
    fresh: bool  # computed on this version (not carried), every generator done
    generation: int  # document-sync events when computed: another document's change shows


@dataclass
class Burst:
    """An open document's changes since its base, and the last focus asked about."""

    document: Any  # the open Document itself: a reopened document is another burst
    base: Base | None = None
    spans: list[Span] = field(default_factory=list)  # changes since the base, in order
    last_change: float = float("-inf")  # time.monotonic() of the last change
    asked: tuple[int, int, tuple] | None = None  # the last range asked (latest text), its key
    cursor: int | None = None  # where the last change ended, when it came after ``asked``
    timer: Any = None  # the pending idle call (asyncio.TimerHandle)
    syntax_rounds: int = 0  # rounds of syntax tries the idle work ran on this version


def _table(ls: Any) -> dict[tuple[str, str], Burst]:
    return ls.state.bursts


def _key_of(ls: Any, path: str) -> tuple[str, str]:
    return (str(ls.state.workspace.root), path)


def burst_of(ls: Any, path: str, doc: Document) -> Burst:
    """The burst of the open document ``doc`` (a new one for a document opened anew)."""
    table, key = _table(ls), _key_of(ls, path)
    burst = table.get(key)
    if burst is None or burst.document is not doc:
        if burst is not None and burst.timer is not None:
            burst.timer.cancel()
        burst = table[key] = Burst(doc)
    return burst


def synced(ls: Any, path: str | None = None) -> None:
    """A document was opened, changed or closed: answers that other documents' text may have
    shaped (imports from another module) are no longer reused as they are. With ``path``
    (open or close) that document's burst ends."""
    _current[0] = next(_GENERATION)
    if path is not None and ls.state.workspace is not None:
        burst = _table(ls).pop(_key_of(ls, path), None)
        if burst is not None and burst.timer is not None:
            burst.timer.cancel()


def changed(ls: Any, path: str, doc: Document, spans: list[Span] | None) -> Burst:
    """``didChange`` applied ``spans`` to ``doc`` (None: the whole text was replaced)."""
    synced(ls)
    burst = burst_of(ls, path, doc)
    burst.last_change = time.monotonic()
    burst.syntax_rounds = 0
    if spans is None:
        burst.base, burst.spans, burst.asked, burst.cursor = None, [], None, None
        return burst
    if spans:
        burst.cursor = spans[-1][2]
    if burst.base is not None:
        burst.spans.extend(spans)
    if burst.asked is not None:
        lo, hi, key = burst.asked
        # a cursor moves with text typed at it, as it does in the editor
        lo = map_position(lo, spans, lo == hi)
        burst.asked = (lo, map_position(hi, spans, True), key)
    return burst


def idle_focus(burst: Burst, trusted: bool) -> tuple[int, int, tuple] | None:
    """Where the editor will ask next: the last range asked, unless the document changed
    after it (then a cursor where the last change ended); None when neither is known."""
    if burst.cursor is not None:
        return burst.cursor, burst.cursor, ((), (), trusted)
    return burst.asked


def typing(burst: Burst, idle_s: float) -> bool:
    """True while the document changed less than ``idle_s`` ago."""
    return idle_s > 0 and time.monotonic() - burst.last_change < idle_s


def focus_of(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The focus range of a request: a cursor (an empty range) stands for its whole line,
    as the generators read it."""
    if start != end:
        return start, end
    line = doc.index.line_of(start)
    return doc.index.line_start(line), doc.index.line_end(line)


def answer_for(
    ls: Any,
    path: str,
    doc: Document,
    start: int,
    end: int,
    key: tuple,
    idle_s: float,
    model: Any = None,
) -> Answer | None:
    """The answer kept for this document, focus and key, carried to its text when it changed
    since: None when the generators must run (another focus, nothing kept, or no typing).
    Out of a burst only this version's own complete answer is reused, and only while no
    other document changed and the policy (``model``) is the one that ranked it."""
    burst = burst_of(ls, path, doc)
    focus = focus_of(doc, start, end)
    burst.asked, burst.cursor = (start, end, key), None
    base = burst.base
    # the diagnostics an editor sends change as the user types: carrying ignores them
    if base is None or base.key[1:] != key[1:]:
        return None
    if not burst.spans:
        same = base.key == key and base.generation == _current[0]
        same = same and (not base.answer.ranked or base.answer.model is model)
        if base.focus == focus and (typing(burst, idle_s) or (base.fresh and same)):
            return base.answer
        return None
    if not typing(burst, idle_s):
        return None
    lo = map_position(base.focus[0], burst.spans, False)
    hi = map_position(base.focus[1], burst.spans, True)
    if (lo, hi) != focus:
        return None
    ranked: Ranked = []
    for candidate, log_prob in base.answer.ranked:
        moved = carry(candidate, path, burst.spans)
        if moved is not None:
            ranked.append((moved, log_prob))
    answer = Answer(ranked, base.answer.state_tokens, base.answer.model, carried=True)
    burst.base = Base(focus, key, answer, fresh=False, generation=_current[0])
    burst.spans = []
    return answer


def answered(burst: Burst, focus: tuple[int, int], key: tuple) -> bool:
    """True when the base is this version's own complete answer for ``focus`` and ``key``."""
    base = burst.base
    if base is None or burst.spans or not base.fresh:
        return False
    return base.focus == focus and base.key == key


def keep(
    ls: Any,
    path: str,
    doc: Document,
    start: int,
    end: int,
    key: tuple,
    answer: Answer,
    complete: bool,
) -> None:
    """Remember a fresh answer (``complete``: no generator was left for later) as the base."""
    burst = burst_of(ls, path, doc)
    focus = focus_of(doc, start, end)
    burst.base = Base(focus, key, answer, fresh=complete, generation=_current[0])
    burst.spans = []


def map_position(pos: int, spans: list[Span], right: bool) -> int:
    """``pos`` after ``spans``: past a change it moves with the text; inside one it goes to
    the change's start, or its new end when ``right`` (the end of a range)."""
    for start, old_end, new_end, _ in spans:
        if pos > old_end or (pos == old_end and right):
            pos += new_end - old_end
        elif pos >= start and right:
            pos = new_end
        elif pos > start:
            pos = start
    return pos


def carry(candidate: Candidate, path: str, spans: list[Span]) -> Candidate | None:
    """``candidate`` with its edits of ``path`` moved past ``spans``; None when a change
    touches one of them, or shifted lines above it, or when it is a syntax fix."""
    if candidate.kind.startswith("syntax."):
        return None
    edits = []
    for e in candidate.change.edits:
        if e.path != path:
            edits.append(e)
            continue
        lo, hi = e.start, e.end
        for start, old_end, new_end, lines in spans:
            if hi < start:
                continue
            if lo > old_end and not lines:
                lo, hi = lo + new_end - old_end, hi + new_end - old_end
                continue
            return None
        edits.append(TextEdit(e.path, lo, hi, e.new_text))
    target = candidate.target
    if target is not None and target.path == path:
        target = NodeRef(
            path,
            map_position(target.start, spans, False),
            map_position(target.end, spans, True),
            target.type,
        )
    change = Change(edits=tuple(edits), file_ops=candidate.change.file_ops)
    return replace(candidate, change=change, target=target, data=dict(candidate.data))
