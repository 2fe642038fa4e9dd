"""Concept erasure (LEACE) and its random-direction control (methods.md A2).

LEACE (Belrose et al., NeurIPS 2023) removes exactly the linearly available
information about a concept with the least change to the representation; the
random control removes as many random directions, so an effect of erasure can
be told apart from the damage of removing *any* directions. The audit fits
LEACE on the part of the cross-covariance that stands out from estimation
noise (:func:`denoised_statistics`): fitted on all of it, a wide layer's edit
moves rows along the noise by an amount signed by the concept. Fitted on the
tensor's own device: concept-erasure 0.2.4 has no ``.to(device)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from auditkit.metrics.stats import adjust_pvalues


def concept_targets(codes: np.ndarray, n_classes: int, *, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """LEACE's ``z``: a float vector for a binary concept, one-hot columns for K > 2 classes."""
    z = torch.as_tensor(np.asarray(codes), device=device)
    if n_classes == 2:
        return z.to(dtype)
    return torch.nn.functional.one_hot(z.long(), n_classes).to(dtype)


def fit_leace(x: torch.Tensor, codes: np.ndarray, n_classes: int, columns: np.ndarray | None = None, *,
              noise_alpha: float | None = None) -> Callable[[torch.Tensor], torch.Tensor]:
    """Fit a LEACE eraser for the concept ``codes`` on representations ``x`` (n, d), on x's device.

    Returns a callable that erases along the last dimension of any tensor of
    width d (so it also applies to every position of a sequence). With a
    boolean ``columns`` mask only those units are fitted and edited; the others
    pass through unchanged (see :func:`auditkit.metrics.probing.stable_columns`:
    an edit fitted on a dead or nearly-dead unit writes the concept back into it).

    With ``noise_alpha`` LEACE is built on the significant part of the
    cross-covariance (:func:`denoised_statistics`). For a binary
    concept LEACE moves each row along the estimated cross-covariance (the
    class-mean difference) by its discriminant score, so the estimate's noise
    — about ``1/sqrt(n)`` of the spread in every direction, ``sqrt(d/n)`` in
    all — moves every row along directions that carry nothing of the concept,
    by an amount *signed by the concept*: on a wide layer a model that never
    reads the concept then changes decisions under "erasure". The callable's
    ``kept`` and ``components`` say how many entries of the whitened
    cross-covariance survived out of how many.
    """
    from concept_erasure import LeaceFitter

    xf = x.reshape(x.shape[0], -1).to(torch.float32)
    index = None
    if columns is not None and not bool(np.all(columns)):
        index = torch.as_tensor(np.flatnonzero(columns), device=xf.device)
        xf = xf[:, index]
    z = concept_targets(codes, n_classes, device=xf.device, dtype=xf.dtype)
    fitter = LeaceFitter.fit(xf, z)
    kept = components = int(fitter.sigma_xz_.numel())
    if noise_alpha is not None:
        stats = denoised_statistics(xf, codes, n_classes, noise_alpha)
        kept, components = stats.kept, stats.components
        if kept == 0:  # nothing distinguishable from noise: there is nothing to erase
            def identity(h: torch.Tensor) -> torch.Tensor:
                return h

            identity.rank, identity.kept, identity.components = 0, 0, components  # type: ignore[attr-defined]
            return identity
        # LEACE of the denoised statistics: the fitter's own shrinkage is already in sigma_w
        fitter.shrinkage = False
        fitter.sigma_xx_ = stats.sigma_xx.to(fitter.sigma_xz_) * (fitter.n - 1)
        fitter.sigma_xz_ = stats.sigma_xz.to(fitter.sigma_xz_) * (fitter.n - 1)
        fitter.__dict__.pop("eraser", None)  # the fitter caches its eraser: rebuilt from the new statistics
    eraser = fitter.eraser

    def erase(h: torch.Tensor) -> torch.Tensor:
        hf = h.to(torch.float32)
        if index is None:
            return eraser(hf).to(h.dtype)
        out = hf.clone()
        out[..., index] = eraser(hf[..., index])
        return out.to(h.dtype)

    erase.rank = int(eraser.proj_left.shape[1])  # type: ignore[attr-defined]
    erase.kept = kept  # type: ignore[attr-defined]
    erase.components = components  # type: ignore[attr-defined]
    return erase


@dataclass(frozen=True)
class DenoisedStatistics:
    """LEACE's statistics with estimation noise removed (:func:`denoised_statistics`)."""

    sigma_xx: torch.Tensor  # (d, d): the within-class covariance plus the kept between-class part
    sigma_xz: torch.Tensor  # (d, k): the kept part of the cross-covariance
    kept: int  # entries of the whitened cross-covariance kept
    components: int  # entries in all


def denoised_statistics(x: torch.Tensor, codes: np.ndarray, n_classes: int, alpha: float) -> DenoisedStatistics:
    """``Σ_XZ`` with the entries that estimation noise can explain set to zero, and ``Σ_XX`` to match.

    The entries are judged in the basis whitened by the pooled *within-class*
    covariance ``Σ_W`` (symmetric ``Σ_W^{-1/2}``, shrunk as LEACE shrinks
    ``Σ_XX``): there every entry's noise has the same scale however the units
    are correlated, a concept carried by a low-noise combination of units
    shows up, and ``Σ_W``'s estimate carries none of the class-mean
    differences' noise (the eigenvectors of ``Σ_XX`` do: its top one *is* the
    noisy class-mean difference). Entry (i, j) of ``C = Σ_W^{-1/2} Σ_XZ`` is a
    mean of ``(Σ_W^{-1/2}(x − x̄))_i (z_j − z̄_j)`` over the rows; its standard
    error is that product's standard deviation over ``sqrt(n)``. The entries
    kept are those Benjamini–Hochberg selects at false-discovery rate
    ``alpha`` (two-sided normal p-values): thresholding at the FDR adapts to
    how sparse the concept is (Abramovich, Benjamini, Donoho & Johnstone,
    Ann. Statist. 2006) — one strong entry among noise is kept alone, as
    Bonferroni would, while a concept spread over many entries lowers the bar
    and keeps its weaker ones too. The kept entries are
    mapped back, ``Σ_XZ' = Σ_W^{1/2} C'``. ``Σ_XX' = Σ_W + B'`` with ``B'`` the
    between-class covariance those class means imply (``Σ_XZ' Σ_ZZ⁺ Σ_XZ'ᵀ``):
    with the plain ``Σ_XX``, which holds the noisy class means, the eraser's
    coefficient would read the noise back. For a binary concept the eraser is
    then ``x − a (aᵀΣ_W⁻¹(x − x̄)) / (aᵀΣ_W⁻¹a)`` with ``a = Σ_XZ'``: the
    exact LEACE form, with the denoised class-mean difference. A concept
    spread thinly over many whitened directions may be erased only in part,
    which the probe after erasure reports.
    """
    from concept_erasure.shrinkage import optimal_linear_shrinkage
    from scipy.stats import norm

    xd = x.to(torch.float64)
    n = xd.shape[0]
    z = concept_targets(codes, n_classes, device=xd.device, dtype=xd.dtype).reshape(n, -1)
    within = _within_class(xd, codes)
    sigma_w = optimal_linear_shrinkage(within.T @ within / n, n)
    lam, V = torch.linalg.eigh((sigma_w + sigma_w.T) / 2)
    lam = lam.clamp_min(lam.max().clamp_min(0) * lam.shape[0] * torch.finfo(torch.float64).eps)
    zc = z - z.mean(dim=0)
    prod = ((xd - xd.mean(dim=0)) @ ((V * lam.rsqrt()) @ V.T))[:, :, None] * zc[:, None, :]  # (n, d, k)
    C = prod.sum(dim=0) / max(n - 1, 1)
    se = prod.std(dim=0) / float(np.sqrt(n))
    m = int(C.numel())
    pvalues = 2 * norm.sf((C.abs() / se.clamp_min(1e-300)).cpu().numpy().ravel())
    keep = torch.as_tensor(np.asarray(adjust_pvalues(pvalues, "fdr_bh")) <= alpha, device=C.device).reshape(C.shape)
    sigma_xz = ((V * lam.sqrt()) @ V.T) @ torch.where(keep, C, torch.zeros_like(C))
    sigma_zz = zc.T @ zc / max(n - 1, 1)
    between = sigma_xz @ torch.linalg.pinv(sigma_zz) @ sigma_xz.T
    return DenoisedStatistics(sigma_w + between, sigma_xz, int(keep.sum()), m)


def class_shifts(x: torch.Tensor, eraser: Callable[[torch.Tensor], torch.Tensor], codes: np.ndarray,
                 n_classes: int) -> torch.Tensor:
    """Where each class sits along the erased directions: the class means of the edit ``δ = x − r(x)``, ``(K, d)``.

    ``h + m[t] − m[s]`` moves a row of class ``s`` to class ``t`` along the
    concept and keeps its own deviation within the class: a counterfactual in
    the representation, the additive-noise analogue of swapping the attribute.
    LEACE only moves a row to the pooled mean (about half that distance) and
    also removes its within-class deviation, so a model can use an attribute
    and still barely react to its erasure; the shift tests the full swap.
    """
    xf = x.reshape(x.shape[0], -1)
    delta = (xf.to(torch.float64) - eraser(xf).to(torch.float64))
    z = torch.as_tensor(np.asarray(codes), device=delta.device).long()
    sums = torch.zeros(n_classes, delta.shape[1], dtype=delta.dtype, device=delta.device).index_add_(0, z, delta)
    counts = torch.bincount(z, minlength=n_classes).clamp_min(1).to(delta.dtype)[:, None]
    return (sums / counts).to(torch.float32)


def shift_editor(shift: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """``h ↦ h + shift`` along the last dimension (every position of a sequence), in ``h``'s dtype."""

    def edit(h: torch.Tensor) -> torch.Tensor:
        return (h.to(torch.float32) + shift.to(h.device)).to(h.dtype)

    return edit


def random_eraser(x: torch.Tensor, rank: int, generator: torch.Generator) -> Callable[[torch.Tensor], torch.Tensor]:
    """Remove ``rank`` random orthonormal directions around the mean: ``h − UUᵀ(h − μ)``."""
    d = x.shape[-1]
    g = torch.randn(d, max(rank, 1), generator=generator, dtype=torch.float32).to(x.device)
    U, _ = torch.linalg.qr(g)
    return _projection_eraser(x, U)


def _projection_eraser(x: torch.Tensor, U: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """``h − UUᵀ(h − μ)`` for orthonormal columns ``U`` (d, r), μ the mean of ``x``."""
    d = x.shape[-1]
    U = U.to(device=x.device, dtype=torch.float32)
    mu = x.reshape(-1, d).to(torch.float32).mean(dim=0)

    def erase(h: torch.Tensor) -> torch.Tensor:
        hf = h.to(torch.float32)
        return (hf - ((hf - mu) @ U) @ U.T).to(h.dtype)

    return erase


def _within_class(x: torch.Tensor, codes: np.ndarray | None) -> torch.Tensor:
    """``x`` (n, d) in float64 with each class's mean removed (the overall mean when ``codes`` is None)."""
    xf = x.reshape(x.shape[0], -1).to(torch.float64)
    if codes is None:
        return xf - xf.mean(dim=0)
    z = torch.as_tensor(np.asarray(codes), device=xf.device).long()
    k = int(z.max()) + 1
    sums = torch.zeros(k, xf.shape[1], dtype=xf.dtype, device=xf.device).index_add_(0, z, xf)
    counts = torch.bincount(z, minlength=k).clamp_min(1).to(xf.dtype)[:, None]
    return xf - (sums / counts)[z]


def removed_variance(x: torch.Tensor, eraser: Callable[[torch.Tensor], torch.Tensor],
                     codes: np.ndarray | None = None) -> float:
    """How much variance of ``x`` the edit ``x − r(x)`` removes: ``E‖δ‖²``, or its within-class part.

    With ``codes`` only the edit's variation *within* each class counts: the
    collateral damage, the part of the layer that is not the concept. LEACE on
    an attribute that dominates a layer removes a lot of variance, nearly all
    of it between the classes; that part is the attribute itself, not damage.
    """
    delta = x.reshape(x.shape[0], -1).to(torch.float64) - eraser(x).reshape(x.shape[0], -1).to(torch.float64)
    return float(_within_class(delta, codes).pow(2).sum(dim=1).mean())


@dataclass(frozen=True)
class MatchedControl:
    """A variance-matched random eraser: its directions, the variance they remove and the target it matched."""

    erase: Callable[[torch.Tensor], torch.Tensor]
    removed: float
    target: float


def matched_random_eraser(x: torch.Tensor, rank: int, target: float, generator: torch.Generator,
                          codes: np.ndarray | None = None) -> MatchedControl:
    """Remove ``rank`` random orthonormal directions that carry ``target`` of the layer's variance in all.

    A control for an erasure must do the same *damage* without targeting the
    concept: removing ``rank`` uniformly random directions of a layer whose
    variance sits in a few directions removes almost nothing, while LEACE on
    an attribute the layer encodes strongly removes a high-variance direction
    — a plain random control then makes any erasure look targeted. Here the
    random Gaussian directions ``G`` are tilted towards the high- or
    low-variance eigenvectors of the layer's covariance ``Σ = VΛVᵀ``,
    ``U(t) = orth(V Λ^t Vᵀ G)``, and ``t`` is found by bisection so that the
    removed variance ``tr(UᵀΣU)`` equals ``target`` (the variance the
    erasure removed, :func:`removed_variance`). ``t = 0`` is the plain random
    control. With ``codes`` the covariance is the pooled within-class one, so
    the control does as much *collateral* damage as the erasure (see
    :func:`removed_variance`). Directions are drawn only inside the span of
    the data (dead units carry no variance and nothing to remove). Returns the
    eraser with the variance it removes; when ``target`` lies outside what
    ``rank`` directions can remove, the nearest extreme is used and
    ``removed`` says so.
    """
    centred = _within_class(x, codes)
    cov = centred.T @ centred / max(centred.shape[0] - 1, 1)
    lam, V = torch.linalg.eigh(cov)
    support = lam > lam.max().clamp_min(0) * 1e-9
    lam, V = lam[support], V[:, support]
    r = max(1, min(rank, int(lam.numel())))
    if lam.numel() == 0:
        U = torch.zeros(centred.shape[1], 1, dtype=torch.float64)
        return MatchedControl(_projection_eraser(x, U), 0.0, float(target))
    G = torch.randn(int(lam.numel()), r, generator=generator, dtype=torch.float64)
    log_lam = lam.log().to(torch.float64).cpu()
    lam_c = lam.cpu()

    def directions(t: float) -> tuple[torch.Tensor, float]:
        logits = t * log_lam
        A = torch.exp(logits - logits.max())[:, None] * G  # Λ^t G in the eigenbasis, scaled against overflow
        Q, _ = torch.linalg.qr(A)
        return Q, float((Q.pow(2) * lam_c[:, None]).sum())

    lo_t, hi_t = -30.0, 30.0
    _, f_lo = directions(lo_t)
    _, f_hi = directions(hi_t)
    if target <= f_lo:
        t = lo_t
    elif target >= f_hi:
        t = hi_t
    else:
        for _ in range(60):
            mid = (lo_t + hi_t) / 2
            _, f_mid = directions(mid)
            lo_t, hi_t = (mid, hi_t) if f_mid < target else (lo_t, mid)
            if abs(f_mid - target) <= 1e-6 * max(target, 1e-12):
                break
        t = (lo_t + hi_t) / 2
    Q, removed = directions(t)
    U = V.cpu() @ Q  # back to the activation basis: orthonormal (V has orthonormal columns)
    return MatchedControl(_projection_eraser(x, U), removed, float(target))


def bernoulli_kl(p: np.ndarray, q: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """KL(p ‖ q) between Bernoulli distributions with success probabilities ``p`` and ``q``, per example."""
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    q = np.clip(np.asarray(q, dtype=float), eps, 1 - eps)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))
