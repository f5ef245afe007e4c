"""How natural an inserted statement is where it goes: a prior learned from ordinary code.

``insert_template`` offers hundreds of statements per line (``a.append(b)``, ``a = b``,
``return a``, ... over the names in scope); spread evenly, the real missing statement sits
behind every other family's candidates. Real code is not even: ``out.append(item)`` right
after ``item`` is assigned is far likelier than ``item.append(out)``, and ``return total``
at the end of a function likelier than ``total.add(x)`` there. ``features`` describes one
template candidate in its context (the statements around the insertion point, what the
names hold, where they are read); ``ShapePrior`` weighs it with a log-linear model fitted
on the standard library (``sea_lsp.training.shapes``: delete a real statement, rank the
candidates the generator offers at its place, learn to put the real one first). The
weights ship as ``default_model/shapes.json``; without them every candidate weighs 1.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path

from loguru import logger
from tree_sitter import Node

from sea_lsp.actions import pytree
from sea_lsp.actions.pytree import LOOPS, text_of
from sea_lsp.actions.repair_site import Site

SHAPES_FILE = Path(__file__).resolve().parent.parent / "default_model" / "shapes.json"
MAX_LOG_WEIGHT = 8.0  # a corrupted or hand-edited table cannot make one candidate absolute


def _targets(stmt: Node | None) -> set[str]:
    """Names a statement binds: assignment targets, a ``for`` loop's targets."""
    if stmt is None:
        return set()
    if stmt.type != "for_statement":
        return set(pytree.assigned_names(stmt))
    out: list[str] = []
    pytree._target_names(stmt.child_by_field_name("left"), out)
    return set(out)


def _coarse(stmt: Node | None) -> str:
    """A statement's shape in a word: ``assign``, ``aug``, ``call``, ``for``, ``if``, ..."""
    if stmt is None:
        return "none"
    if stmt.type == "expression_statement" and stmt.named_children:
        inner = stmt.named_children[0].type
        return {"assignment": "assign", "augmented_assignment": "aug", "call": "call"}.get(
            inner, "expr"
        )
    return stmt.type.removesuffix("_statement")


def sibling(node: Node, forward: bool) -> Node | None:
    """The next (``forward``) or previous statement beside ``node``, comments skipped."""
    n: Node | None = node
    while n is not None:
        n = n.next_named_sibling if forward else n.prev_named_sibling
        if n is None or n.type != "comment":
            return n
    return None


def _siblings(node: Node, after: bool) -> tuple[Node | None, Node | None]:
    """The statements before and after the insertion point (comments skipped)."""
    if after:
        return node, sibling(node, True)
    return sibling(node, False), node


def _first_line_names(stmt: Node | None) -> set[str]:
    """The names on the first line of ``stmt`` (what a guard before it most likely protects)."""
    if stmt is None:
        return set()
    row = stmt.start_point.row
    out: set[str] = set()
    stack = [stmt]
    while stack:
        n = stack.pop()
        if n.type == "identifier":
            out.add(text_of(n))
        stack.extend(c for c in n.children if c.start_point.row == row)
    return out


class Context:
    """What the features of every template at one insertion point share, computed once."""

    def __init__(
        self, site: Site, node: Node, after: bool, fn: Node, kinds: dict[str, str]
    ) -> None:
        self.prev, self.next = _siblings(node, after)
        self.prev_bound = _targets(self.prev)
        self.next_reads = _first_line_names(self.next)
        self.kinds = kinds
        loop = pytree.enclosing(node, (*LOOPS, "function_definition"))
        self.loop = loop is not None and loop.type in LOOPS
        self.loop_vars = _targets(loop) if loop is not None and self.loop else set()
        self.params = set(pytree.parameter_names(fn.child_by_field_name("parameters")))
        self.end = self.next is None
        self.point = node.end_byte if after else node.start_byte
        self.last_use = last_uses(site, fn)
        self.shape = f"{_coarse(self.prev)}>{_coarse(self.next)}"


def last_uses(site: Site, fn: Node) -> dict[str, int]:
    """Where each name of ``fn``'s own scope last occurs (one walk per function and file)."""
    key = ("last_uses", fn.id)
    got = site.memo.get(key)
    if got is None:
        got = site.memo[key] = {}
        for n in pytree.walk_local(fn):
            if n.type == "identifier":
                got[text_of(n)] = n.start_byte
    return got


def features(ctx: Context, kind: str, a: str, b: str | None) -> list[str]:
    """The features of inserting template ``kind`` over ``a`` (and ``b``) at ``ctx``'s point,
    each conjoined with the kind: a model over them learns which shapes real code has."""
    value = b if b is not None else a
    facts = [
        "",
        f"val_prev={value in ctx.prev_bound}",
        f"tgt_prev={a in ctx.prev_bound}",
        f"end={ctx.end}",
        f"loop={ctx.loop}",
        f"val_loopvar={value in ctx.loop_vars}",
        f"tgt_kind={ctx.kinds.get(a, '-')}",
        f"val_kind={ctx.kinds.get(value, '-')}",
        f"tgt_later={ctx.last_use.get(a, -1) >= ctx.point}",
        f"val_later={ctx.last_use.get(value, -1) >= ctx.point}",
        f"val_param={value in ctx.params}",
        f"shape={ctx.shape}",
        f"end={ctx.end}&loop={ctx.loop}",
        f"val_prev={value in ctx.prev_bound}&loop={ctx.loop}",
    ]
    return [f"{kind}|{f}" for f in facts]


_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_KEEP = frozenset(
    {"not", "is", "in", "and", "or", "None", "True", "False", "len", "return", "raise"}
    | {"continue", "break", "isinstance"}
)


def _shape_of(text: str) -> tuple[str, list[str]]:
    """``text`` with its names as ``N`` (keywords and ``len`` kept), and the names."""
    names: list[str] = []

    def sub(m: re.Match) -> str:
        if m.group(0) in _KEEP:
            return m.group(0)
        names.append(m.group(0))
        return "N"

    return _WORD.sub(sub, text), names


def _body_kind(body: str) -> str:
    """``continue``, ``break``, ``return``, ``return N``, ``return 0`` ..., ``raise``, ``call``."""
    word = body.split(None, 1)[0] if body.strip() else ""
    if word in ("continue", "break"):
        return word
    if word == "return":
        value = body[len("return") :].strip()
        if not value:
            return "return"
        if value.isidentifier() and value not in ("None", "True", "False"):
            return "return N"
        return f"return {value}" if len(value) <= 5 else "return expr"
    if word == "raise":
        return "raise"
    if ".append(" in body:
        return "append"
    if body.endswith("+= 1"):
        return "inc"
    if " = " in body:
        return "assign"
    return "call"


_FILED_OPS = (" is not ", " is ", " not in ", " in ", " == ", " != ", "<", ">", " and ", " or ")


def _filed_kind(shape: str) -> str:
    """A coarse kind of a condition another function of the file tests (its shapes are too
    many to weigh one by one): its first operator, else a call, an attribute or a name, and
    whether it is negated."""
    neg = shape.startswith("not ")
    body = shape[4:] if neg else shape
    op = next((o.strip() for o in _FILED_OPS if o in body), None)
    if op is None:
        op = "isinstance" if body.startswith("isinstance(") else "call" if "(" in body else ""
        op = op or ("attr" if "." in body else "name")
    return ("not " if neg else "") + op


def _cond_part(
    ctx: Context, cond: str, mined: bool, filed: bool = False
) -> tuple[str, list[str], list[str]]:
    """A condition's shape (names as ``N``), its names, and its features at ``ctx``
    (``mined``: the function tests it elsewhere; ``filed``: another function of the file
    does, and it is not one of the generator's own shapes)."""
    shape, names = _shape_of(cond)
    if mined:
        shape = "mined"
    elif filed:
        shape = f"filed {_filed_kind(shape)}"
    elif len(shape) > 24:
        shape = "long"
    first = names[0] if names else ""
    facts = [
        f"guard|c={shape}",
        f"guard|mined={mined}",
        f"guard|name_prev={first in ctx.prev_bound}",
        f"guard|name_prev={first in ctx.prev_bound}&c={shape}",
        f"guard|name_param={first in ctx.params}",
        f"guard|name_loopvar={first in ctx.loop_vars}",
        f"guard|name_later={ctx.last_use.get(first, -1) >= ctx.point}",
        f"guard|name_next={first in ctx.next_reads}",
        f"guard|name_next={first in ctx.next_reads}&c={shape}",
    ]
    if filed:
        facts.append("guard|filed")
    return shape, names, facts


def _body_part(ctx: Context, body: str) -> tuple[str, list[str], list[str]]:
    """A body's kind, the name it returns (if any), and its features at ``ctx``."""
    bkind = _body_kind(body)
    _, returned = _shape_of(body) if bkind == "return N" else ("", [])
    facts = [
        "guard|",
        f"guard|b={bkind}",
        f"guard|loop={ctx.loop}&b={bkind}",
        f"guard|start={ctx.prev is None}&b={bkind}",
        f"guard|end={ctx.end}&b={bkind}",
        f"guard|prev={ctx.shape.split('>')[0]}&b={bkind}",
    ]
    return bkind, returned, facts


def _cross(shape: str, names: list[str], mined: bool, bkind: str, returned: list[str]) -> list[str]:
    return [
        f"guard|c={shape}&b={bkind}",
        f"guard|mined={mined}&b={bkind}",
        f"guard|ret_tested={bool(returned) and returned[0] in names}",
    ]


def guard_features(
    ctx: Context, cond: str, body: str, mined: bool, filed: bool = False
) -> list[str]:
    """The features of ``if cond: body`` inserted at ``ctx``'s point (``mined``: a condition
    the function already tests elsewhere; ``filed``: one another function of the file
    tests): the condition's, the body's, and both together."""
    shape, names, cfacts = _cond_part(ctx, cond, mined, filed)
    bkind, returned, bfacts = _body_part(ctx, body)
    return cfacts + bfacts + _cross(shape, names, mined, bkind, returned)


def guard_weights(
    prior: ShapePrior,
    ctx: Context,
    conds: list[str],
    bodies: list[str],
    mined: set[str],
    filed: Collection[str] = (),
) -> list[float]:
    """``prior.weight(guard_features(...))`` of every (condition, body) pair, condition-major,
    with each condition's and body's own part summed once (thousands of pairs a statement)."""
    w = prior.weights
    cparts = [_cond_part(ctx, c, c in mined, c in filed) for c in conds]
    bparts = [_body_part(ctx, b) for b in bodies]
    csum = [sum(w.get(f, 0.0) for f in facts) for _, _, facts in cparts]
    bsum = [sum(w.get(f, 0.0) for f in facts) for _, _, facts in bparts]
    out = []
    crossed: dict[tuple[str, bool, str, bool], float] = {}  # what the pair features depend on
    for (shape, names, _), c_w, cond in zip(cparts, csum, conds, strict=True):
        m = cond in mined
        for (bkind, returned, _), b_w in zip(bparts, bsum, strict=True):
            key = (shape, m, bkind, bool(returned) and returned[0] in names)
            cross = crossed.get(key)
            if cross is None:
                feats = _cross(shape, names, m, bkind, returned)
                cross = crossed[key] = sum(w.get(f, 0.0) for f in feats)
            out.append(math.exp(c_w + b_w + cross))
    return out


class ShapePrior:
    """A log-linear weight per feature; a candidate's weight is exp(sum of its features')."""

    def __init__(self, weights: dict[str, float], meta: dict | None = None) -> None:
        self.weights = {
            k: max(-MAX_LOG_WEIGHT, min(MAX_LOG_WEIGHT, float(v))) for k, v in weights.items()
        }
        self.meta = meta or {}
        self.groups = {k.split("|", 1)[0] for k in self.weights}

    def knows(self, group: str) -> bool:
        """Whether the table weighs features of ``group`` (``guard``, ``append``, ...)."""
        return group in self.groups

    def weight(self, feats: Iterable[str]) -> float:
        return math.exp(sum(self.weights.get(f, 0.0) for f in feats))

    @classmethod
    def load(cls, path: Path) -> ShapePrior:
        """The table at ``path``; a missing, unreadable or malformed one weighs every
        candidate 1 (the even spread), with one warning that says how to rebuild it."""
        try:
            weights, meta = read_table(path)
            return cls(weights, meta)
        except (OSError, ValueError, KeyError, TypeError) as e:
            logger.warning(
                "statement-shape prior {} unusable ({}); inserted statements are weighed "
                "evenly. Rebuild it with `sea-lsp shapes`.",
                path,
                e,
            )
            return cls({})


def read_table(path: Path) -> tuple[dict[str, float], dict]:
    """A weight table's ``weights`` (feature name -> finite number) and ``meta``; raises
    ``OSError`` / ``ValueError`` / ``KeyError`` / ``TypeError`` for what is not one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    weights = raw["weights"]
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and math.isfinite(v)
        for k, v in weights.items()
    ):
        raise ValueError("weights must map feature names to finite numbers")
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        raise ValueError("meta must be an object")
    return weights, meta


@lru_cache(maxsize=1)
def default_prior() -> ShapePrior:
    return ShapePrior.load(SHAPES_FILE)
