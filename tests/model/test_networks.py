"""Shapes, masking and the safety of the three networks and of AgentModel."""

from __future__ import annotations

import math

import pytest
import torch

from model import networks
from model.agent_model import AgentModel
from model.networks import (
    NetworkConfig,
    TransformerPolicyNetwork,
    TransformerRewardModel,
    TransformerValueNetwork,
)
from tests.model.conftest import tiny_config


def test_default_config_sizes_and_round_trip():
    cfg = NetworkConfig()
    assert (cfg.vocab_size, cfg.max_state_len, cfg.max_cand_len) == (8192, 256, 36)
    assert NetworkConfig.from_dict(cfg.to_dict()) == cfg
    total = sum(AgentModel.create(cfg).parameter_counts().values())
    assert 800_000 <= total <= 3_000_000


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"d_modle": 64}, "unknown network config field"),
        ({"d_model": 30, "n_heads": 4}, "divisible by n_heads"),
        ({"vocab_size": 0}, "vocab_size must be a positive integer"),
        ({"dropout": 1.5}, "dropout"),
        ({"vocab_size": 64}, "must lie inside the vocabulary"),  # measures need their ids
    ],
)
def test_from_dict_rejects_bad_fields(bad, message):
    with pytest.raises(ValueError, match=message):
        NetworkConfig.from_dict(bad)


def test_measure_tokens_add_a_linear_term_of_their_levels():
    cfg = tiny_config(200, n_measures=2, measure_base=100, measure_levels=8)
    torch.manual_seed(0)
    policy = TransformerPolicyNetwork(cfg).eval()
    scorer = policy.body
    # candidate 0: measure 0 at level 3, measure 1 at level 1; candidate 1: measure 0 at 5
    cands = torch.tensor([[[7, 103, 109, 8], [7, 105, 0, 0]]])
    assert scorer.measures(cands).tolist() == [[[3.0, 1.0], [5.0, 0.0]]]
    states = torch.randint(1, 100, (1, 10))
    before = policy(states, cands)
    with torch.no_grad():
        scorer.measure.weight.copy_(torch.tensor([[-0.5, 0.25]]))
    after = policy(states, cands)
    gain = networks.MEASURE_GAIN
    assert torch.allclose(after - before, gain * torch.tensor([[-1.5 + 0.25, -2.5]]))
    # a fresh network starts without an opinion on size (the term is zero until trained)
    assert TransformerPolicyNetwork(cfg).body.measure.weight.abs().sum() == 0


def test_measure_tokens_skip_the_candidate_transformer():
    # max_cand_len 8 with 2 measures: the transformer reads 6 text tokens, in order
    cfg = tiny_config(200, n_measures=2, measure_base=100, measure_levels=8)
    torch.manual_seed(0)
    policy = TransformerPolicyNetwork(cfg).eval()
    assert policy.body.cand_encoder.max_len == 6
    cands = torch.tensor([[[7, 103, 109, 8, 9, 10, 11, 12], [7, 8, 9, 105, 0, 0, 0, 0]]])
    text, measured, levels = policy.body.split(cands)
    assert torch.equal(levels, policy.body.measures(cands))
    assert text.tolist() == [[[7, 8, 9, 10, 11, 12], [7, 8, 9, 0, 0, 0]]]
    table = policy.body.embed.weight
    assert torch.allclose(measured[0, 1], table[105])
    assert torch.allclose(measured[0, 0], table[103] + table[109])
    states = torch.randint(1, 100, (1, 10))
    scores = policy(states, cands)
    # where a measure token sits, and how much padding a batch adds, changes no score
    moved = torch.tensor([[[103, 7, 8, 9, 10, 109, 11, 12], [105, 7, 8, 9, 0, 0, 0, 0]]])
    assert torch.allclose(policy(states, moved), scores, atol=1e-5)
    alone = policy(states, cands[:, 1:, :4])
    assert torch.allclose(alone, scores[:, 1:], atol=1e-5)
    # the measure tokens still count beyond the linear term (their embedding is read)
    other = cands.clone()
    other[0, 1, 3] = 104
    assert policy.body.measure.weight.abs().sum() == 0
    assert not torch.allclose(policy(states, other)[0, 1], scores[0, 1])


def test_policy_shapes_and_padding_candidates_never_win():
    cfg = tiny_config(50)
    torch.manual_seed(0)
    policy = TransformerPolicyNetwork(cfg).eval()
    states = torch.randint(1, 50, (3, 10))
    cands = torch.randint(1, 50, (3, 5, 6))
    cands[0, 3:] = 0  # set 0 offers 3 candidates, set 1 offers 1
    cands[1, 1:] = 0
    logits = policy(states, cands)
    assert logits.shape == (3, 5)
    probs = torch.softmax(logits, dim=-1)
    assert torch.all(probs[0, 3:] == 0) and torch.all(probs[1, 1:] == 0)
    assert torch.allclose(probs.sum(-1), torch.ones(3))
    assert probs[1, 0] == 1.0
    assert torch.isfinite(torch.log_softmax(logits, -1)).all()


def test_all_padding_inputs_give_no_nan():
    cfg = tiny_config(50)
    policy, value, reward = (
        TransformerPolicyNetwork(cfg).eval(),
        TransformerValueNetwork(cfg).eval(),
        TransformerRewardModel(cfg).eval(),
    )
    states = torch.zeros(2, 12, dtype=torch.long)
    cands = torch.zeros(2, 4, 6, dtype=torch.long)
    for out in (policy(states, cands), value(states), reward(states, cands)):
        assert torch.isfinite(out).all()
    assert torch.isfinite(torch.log_softmax(policy(states, cands), -1)).all()
    # a state of padding with real candidates still ranks them
    cands[:, :2, 0] = 7
    assert torch.isfinite(policy(states, cands)).all()


def test_padding_mask_makes_outputs_independent_of_padding_length():
    cfg = tiny_config(50)
    torch.manual_seed(1)
    value = TransformerValueNetwork(cfg).eval()
    short = torch.tensor([[5, 6, 7]])
    padded = torch.tensor([[5, 6, 7, 0, 0, 0, 0]])
    assert torch.allclose(value(short), value(padded), atol=1e-5)


def test_action_dim_head():
    cfg = tiny_config(50, action_dim=6)
    policy = TransformerPolicyNetwork(cfg).eval()
    assert policy(torch.randint(1, 50, (4, 9))).shape == (4, 6)
    with pytest.raises(ValueError, match="action_dim"):
        TransformerPolicyNetwork(tiny_config(50))(torch.ones(1, 3, dtype=torch.long))


def test_agent_model_answers_on_python_lists():
    model = AgentModel.create(tiny_config(40), seed=3)
    state, cands = list(range(1, 30)), [[1, 2], [3], [4, 5, 6, 7, 8, 9, 10, 11, 12]]
    priors = model.priors(state, cands)
    assert len(priors) == 3 and math.isclose(sum(priors), 1.0, rel_tol=1e-6)
    assert all(
        math.isclose(math.log(p), lp, abs_tol=1e-6)
        for p, lp in zip(priors, model.log_probs(state, cands), strict=True)
    )
    assert isinstance(model.value(state), float)
    assert set(model.networks()) == {"policy", "value"}  # the reward model does not ship
    assert model.logits(state, []) == []
    # same seed, same weights
    assert AgentModel.create(tiny_config(40), seed=3).priors(state, cands) == priors
    states, cand_t = model.collate([state, [1]], [cands, [[2]]])
    assert states.shape == (2, 16) and cand_t.shape == (2, 3, 8)


def test_agent_model_refuses_bad_tokens_clearly():
    model = AgentModel.create(tiny_config(40))
    with pytest.raises(ValueError, match="outside"):
        model.priors([1, 99], [[1]])
    with pytest.raises(ValueError, match="no tokens"):
        model.priors([1], [[1], []])


@pytest.mark.parametrize("threads", [1, 2])
def test_inference_layers_match_the_module_layers(threads):
    """Without autograd the encoders run their own SDPA layers (faster on a CPU for padded
    batches, and for any batch on one thread); the answers must be the modules' answers,
    unpadded, padded and all-padding rows alike."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        _compare_inference_and_module_layers()
    finally:
        torch.set_num_threads(before)


def _compare_inference_and_module_layers():
    cfg = tiny_config(50)
    torch.manual_seed(2)
    nets = (
        TransformerPolicyNetwork(cfg).eval(),
        TransformerValueNetwork(cfg).eval(),
        TransformerRewardModel(cfg).eval(),
    )
    states = torch.randint(1, 50, (3, 12))
    states[1, 7:] = 0
    states[2] = 0
    cands = torch.randint(1, 50, (3, 4, 6))
    cands[0, :, 3:] = 0
    cands[1, 2:] = 0
    batches = [(states, cands), (states[:1, :7], cands[2:, :2])]  # padded, then not at all
    for net, (states, cands) in [(n, b) for n in nets for b in batches]:
        args = (states,) if isinstance(net, TransformerValueNetwork) else (states, cands)
        with torch.enable_grad():
            reference = net(*args)
        assert reference.requires_grad  # the module path ran
        with torch.inference_mode():
            fast = net(*args)
        assert torch.isfinite(fast).all()
        assert torch.allclose(fast, reference.detach(), atol=1e-5), (fast - reference).abs().max()
