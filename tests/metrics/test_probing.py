"""The batched probe solver against scikit-learn's: the same L2 logistic optimum on both of its paths.

Permuted labels finish on the shared bound-Hessian steps; a well-separated task
is handed on to Newton steps. Both must land on sklearn's solution of the same
objective, or the permutation test's null and observed fits would differ.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from auditkit.metrics import probing


@pytest.mark.parametrize("signal", [0.0, 0.5, 4.0])
def test_binary_fits_equal_sklearn_for_every_strength(signal):
    rng = np.random.default_rng(3)
    n, d = 600, 12
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, d)) + signal * y[:, None] * np.linspace(1, 0, d)
    labels = np.stack([y, rng.permutation(y), rng.permutation(y)])
    Cs = np.array([0.01, 1.0, 10.0])
    W, b = probing.fit_logistic(torch.as_tensor(X), torch.as_tensor(labels), 2, torch.as_tensor(Cs))
    for i, (row, C) in enumerate(zip(labels, Cs, strict=True)):
        ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, row)
        np.testing.assert_allclose(W[i, :, 0].numpy(), ref.coef_[0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(b[i, 0].item(), ref.intercept_[0], rtol=1e-6, atol=1e-7)


def test_bound_steps_hand_unfinished_problems_to_newton(monkeypatch):
    """With no bound steps at all, Newton alone reaches the same optimum (the fallback is complete)."""
    rng = np.random.default_rng(4)
    X = torch.as_tensor(rng.normal(size=(400, 6)))
    Y = torch.as_tensor(np.stack([(X[:, 0] > 0).numpy().astype(int), rng.integers(0, 2, 400)]))
    C = torch.tensor([1.0, 1.0], dtype=torch.float64)
    both = probing.fit_logistic(X, Y, 2, C)
    monkeypatch.setattr(probing, "_BOUND_STEPS", 0)
    newton = probing.fit_logistic(X, Y, 2, C)
    for a, c in zip(both, newton, strict=True):
        np.testing.assert_allclose(a.numpy(), c.numpy(), rtol=1e-8, atol=1e-9)
