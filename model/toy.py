"""Small environments with known optima, for tests and benchmarks.

- ``ContextualBandit``: one step; the state names a context, candidates are arms, one arm
  per context pays 1.
- ``Corridor``: walk left/right/stay to a goal; the goal pays 1, every other step costs.
- ``SyntheticTree``: branching ``b``, depth ``d``, random leaf rewards below 0.9 and one best
  leaf paying 1; each state's tokens carry a hint towards the best leaf, so an informative
  prior can be built (``hint_predictor``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from model.env import Observation


@dataclass(frozen=True)
class BanditState:
    context: int
    arm: int | None = None


class ContextualBandit:
    """Tokens: context ``c`` is ``1 + c``; arm ``a`` is ``1 + n_contexts + a``."""

    def __init__(self, n_contexts: int = 8, n_arms: int = 4, seed: int = 0) -> None:
        rng = random.Random(seed)
        self.n_contexts, self.n_arms = n_contexts, n_arms
        self.correct = [rng.randrange(n_arms) for _ in range(n_contexts)]
        self.vocab_size = 1 + n_contexts + n_arms
        self.optimal_return = 1.0

    def reset(self, rng: random.Random) -> BanditState:
        return BanditState(rng.randrange(self.n_contexts))

    def candidates(self, state: BanditState) -> list[int]:
        return [] if state.arm is not None else list(range(self.n_arms))

    def transition(self, state: BanditState, action: int) -> BanditState:
        return BanditState(state.context, action)

    def reward_function(self, state: BanditState) -> float:
        return float(state.arm is not None and state.arm == self.correct[state.context])

    def is_terminal(self, state: BanditState) -> bool:
        return state.arm is not None

    def observe(self, state: BanditState, candidates: Sequence[int]) -> Observation:
        return Observation([1 + state.context], [[1 + self.n_contexts + a] for a in candidates])


@dataclass(frozen=True)
class CorridorState:
    position: int
    steps: int = 0


class Corridor:
    """Positions ``0..length-1``, goal at the right end; walls remove impossible moves."""

    MOVES = {"left": -1, "stay": 0, "right": 1}

    def __init__(self, length: int = 6, max_steps: int = 10, step_cost: float = 0.05) -> None:
        self.length, self.max_steps, self.step_cost = length, max_steps, step_cost
        self.goal = length - 1
        # tokens: 1..length positions, then one token per move
        self.move_token = {m: length + 1 + i for i, m in enumerate(self.MOVES)}
        self.vocab_size = length + 1 + len(self.MOVES)

    def reset(self, rng: random.Random) -> CorridorState:
        return CorridorState(rng.randrange(self.goal))

    def candidates(self, state: CorridorState) -> list[str]:
        if self.is_terminal(state):
            return []
        return [m for m, d in self.MOVES.items() if 0 <= state.position + d < self.length]

    def transition(self, state: CorridorState, action: str) -> CorridorState:
        return CorridorState(state.position + self.MOVES[action], state.steps + 1)

    def reward_function(self, state: CorridorState) -> float:
        return 1.0 if state.position == self.goal else -self.step_cost

    def is_terminal(self, state: CorridorState) -> bool:
        return state.position == self.goal or state.steps >= self.max_steps

    def observe(self, state: CorridorState, candidates: Sequence[str]) -> Observation:
        return Observation([1 + state.position], [[self.move_token[m]] for m in candidates])

    def optimal_return(self, start: int) -> float:
        """Walk straight right: every step but the last costs, the last pays 1."""
        return 1.0 - self.step_cost * (self.goal - start - 1)


class SyntheticTree:
    """A state is the tuple of branch indices taken; leaves sit at ``depth``."""

    def __init__(self, branching: int = 4, depth: int = 4, seed: int = 0) -> None:
        rng = random.Random(seed)
        self.branching, self.depth = branching, depth
        self.best_path = tuple(rng.randrange(branching) for _ in range(depth))
        self._seed = seed
        # tokens: 1..b branch taken, b+1..2b hint "go to branch i", 2b+1 "no hint"
        self.vocab_size = 2 * branching + 2
        self.best_reward = 1.0

    def leaf_reward(self, path: tuple[int, ...]) -> float:
        if path == self.best_path:
            return self.best_reward
        return random.Random(hash((self._seed, path))).uniform(0.0, 0.9)

    def root(self) -> tuple[int, ...]:
        return ()

    def reset(self, rng: random.Random) -> tuple[int, ...]:
        return ()

    def candidates(self, state: tuple[int, ...]) -> list[int]:
        return [] if len(state) >= self.depth else list(range(self.branching))

    def transition(self, state: tuple[int, ...], action: int) -> tuple[int, ...]:
        return (*state, action)

    def reward_function(self, state: tuple[int, ...]) -> float:
        return self.leaf_reward(state) if len(state) == self.depth else 0.0

    def is_terminal(self, state: tuple[int, ...]) -> bool:
        return len(state) >= self.depth

    def is_solution(self, state: tuple[int, ...]) -> bool:
        return state == self.best_path

    def hint(self, state: tuple[int, ...]) -> int | None:
        """The branch towards the best leaf, if ``state`` lies on its path."""
        n = len(state)
        on_path = n < self.depth and state == self.best_path[:n]
        return self.best_path[n] if on_path else None

    def observe(self, state: tuple[int, ...], candidates: Sequence[int]) -> Observation:
        hint = self.hint(state)
        hint_token = 2 * self.branching + 1 if hint is None else self.branching + 1 + hint
        return Observation([1 + a for a in state] + [hint_token], [[1 + a] for a in candidates])

    def uniform_predictor(
        self, state: tuple[int, ...], candidates: Sequence[int]
    ) -> tuple[list[float], float]:
        return [1.0 / len(candidates)] * len(candidates), 0.0

    def hint_predictor(self, strength: float = 0.7):
        """Priors that put ``strength`` on the hinted branch (read from the state's tokens)."""

        def evaluate(
            state: tuple[int, ...], candidates: Sequence[int]
        ) -> tuple[list[float], float]:
            hint_token = self.observe(state, candidates).state_tokens[-1]
            hinted = hint_token - self.branching - 1
            n = len(candidates)
            if not 0 <= hinted < n:
                return [1.0 / n] * n, 0.0
            rest = (1.0 - strength) / max(n - 1, 1)
            return [strength if i == hinted else rest for i in range(n)], 0.0

        return evaluate


def hidden_preference_pairs(n: int, seed: int, vocab: int = 40) -> list:
    """Preference pairs labelled by a hidden linear score over candidate tokens (the rule is
    fixed; ``seed`` draws the states and sets). A learner that finds the rule gets them right."""
    from model.preferences import PreferencePair

    weights = random.Random(123).sample(range(vocab), vocab)  # token -> hidden score
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        state = [rng.randrange(1, vocab) for _ in range(6)]
        cands = [[rng.randrange(1, vocab) for _ in range(3)] for _ in range(4)]
        scores = [sum(weights[t] for t in c) for c in cands]
        i, j = rng.sample(range(4), 2)
        if scores[i] == scores[j]:
            continue
        chosen, rejected = (i, j) if scores[i] > scores[j] else (j, i)
        pairs.append(PreferencePair(state, cands, chosen, rejected))
    return pairs
