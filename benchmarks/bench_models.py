"""Model factories the benchmarks load through auditkit's own adapters ("bench_models.py:mlp")."""

from __future__ import annotations

import torch
from torch import nn


def mlp(d_in: int = 20, hidden: int = 64, seed: int = 0) -> nn.Module:
    """The 20→64→64→1 ReLU MLP of the performance baseline, seeded (untrained: timing only)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))
