"""ThoughtTree (PUCT) and monte_carlo_rollout on environments with known answers."""

from __future__ import annotations

import math
import random
import time

import pytest

from model.agent_model import AgentModel
from model.rollout import monte_carlo_rollout
from model.thought_tree import SearchConfig, ThoughtTree, predictor_from_model
from model.toy import Corridor, SyntheticTree
from tests.model.conftest import tiny_config


class TwoStepTree:
    """root -> a (reward 1, terminal) | b (reward 0) -> c (reward 3, terminal)."""

    def candidates(self, state):
        return {"root": ["a", "b"], "b": ["c"]}.get(state, [])

    def transition(self, state, action):
        return action

    def reward_function(self, state):
        return {"a": 1.0, "c": 3.0}.get(state, 0.0)

    def is_terminal(self, state):
        return state in ("a", "c")

    def observe(self, state, candidates):
        raise AssertionError("not used")


def prefer_b(state, candidates):
    return ([0.01, 0.99] if state == "root" else [1.0] * len(candidates)), 0.0


def test_backup_values_on_a_tiny_tree():
    cfg = SearchConfig(num_simulations=3, discount=0.5, stop_on_solution=False)
    result = ThoughtTree(TwoStepTree(), prefer_b, cfg).search("root")
    root = result.root
    a, b = root.children
    c = b.children[0]
    # sim 1 expands b (value 0); sim 2 enters c (reward 3); sim 3 revisits terminal c
    assert (a.visits, b.visits, c.visits) == (0, 3, 2)
    assert (b.reward, c.reward) == (0.0, 3.0)
    assert c.value() == 0.0  # terminal: nothing more after arrival
    assert b.value() == pytest.approx((0 + 3 + 3) / 3)  # G = r(c) + 0.5 * 0
    # root: its own evaluation 0, then 0.5*0, 0.5*3, 0.5*3
    assert root.visits == 4 and root.value() == pytest.approx((0 + 0 + 1.5 + 1.5) / 4)
    assert result.root_value == pytest.approx(root.value())
    # the return of the path: r(b) + 0.5 * r(c)
    assert result.best_found.reward == 1.5 and result.best_found.actions == ["b", "c"]
    assert result.best_action_sequence() == ["b", "c"]
    assert result.visit_distribution == [0.0, 1.0]
    assert result.predictions == 2  # root and b; terminals are not evaluated


def test_visit_distribution_and_recommended_path():
    env = SyntheticTree(branching=3, depth=3, seed=2)
    result = ThoughtTree(
        env, env.hint_predictor(0.6), SearchConfig(num_simulations=60, stop_on_solution=False)
    ).search(())
    assert math.isclose(sum(result.visit_distribution), 1.0)
    assert len(result.visit_distribution) == 3
    assert result.simulations == 60
    assert result.best_action_sequence() == list(env.best_path)
    assert result.best_found.state == env.best_path


def test_informative_prior_finds_best_leaf_with_far_fewer_simulations():
    env = SyntheticTree(branching=4, depth=4, seed=0)
    # with an uninformative value the search needs a larger exploration constant to cover
    # the tree; both runs use the same one
    cfg = SearchConfig(num_simulations=3000, c_puct=5.0)
    guided = ThoughtTree(env, env.hint_predictor(0.7), cfg).search(env.root())
    blind = ThoughtTree(env, env.uniform_predictor, cfg).search(env.root())
    assert guided.solved and blind.solved
    assert guided.best_found.reward == blind.best_found.reward == env.best_reward
    assert blind.simulations >= 3 * guided.simulations
    # a tiny budget is not enough without the prior
    short = ThoughtTree(
        env, env.uniform_predictor, SearchConfig(num_simulations=guided.simulations, c_puct=5.0)
    ).search(())
    assert not short.solved


def test_stop_on_solution_and_full_budget():
    env = SyntheticTree(branching=3, depth=3, seed=4)
    stop = ThoughtTree(env, env.hint_predictor(0.8), SearchConfig(num_simulations=200)).search(())
    full = ThoughtTree(
        env, env.hint_predictor(0.8), SearchConfig(num_simulations=200, stop_on_solution=False)
    ).search(())
    assert stop.solved and stop.simulations < 20
    assert full.solved and full.simulations == 200


def test_time_budget_is_respected_roughly():
    env = SyntheticTree(branching=4, depth=6, seed=1)

    def slow(state, candidates):
        time.sleep(0.002)
        return [1.0] * len(candidates), 0.0

    cfg = SearchConfig(num_simulations=100_000, time_budget_s=0.1, stop_on_solution=False)
    result = ThoughtTree(env, slow, cfg).search(())
    assert result.simulations < 100_000
    assert result.elapsed_s < 1.0


def test_root_noise_changes_priors_but_keeps_a_distribution():
    env = SyntheticTree(branching=4, depth=2, seed=0)
    cfg = SearchConfig(num_simulations=10, noise_fraction=0.25, seed=7, stop_on_solution=False)
    root = ThoughtTree(env, env.uniform_predictor, cfg).search(()).root
    priors = [c.prior for c in root.children]
    assert math.isclose(sum(priors), 1.0) and len(set(priors)) > 1


def test_search_with_model_evaluator_and_rollouts():
    env = Corridor(length=5, max_steps=6)
    model = AgentModel.create(tiny_config(env.vocab_size), seed=0)
    evaluator = predictor_from_model(model, env)
    result = ThoughtTree(env, evaluator, SearchConfig(num_simulations=30)).search(
        env.reset(random.Random(0))
    )
    assert result.predictions >= 1 and result.best_found is not None

    trajs = monte_carlo_rollout(
        env, evaluator, env.reset(random.Random(1)), depth=4, n_rollouts=3, rng=random.Random(0)
    )
    assert len(trajs) == 3
    for t in trajs:
        assert 1 <= len(t) <= 4
        assert len(t.observations) == len(t.rewards) == len(t.log_probs) == len(t.dones) == len(t)
        assert all(lp <= 0 for lp in t.log_probs)
        assert t.observations[0].candidate_tokens


def test_lazy_expansion_expands_only_revisited_nodes():
    """With lazy expansion, a node's candidates are asked for on its second visit only."""
    calls = []

    def counting(state, candidates):
        calls.append(state)
        return prefer_b(state, candidates)

    cfg = SearchConfig(num_simulations=1, stop_on_solution=False, lazy_expansion=True)
    result = ThoughtTree(TwoStepTree(), counting, cfg).search("root")
    b = result.root.children[1]
    assert b.entered and not b.expanded and calls == ["root"]
    cfg = SearchConfig(num_simulations=3, stop_on_solution=False, lazy_expansion=True)
    result = ThoughtTree(TwoStepTree(), prefer_b, cfg).search("root")
    assert result.best_found.actions == ["b", "c"] and result.best_found.reward == 3.0


def test_lazy_search_still_finds_the_best_leaf():
    env = SyntheticTree(branching=3, depth=3, seed=1)
    cfg = SearchConfig(
        num_simulations=4000, c_puct=5.0, lazy_expansion=True, stop_on_solution=False
    )
    result = ThoughtTree(env, env.uniform_predictor, cfg).search(env.root())
    assert tuple(result.best_found.actions) == env.best_path


def test_transition_budget_counts_real_evaluations():
    env = SyntheticTree(branching=4, depth=3, seed=2)
    cfg = SearchConfig(num_simulations=10_000, max_transitions=25, stop_on_solution=False)
    result = ThoughtTree(env, env.uniform_predictor, cfg).search(env.root())
    assert result.transitions == 25


def test_exhausted_subtrees_are_not_revisited():
    cfg = SearchConfig(num_simulations=100, stop_on_solution=False, prune_exhausted=True)
    result = ThoughtTree(TwoStepTree(), prefer_b, cfg).search("root")
    a, b = result.root.children
    # b, then c (terminal: b is exhausted), then a (terminal): everything is known, stop
    assert result.simulations == 3 and result.root.exhausted
    assert (a.visits, b.visits) == (1, 2) and b.exhausted
    assert result.best_found.actions == ["b", "c"]


class PartialFix:
    """root -> good (+0.5) -> {bad (-0.5) x3, fix (+0.5)}; root -> noise (-0.01) x3."""

    def candidates(self, state):
        if state == "root":
            return ["good", "n1", "n2", "n3"]
        if state == "good":
            return ["bad1", "bad2", "bad3", "fix"]
        return []

    def transition(self, state, action):
        return action

    def reward_function(self, state):
        return {"good": 0.5, "fix": 0.5}.get(state, -0.5 if state.startswith("bad") else -0.01)

    def is_terminal(self, state):
        return state not in ("root", "good")

    def is_solution(self, state):
        return state == "fix"

    def observe(self, state, candidates):
        raise AssertionError("not used")


def test_max_backup_keeps_a_partial_fix_worth_its_best_plan():
    """Mean backup lets bad tries under a good first step drag it below untried noise;
    max backup (the best plan below, or stopping) keeps searching under it."""

    def uniform(state, candidates):
        return [1.0] * len(candidates), 0.0

    common = dict(num_simulations=6, c_puct=0.5, fpu=0.0, fpu_offset=0.05, prune_exhausted=True)
    mean = ThoughtTree(PartialFix(), uniform, SearchConfig(**common)).search("root")
    best = ThoughtTree(PartialFix(), uniform, SearchConfig(**common, max_backup=True)).search(
        "root"
    )
    assert best.solved and best.best_found.actions == ["good", "fix"]
    assert not mean.solved


class Lines:
    """One step: 30 edits on 3 lines; ``b0`` fixes part of the bug, ``b9`` all of it."""

    ACTIONS = [f"{line}{k}" for line in "ab" for k in range(10)] + [f"c{k}" for k in range(10)]

    def candidates(self, state):
        return self.ACTIONS if state == "root" else []

    def transition(self, state, action):
        return action

    def reward_function(self, state):
        return {"b0": 0.3, "b9": 1.0}.get(state, -0.01)

    def is_terminal(self, state):
        return state != "root"

    def is_solution(self, state):
        return state == "b9"

    def observe(self, state, candidates):
        raise AssertionError("not used")


def test_reprior_turns_the_search_to_the_line_of_a_partial_fix():
    order = ["a0", "b0"] + [a for a in Lines.ACTIONS if a not in ("a0", "b0")]

    def by_order(state, candidates):
        return [1.0 / (1 + order.index(c)) for c in candidates], 0.0

    def same_line(parent, actions, priors, index, state, reward):
        if reward <= 0:
            return None
        return [
            p * 20 if a[0] == actions[index][0] else p for a, p in zip(actions, priors, strict=True)
        ]

    cfg = dict(num_simulations=100, max_transitions=12, c_puct=0.5, fpu=0.0, prune_exhausted=True)
    plain = ThoughtTree(Lines(), by_order, SearchConfig(**cfg)).search("root")
    focused = ThoughtTree(Lines(), by_order, SearchConfig(**cfg), reprior=same_line).search("root")
    assert not plain.solved  # b9 is 20th in the prior order
    assert focused.solved and focused.transitions <= 11
    assert math.isclose(sum(c.prior for c in focused.root.children), 1.0)


class Trap:
    """``p`` helps a little and has 500 second steps that never fix anything; the fix is
    ``f``, the 40th first step in the prior's order."""

    FIRST = ["p"] + [f"x{k}" for k in range(38)] + ["f"] + [f"y{k}" for k in range(60)]

    def candidates(self, state):
        if state == "root":
            return self.FIRST
        return [f"{state}/{k}" for k in range(500)] if state == "p" else []

    def transition(self, state, action):
        return action

    def reward_function(self, state):
        return {"p": 0.2, "f": 1.0}.get(state, -0.01)

    def is_terminal(self, state):
        return state == "f" or "/" in state

    def is_solution(self, state):
        return state == "f"

    def observe(self, state, candidates):
        raise AssertionError("not used")


def test_deep_share_keeps_a_partial_fix_from_taking_the_whole_budget():
    def in_order(state, candidates):
        return [1.0 / (1 + i) for i in range(len(candidates))], 0.0

    cfg = dict(
        num_simulations=2000, max_transitions=100, c_puct=0.5, fpu=0.0, fpu_offset=0.05,
        prune_exhausted=True, max_backup=True, lazy_expansion=True, max_depth=2,
    )  # fmt: skip
    greedy = ThoughtTree(Trap(), in_order, SearchConfig(**cfg)).search("root")
    shared = ThoughtTree(Trap(), in_order, SearchConfig(**cfg, deep_share=0.5)).search("root")
    assert not greedy.solved  # every evaluation after ``p`` went under it
    assert shared.solved and shared.best_found.actions == ["f"]
    tree = ThoughtTree(Trap(), in_order, SearchConfig(**cfg, deep_share=0.5))
    tree.search("root")
    assert tree.deep_transitions <= 0.5 * tree.transitions + 1
    assert tree.deep_transitions > 0  # the partial fix is still followed, within its share


class Decoys(Trap):
    """Three first steps help a little (``p``, ``q``, ``r``) and none of their 500 second
    steps fixes anything; the fix is ``f``, the 80th first step in the prior's order."""

    FIRST = ["p", "q", "r"] + [f"x{k}" for k in range(76)] + ["f"]

    def candidates(self, state):
        if state == "root":
            return self.FIRST
        return [f"{state}/{k}" for k in range(500)] if state in ("p", "q", "r") else []

    def reward_function(self, state):
        return {"p": 0.2, "q": 0.2, "r": 0.2, "f": 1.0}.get(state, -0.01)


def _in_order(state, candidates):
    return [1.0 / (1 + i) for i in range(len(candidates))], 0.0


def _decoy_config(**kw) -> SearchConfig:
    """The repair search's settings (``agent/search.py``), ``kw`` on top."""
    return SearchConfig(
        num_simulations=2000, c_puct=0.5, fpu=0.0, fpu_offset=0.05, prune_exhausted=True,
        max_backup=True, lazy_expansion=True, **kw,
    )  # fmt: skip


def test_a_decoy_stops_taking_evaluations_once_its_second_steps_do_not_help():
    cfg = dict(max_transitions=100, max_depth=2, deep_share=0.3)
    shared = ThoughtTree(Decoys(), _in_order, _decoy_config(**cfg))
    assert not shared.search("root").solved  # 30 % of 100 under the decoys: f is not reached
    capped = ThoughtTree(Decoys(), _in_order, _decoy_config(**cfg, deep_tries=5))
    found = capped.search("root")
    assert found.solved and found.best_found.actions == ["f"]
    below = [c.below for c in found.root.children[:3]]
    assert all(5 <= b <= 6 for b in below), below  # each decoy was followed, then left


def test_a_partial_fix_whose_second_step_helps_is_not_a_decoy():
    class Halves(Decoys):
        def reward_function(self, state):  # p/2 helps further: p is half of a fix
            return 0.3 if state == "p/2" else super().reward_function(state)

    config = _decoy_config(max_transitions=60, max_depth=3, deep_tries=5)
    found = ThoughtTree(Halves(), _in_order, config).search("root")
    assert found.root.children[0].below > 5  # p kept its second steps after p/2 helped
    assert found.best_found.actions == ["p", "p/2"]


def test_a_state_that_costs_nothing_leaves_the_budget_alone():
    """An environment may say a state took no evaluation (its program was tested already):
    the transition budget then pays only for the real ones."""

    class Repeats(Trap):
        def evaluation_cost(self, state):
            return 0 if state.startswith("x") else 1  # the x's repeat an earlier program

    cfg = dict(num_simulations=2000, max_transitions=10, c_puct=0.5, fpu=0.0, deep_share=0.0)

    def in_order(state, candidates):
        return [1.0 / (1 + i) for i in range(len(candidates))], 0.0

    plain = ThoughtTree(Trap(), in_order, SearchConfig(**cfg)).search("root")
    free = ThoughtTree(Repeats(), in_order, SearchConfig(**cfg)).search("root")
    assert not plain.solved and plain.transitions == 10
    assert free.solved and free.transitions <= 10  # f, 40th, is reached past 38 free x's
