"""Simulated users whose hidden preference is about an edit's content, not its action kind.

Each user sees what an editor would show after applying a candidate: the text before and the
text after. A user returns the index of the candidate it accepts, or None (no preference).
Ties are broken by the candidate's after-text, never by its offered position, so serving order
(generator order, fault-localisation order) earns no agreement by construction.

- ``smallest_diff``: the fewest changed characters (a minimalist reviewer);
- ``keeps_names``: the fewest identifiers added or removed, then the smallest diff;
- ``LinearUser``: a hidden linear utility over ``edit_features``.

``split_projects`` gives held-out *projects*: a user is trained on decisions from some projects
and measured on projects never seen, so no validation offer can appear in training.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import keyword
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Preference = Callable[[str, Sequence[str]], "int | None"]
FEATURES = ("chars_changed", "lines_changed", "names_changed", "adds_docstring", "grows")


def changed_chars(before: str, after: str) -> int:
    """Characters inserted plus characters deleted between ``before`` and ``after``."""
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


def changed_lines(before: str, after: str) -> int:
    """Lines added plus lines removed (a unified diff's +/- lines)."""
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return sum(1 for d in diff if d[:1] in "+-")


def names(text: str) -> set[str]:
    """Identifiers in Python ``text`` (keywords excluded); a partial parse on broken code."""
    out: set[str] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
                out.add(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return out  # the names read before the error
    return out


def edit_features(before: str, after: str) -> tuple[float, ...]:
    """The features of one edit, in the order of ``FEATURES``."""
    added_doc = after.count('"""') + after.count("'''") > before.count('"""') + before.count("'''")
    return (
        float(changed_chars(before, after)),
        float(changed_lines(before, after)),
        float(len(names(before) ^ names(after))),
        float(added_doc),
        float(len(after) > len(before)),
    )


def _argmin(before: str, afters: Sequence[str], key: Callable[[str], tuple]) -> int | None:
    """Index of the after-text of smallest ``key``; candidates that change nothing (a command
    such as "more suggestions") are not edits and never chosen. None when no edit is left."""
    keys = {i: (key(a), a) for i, a in enumerate(afters) if a != before}
    return min(keys, key=keys.__getitem__) if keys else None


def smallest_diff(before: str, afters: Sequence[str]) -> int | None:
    """Accept the candidate that changes the fewest characters (ties: by after-text)."""
    return _argmin(before, afters, lambda a: (changed_chars(before, a),))


def keeps_names(before: str, afters: Sequence[str]) -> int | None:
    """Accept the candidate that adds or removes the fewest identifiers, then the smallest."""
    old = names(before)
    return _argmin(before, afters, lambda a: (len(old ^ names(a)), changed_chars(before, a)))


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
