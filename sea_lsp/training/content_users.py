"""Simulated users whose hidden preference is about an edit's content, not its action kind.

Each user sees what an editor would show after applying a candidate: the text before and the
text after. A user returns the index of the candidate it accepts, or None (no preference).
A user is indifferent between different edits its preference rates the same: when two
different texts tie for best it has no preference (None). Breaking such ties by any rule the
preference does not state (the after-text's spelling, the offered position) would make
agreement measure that rule: on the benchmark projects about 60 % of the offered sets tie
for best (two operators swapped by one character each, say).

- ``smallest_diff``: the fewest changed characters (a minimalist reviewer);
- ``keeps_names``: the fewest identifiers added or removed, then the smallest diff;
- ``LinearUser``: a hidden linear utility over ``edit_features``.

``split_projects`` gives held-out *projects*: a user is trained on decisions from some projects
and measured on projects never seen, so no validation offer can appear in training.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import io
import keyword
import tokenize
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sea_lsp.workspace.changes import changed_span, common_ends, diff_chars

Preference = Callable[[str, Sequence[str]], "int | None"]
FEATURES = ("chars_changed", "lines_changed", "names_changed", "adds_docstring", "grows")


def changed_chars(before: str, after: str) -> int:
    """Characters inserted plus characters deleted between ``before`` and ``after`` (the
    common prefix and suffix are cut first: a one-token edit of a large file stays cheap)."""
    _, removed, inserted = changed_span(before, after)
    return diff_chars(removed, inserted)


def changed_lines(before: str, after: str) -> int:
    """Lines added plus lines removed (a unified diff's +/- lines)."""
    old, new = before.splitlines(), after.splitlines()
    lo = 0
    while lo < min(len(old), len(new)) and old[lo] == new[lo]:
        lo += 1
    old, new = old[lo:], new[lo:]
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


def names(text: str) -> set[str]:
    """Identifiers in Python ``text`` (keywords excluded); a partial parse on broken code."""
    return set(_name_counts(text))


def _name_counts(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
                out[tok.string] += 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return out  # the names read before the error
    return out


@functools.lru_cache(maxsize=16)
def _file_names(text: str) -> Counter[str]:
    """``_name_counts`` of a whole file, kept: every candidate of a decision edits the same."""
    return _name_counts(text)


def names_changed(before: str, after: str) -> int:
    """How many identifiers the edit adds to or removes from the file. Only the changed
    lines are read again (a file's names are counted once), so judging twenty candidates
    on a large module stays fast."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    lo, hi = common_ends(old, new)
    gone = _name_counts("".join(old[lo : len(old) - hi]))
    came = _name_counts("".join(new[lo : len(new) - hi]))
    counts = _file_names(before)
    now = (counts - gone) + came
    return len(set(counts) ^ set(now))


def edit_features(before: str, after: str) -> tuple[float, ...]:
    """The features of one edit, in the order of ``FEATURES``."""
    added_doc = after.count('"""') + after.count("'''") > before.count('"""') + before.count("'''")
    return (
        float(changed_chars(before, after)),
        float(changed_lines(before, after)),
        float(names_changed(before, after)),
        float(added_doc),
        float(len(after) > len(before)),
    )


def _argmin(before: str, afters: Sequence[str], key: Callable[[str], tuple]) -> int | None:
    """Index of the after-text of smallest ``key`` (the first offered of identical texts);
    candidates that change nothing (a command such as "more suggestions") are not edits and
    never chosen. None when no edit is left, or when different texts tie for smallest."""
    keys: dict[str, tuple[tuple, int]] = {}
    for i, a in enumerate(afters):
        if a != before and a not in keys:
            keys[a] = (key(a), i)
    if not keys:
        return None
    ranked = sorted(keys.values())
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][1]


def smallest_diff(before: str, afters: Sequence[str]) -> int | None:
    """Accept the candidate that changes the fewest characters."""
    return _argmin(before, afters, lambda a: (changed_chars(before, a),))


def keeps_names(before: str, afters: Sequence[str]) -> int | None:
    """Accept the candidate that adds or removes the fewest identifiers, then the smallest."""
    return _argmin(before, afters, lambda a: (names_changed(before, a), changed_chars(before, a)))


@dataclass(frozen=True)
class LinearUser:
    """Accept the candidate of highest hidden utility ``weights · edit_features``."""

    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"LinearUser needs {len(FEATURES)} weights, one per {FEATURES}")

    def utility(self, before: str, after: str) -> float:
        """The hidden utility of one edit."""
        return sum(w * f for w, f in zip(self.weights, edit_features(before, after), strict=True))

    def __call__(self, before: str, afters: Sequence[str]) -> int | None:
        return _argmin(before, afters, lambda a: (-self.utility(before, a),))


USERS: dict[str, Preference] = {
    "smallest_diff": smallest_diff,
    "keeps_names": keeps_names,
    "linear": LinearUser((-0.02, -0.3, -0.5, 1.0, 0.2)),
}


def split_projects(
    projects: Iterable[str], seed: int, held_fraction: float = 0.5
) -> tuple[list[str], list[str]]:
    """(train, held_out) projects by a seeded hash of each name; both sides non-empty."""
    ranked = sorted(set(projects), key=lambda p: hashlib.sha256(f"{seed}:{p}".encode()).hexdigest())
    if len(ranked) < 2:
        raise ValueError("held-out evaluation needs at least two projects (one to train on)")
    n_held = min(max(1, round(len(ranked) * held_fraction)), len(ranked) - 1)
    return sorted(ranked[n_held:]), sorted(ranked[:n_held])


def top1_agreement(user: Preference, offers: Iterable[tuple[str, Sequence[str]]]) -> float:
    """Share of offers (before, afters in served order) whose first candidate the user picks;
    offers where the user has no preference are left out. NaN when none is left."""
    picks = [user(before, afters) for before, afters in offers]
    judged = [p for p in picks if p is not None]
    return sum(p == 0 for p in judged) / len(judged) if judged else float("nan")


def interval95(values: Sequence[float]) -> tuple[float, float, float]:
    """(mean, low, high): a normal 95 % interval of the mean over seeds (width 0 for one)."""
    if not values:
        raise ValueError("interval95 needs at least one value")
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    half = 1.96 * (var / n) ** 0.5
    return mean, mean - half, mean + half
