"""Model-parameter randomisation (Adebayo et al., NeurIPS 2018): copies of the model with random weights.

An attribution method that explains the *model* must change when the model's
weights are replaced by random ones. :func:`randomised_adapter` returns a copy
of the adapter whose top ``blocks`` parameter blocks (counted from the output
layer down, "cascading") are re-initialised; the original is untouched.

A *block* is a layer: the parameters of modules that share a name prefix up to
their first numeric part (``encoder.layer.3.*`` is one block, ``0`` and ``2`` of
an ``nn.Sequential`` are two), ordered from the output backwards by module
registration order. Modules with ``reset_parameters`` are re-initialised with
it (their own initialiser, as in the paper); other parameters are redrawn from
a normal distribution with their own standard deviation. Randomisation runs on
the CPU under a fixed seed, so the copy is the same on every device.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Sequence

import numpy as np
import torch

from auditkit.adapters.base import ModelAdapter, SupportsTreeStructure

_NUMERIC = re.compile(r"^\d+$")


def _block_key(name: str) -> str:
    parts = name.split(".")
    for i, part in enumerate(parts):
        if _NUMERIC.match(part):
            return ".".join(parts[: i + 1])
    return name


def parameter_blocks(model: torch.nn.Module) -> list[list[str]]:
    """Names of the modules with parameters, grouped into layers, from the output layer backwards."""
    blocks: dict[str, list[str]] = {}
    for name, module in model.named_modules():
        if any(True for _ in module.parameters(recurse=False)):
            blocks.setdefault(_block_key(name), []).append(name)
    return list(reversed(list(blocks.values())))


def cascade_stages(n_blocks: int, fractions: Sequence[float]) -> list[int]:
    """Numbers of blocks to randomise: the output layer alone, then each fraction of all blocks (rounded up)."""
    import math

    stages = {1} | {max(1, min(n_blocks, math.ceil(f * n_blocks))) for f in fractions}
    return sorted(s for s in stages if s <= n_blocks)


def _reinitialise(module: torch.nn.Module, generator: torch.Generator) -> None:
    reset = getattr(module, "reset_parameters", None)
    if callable(reset):
        reset()
        return
    with torch.no_grad():
        for p in module.parameters(recurse=False):
            scale = float(p.std()) if p.numel() > 1 else abs(float(p.reshape(-1)[0])) or 1.0
            p.copy_(torch.randn(p.shape, generator=generator, dtype=p.dtype) * max(scale, 1e-2))


def randomisation_blocks(adapter: ModelAdapter) -> tuple[int, str]:
    """How many blocks the cascade can randomise and what a block is: ``"layers"`` of a torch network, or
    ``"trees"`` of a tree ensemble (one block per tree, the last boosted first). ``TypeError`` for other models."""
    if isinstance(adapter, SupportsTreeStructure):
        return int(adapter.n_trees), "trees"
    model = getattr(adapter, "model", None)
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{type(adapter).__name__} exposes neither a torch model nor trees to randomise")
    return len(parameter_blocks(model)), "layers"


def randomised_adapter(adapter: ModelAdapter, blocks: int, seed: int, reference: np.ndarray | None = None,
                       ) -> ModelAdapter:
    """A copy of ``adapter`` whose top ``blocks`` parameter blocks have random weights.

    Torch and Hugging Face adapters keep their network in ``.model``; a tree
    ensemble randomises the splits and leaf values of its last ``blocks`` trees,
    thresholds drawn from the ``reference`` rows
    (:meth:`~auditkit.adapters.base.SupportsTreeStructure.randomised`). Raises
    ``TypeError`` for any other adapter.
    """
    if isinstance(adapter, SupportsTreeStructure):
        if reference is None:
            raise TypeError("randomising a tree ensemble needs reference rows to draw split thresholds from")
        return adapter.randomised(blocks, seed, reference)
    model = getattr(adapter, "model", None)
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{type(adapter).__name__} exposes no torch model to randomise")
    device = adapter.device
    clone = copy.deepcopy(model).to("cpu")
    modules = dict(clone.named_modules())
    generator = torch.Generator().manual_seed(int(seed))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        for block in parameter_blocks(clone)[:blocks]:
            for name in block:
                _reinitialise(modules[name], generator)
    clone = clone.to(device).eval()
    for p in clone.parameters():
        p.requires_grad_(False)
    new = copy.copy(adapter)
    new.model = clone  # type: ignore[attr-defined]
    # its own identity for artefact keys (the copy must never share the original's attributions): the
    # randomisation is seeded, so (original weights, blocks, seed) determines the new weights
    new.fingerprint = hashlib.sha256(f"{adapter.fingerprint}:randomised:{blocks}:{seed}".encode()).hexdigest()
    return new
