"""Issue #18, item 2: a content preference learned through ``sea-lsp train`` carries over to
projects never trained on, where different real edits compete for the first place."""

from __future__ import annotations

import pytest
from loguru import logger

from sea_lsp.training import held_out_projects as hop
from sea_lsp.training.content_users import USERS, split_projects

SEED = 0
PLACES = 60  # lines sampled per project: the whole measurement stays about a minute
# The hand-written projects this measurement was set on (2026-12-07); the repair benchmark's
# later ones are left out so that its size, and its figures, stay what they were.
PROJECTS = frozenset(
    [
        "bank_accounts",
        "csv_report",
        "date_utils",
        "dp_classics",
        "event_calendar",
        "expression_eval",
        "grade_book",
        "graph_walks",
        "ini_parser",
        "library_loans",
        "linked_structures",
        "matrix_ops",
        "number_theory",
        "polynomials",
        "shopping_cart",
        "sorting_kit",
        "task_queue",
        "text_tools",
        "trees_and_heaps",
    ]
)


@pytest.fixture(scope="module", autouse=True)
def quiet():
    """One torch thread, and no debug lines from the generators (thousands of them): both
    cost more than the measurement itself."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as `sea-lsp train` on a small machine: intra-op threads cost
    logger.disable("sea_lsp")
    yield
    logger.enable("sea_lsp")
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def decisions():
    projects = {k: v for k, v in hop.repo_projects().items() if k in PROJECTS}
    assert set(projects) == PROJECTS
    found, counts = hop.collect_all(projects, {u: USERS[u] for u in THRESHOLDS}, PLACES, SEED)
    assert counts["competing"] >= 100, counts  # sets with >= 2 different edits
    return found


def test_every_decision_offers_competing_edits(decisions):
    for d in decisions:
        assert d.distinct_edits >= 2
        assert len(d.candidate_tokens) == len(d.kinds) == len(d.plain) <= hop.MAX_OFFERED
        for user in THRESHOLDS:
            choice = d.choices[user]
            assert choice is None or 0 <= choice < len(d.kinds)
    for user in THRESHOLDS:
        assert sum(d.choices[user] is not None for d in decisions) >= 200


# Measured 2026-12-05 night (seed 0; the 12 hand-written projects, 60 lines each; every
# training-half decision, 118-124): generator order 12.4 / 12.8 / 8.5 %, fault-localisation
# order 28.1 / 24.8 / 9.4 %, the shipped policy 9.1 / 8.5 / 5.7 % -> 93.4 / 94.9 / 56.6 %
# after `sea-lsp train` (smallest_diff / keeps_names / linear). The bar: >= 90 % for
# two content preferences and >= 20 points above both orders.
THRESHOLDS = {"smallest_diff": 0.90, "keeps_names": 0.90, "linear": 0.45}


@pytest.mark.parametrize("user", sorted(THRESHOLDS))
def test_training_on_some_projects_ranks_the_users_choice_first_on_the_others(decisions, user):
    from sea_lsp.training.train import load_base

    train_p, held_p = split_projects({d.project for d in decisions}, SEED)
    held = [d for d in decisions if d.project in held_p]
    pool = [d for d in decisions if d.project in train_p and d.choices[user] is not None]
    assert not {d.project for d in held} & {d.project for d in pool}
    assert 100 <= len(pool) <= 300
    generator = hop.top1(held, user, hop.generator_first)
    fl = hop.top1(held, user, hop.fl_first)
    base, _ = load_base(None)
    firsts = hop.policy_firsts(base, held)
    before = hop.top1(held, user, lambda d: firsts[id(d)])
    after = hop.trained_top1(base, pool, held, user, SEED, hop.TRAIN_ARGV)
    print(f"{user}: generator {generator:.1%} fl {fl:.1%} policy {before:.1%} -> {after:.1%}")
    assert before < THRESHOLDS[user] <= after
    assert after >= max(generator, fl) + 0.20
