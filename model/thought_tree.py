"""ThoughtTree: single-player PUCT search (AlphaZero selection, MuZero backup and Q scaling).

Each simulation walks from the root by PUCT, expands one new node (one ``transition``,
one ``reward_function``, one predictor call), and backs the discounted return up the path.
Q values are min–max normalised over every value seen; an unvisited child's Q counts as 0
(the pessimistic end of the scale), so the prior decides which child is tried first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.env import Environment, Predictor, is_solution

# (parent state, its actions, their priors, the index of the child just entered, its state,
# its reward) -> new priors for all the parent's children, or None to keep them
Reprior = Callable[[Any, Sequence[Any], list[float], int, Any, float], Sequence[float] | None]


@dataclass
class SearchConfig:
    num_simulations: int = 100
    time_budget_s: float | None = None
    c_puct: float = 1.25
    discount: float = 1.0
    dirichlet_alpha: float = 0.3
    noise_fraction: float = 0.0
    max_depth: int = 8
    stop_on_solution: bool = True
    seed: int = 0
    max_transitions: int | None = None  # budget of real evaluations (env.reward_function calls)
    lazy_expansion: bool = False  # expand a node on its second visit, not its first
    min_q_span: float = 0.0  # Q is scaled by at least this span, so tiny differences stay tiny
    prune_exhausted: bool = False  # never revisit a dead end (rewards are deterministic)
    # Deterministic planning: a node is worth its best plan found below, or stopping there
    # (0), instead of the mean of everything tried below it.
    max_backup: bool = False
    fpu: float | None = None  # value assumed for unvisited children (None: the minimum seen)
    fpu_offset: float = (
        0.0  # added to it after scaling; > 0 keeps the search broad until a child helps
    )
    # The largest share of the real evaluations spent below the root's children (deeper
    # than one step); past it the root's next untried child goes next. None: no limit, and
    # one child that helps a little takes every evaluation left under itself.
    deep_share: float | None = None
    # The most evaluations below one child of the root while nothing below it has helped
    # further (its best return is its own reward): past it, that first step is a decoy and
    # the search stops going under it. None: no limit but ``deep_share``.
    deep_tries: int | None = None


class MinMaxStats:
    """Running min and max of values seen, to scale Q into [0, 1] (MuZero)."""

    def __init__(self, min_span: float = 0.0) -> None:
        self.low, self.high = math.inf, -math.inf
        self.min_span = min_span

    def update(self, value: float) -> None:
        self.low, self.high = min(self.low, value), max(self.high, value)

    def normalize(self, value: float) -> float:
        if self.high <= self.low:
            return value
        return (value - self.low) / max(self.high - self.low, self.min_span)


@dataclass
class Node:
    state: Any
    prior: float
    reward: float = 0.0
    depth: int = 0
    terminal: bool = False
    entered: bool = False  # state made and real reward taken
    expanded: bool = False
    exhausted: bool = False  # nothing left to learn below (with prune_exhausted)
    leaf: float = 0.0  # the predictor's estimate when this node was entered or expanded
    below: int = 0  # states entered below this node (deeper than its children included)
    best: float = 0.0  # with max_backup: the best return below this node
    visits: int = 0
    value_sum: float = 0.0
    actions: list[Any] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def value(self) -> float:
        return self.value_sum / self.visits if self.visits else 0.0


@dataclass
class Found:
    """The node with the highest return (discounted rewards along its path) seen."""

    actions: list[Any]
    state: Any
    reward: float  # the return of the path to it
    simulation: int


@dataclass
class SearchResult:
    best_actions: list[Any]
    visit_distribution: list[float]
    root_value: float
    simulations: int
    predictions: int
    elapsed_s: float
    solved: bool
    best_found: Found | None
    root: Node
    transitions: int = 0

    def best_action_sequence(self) -> list[Any]:
        """Follow the most-visited child from the root (the search's recommendation)."""
        return list(self.best_actions)


class ThoughtTree:
    """PUCT search over an ``Environment`` guided by ``predictor(state, candidates)``."""

    def __init__(
        self,
        env: Environment,
        predictor: Predictor,
        config: SearchConfig | None = None,
        value_fn: Callable[[Any], float] | None = None,
        reprior: Reprior | None = None,
    ):
        self.env = env
        self.predictor = predictor
        self.config = config or SearchConfig()
        self.value_fn = value_fn  # leaf value of a node entered but not yet expanded (lazy)
        # after a child's first real reward: new priors for its siblings, or None to keep them
        self.reprior = reprior
        self.rng = np.random.default_rng(self.config.seed)
        self.stats = MinMaxStats(self.config.min_q_span)
        self.predictions = 0
        self.transitions = 0
        self.deep_transitions = 0  # transitions made deeper than one step from the root

    def search(
        self, root_state: Any, on_simulation: Callable[[int, Node], None] | None = None
    ) -> SearchResult:
        cfg, start = self.config, time.perf_counter()
        self.stats = MinMaxStats(cfg.min_q_span)
        self.predictions = self.transitions = self.deep_transitions = 0
        root = Node(state=root_state, prior=1.0, terminal=self.env.is_terminal(root_state))
        root.entered = True
        root_value = self._expand(root)
        root.visits, root.value_sum = 1, root_value
        if cfg.noise_fraction > 0 and len(root.children) > 1:
            noise = self.rng.dirichlet([cfg.dirichlet_alpha] * len(root.children))
            for child, n in zip(root.children, noise, strict=True):
                child.prior = (1 - cfg.noise_fraction) * child.prior + cfg.noise_fraction * n
        best: Found | None = None
        solved, sims = False, 0
        while sims < cfg.num_simulations and root.children and not root.exhausted:
            if cfg.max_transitions is not None and self.transitions >= cfg.max_transitions:
                break
            if cfg.time_budget_s is not None and time.perf_counter() - start >= cfg.time_budget_s:
                break
            node, path, actions, index = root, [root], [], 0
            while node.expanded and node.children:
                index = self._select(node) if node is not root else self._select_root(root)
                actions.append(node.actions[index])
                node = node.children[index]
                path.append(node)
            fresh = not node.entered
            value = self._enter(path[-2], node, actions[-1])
            if fresh and len(path) > 2:
                path[1].below += 1
            if fresh and self.reprior is not None:
                self._reprior(path[-2], index)
            self._backup(path, value)
            if cfg.prune_exhausted:
                self._mark_exhausted(path)
            sims += 1
            ret = sum(n.reward * cfg.discount**i for i, n in enumerate(path[1:]))
            if best is None or ret > best.reward:
                best = Found(list(actions), node.state, ret, sims)
            if on_simulation is not None:
                on_simulation(sims, node)
            if is_solution(self.env, node.state):
                solved = True
                if cfg.stop_on_solution:
                    break
        return SearchResult(
            best_actions=self._most_visited_path(root),
            visit_distribution=self._visit_distribution(root),
            root_value=root.value(),
            simulations=sims,
            predictions=self.predictions,
            elapsed_s=time.perf_counter() - start,
            solved=solved,
            best_found=best,
            root=root,
            transitions=self.transitions,
        )

    def _enter(self, parent: Node, node: Node, action: Any) -> float:
        """Visit ``node``: on the first visit make its state and take its real reward, then
        expand it (at once, or on the next visit with ``lazy_expansion``)."""
        if not node.entered:
            node.state = self.env.transition(parent.state, action)
            node.reward = float(self.env.reward_function(node.state))
            node.terminal = bool(self.env.is_terminal(node.state))
            node.entered = True
            cost = getattr(self.env, "evaluation_cost", None)
            spent = int(cost(node.state)) if callable(cost) else 1  # a repeat may cost nothing
            self.transitions += spent
            self.deep_transitions += spent if node.depth > 1 else 0
            if self.config.lazy_expansion and not node.terminal:
                return float(self.value_fn(node.state)) if self.value_fn is not None else 0.0
            return self._expand(node)
        if not node.expanded:
            return self._expand(node)
        return 0.0  # a terminal or dead-end node revisited: nothing more to earn

    def _reprior(self, parent: Node, index: int) -> None:
        """Let the caller re-weigh the siblings of ``parent.children[index]`` now that its
        real reward is known (e.g. the candidates on the line of a partial fix go first)."""
        child = parent.children[index]
        priors = [c.prior for c in parent.children]
        got = self.reprior(parent.state, parent.actions, priors, index, child.state, child.reward)
        if got is None:
            return
        if len(got) != len(priors):
            raise ValueError(f"reprior gave {len(got)} priors for {len(priors)} children")
        total = float(sum(got))
        if math.isfinite(total) and total > 0:
            for c, p in zip(parent.children, got, strict=True):
                c.prior = float(p) / total

    def _expand(self, node: Node) -> float:
        """Ask for candidates, priors and a value; returns the leaf value (0 if terminal)."""
        node.expanded = True
        if node.terminal or node.depth >= self.config.max_depth:
            return 0.0
        actions = list(self.env.candidates(node.state))
        if not actions:
            return 0.0
        priors, value = self.predictor(node.state, actions)
        self.predictions += 1
        if len(priors) != len(actions):
            raise ValueError(
                f"the predictor gave {len(priors)} priors for {len(actions)} candidates"
            )
        total = float(sum(priors))
        if not math.isfinite(total) or total <= 0:
            priors, total = [1.0] * len(actions), float(len(actions))
        node.actions = actions
        node.children = [
            Node(state=None, prior=float(p) / total, depth=node.depth + 1) for p in priors
        ]
        return float(value)

    def _select_root(self, root: Node) -> int:
        """PUCT, unless the evaluations below the root's children have reached their share
        (``deep_share``): then the untried child with the highest prior, so a partial fix
        cannot keep the whole budget under itself while untried first steps remain. A child
        with ``deep_tries`` states tried below it, none of which helped further, is a decoy:
        PUCT leaves it alone."""
        cfg = self.config
        share = cfg.deep_share
        if share is not None and self.deep_transitions >= share * max(self.transitions, 1):
            fresh = [i for i, c in enumerate(root.children) if not c.entered and not c.exhausted]
            if fresh:
                return max(fresh, key=lambda i: root.children[i].prior)
        if cfg.deep_tries is None:
            return self._select(root)
        decoys = {
            i
            for i, c in enumerate(root.children)
            if not c.exhausted and c.below >= cfg.deep_tries and c.best <= 0.0
        }
        if decoys and len(decoys) < sum(not c.exhausted for c in root.children):
            return self._select(root, skip=decoys)
        return self._select(root)

    def _select(self, node: Node, skip: set[int] | frozenset[int] = frozenset()) -> int:
        cfg = self.config
        sqrt_total = math.sqrt(max(node.visits, 1))
        best_index, best_score = 0, -math.inf
        unvisited_q = 0.0 if cfg.fpu is None else self.stats.normalize(cfg.fpu) + cfg.fpu_offset
        for i, child in enumerate(node.children):
            if child.exhausted or i in skip:
                continue
            q = unvisited_q
            if child.visits:
                q = self._q(child)
            score = q + cfg.c_puct * child.prior * sqrt_total / (1 + child.visits)
            if score > best_score:
                best_index, best_score = i, score
        return best_index

    def _backup(self, path: list[Node], value: float) -> None:
        """Single-player backup: G = r + discount * G all the way up, no sign flips."""
        gamma = self.config.discount
        path[-1].leaf = value
        for node in reversed(path):
            node.value_sum += value
            node.visits += 1
            if self.config.max_backup:
                tried = [c.reward + gamma * c.best for c in node.children if c.visits]
                node.best = max(0.0, max(tried) if tried else node.leaf)
                self.stats.update(node.reward + gamma * node.best)
            else:
                self.stats.update(node.reward + gamma * node.value())
            value = node.reward + gamma * value

    def _q(self, child: Node) -> float:
        future = child.best if self.config.max_backup else child.value()
        return self.stats.normalize(child.reward + self.config.discount * future)

    @staticmethod
    def _mark_exhausted(path: list[Node]) -> None:
        """A dead end (terminal, or expanded with nothing to try) is exhausted, and so is a
        node all of whose children are."""
        for node in reversed(path):
            if node.expanded and (not node.children or all(c.exhausted for c in node.children)):
                node.exhausted = True
            else:
                break

    @staticmethod
    def _most_visited_path(root: Node) -> list[Any]:
        actions, node = [], root
        while node.children and any(c.visits for c in node.children):
            index = max(range(len(node.children)), key=lambda i: node.children[i].visits)
            actions.append(node.actions[index])
            node = node.children[index]
        return actions

    @staticmethod
    def _visit_distribution(root: Node) -> list[float]:
        counts = [c.visits for c in root.children]
        total = sum(counts)
        return [c / total for c in counts] if total else [0.0] * len(counts)


def predictor_from_model(model: Any, env: Environment) -> Predictor:
    """A predictor that asks an ``AgentModel`` for priors and value on ``env.observe``."""

    def evaluate(state: Any, candidates: Sequence[Any]) -> tuple[list[float], float]:
        obs = env.observe(state, candidates)
        return model.priors(obs.state_tokens, obs.candidate_tokens), model.value(obs.state_tokens)

    return evaluate
