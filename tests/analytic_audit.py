"""An analytic audit fixture: a model whose decisions are known exactly, on data written to disk.

The model is a step function of one feature (decision = x >= 0.5, logit 40·(x − 0.5)),
so every rate a check reports can be computed by hand from the data. With the option
``nan_above`` it returns NaN for larger inputs: a model that breaks mid-audit.
The ``analytic`` fixture in ``tests/conftest.py`` wraps :func:`write_audit`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

MODEL_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Step(nn.Module):
        def __init__(self, column: int = 0, sharpness: float = 40.0, nan_above: float = 2.0):
            super().__init__()
            self.column = column
            self.sharpness = sharpness
            self.nan_above = nan_above
            self.bias = nn.Parameter(torch.tensor([0.5]))

        def forward(self, x):
            z = self.sharpness * (x[:, self.column] - self.bias)
            return torch.where(x[:, self.column] > self.nan_above, torch.full_like(z, float("nan")), z)


    def build(column: int = 0, nan_above: float = 2.0):
        return Step(column, nan_above=nan_above)
    """
)


def make_frame(n_per_group: int, rates: dict[str, float], seed: int = 0) -> pd.DataFrame:
    """Rows with x uniform on a grid so that the share with x >= 0.5 is exactly the given rate per group."""
    rng = np.random.default_rng(seed)
    parts = []
    for group, rate in rates.items():
        k = round(rate * n_per_group)
        x = np.concatenate([np.full(k, 0.75), np.full(n_per_group - k, 0.25)])
        y = rng.integers(0, 2, n_per_group)
        parts.append(pd.DataFrame({"x": x, "noise": rng.random(n_per_group), "sex": group, "y": y}))
    return pd.concat(parts, ignore_index=True)


def write_audit(tmp: Path, frame: pd.DataFrame, checks: list[dict], *, extra_attributes: tuple[dict, ...] = (),
                **overrides) -> Path:
    """Write model file, data and a policy into ``tmp``; return the policy path."""
    (tmp / "step.py").write_text(MODEL_PY)
    frame.to_csv(tmp / "data.csv", index=False)
    values = sorted(frame["sex"].astype(str).unique())
    policy = {
        "schema_version": 1,
        "policy": {"id": "analytic", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": overrides.pop("system", "analytic-system"), "version": "1"},
        "model": {"type": "torch", "factory": "step.py:build"},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", "noise"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": values}, *extra_attributes],
        "statistics": {"bootstrap": 500, "seed": 3, **overrides.pop("statistics", {})},
        "checks": checks,
        **overrides,
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path

