"""Synthetic credit-like structural causal model with additive noise (the benchmark's tabular ground truth).

A (sex: 0 = female, 1 = male, P = 1/2) → proxy = 1.5·A + ε_p (corr(A, proxy) = 0.6); x1…x9 ~ N(0, 1) independent of
A. The outcome (the audit's true label) depends on legitimate features only: y = 1[w·x + ε_y > 0], ε_y logistic.
The model's *training* label may carry a planted bias (historical labels): + β·(proxy − 0.75) (proxy-mediated) or
+ β·(A − 1/2)·3 (direct). Because every child of A is additive in A and its own noise, the structural counterfactual
of a row (same noise, A flipped, descendants recomputed) moves the proxy by exactly ±1.5, which is what auditkit's
propagated counterfactual estimates from group means (methods.md C2, ``x′ = x − μ̂(a) + μ̂(a′)``).

Model inputs (10 columns): x1…x8, proxy, and a tenth column that is x9 (scenarios "proxy" and "none") or the sex
code itself (scenario "direct", where A is a model input).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PROXY_SHIFT = 1.5
LEGIT_W = np.array([1.0, -0.8, 0.6, 0.5, -0.4, 0.3, 0.25, -0.2, 0.0])  # on x1..x9
FEATURES_NONE = [f"x{i}" for i in range(1, 9)] + ["proxy", "x9"]
FEATURES_DIRECT = [f"x{i}" for i in range(1, 9)] + ["proxy", "sex_code"]


@dataclass
class Population:
    """Exogenous noise and the endogenous variables it generates; ``inputs(a)`` recomputes them for another A."""

    a: np.ndarray  # 0/1
    x: np.ndarray  # (n, 9) legitimate features x1..x9
    eps_p: np.ndarray
    eps_y: np.ndarray
    eps_bias: np.ndarray

    @property
    def n(self) -> int:
        return len(self.a)

    def proxy(self, a: np.ndarray | None = None) -> np.ndarray:
        return PROXY_SHIFT * (self.a if a is None else a) + self.eps_p

    def inputs(self, direct: bool, a: np.ndarray | None = None) -> np.ndarray:
        """Model inputs (n, 10) in the model's column order, for the given values of A (default: the factual)."""
        a = self.a if a is None else a
        last = a.astype(float) if direct else self.x[:, 8]
        return np.column_stack([self.x[:, :8], self.proxy(a), last]).astype(np.float32)

    def outcome(self) -> np.ndarray:
        """The true label: legitimate features only (no path from A)."""
        return (self.x @ LEGIT_W + self.eps_y > 0).astype(int)

    def training_label(self, scenario: str, beta: float) -> np.ndarray:
        """Historical label with the planted bias β: through the proxy, directly through A, or none."""
        z = self.x @ LEGIT_W + self.eps_bias
        if scenario == "proxy":
            z = z + beta * (self.proxy() - PROXY_SHIFT / 2)
        elif scenario == "direct":
            z = z + beta * 3.0 * (self.a - 0.5)
        return (z > 0).astype(int)


def sample(n: int, seed: int) -> Population:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, size=n)
    x = rng.normal(size=(n, 9))
    eps_p = rng.normal(size=n)
    eps_y = rng.logistic(scale=0.5, size=n)
    eps_bias = rng.logistic(scale=0.5, size=n)
    return Population(a=a, x=x, eps_p=eps_p, eps_y=eps_y, eps_bias=eps_bias)
