"""Learning a content preference, measured on projects never trained on (issue #18, item 2).

A *decision* is one place in a project where the user chooses among the edits the server
offers there: the editor's candidates for that line (the same cheap generators, encoder and
``MAX_OFFERED`` cap as ``textDocument/codeAction``; the short lightbulb plus the picker
behind "More SEA suggestions…" is this whole list), in generator order. Only sets with at
least two *different* real edits count: where every entry makes the same text, any ranking
agrees with the user and the figure says nothing.

Each simulated user of ``content_users`` judges the texts the edits make. Training goes
through the real pipeline: decisions from the train projects are logged as offers and
accepts in a ``FeedbackStore``, read back by ``load_feedback`` and trained on by
``train.fit`` (the phases of ``sea-lsp train``). Top-1 agreement is measured on the held-out
projects with the policy's ranking (the server's ``rank``), against generator order (by file
and line, ``search.plain_order``: the ``"generator"`` search ranking) and fault-localisation
order (the order the generators give: localisation × family prior, the ``"fl"`` ranking).
"""

from __future__ import annotations

import random
import shutil
import sysconfig
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loguru import logger

from sea_lsp.actions.base import ActionContext, Candidate, dedupe
from sea_lsp.actions.registry import generate_all
from sea_lsp.agent.search import plain_order
from sea_lsp.encoding.encoder import StateInput, encode_candidates, encode_state
from sea_lsp.encoding.vocab import VOCAB_VERSION
from sea_lsp.feedback.store import FeedbackStore, Offer
from sea_lsp.server.code_actions import CHEAP_GENERATORS, MAX_OFFERED
from sea_lsp.training.content_users import Preference
from sea_lsp.training.held_out import STDLIB_MODULES
from sea_lsp.workspace.changes import apply_edits
from sea_lsp.workspace.symbols import SymbolIndex
from sea_lsp.workspace.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Decision:
    """One offered set at one place, and each user's choice in it (None: no preference)."""

    project: str
    path: str
    line: int
    state_tokens: list[int]
    candidate_tokens: list[list[int]]  # generator order (= fault-localisation order)
    kinds: list[str]
    plain: list[int]  # each candidate's position in file-and-line order
    distinct_edits: int
    choices: dict[str, int | None] = field(default_factory=dict)


def repo_projects(root: Path = REPO) -> dict[str, Path]:
    """The repository's example and benchmark projects (ordinary hand-written code)."""
    found = sorted((root / "benchmarks" / "bugs" / "handwritten").glob("*/project"))
    found += sorted(p for p in (root / "examples").glob("*") if p.is_dir())
    return {p.parent.name if p.name == "project" else p.name: p for p in found}


def stdlib_projects(into: Path, modules: Iterable[str] = STDLIB_MODULES) -> dict[str, Path]:
    """Standard-library modules, one project each (a copy under ``into``)."""
    out = {}
    std = Path(sysconfig.get_paths()["stdlib"])
    for name in modules:
        if (std / name).is_file():
            (into / name[:-3]).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(std / name, into / name[:-3] / name)
            out[f"stdlib:{name[:-3]}"] = into / name[:-3]
    return out


def _sources(ws: Workspace) -> list[str]:
    """The project's modules, tests and conftest files left out."""
    return [
        p
        for p in ws.files()
        if p.endswith(".py")
        and not p.rsplit("/", 1)[-1].startswith(("test_", "conftest"))
        and "tests/" not in p
    ]


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(1-based line, start byte, end byte) of each non-blank line."""
    out, pos = [], 0
    for number, raw in enumerate(text.encode("utf-8").split(b"\n"), 1):
        if raw.strip():
            out.append((number, pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


def offered(ws: Workspace, symbols: SymbolIndex, path: str, start: int, end: int) -> list:
    """The candidates a code-action request offers for a range, in generator order, encoded."""
    ctx = ActionContext(
        view=ws, focus_path=path, focus_start=start, focus_end=end, symbols=symbols, editor=True
    )
    found = [c for c in generate_all(ctx, CHEAP_GENERATORS) if not c.change.is_empty()]
    found = dedupe([c for c in found if not c.needs_execution])[:MAX_OFFERED]
    encode_candidates(found, ws)
    return found


def _after(text: str, path: str, c: Candidate) -> str:
    return apply_edits(text, [e for e in c.change.edits if e.path == path])


def collect(
    name: str,
    root: Path,
    users: dict[str, Preference],
    max_places: int | None = None,
    seed: int = 0,
) -> tuple[list[Decision], int]:
    """The decisions with competing edits in one project (at most ``max_places`` lines,
    sampled with ``seed``), and how many places were looked at."""
    ws = Workspace(root)
    symbols = SymbolIndex(ws)
    places = [(p, *line) for p in _sources(ws) for line in _lines(ws.read_text(p) or "")]
    if max_places is not None and len(places) > max_places:
        places = sorted(random.Random(f"{seed}:{name}").sample(places, max_places))
    out = []
    for path, line, start, end in places:
        text = ws.read_text(path) or ""
        found = offered(ws, symbols, path, start, end)
        afters = [_after(text, path, c) for c in found]
        distinct = len({a for a in afters if a != text})
        if distinct < 2:
            continue
        state = encode_state(
            StateInput(view=ws, task="", focus_path=path, focus_start=start, focus_end=end)
        )
        out.append(
            Decision(
                name,
                path,
                line,
                list(state),
                [list(c.tokens) for c in found],
                [c.kind for c in found],
                plain_order(found),
                distinct,
                {u: pick(text, afters) for u, pick in users.items()},
            )
        )
    return out, len(places)


def top1(decisions: Sequence[Decision], user: str, first: Callable[[Decision], int]) -> float:
    """Share of ``decisions`` with a preference of ``user`` whose first-served is its choice."""
    judged = [d for d in decisions if d.choices.get(user) is not None]
    if not judged:
        return float("nan")
    return sum(first(d) == d.choices[user] for d in judged) / len(judged)


def generator_first(d: Decision) -> int:
    return d.plain.index(0)


def fl_first(d: Decision) -> int:
    return 0


def policy_firsts(model, decisions: Sequence[Decision]) -> dict[int, int]:
    """The policy's first-ranked candidate per decision (by ``id``): the server's ``rank``
    order (highest log-probability, the earlier candidate on a tie), scored in batches."""
    rows = model.policy_rows(
        [d.state_tokens for d in decisions], [d.candidate_tokens for d in decisions], 64
    )
    out = {}
    for d, row in zip(decisions, rows, strict=True):
        scores = row[: len(d.candidate_tokens)].tolist()
        out[id(d)] = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return out


def feedback_db(model, decisions: Sequence[Decision], user: str, db: Path) -> int:
    """Log ``decisions`` as the server would (offer with the serving model's log-probs, then
    the user's accept) in a new feedback database; the number of accepts logged."""
    n = 0
    with FeedbackStore(db) as store:
        for d in decisions:
            choice = d.choices.get(user)
            if choice is None:
                continue
            offer_id = store.record_offer(
                Offer(
                    workspace_root=d.project,
                    document=d.path,
                    state_tokens=d.state_tokens,
                    candidate_tokens=d.candidate_tokens,
                    kinds=d.kinds,
                    model_version=str(model.version),
                    vocab_version=VOCAB_VERSION,
                    log_probs=model.log_probs(d.state_tokens, d.candidate_tokens),
                )
            )
            store.record_accept(offer_id, choice)
            n += 1
    return n


def collect_all(
    projects: dict[str, Path], users: dict[str, Preference], max_places: int | None, seed: int = 0
) -> tuple[list[Decision], dict[str, int]]:
    """``collect`` over every project; the decisions and the counts the report shows."""
    decisions: list[Decision] = []
    places = 0
    for name, root in sorted(projects.items()):
        found, looked = collect(name, root, users, max_places, seed)
        decisions += found
        places += looked
        logger.debug("{}: {} decisions with competing edits of {} places", name, len(found), looked)
    counts = {"projects": len(projects), "places": places, "competing": len(decisions)}
    for u in users:
        counts[f"with_choice:{u}"] = sum(d.choices.get(u) is not None for d in decisions)
    return decisions, counts


def temporary_stdlib(modules: Iterable[str] = STDLIB_MODULES):
    """A temporary directory holding ``stdlib_projects``; use as a context manager."""
    tmp = tempfile.TemporaryDirectory(prefix="sea-held-out-")
    return tmp, stdlib_projects(Path(tmp.name), modules)


# The `sea-lsp train` options the measurement trains with (its command line's spelling):
# none, its defaults, which are what a user's `sea-lsp train` runs.
TRAIN_ARGV: tuple[str, ...] = ()


def trained_top1(
    base, train: Sequence[Decision], held: Sequence[Decision], user: str, seed: int, argv
) -> float:
    """Top-1 on ``held`` after ``sea-lsp train``'s DPO on ``train`` logged as feedback."""
    import copy

    from sea_lsp.training.feedback_data import load_feedback
    from sea_lsp.training.train import fit, parse

    model = copy.deepcopy(base)
    cap = parse([*argv]).max_pairs_per_offer
    with tempfile.TemporaryDirectory(prefix="sea-held-out-db-") as tmp:
        db = Path(tmp) / "feedback.sqlite3"
        feedback_db(base, train, user, db)
        data = load_feedback(db, 0.0, seed, cap)
    fit(model, data, [*argv, "--seed", str(seed)], phases=("dpo",), reference=base)
    firsts = policy_firsts(model, held)
    return top1(held, user, lambda d: firsts[id(d)])


def one_seed(
    base, decisions: Sequence[Decision], users: Sequence[str], sizes: Sequence[int], seed: int, argv
) -> dict[str, dict]:
    """Per user: generator, fl and policy top-1 on this seed's held-out projects, by the
    number of training decisions (0 = the model before training)."""
    from sea_lsp.training.content_users import split_projects

    train_p, held_p = split_projects({d.project for d in decisions}, seed)
    held = [d for d in decisions if d.project in held_p]
    before = policy_firsts(base, held)
    out = {}
    for user in users:
        pool = [d for d in decisions if d.project in train_p and d.choices.get(user) is not None]
        random.Random(f"{seed}:{user}").shuffle(pool)
        row = {
            "generator": top1(held, user, generator_first),
            "fl": top1(held, user, fl_first),
            "held_out": sum(d.choices.get(user) is not None for d in held),
            "train_pool": len(pool),
            "policy": {0: top1(held, user, lambda d: before[id(d)])},
        }
        for n in sizes:
            if 0 < n <= len(pool):
                row["policy"][n] = trained_top1(base, pool[:n], held, user, seed, argv)
        out[user] = row
    return out


def measure(
    base,
    decisions: Sequence[Decision],
    users: Sequence[str],
    sizes: Sequence[int],
    seeds: Sequence[int],
    argv: Sequence[str] = TRAIN_ARGV,
) -> dict[str, dict]:
    """``one_seed`` over ``seeds`` (each its own project split), as (mean, low, high) 95 %
    intervals per user: ``generator``, ``fl`` and ``policy`` by training decisions."""
    from sea_lsp.training.content_users import interval95

    runs = [one_seed(base, decisions, users, sizes, s, argv) for s in seeds]
    out = {}
    for user in users:
        rows = [r[user] for r in runs]
        points = sorted({n for r in rows for n in r["policy"]})
        out[user] = {
            "generator": interval95([r["generator"] for r in rows]),
            "fl": interval95([r["fl"] for r in rows]),
            "held_out": [r["held_out"] for r in rows],
            "policy": {
                n: interval95([r["policy"][n] for r in rows if n in r["policy"]])
                for n in points
                if all(n in r["policy"] for r in rows)
            },
        }
    return out
