"""Linear probes with control tasks, permutation tests and online (MDL) codes (methods.md A1).

A probe shows that a protected attribute is *encoded* in a representation; it
never shows that the model *uses* it (that takes an intervention, see
:mod:`auditkit.metrics.erasure`).

The permutation test needs hundreds of refits of the same L2 logistic
regression. :func:`fit_logistic` fits many independent problems (label
vectors × regularisation strengths) at once as one batched, convex torch
objective, so the observed labels, the control task and every permutation go
through one optimisation per fold instead of a Python loop of sklearn fits.
It matches sklearn's ``LogisticRegression(C=...)`` objective
(``mean loss + ||w||² / (2·C·n)``, intercept unpenalised); the tests pin it to
sklearn's solution. Pure torch/numpy; no model code.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

#: Regularisation grid for the probe (methods.md A1).
C_GRID = (0.01, 0.1, 1.0, 10.0)


def fit_logistic(
    X: torch.Tensor, Y: torch.Tensor, n_classes: int, C: torch.Tensor, *, max_iter: int = 50
) -> tuple[torch.Tensor, torch.Tensor]:
    """Fit ``P`` independent L2 logistic regressions on the same inputs.

    ``X`` (n, d) float; ``Y`` (P, n) integer labels in ``[0, n_classes)``; ``C``
    (P,) inverse regularisation strengths. Binary problems use one weight vector
    (sigmoid), as sklearn does; ``K > 2`` classes use a multinomial softmax.
    Returns weights ``(P, d, K')`` and intercepts ``(P, K')`` with ``K' = 1``
    for binary problems.
    """
    n, d = X.shape
    P = Y.shape[0]
    if n_classes == 2 and d <= NEWTON_MAX_DIM:
        return _fit_binary_newton(X, Y, C.to(X), max_iter=max_iter)
    k = 1 if n_classes == 2 else n_classes
    W = torch.zeros(P, d, k, dtype=X.dtype, device=X.device, requires_grad=True)
    b = torch.zeros(P, k, dtype=X.dtype, device=X.device, requires_grad=True)
    penalty = (1.0 / (2.0 * C.to(X) * n)).view(P, 1, 1)
    target = Y.to(torch.float64 if X.dtype == torch.float64 else torch.float32) if k == 1 else Y.long()
    opt = torch.optim.LBFGS([W, b], lr=1.0, max_iter=max_iter, tolerance_grad=1e-9, tolerance_change=1e-12,
                            history_size=20, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        logits = torch.einsum("nd,pdk->pnk", X, W) + b[:, None, :]
        if k == 1:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits[..., 0], target.to(logits.dtype), reduction="none").mean(dim=1)
        else:
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(P * n, k), target.reshape(-1), reduction="none").view(P, n).mean(dim=1)
        total = (loss + (penalty * W.pow(2)).sum(dim=(1, 2))).sum()
        total.backward()
        return total

    opt.step(closure)
    return W.detach(), b.detach()


#: Binary problems with at most this many features are fitted by batched Newton steps (fast, exact);
#: wider ones by L-BFGS, whose per-step cost does not grow with d².
NEWTON_MAX_DIM = 96
_HESSIAN_CHUNK = 64


def _fit_binary_newton(X: torch.Tensor, Y: torch.Tensor, C: torch.Tensor, *, max_iter: int) -> tuple[torch.Tensor,
                                                                                                      torch.Tensor]:
    """``P`` binary L2 logistic regressions sharing ``X``: bound-Hessian steps first, Newton for the rest.

    The permutation test fits hundreds of problems whose labels carry no signal;
    their optimum lies near zero, where the logistic Hessian is close to its
    upper bound ``Xᵀ X / 4n`` (Böhning's bound). That bound is the same for
    every problem with the same ``C``, so one Cholesky factor per ``C`` serves
    them all, and each step costs a gradient (``n·d`` per problem) instead of a
    Hessian (``n·d²``). The bound steps decrease the objective monotonically
    (an MM algorithm) and converge to the same unique optimum; a problem that
    is still moving after :data:`_BOUND_STEPS` steps (a well-separated task,
    where the bound is loose) is finished by exact Newton steps, which are
    computed only for the problems not yet converged.
    """
    n, d = X.shape
    P = Y.shape[0]
    Xa = torch.cat([X, torch.ones(n, 1, dtype=X.dtype, device=X.device)], dim=1)  # intercept column
    ridge = (1.0 / (C * n)).to(X.dtype)  # (P,) penalty on the weights; the intercept stays unpenalised
    pen = torch.ones(d + 1, dtype=X.dtype, device=X.device)
    pen[d] = 0.0
    y = Y.to(X.dtype)
    theta = torch.zeros(P, d + 1, dtype=X.dtype, device=X.device)
    eye = 1e-10 * torch.eye(d + 1, dtype=X.dtype, device=X.device)
    tol = 1e-10 if X.dtype == torch.float64 else 1e-5

    def gradient(th: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        p = torch.sigmoid(th @ Xa.T)  # (m, n)
        return p, (p - y[rows]) @ Xa / n + ridge[rows, None] * pen * th

    def converged(step: torch.Tensor, th: torch.Tensor) -> torch.Tensor:
        return step.abs().amax(dim=1) < tol * (1.0 + th.abs().amax(dim=1))

    # bound steps: one factor per distinct C (a handful), every problem at once
    gram = Xa.T @ Xa / (4.0 * n)
    values, which = torch.unique(ridge, return_inverse=True)
    factors = torch.linalg.cholesky(gram[None] + values[:, None, None] * torch.diag(pen)[None] + eye[None])
    active = torch.arange(P, device=X.device)
    previous = torch.full((P,), float("inf"), dtype=X.dtype, device=X.device)
    for _ in range(_BOUND_STEPS):
        if not len(active):
            break
        _, grad = gradient(theta[active], active)
        step = torch.cholesky_solve(grad[..., None], factors[which[active]])[..., 0]
        theta[active] -= step
        size = step.abs().amax(dim=1)
        # converged when the step is small and shrinking fast (the remaining error is below the last step)
        done = converged(step, theta[active]) & (size < 0.5 * previous[active])
        previous[active] = size
        active = active[~done]
    # Newton for the problems the bound could not finish (warm-started from where the bound steps left them)
    for _ in range(max_iter):
        if not len(active):
            break
        p, grad = gradient(theta[active], active)
        w = p * (1 - p) / n
        H = torch.empty(len(active), d + 1, d + 1, dtype=X.dtype, device=X.device)
        for start in range(0, len(active), _HESSIAN_CHUNK):  # bounded memory: (chunk, n, d) at a time
            sl = slice(start, start + _HESSIAN_CHUNK)
            H[sl] = torch.matmul((Xa[None] * w[sl, :, None]).transpose(1, 2), Xa)
        H += torch.diag_embed(ridge[active, None] * pen) + eye
        step = torch.linalg.solve(H, grad[..., None])[..., 0]
        theta[active] -= step
        active = active[~converged(step, theta[active])]
    return theta[:, :d, None], theta[:, d:]


#: Bound-Hessian steps tried before the problems still moving get exact Newton steps.
_BOUND_STEPS = 30


def predict_logistic(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Class predictions ``(P, n)`` of the fitted problems on ``X``."""
    logits = torch.einsum("nd,pdk->pnk", X, W) + b[:, None, :]
    if W.shape[2] == 1:
        return (logits[..., 0] > 0).long()
    return logits.argmax(dim=2)


def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Mean per-class recall; ``y_pred`` may be ``(..., n)``, giving ``(...)``. Classes absent from y are ignored."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    recalls = []
    for c in range(n_classes):
        mask = y_true == c
        if mask.any():
            recalls.append((y_pred[..., mask] == c).mean(axis=-1))
    return np.mean(recalls, axis=0)


def control_labels(y: np.ndarray, types: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """Hewitt & Liang control task: each type keeps one label drawn from the empirical prior.

    Without a natural type (``types`` is None) the labels are permuted.
    """
    y = np.asarray(y)
    if types is None:
        return rng.permutation(y)
    prior = np.bincount(y) / len(y)
    uniq, inverse = np.unique(np.asarray(types).astype(str), return_inverse=True)
    drawn = rng.choice(len(prior), size=len(uniq), p=prior)
    return drawn[inverse]


@dataclass(frozen=True)
class ProbeResult:
    """Cross-validated probe of one representation for one attribute."""

    balanced_accuracy: float
    chance: float
    ci_low: float
    ci_high: float
    control_accuracy: float
    selectivity: float
    p_value: float
    n_permutations: int
    C: float
    n: int


def _splits(y: np.ndarray, groups: np.ndarray | None, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if groups is not None and len(np.unique(groups)) >= folds:
        cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        return list(cv.split(np.zeros(len(y)), y, groups))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y))


def probe(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    n_permutations: int = 200,
    folds: int = 5,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    standardise: bool = True,
) -> ProbeResult:
    """Probe ``X`` for labels ``y`` (integers ``0..K-1``) with the A1 protocol.

    Out-of-fold predictions from ``folds``-fold (group-)stratified CV; C chosen
    per label vector from :data:`C_GRID` by CV balanced accuracy (the
    permutation null repeats the same selection, so its p-value stays valid);
    a control task on ``groups`` (or permuted labels); a permutation p-value
    ``(C+1)/(P+1)``; and a bootstrap interval of the balanced accuracy over
    the out-of-fold predictions.

    ``standardise=False`` fits on ``X`` as given: for inputs already scaled
    with fixed statistics (see :func:`fixed_scaling`). Per-fold scaling would
    blow a round-off residue in a near-constant column back up to unit variance.
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(y, dtype=np.int64)
    K = int(y.max()) + 1
    Xt = torch.as_tensor(np.asarray(X, dtype=np.float32) if not torch.is_tensor(X) else X.float().cpu())
    labels = [y, control_labels(y, groups, rng)] + [rng.permutation(y) for _ in range(n_permutations)]
    Yall = np.stack(labels)  # (L, n)
    L, G = len(labels), len(C_GRID)
    oof = np.zeros((L * G, len(y)), dtype=np.int64)
    Cs = torch.tensor(np.repeat(np.array(C_GRID)[None, :], L, axis=0).reshape(-1), dtype=torch.float32)
    Yrep = torch.as_tensor(np.repeat(Yall, G, axis=0))
    for train, test in _splits(y, groups, folds, seed):
        if standardise:
            mu, sd = Xt[train].mean(0), Xt[train].std(0).clamp_min(1e-8)
        else:
            mu, sd = torch.zeros(Xt.shape[1]), torch.ones(Xt.shape[1])
        W, b = fit_logistic((Xt[train] - mu) / sd, Yrep[:, train], K, Cs)
        oof[:, test] = predict_logistic((Xt[test] - mu) / sd, W, b).numpy()
    acc = _bal_acc_rows(Yall, oof.reshape(L, G, -1), K)
    best = acc.argmax(axis=1)
    chosen = acc[np.arange(L), best]
    task_pred = oof.reshape(L, G, -1)[0, best[0]]
    observed, control = float(chosen[0]), float(chosen[1])
    null = chosen[2:]
    p = (1 + int((null >= observed - 1e-12).sum())) / (1 + len(null))
    boot = np.empty(bootstrap)
    for i in range(bootstrap):
        idx = rng.integers(0, len(y), len(y))
        boot[i] = balanced_accuracy(y[idx], task_pred[idx], K)
    alpha = 1 - confidence
    lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return ProbeResult(observed, 1.0 / K, float(lo), float(hi), control, observed - control, p, n_permutations,
                       float(C_GRID[best[0]]), len(y))


#: A unit whose variance is below this share of the layer's mean unit variance is treated as (nearly) dead.
STABLE_VARIANCE_SHARE = 1e-3
#: A low-variance column counts as nearly dead when at least this share of the rows hold its most common value.
MOSTLY_CONSTANT_SHARE = 0.95


def stable_columns(reference: np.ndarray, *, share: float = STABLE_VARIANCE_SHARE,
                   mostly_constant: float = MOSTLY_CONSTANT_SHARE) -> np.ndarray:
    """Mask of the columns of ``reference`` (n, d) that are not dead or nearly dead.

    Dead ReLU units are constant; nearly-dead ones fire on a handful of rows.
    An eraser fitted on such a unit learns a coefficient from those few rows:
    on other rows the unit then holds a clean copy of the erased direction
    (exactly so for a dead unit, as round-off), and a probe that standardises
    the unit reads the attribute back. Erasure and the probe after it use the
    stable units only. A column is dropped when its variance is below
    ``share`` of the mean column variance *and* at least ``mostly_constant``
    of the rows hold its most common value: a unit of small scale that varies
    on every row (a residual-stream coordinate that carries a concept quietly)
    is not dead, and leaving it out would leave that concept unerased and
    unprobed.
    """
    ref = np.asarray(reference, dtype=np.float64)
    var = ref.var(axis=0)
    low = var < share * max(float(var.mean()), np.finfo(float).tiny)
    stable = ~low
    for j in np.flatnonzero(low):
        _, counts = np.unique(ref[:, j], return_counts=True)
        stable[j] = var[j] > 0 and counts.max() < mostly_constant * ref.shape[0]
    return stable


def fixed_scaling(reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column of ``reference``, for scaling other values of the same rows.

    Used to probe a representation *after* an erasure with the statistics of
    the same rows *before* it: a column the erasure flattened keeps its small
    scale instead of being blown back up to unit variance by its own tiny
    deviation. Constant columns get a deviation of 1.
    """
    ref = np.asarray(reference, dtype=np.float64)
    sd = ref.std(axis=0)
    return ref.mean(axis=0), np.where(sd > 0, sd, 1.0)


def _bal_acc_rows(Y: np.ndarray, pred: np.ndarray, K: int) -> np.ndarray:
    """Balanced accuracy of each label row of ``Y`` (L, n) against predictions ``(L, G, n)`` → ``(L, G)``."""
    out = np.zeros(pred.shape[:2])
    counts = np.zeros((Y.shape[0], 1))
    for c in range(K):
        mask = (c == Y)[:, None, :]
        n_c = mask.sum(axis=2)
        hit = ((pred == c) & mask).sum(axis=2)
        present = n_c > 0
        out += np.where(present, hit / np.maximum(n_c, 1), 0.0)
        counts = counts + present
    return out / np.maximum(counts, 1)


#: Block ends of the online code as fractions of n (Voita & Titov 2020).
MDL_FRACTIONS = (0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.0625, 0.125, 0.25, 0.5, 1.0)


def online_code_compression(X: np.ndarray, y: np.ndarray, *, seed: int = 0, C: float = 1.0) -> float:
    """Compression ``n·log2 K / L_online`` of the online (prequential) code; ≈ 1 means no information.

    The first block is sent with the uniform code; each later block with a
    probe trained on everything before it.
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(y, dtype=np.int64)
    n, K = len(y), int(y.max()) + 1
    order = rng.permutation(n)
    Xs = torch.as_tensor(np.asarray(X, dtype=np.float64)[order])
    ys = y[order]
    ends = sorted({max(2, round(f * n)) for f in MDL_FRACTIONS} | {n})
    bits = ends[0] * np.log2(K)
    for start, stop in itertools.pairwise(ends):
        train_y = ys[:start]
        if len(np.unique(train_y)) < K:
            bits += (stop - start) * np.log2(K)  # the probe cannot be fitted yet: uniform code
            continue
        mu, sd = Xs[:start].mean(0), Xs[:start].std(0).clamp_min(1e-8)
        W, b = fit_logistic((Xs[:start] - mu) / sd, torch.as_tensor(train_y)[None], K,
                            torch.tensor([C], dtype=torch.float64))
        logits = torch.einsum("nd,pdk->pnk", (Xs[start:stop] - mu) / sd, W)[0] + b[0]
        if W.shape[2] == 1:
            logp1 = torch.nn.functional.logsigmoid(logits[:, 0])
            logp0 = torch.nn.functional.logsigmoid(-logits[:, 0])
            logp = torch.where(torch.as_tensor(ys[start:stop]) == 1, logp1, logp0)
        else:
            logp = torch.log_softmax(logits, dim=1)[torch.arange(stop - start), torch.as_tensor(ys[start:stop])]
        bits += float(-(logp / np.log(2)).sum())
    return float(n * np.log2(K) / bits)
