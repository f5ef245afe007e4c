"""An ignored offer is no preference, unless the user then made one of its edits by hand.

When the document changes with no decision on an offer, the server can compare the text the
offer was made on (``before``) and the text now (``now``) with each candidate's result: if
the user's own change is exactly one candidate's edit (typed, or pasted, instead of applied
from the lightbulb), that is the strongest positive there is, and it is recorded as an accept
(``FeedbackStore.record_typed``). "Exactly" is measured on the changed span: the text between
the longest common prefix and suffix of ``before`` and ``now`` must be the candidate's. An
edit merely like it never counts; one typed together with other changes is not recognised
either (no preference: the safe side).
"""

from __future__ import annotations

from collections.abc import Sequence

from sea_lsp.workspace.changes import changed_span


def typed_by_hand(before: str, now: str, afters: Sequence[str | None]) -> int | None:
    """The index of the candidate whose result (``afters[i]``: the text after applying it to
    ``before``; None for one that does not edit this document) is the edit the user made
    between ``before`` and ``now``; None when the user did something else or nothing."""
    if now == before:
        return None
    made = changed_span(before, now)
    for i, after in enumerate(afters):
        if after is None or after == before:
            continue
        if after == now or changed_span(before, after) == made:
            return i
    return None
