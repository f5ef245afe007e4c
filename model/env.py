"""What an environment must offer the search and the learners (the "world model" room).

An environment knows its states and actions; the learning core only ever sees them through
these methods and through token encodings (``Observation``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

S = TypeVar("S")
A = TypeVar("A")
# What guides a search: (state, candidates) -> (a prior per candidate, the state's value).
Predictor = Callable[[Any, Sequence[Any]], tuple[Sequence[float], float]]


@dataclass
class Observation:
    """A state and its candidate set as token ids (``0`` is padding)."""

    state_tokens: list[int]
    candidate_tokens: list[list[int]] = field(default_factory=list)


@runtime_checkable
class Environment(Protocol[S, A]):
    """States ``S`` and actions ``A``; rewards are earned on arriving in a state."""

    def candidates(self, state: S) -> Sequence[A]:
        """The actions offered in ``state`` (may be empty: nothing left to try)."""

    def transition(self, state: S, action: A) -> S:
        """The state after taking ``action``; must not mutate ``state``."""

    def reward_function(self, state: S) -> float:
        """Reward for arriving in ``state``."""

    def is_terminal(self, state: S) -> bool:
        """Whether the episode ends in ``state``."""

    def observe(self, state: S, candidates: Sequence[A]) -> Observation:
        """Token encodings of ``state`` and of each candidate, in the same order."""


@runtime_checkable
class EpisodicEnvironment(Environment[S, A], Protocol[S, A]):
    """An environment that can start fresh episodes (for online PPO)."""

    def reset(self, rng: random.Random) -> S:
        """A new start state drawn with ``rng``."""


def is_solution(env: object, state: object) -> bool:
    """The optional ``env.is_solution(state)`` (a verified solution), False when absent."""
    check = getattr(env, "is_solution", None)
    return bool(check(state)) if callable(check) else False
