"""The three networks: policy over a candidate set, state value, and learned reward.

Every network reads integer token sequences (``0`` is padding). A state is one sequence of
up to ``max_state_len`` tokens; a candidate is a sequence of up to ``max_cand_len`` tokens; a
candidate row made only of padding is a *padding candidate* (filler so that candidate sets
of different sizes can share a batch) and never wins.

For speed the state is encoded once by the full encoder, candidates by a lighter one
(``cand_layers``), and each pooled candidate attends once to the state tokens.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

# Logit given to padding candidates: finite so that log_softmax never yields NaN, yet so
# negative that softmax gives them exactly zero probability.
NEG_LOGIT = -1e9

# The measure term's weights are multiplied by this in the score. Adam's steps are about the
# learning rate whatever the gradient, so a user's few hundred decisions (about a hundred
# steps at 1e-3) move a weight by about 0.1 whichever parameter it is; with this gain, the
# one weight that says "smaller edits" moves the score by logits per level where each of
# the network's thousands of others moves it by little. Measured on held-out projects
# (issue #18, `sea-lsp bench train --held-out-only`): gain 10 -> 67 %, 40 -> 89 %, 100 ->
# 94 % top-1 for the smallest-diff user after 300 decisions (seed 0, DPO beta 1).
MEASURE_GAIN = 100.0


@dataclass
class NetworkConfig:
    """Sizes shared by the three networks (lengths and vocabulary match ``sea_lsp/encoding/``).

    ``d_model=96`` and a 48-wide candidate encoder keep scoring 64 candidates x 32 tokens
    against a 256-token state near 5 ms on a 2-core CPU (``sea-lsp bench model``).
    """

    vocab_size: int = 8192
    d_model: int = 96
    n_heads: int = 4
    n_layers: int = 2
    d_ff: int = 192
    max_state_len: int = 256
    max_cand_len: int = 36
    cand_layers: int = 1
    dropout: float = 0.0
    action_dim: int | None = None
    pad_id: int = 0
    d_embed: int = 32  # factorised token embedding: vocab x d_embed, projected to each width
    d_cand: int = 48  # width of the lighter candidate encoder (its d_ff keeps d_ff/d_model)
    # Measure tokens: ids [measure_base, measure_base + n_measures * measure_levels) say how big
    # an edit is (measure i at level l is measure_base + i * measure_levels + l, levels growing
    # with the amount). Besides their embedding, the scorer adds a linear term of each level,
    # so "smaller is better" is one weight per measure, not a table learned level by level.
    n_measures: int = 4
    measure_base: int = 7424
    measure_levels: int = 32

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field that cannot build a network."""
        positive = ("vocab_size", "d_model", "n_heads", "n_layers", "d_ff", "d_embed", "d_cand")
        for name in positive + ("max_state_len", "max_cand_len"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"NetworkConfig.{name} must be a positive integer, got {value!r}")
        if not isinstance(self.cand_layers, int) or self.cand_layers < 0:
            raise ValueError(f"NetworkConfig.cand_layers must be >= 0, got {self.cand_layers!r}")
        for name in ("d_model", "d_cand"):
            if getattr(self, name) % self.n_heads:
                raise ValueError(
                    f"NetworkConfig.{name} ({getattr(self, name)}) must be divisible by "
                    f"n_heads ({self.n_heads})"
                )
        for name in ("n_measures", "measure_base"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"NetworkConfig.{name} must be an integer >= 0, got {value!r}")
        if self.n_measures and (
            not isinstance(self.measure_levels, int)
            or self.measure_levels < 2
            or self.measure_base + self.n_measures * self.measure_levels > self.vocab_size
        ):
            raise ValueError(
                f"NetworkConfig measure tokens [{self.measure_base}, {self.measure_base} + "
                f"{self.n_measures} x {self.measure_levels!r}) must lie inside the vocabulary "
                f"({self.vocab_size}); set n_measures=0 for a vocabulary without them"
            )
        if not isinstance(self.dropout, (int, float)) or not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"NetworkConfig.dropout must be in [0, 1), got {self.dropout!r}")
        if self.action_dim is not None and (
            not isinstance(self.action_dim, int) or self.action_dim < 1
        ):
            raise ValueError(
                f"NetworkConfig.action_dim must be None or >= 1, got {self.action_dim!r}"
            )
        if not isinstance(self.pad_id, int) or not 0 <= self.pad_id < self.vocab_size:
            raise ValueError(
                f"NetworkConfig.pad_id must lie in [0, vocab_size), got {self.pad_id!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkConfig:
        """Build from a dict (e.g. a checkpoint's ``config.json``); unknown keys are refused."""
        if not isinstance(data, dict):
            raise ValueError(f"network config must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"unknown network config field(s) {unknown}; known fields are {sorted(known)}"
            )
        return cls(**data)


def _all_padding_fix(pad_mask: torch.Tensor) -> torch.Tensor:
    """Unmask position 0 of rows that are all padding, so attention has a key (no NaN)."""
    empty = pad_mask.all(dim=-1)
    if bool(empty.any()):
        pad_mask = pad_mask.clone()
        pad_mask[empty, 0] = False
    return pad_mask


def masked_mean(hidden: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
    """Mean over non-padding positions; an all-padding row pools to zeros."""
    keep = (~pad_mask).unsqueeze(-1).to(hidden.dtype)
    return (hidden * keep).sum(dim=-2) / keep.sum(dim=-2).clamp(min=1.0)


class SequenceEncoder(nn.Module):
    """Projected token embedding + learned positions + pre-norm transformer encoder.

    The token table is passed to ``forward`` so that the state and candidate encoders of
    one network share it (and each tensor has one name in a checkpoint). Rows without padding run without a mask (PyTorch's faster path).
    """

    def __init__(self, cfg: NetworkConfig, max_len: int, n_layers: int, width: int) -> None:
        super().__init__()
        self.pad_id = cfg.pad_id
        self.max_len = max_len
        self.project = nn.Linear(cfg.d_embed, width)
        self.position = nn.Embedding(max_len, width)
        nn.init.normal_(self.position.weight, std=0.02)
        self.n_layers = n_layers
        if n_layers > 0:
            layer = nn.TransformerEncoderLayer(
                width,
                cfg.n_heads,
                max(1, cfg.d_ff * width // cfg.d_model),
                cfg.dropout,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )
            self.layers = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)

    def forward(
        self, tokens: torch.Tensor, table: nn.Embedding
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``tokens [N, T]`` -> hidden ``[N, T, W]`` and padding mask ``[N, T]`` (True = pad)."""
        if tokens.shape[-1] > self.max_len:
            raise ValueError(f"sequence of {tokens.shape[-1]} tokens exceeds max {self.max_len}")
        pad_mask = _all_padding_fix(tokens == self.pad_id)
        positions = torch.arange(tokens.shape[-1], device=tokens.device)
        x = self.project(table(tokens)) + self.position(positions)
        if self.n_layers > 0:
            padded = bool(pad_mask.any())
            fused = self.training or torch.is_grad_enabled()
            if fused or not (padded or torch.get_num_threads() == 1):
                x = self.layers(x, src_key_padding_mask=pad_mask if padded else None)
            else:
                keep = ~pad_mask[:, None, None, :] if padded else None
                for layer in self.layers.layers:
                    x = inference_layer(layer, x, keep)
        return self.norm(x), pad_mask


def inference_layer(
    layer: nn.TransformerEncoderLayer, x: torch.Tensor, keep: torch.Tensor | None
) -> torch.Tensor:
    """One pre-norm GELU encoder layer without autograd, dropout off: the module's own
    weights and result (to float rounding), computed with ``scaled_dot_product_attention``.

    PyTorch's fused inference path answers a padded batch (every candidate set) with a
    masked softmax that costs more on a CPU than the rest of the layer: this path takes
    about 70 % of its time there (25 candidates of up to 32 tokens: 0.83 against 1.20 ms),
    and about 90 % on an unpadded one with one thread (the language server's setting).
    With more threads the fused kernel parallelises better on an unpadded batch, so
    ``SequenceEncoder`` keeps it there. ``keep`` is ``[N, 1, 1, T]`` with True where a key
    is a real token, or None when nothing is padding.
    """
    attn = layer.self_attn
    n, t, width = x.shape
    heads = attn.num_heads
    y = F.layer_norm(x, (width,), layer.norm1.weight, layer.norm1.bias, layer.norm1.eps)
    qkv = F.linear(y, attn.in_proj_weight, attn.in_proj_bias)
    q, k, v = qkv.view(n, t, 3, heads, width // heads).permute(2, 0, 3, 1, 4)
    a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    x = x + F.linear(
        a.transpose(1, 2).reshape(n, t, width), attn.out_proj.weight, attn.out_proj.bias
    )
    y = F.layer_norm(x, (width,), layer.norm2.weight, layer.norm2.bias, layer.norm2.eps)
    hidden = F.gelu(F.linear(y, layer.linear1.weight, layer.linear1.bias))
    return x + F.linear(hidden, layer.linear2.weight, layer.linear2.bias)


def token_table(cfg: NetworkConfig) -> nn.Embedding:
    embed = nn.Embedding(cfg.vocab_size, cfg.d_embed, padding_idx=cfg.pad_id)
    nn.init.normal_(embed.weight, std=0.1)
    with torch.no_grad():
        embed.weight[cfg.pad_id].zero_()
    return embed


class CandidateScorer(nn.Module):
    """Scores each candidate of a set against the state: the body of policy and reward model."""

    def __init__(self, cfg: NetworkConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = token_table(cfg)
        self.state_encoder = SequenceEncoder(cfg, cfg.max_state_len, cfg.n_layers, cfg.d_model)
        # Measure tokens skip the candidate transformer (its cost grows with length: 36 tokens
        # took 5.7 ms where 32 take 4.4): they enter through their own projection and the
        # linear term below, and the transformer reads the rest, in order.
        self.text_len = cfg.max_cand_len - cfg.n_measures if cfg.n_measures else cfg.max_cand_len
        self.cand_encoder = SequenceEncoder(cfg, self.text_len, cfg.cand_layers, cfg.d_cand)
        self.cand_project = nn.Linear(cfg.d_cand, cfg.d_model)
        self.cross = nn.MultiheadAttention(
            cfg.d_model, cfg.n_heads, dropout=cfg.dropout, batch_first=True
        )
        self.head = nn.Sequential(
            nn.Linear(4 * cfg.d_model, cfg.d_model),
            nn.GELU(),
            nn.Linear(cfg.d_model, 1),
        )
        if cfg.n_measures:
            # token id -> (measure, level); every other id -> the spare slot n_measures
            ids = torch.arange(cfg.vocab_size)
            offset = ids - cfg.measure_base
            inside = (offset >= 0) & (offset < cfg.n_measures * cfg.measure_levels)
            which = torch.where(inside, offset // cfg.measure_levels, cfg.n_measures)
            level = torch.where(inside, offset % cfg.measure_levels, 0).float()
            self.register_buffer("measure_slot", which, persistent=False)
            self.register_buffer("measure_amount", level, persistent=False)
            self.measure = nn.Linear(cfg.n_measures, 1, bias=False)
            nn.init.zeros_(self.measure.weight)
            self.measure_project = nn.Linear(cfg.d_embed, cfg.d_model)
        else:
            self.measure = None

    def measures(self, cand_tokens: torch.Tensor) -> torch.Tensor:
        """``[B, K, C]`` token ids -> ``[B, K, n_measures]`` levels (0 where absent)."""
        return self._levels(cand_tokens, self.measure_slot[cand_tokens])

    def _levels(self, cand_tokens: torch.Tensor, slot: torch.Tensor) -> torch.Tensor:
        b, k, _ = cand_tokens.shape
        out = cand_tokens.new_zeros((b, k, self.cfg.n_measures + 1), dtype=torch.float32)
        out.scatter_add_(-1, slot, self.measure_amount[cand_tokens])
        return out[..., : self.cfg.n_measures]

    def split(
        self, cand_tokens: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """``[B, K, C]`` ids -> the text tokens ``[B, K, <= text_len]`` (measure tokens taken
        out, the rest in order; beyond ``text_len`` cut), the summed embedding of the measure
        tokens ``[B, K, d_embed]`` and their levels ``[B, K, n_measures]`` (both None without
        measures). Every batch gives one candidate the same text tokens at the same
        positions, whatever its padding."""
        if self.measure is None:
            return cand_tokens[..., : self.text_len], None, None
        slot = self.measure_slot[cand_tokens]
        is_measure = slot < self.cfg.n_measures
        order = torch.sort(is_measure.to(torch.uint8), dim=-1, stable=True).indices
        text = torch.gather(cand_tokens.masked_fill(is_measure, self.cfg.pad_id), -1, order)
        kept = (is_measure.unsqueeze(-1) * self.embed(cand_tokens)).sum(dim=-2)
        return text[..., : self.text_len], kept, self._levels(cand_tokens, slot)

    def encode_state(self, state_tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.state_encoder(state_tokens, self.embed)

    def score(
        self, state_hidden: torch.Tensor, state_mask: torch.Tensor, cand_tokens: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw scores ``[B, K]`` and the padding-candidate mask ``[B, K]`` (True = padding)."""
        if cand_tokens.dim() != 3:
            raise ValueError(
                f"cand_tokens must be [batch, K, C], got shape {tuple(cand_tokens.shape)}"
            )
        b, k, _ = cand_tokens.shape
        cand_pad = (cand_tokens == self.cfg.pad_id).all(dim=-1)
        text, measured, levels = self.split(cand_tokens)
        hidden, mask = self.cand_encoder(text.reshape(b * k, text.shape[-1]), self.embed)
        cands = self.cand_project(masked_mean(hidden, mask)).reshape(b, k, -1)
        if measured is not None:
            cands = cands + self.measure_project(measured)
        attended, _ = self.cross(
            cands, state_hidden, state_hidden, key_padding_mask=state_mask, need_weights=False
        )
        pooled = masked_mean(state_hidden, state_mask).unsqueeze(1).expand(b, k, -1)
        features = torch.cat([cands, attended, pooled, cands * pooled], dim=-1)
        scores = self.head(features).squeeze(-1)
        if levels is not None:
            scores = scores + MEASURE_GAIN * self.measure(levels).squeeze(-1)
        return scores, cand_pad

    def forward(self, state_tokens: torch.Tensor, cand_tokens: torch.Tensor):
        hidden, mask = self.encode_state(state_tokens)
        return self.score(hidden, mask, cand_tokens)


def _check_state(state_tokens: torch.Tensor) -> None:
    if state_tokens.dim() != 2:
        raise ValueError(f"state_tokens must be [batch, L], got shape {tuple(state_tokens.shape)}")


class TransformerPolicyNetwork(nn.Module):
    """Logits over a state's candidate set (padding candidates get ``NEG_LOGIT``).

    With ``cfg.action_dim`` set, ``forward(state_tokens)`` alone gives logits over a fixed
    vocabulary of actions (the original document's special case).
    """

    def __init__(self, cfg: NetworkConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.body = CandidateScorer(cfg)
        self.action_head = (
            nn.Linear(cfg.d_model, cfg.action_dim) if cfg.action_dim is not None else None
        )

    def forward(
        self, state_tokens: torch.Tensor, cand_tokens: torch.Tensor | None = None
    ) -> torch.Tensor:
        _check_state(state_tokens)
        hidden, mask = self.body.encode_state(state_tokens)
        if cand_tokens is None:
            if self.action_head is None:
                raise ValueError("cand_tokens is required unless NetworkConfig.action_dim is set")
            return self.action_head(masked_mean(hidden, mask))
        scores, cand_pad = self.body.score(hidden, mask, cand_tokens)
        return scores.masked_fill(cand_pad, NEG_LOGIT)


class TransformerValueNetwork(nn.Module):
    """Expected return from a state: ``[B, L] -> [B]``."""

    def __init__(self, cfg: NetworkConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = token_table(cfg)
        self.encoder = SequenceEncoder(cfg, cfg.max_state_len, cfg.n_layers, cfg.d_model)
        self.head = nn.Sequential(
            nn.Linear(cfg.d_model, cfg.d_model), nn.GELU(), nn.Linear(cfg.d_model, 1)
        )

    def forward(self, state_tokens: torch.Tensor) -> torch.Tensor:
        _check_state(state_tokens)
        hidden, mask = self.encoder(state_tokens, self.embed)
        return self.head(masked_mean(hidden, mask)).squeeze(-1)


class TransformerRewardModel(nn.Module):
    """Learned scalar reward per candidate (Bradley–Terry); padding candidates score 0.

    Not part of ``AgentModel`` or its checkpoints: it earned no place in what ships
    (issue #18); ``model.reward_model`` fits it."""

    def __init__(self, cfg: NetworkConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.body = CandidateScorer(cfg)

    def forward(self, state_tokens: torch.Tensor, cand_tokens: torch.Tensor) -> torch.Tensor:
        _check_state(state_tokens)
        scores, cand_pad = self.body(state_tokens, cand_tokens)
        return scores.masked_fill(cand_pad, 0.0)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
