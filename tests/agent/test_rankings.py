"""The search's baseline orders: fault localisation, the generators' plain order, random."""

from __future__ import annotations

from types import SimpleNamespace

from sea_lsp.agent.search import _predictor, plain_order, rank_priors


def cand(path: str, start: int) -> SimpleNamespace:
    return SimpleNamespace(target=SimpleNamespace(path=path, start=start))


# the agent's order (localisation first): b.py:50, a.py:90, a.py:10
CANDIDATES = [cand("b.py", 50), cand("a.py", 90), cand("a.py", 10)]


def order_of(priors: list[float]) -> list[int]:
    return sorted(range(len(priors)), key=lambda i: -priors[i])


def test_plain_order_is_file_and_line():
    assert plain_order(CANDIDATES) == [2, 1, 0]
    assert order_of(rank_priors([3.0, 1.0, 2.0])) == [0, 2, 1]


def test_each_ranking_orders_by_its_own_key_even_without_a_model():
    env = SimpleNamespace()
    fl, _ = _predictor(env, None, "fl", 0)(None, CANDIDATES)
    generator, _ = _predictor(env, None, "generator", 0)(None, CANDIDATES)
    assert order_of(fl) == [0, 1, 2]
    assert order_of(generator) == [2, 1, 0]  # a.py:10, a.py:90, b.py:50
    orders = {
        tuple(order_of(_predictor(env, None, "random", s)(None, CANDIDATES)[0])) for s in range(8)
    }
    assert len(orders) > 1
