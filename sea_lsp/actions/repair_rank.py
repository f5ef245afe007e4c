"""A learned order of repair candidates (the search's ``learned`` ranking, issue #13).

The hand-set order (``repair.hand_scores``: localisation weight x family prior / the
family's count on the line) knows a family only by one number. Real fixes depend on where a
family's edit lands: a comparison flipped in an ``if`` is a likelier fix than one in a
``return``; an identifier swapped in a call's argument likelier than in an assignment's
target; a family backed by the failing tests' evidence likelier than its bare prior says.
``Ranker`` scores each candidate with a log-linear model over the hand score and such
features (``features``); ``sea-lsp ranker`` (``sea_lsp.training.ranker``) fits it listwise
on the repair benchmark's *train* projects, where the human fix of every bug is known:
softmax over each bug's candidates at the root, as the agent builds them when it serves
(real localisation, every line's candidates, the failing tests' evidence), maximising the
human fix's probability. The weights ship as ``default_model/ranker.json``; without them the
``learned`` ranking is the hand order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions import repair_evidence
from sea_lsp.actions.repair_shapes import read_table

RANKER_FILE = Path(__file__).resolve().parent.parent / "default_model" / "ranker.json"
MAX_WEIGHT = 20.0  # a corrupted or hand-edited table cannot make one feature absolute
LOG_FLOOR = -60.0  # log of a zero score (a line no failing test ran)
LINE_FLOOR = -14.0
FEATURE_SET = "hand+family+statement+node+evidence+backed+region+count+line/1"


def statement_kind(node: Node | None) -> str:
    """The kind of statement a candidate's node sits in (``if_statement``, ``return_statement``,
    ``elif_clause``, ``function_definition``, ...), or ``none``."""
    n, depth = node, 0
    while n is not None and depth < 30:
        t = n.type
        if t.endswith(("_statement", "_clause")) or t in (
            "function_definition",
            "class_definition",
        ):
            return t
        n, depth = n.parent, depth + 1
    return "none"


def _region_bucket(region: int) -> int:
    """The candidate's line's rank in localisation, coarsely: 0, 1, 2-3, 4-7, 8-15, 16+."""
    if region < 2:
        return region
    return 2 if region < 4 else 3 if region < 8 else 4 if region < 16 else 5


def _log(x: float, floor: float) -> float:
    return max(math.log(x), floor) if x > 0 else floor


def features(
    family: str,
    node_type: str,
    statement: str,
    region: int,
    hand: float,
    line_weight: float,
    backed: bool,
    count: int,
    evidence: Iterable[str],
) -> list[tuple[str, float]]:
    """One candidate's features: the hand score's log, the family alone, with the statement
    and the node it edits, with each evidence tag of the failing tests, backed by evidence;
    the line's localisation rank (bucketed) and log weight; the log of how many candidates
    the family has on that line."""
    out = [
        ("hand", _log(hand, LOG_FLOOR)),
        ("fam:" + family, 1.0),
        ("fs:" + family + "|" + statement, 1.0),
        ("fn:" + family + "|" + node_type, 1.0),
    ]
    kinds = sorted({repair_evidence.kind(tag) for tag in evidence})  # not what a tag names
    out.extend(("ev:" + tag + "|" + family, 1.0) for tag in kinds)
    if backed:
        out.append(("bk:" + family, 1.0))
    out.append((f"reg:{_region_bucket(region)}", 1.0))
    out.append(("lcf:" + family, math.log(max(count, 1))))
    out.append(("lw", _log(line_weight, LINE_FLOOR)))
    return out


def _inputs(
    rows: Sequence[tuple[Any, float, bool]], weights: Sequence[float]
) -> Iterator[tuple[str, str, str, int, float, bool, int]]:
    """What ``features`` takes of each row besides its hand score and the evidence: family,
    node type, statement kind, region, line weight, backed, the family's count on the line.
    A node's statement kind is looked up once (keyed by file too: rows span files)."""
    counts = Counter((f.region, f.mutation.family, bk) for f, _, bk in rows)
    kinds: dict[tuple[str, int, int, str], str] = {}
    for f, _, bk in rows:
        m, node = f.mutation, f.mutation.node
        where = (f.path, node.start_byte, node.end_byte, node.type)
        stmt = kinds.get(where)
        if stmt is None:
            stmt = kinds[where] = statement_kind(node)
        w = weights[f.region] if f.region < len(weights) else 0.0
        yield m.family, node.type, stmt, f.region, w, bk, counts[(f.region, m.family, bk)]


def candidate_features(
    rows: Sequence[tuple[Any, float, bool]], weights: Sequence[float], evidence: Iterable[str]
) -> list[list[tuple[str, float]]]:
    """``features`` of every ``(Found, hand score, backed)`` row of ``repair.hand_scores``."""
    evidence = tuple(sorted(evidence))
    return [
        features(family, node_type, stmt, region, hand, w, bk, count, evidence)
        for (_, hand, _), (family, node_type, stmt, region, w, bk, count) in zip(
            rows, _inputs(rows, weights), strict=True
        )
    ]


class Ranker:
    """A log-linear score over ``features``; an unknown feature weighs 0, and a table
    without a ``hand`` weight keeps the hand score's (1)."""

    def __init__(self, weights: dict[str, float], meta: dict | None = None) -> None:
        self.weights = {k: max(-MAX_WEIGHT, min(MAX_WEIGHT, float(v))) for k, v in weights.items()}
        self.weights.setdefault("hand", 1.0)
        self.meta = meta or {}

    def score(self, feats: Iterable[tuple[str, float]]) -> float:
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in feats)

    def scores(
        self, rows: Sequence[tuple[Any, float, bool]], weights: Sequence[float], evidence
    ) -> list[float]:
        """``score`` of each row's ``candidate_features``, without building them: all but the
        hand score's term are shared by a line's candidates of one family on one kind of
        node, so they are summed once per such group (thousands of candidates, dozens of
        groups)."""
        evidence = tuple(sorted(evidence))
        shared: dict[tuple, float] = {}
        w_hand = self.weights["hand"]
        out = []
        for (_, hand, _), key in zip(rows, _inputs(rows, weights), strict=True):
            rest = shared.get(key)
            if rest is None:
                # the hand term at a score of 1 is 0: what is left is every other feature's
                family, node_type, stmt, region, w, bk, count = key
                rest = shared[key] = self.score(
                    features(family, node_type, stmt, region, 1.0, w, bk, count, evidence)
                )
            out.append(rest + w_hand * _log(hand, LOG_FLOOR))
        return out

    def order(
        self, rows: Sequence[tuple[Any, float, bool]], weights: Sequence[float], evidence
    ) -> list[Any]:
        """The rows' candidates, best first (ties: the hand order's keys)."""
        scores = self.scores(rows, weights, evidence)
        ranked = sorted(
            range(len(rows)), key=lambda i: (-scores[i], rows[i][0].rank, rows[i][0].seq)
        )
        return [rows[i][0] for i in ranked]

    def to_json(self) -> dict:
        return {"meta": self.meta, "weights": self.weights}

    @classmethod
    def load(cls, path: Path) -> Ranker | None:
        """The table at ``path``; ``None`` (the hand order) for a missing, unreadable or
        malformed one, with one warning that says how to rebuild it."""
        try:
            weights, meta = read_table(path)
            if meta.get("features", FEATURE_SET) != FEATURE_SET:
                raise ValueError(
                    f"built for features {meta.get('features')!r}, not {FEATURE_SET!r}"
                )
            return cls(weights, meta)
        except (OSError, ValueError, KeyError, TypeError) as e:
            logger.warning(
                "learned ranking {} unusable ({}); candidates keep the hand order. "
                "Rebuild it with `sea-lsp ranker`.",
                path,
                e,
            )
            return None


@lru_cache(maxsize=1)
def default_ranker() -> Ranker | None:
    return Ranker.load(RANKER_FILE)
