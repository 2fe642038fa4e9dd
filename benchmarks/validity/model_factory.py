"""Torch factory for the validity benchmark's tabular models: a ReLU MLP of the given widths.

auditkit builds the module from ``build(widths="10-32-32-1")`` and loads the benchmark's safetensors weights into it.
The module is ``nn.Sequential`` so hidden representations are named ``"1"``, ``"3"``, ... (each ReLU).
"""

from __future__ import annotations

import itertools

from torch import nn


def build(widths: str = "10-32-32-1") -> nn.Sequential:
    """``widths`` is a dash-separated string (policy options are scalars): ``"10-128-128-64-1"``."""
    if isinstance(widths, str):
        widths = [int(w) for w in widths.split("-")]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
