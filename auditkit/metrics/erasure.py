"""Concept erasure (LEACE) and its random-direction control (methods.md A2).

LEACE (Belrose et al., NeurIPS 2023) removes exactly the linearly available
information about a concept with the least change to the representation; the
random control removes as many random directions, so an effect of erasure can
be told apart from the damage of removing *any* directions. Fitted on the
tensor's own device: concept-erasure 0.2.4 has no ``.to(device)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch


def concept_targets(codes: np.ndarray, n_classes: int, *, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """LEACE's ``z``: a float vector for a binary concept, one-hot columns for K > 2 classes."""
    z = torch.as_tensor(np.asarray(codes), device=device)
    if n_classes == 2:
        return z.to(dtype)
    return torch.nn.functional.one_hot(z.long(), n_classes).to(dtype)


def fit_leace(x: torch.Tensor, codes: np.ndarray, n_classes: int) -> Callable[[torch.Tensor], torch.Tensor]:
    """Fit a LEACE eraser for the concept ``codes`` on representations ``x`` (n, d), on x's device.

    Returns a callable that erases along the last dimension of any tensor of
    width d (so it also applies to every position of a sequence).
    """
    from concept_erasure import LeaceEraser

    xf = x.reshape(x.shape[0], -1).to(torch.float32)
    z = concept_targets(codes, n_classes, device=xf.device, dtype=xf.dtype)
    eraser = LeaceEraser.fit(xf, z)

    def erase(h: torch.Tensor) -> torch.Tensor:
        return eraser(h.to(torch.float32)).to(h.dtype)

    erase.rank = int(eraser.proj_left.shape[1])  # type: ignore[attr-defined]
    return erase


def random_eraser(x: torch.Tensor, rank: int, generator: torch.Generator) -> Callable[[torch.Tensor], torch.Tensor]:
    """Remove ``rank`` random orthonormal directions around the mean: ``h − UUᵀ(h − μ)``."""
    d = x.shape[-1]
    g = torch.randn(d, max(rank, 1), generator=generator, dtype=torch.float32).to(x.device)
    U, _ = torch.linalg.qr(g)
    mu = x.reshape(-1, d).to(torch.float32).mean(dim=0)

    def erase(h: torch.Tensor) -> torch.Tensor:
        hf = h.to(torch.float32)
        return (hf - ((hf - mu) @ U) @ U.T).to(h.dtype)

    return erase


def bernoulli_kl(p: np.ndarray, q: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """KL(p ‖ q) between Bernoulli distributions with success probabilities ``p`` and ``q``, per example."""
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    q = np.clip(np.asarray(q, dtype=float), eps, 1 - eps)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))
