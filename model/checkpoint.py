"""Checkpoints: a directory with ``weights.safetensors`` and ``config.json``, written atomically.

Nothing here ever unpickles: weights are read with safetensors only, and a file that is not
safetensors (a ``torch.save`` zip, a raw pickle, a truncated file) is refused with a
``CheckpointError`` saying what is wrong and what to do.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import uuid
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from model.agent_model import AgentModel
from model.networks import NetworkConfig

FORMAT = "sea-lsp-checkpoint"
FORMAT_VERSION = 1
WEIGHTS = "weights.safetensors"
CONFIG = "config.json"

# What a checkpoint's config may ask for before anything is allocated: far above any network
# sea-lsp trains (the default has about a million parameters), far below what takes a
# machine's memory. A config outside these bounds is corrupted or not meant for sea-lsp.
MAX_SIZES = {
    "vocab_size": 1 << 20,
    "d_model": 4096,
    "n_heads": 256,
    "n_layers": 64,
    "d_ff": 16384,
    "max_state_len": 1 << 16,
    "max_cand_len": 1 << 12,
    "cand_layers": 64,
    "d_embed": 4096,
    "d_cand": 4096,
    "action_dim": 1 << 20,
}
MAX_PARAMETERS = 200_000_000  # 800 MB of float32 weights


class CheckpointError(Exception):
    """A checkpoint that cannot be loaded (the message says why and what to do)."""


class CheckpointMismatch(CheckpointError):
    """A sound checkpoint made for other networks or another vocabulary (an earlier
    sea-lsp's): not corrupted, only not loadable by this version."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_checkpoint(model: AgentModel, path: str | Path) -> Path:
    """Write ``model`` to directory ``path``; a crash never leaves a half-written one there.

    Other plain files already in ``path`` (the default model's ``shapes.json``, which
    ``sea-lsp shapes`` builds) are kept: a new checkpoint replaces only its own two files."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp = path.parent / f".{path.name}.tmp-{tag}"
    tmp.mkdir()
    try:
        tensors = {
            f"{prefix}.{key}": value.detach().to("cpu").contiguous()
            for prefix, net in model.networks().items()
            for key, value in net.state_dict().items()
        }
        save_file(tensors, str(tmp / WEIGHTS), metadata={"format": FORMAT})
        os.chmod(tmp / WEIGHTS, 0o644)  # readable like any installed package file
        record = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "network": model.config.to_dict(),
            "vocab_version": model.vocab_version,
            "version": model.version,
            "meta": model.meta,
        }
        (tmp / CONFIG).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        for name in (WEIGHTS, CONFIG):
            _fsync(tmp / name)
        if path.is_dir():
            for companion in path.iterdir():
                own = companion.name in (WEIGHTS, CONFIG)
                if not own and companion.is_file() and not companion.is_symlink():
                    shutil.copy2(companion, tmp / companion.name)
                    _fsync(tmp / companion.name)
        _fsync(tmp)
        aside = None
        if path.exists():
            aside = path.parent / f".{path.name}.old-{tag}"
            os.replace(path, aside)
        os.replace(tmp, path)
        _fsync(path.parent)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _check_safetensors_header(weights: Path) -> None:
    """Refuse pickles and zips early, with a message naming the real format."""
    size = weights.stat().st_size
    with weights.open("rb") as f:
        head = f.read(9)
    # safetensors first: its header length is little-endian, so a valid file may begin with
    # the byte a pickle begins with (a header of 0x2880 bytes does)
    if len(head) == 9 and head[8:9] == b"{" and 8 + struct.unpack("<Q", head[:8])[0] <= size:
        return
    if head[:2] == b"PK":
        kind = "a zip archive (torch.save output?)"
    elif len(head) < 9:
        kind = "too short to be safetensors"
    elif head[:1] == b"\x80":
        kind = "a Python pickle"
    else:
        kind = "truncated or not safetensors (its header does not fit the file)"
    raise CheckpointError(
        f"{weights} is {kind}; sea-lsp only loads safetensors weights and never unpickles. "
        "Re-create the checkpoint with `sea-lsp train` or `sea-lsp pretrain`."
    )


def load_checkpoint(path: str | Path, expected_vocab_version: str | None = None) -> AgentModel:
    """Read a checkpoint directory; raises ``CheckpointError`` on anything unsafe or broken."""
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(
            f"checkpoint {path} is not a directory (expected {WEIGHTS} + {CONFIG})"
        )
    for name in (WEIGHTS, CONFIG):
        if not (path / name).is_file():
            raise CheckpointError(
                f"checkpoint {path} has no {name}; it is incomplete or not a checkpoint"
            )
    try:
        record = json.loads((path / CONFIG).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path / CONFIG} is not valid JSON: {exc}") from exc
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise CheckpointError(f"{path / CONFIG} is not a {FORMAT} config (format field missing)")
    if record.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{path} has checkpoint format_version {record.get('format_version')!r}; this sea-lsp "
            f"reads version {FORMAT_VERSION}. Upgrade sea-lsp or retrain."
        )
    vocab_version = str(record.get("vocab_version", ""))
    if expected_vocab_version is not None and vocab_version != expected_vocab_version:
        raise CheckpointMismatch(
            f"{path} was trained with vocabulary {vocab_version!r} but the encoder now uses "
            f"{expected_vocab_version!r}; retrain it (`sea-lsp train`) or use a matching checkpoint."
        )
    try:
        config = NetworkConfig.from_dict(record.get("network"))
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{path / CONFIG} has a bad network config: {exc}") from exc
    _check_sizes(config, path / CONFIG)
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path / CONFIG}: 'meta' must be a JSON object")
    weights = path / WEIGHTS
    _check_safetensors_header(weights)
    try:
        tensors = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{weights} is corrupted ({exc}); re-create the checkpoint") from exc
    try:
        model = AgentModel.create(
            config, vocab_version=vocab_version, version=str(record.get("version", ""))
        )
        model.meta = meta
        _load_into(model, tensors, weights)
    except (RuntimeError, MemoryError) as exc:  # allocation or torch failures
        raise CheckpointError(
            f"checkpoint {path} could not be built ({type(exc).__name__}: {exc}); "
            "re-create it with `sea-lsp train` or remove it"
        ) from exc
    return model.eval()


def _check_sizes(config: NetworkConfig, where: Path) -> None:
    """Refuse sizes no sea-lsp network has, before a single tensor is allocated: each field
    against ``MAX_SIZES``, then the whole parameter count (counted on the meta device, which
    allocates nothing) against ``MAX_PARAMETERS``."""
    for name, bound in MAX_SIZES.items():
        value = getattr(config, name)
        if value is not None and value > bound:
            raise CheckpointError(
                f"{where} asks for {name}={value}, over the limit of {bound}; the checkpoint "
                "is corrupted or not a sea-lsp model. Re-create it with `sea-lsp train`."
            )
    with torch.device("meta"):
        count = sum(AgentModel.create(config).parameter_counts().values())
    if count > MAX_PARAMETERS:
        raise CheckpointError(
            f"{where} describes networks of {count:,} parameters, over the limit of "
            f"{MAX_PARAMETERS:,}; the checkpoint is corrupted or not a sea-lsp model. "
            "Re-create it with `sea-lsp train`."
        )


def _load_into(model: AgentModel, tensors: dict[str, torch.Tensor], weights: Path) -> None:
    expected_keys = set()
    for prefix, net in model.networks().items():
        state = net.state_dict()
        loaded = {}
        for key, target in state.items():
            full = f"{prefix}.{key}"
            expected_keys.add(full)
            if full not in tensors:
                raise CheckpointMismatch(
                    f"{weights} lacks tensor {full!r}; it does not fit this config"
                )
            value = tensors[full]
            if value.shape != target.shape:
                raise CheckpointMismatch(
                    f"{weights}: tensor {full!r} has shape {tuple(value.shape)}, the config needs "
                    f"{tuple(target.shape)}"
                )
            if value.dtype != target.dtype:
                raise CheckpointError(
                    f"{weights}: tensor {full!r} is {value.dtype}, expected {target.dtype}"
                )
            loaded[key] = value
        net.load_state_dict(loaded, strict=True)
    extra = sorted(set(tensors) - expected_keys)
    if extra:
        raise CheckpointMismatch(
            f"{weights} holds unexpected tensors {extra[:5]}; it does not fit this config"
        )
