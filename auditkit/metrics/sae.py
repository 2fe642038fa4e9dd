"""Sparse autoencoders (SAEs) over captured activations: train, load, score, rank features, pick matched controls.

The ``prohibited_feature_use`` check of a decoder LLM audit asks whether the model *uses* a protected attribute.
A probe (:mod:`auditkit.metrics.probing`) shows the attribute is encoded; an SAE splits the residual stream into
sparse, more nearly monosemantic features, so the features that track the attribute can be named, ablated inside
the model and compared with ablating random features of the same activation frequency. This module is the pure
maths of that section; running the model with a feature ablated belongs to the model code.

**The SAE.** ``f = σ((x − b_dec·[apply_b_dec_to_input]) W_enc + b_enc)``, ``x̂ = f W_dec + b_dec``, with ``σ`` a
ReLU (sae-lens "standard"), TopK then ReLU (Makhzani & Frey 2013; Gao et al. 2024, "Scaling and evaluating sparse
autoencoders") or JumpReLU (``ReLU(z)·[z > θ]``, Rajamanoharan et al. 2024). :meth:`SparseAutoencoder.ablate`
keeps the SAE's error term ``x − x̂``, as sae-lens' ``use_error_term`` does, so the intervention only removes what
the chosen features write: ``x − Σ_j f_j W_dec[j]``.

**Training** (:func:`train_topk_sae`) follows Gao et al.: activations centred and scaled to unit mean squared norm
per dimension, ``b_dec`` initialised at the data mean, decoder rows drawn at random with unit norm and the encoder
its transpose, Adam on the MSE, the gradient component parallel to each decoder row removed and the rows
renormalised after every step, and the AuxK loss (coefficient 1/32, ``k_aux = d_in/2``) that lets latents dead
during the previous epoch learn to predict the residual. The scaling is folded into the returned weights, so the
SAE takes and returns raw activations; feature activations are in raw units along unit-norm decoder rows.

**Feature ranking** (:func:`rank_features`) uses ranks only, so it is invariant to the scale of each feature:
the ROC AUC of a feature's activation for one value against the rest (the Mann–Whitney statistic over ``m·n``),
DeLong's interval (as :func:`auditkit.metrics.roc.roc_auc`, computed for all features at once from mid-ranks), and
the Kruskal–Wallis test of "the feature's distribution is the same for every value", with the tie correction; for
two values it *is* the two-sided Mann–Whitney test in its normal approximation (``H = z²``, no continuity
correction). p-values are adjusted over every tested feature (Holm by default).

**Matched controls** (:func:`matched_random_features`): ablating features that fire often changes the model more
than ablating rare ones whatever they encode, so the baseline ablates random features whose activation frequency
matches the chosen ones (as in the random-feature controls of Marks et al. 2024, "Sparse feature circuits").

References: Bricken et al. 2023 ("Towards monosemanticity"); Gao et al. 2024; Rajamanoharan et al. 2024
("Jumping ahead: JumpReLU SAEs"); DeLong, DeLong & Clarke-Pearson 1988; Kruskal & Wallis 1952. Pure torch, numpy
and scipy; the on-disk format is sae-lens' (``cfg.json`` + ``sae_weights.safetensors``), read without pickle.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from auditkit.errors import CheckConfigError
from auditkit.metrics.roc import score_interval
from auditkit.metrics.stats import adjust_pvalues, covering, percentile_interval

#: File names of the sae-lens on-disk format.
CFG_FILENAME = "cfg.json"
WEIGHTS_FILENAME = "sae_weights.safetensors"
#: Architectures :func:`load_sae_lens` reads.
ARCHITECTURES = ("standard", "topk", "jumprelu")
#: Training stops once the epoch's loss is less than this relative amount below the loss :data:`PATIENCE` epochs
#: earlier.
REL_TOL = 1e-2
PATIENCE = 5
#: AuxK loss coefficient and the share of ``d_in`` used as ``k_aux`` (Gao et al. 2024, appendix A.2 / B.1).
AUXK_COEF = 1.0 / 32.0
#: Rows encoded at once when scoring; columns ranked at once by :func:`rank_features` (bounds memory).
_ROW_CHUNK = 2048
_COL_CHUNK = 2048

_TRAINED_SOURCE = "trained on the audit data"


@dataclass(frozen=True, eq=False)
class SparseAutoencoder:
    """A sparse autoencoder's weights and activation rule.

    ``W_enc`` (d_in, d_sae), ``b_enc`` (d_sae,), ``W_dec`` (d_sae, d_in), ``b_dec`` (d_in,), all of one floating
    dtype on one device. ``k`` set: TopK activation (the ``k`` largest pre-activations, then ReLU); ``threshold``
    set: JumpReLU with one threshold per feature; neither: ReLU. ``apply_b_dec_to_input`` subtracts ``b_dec`` before
    encoding (the sae-lens convention). ``source`` says where the SAE came from ("trained on the audit data" or the
    directory it was loaded from); ``hook_name`` is the hook point it was trained on, when known.
    """

    W_enc: torch.Tensor
    b_enc: torch.Tensor
    W_dec: torch.Tensor
    b_dec: torch.Tensor
    k: int | None = None
    threshold: torch.Tensor | None = None
    apply_b_dec_to_input: bool = True
    source: str = ""
    hook_name: str | None = None

    @property
    def d_in(self) -> int:
        """Width of the activations the SAE reads."""
        return int(self.W_enc.shape[0])

    @property
    def d_sae(self) -> int:
        """Number of features (latents)."""
        return int(self.W_enc.shape[1])

    @property
    def architecture(self) -> str:
        """``"topk"``, ``"jumprelu"`` or ``"standard"`` (ReLU), as sae-lens names them."""
        return "topk" if self.k is not None else "jumprelu" if self.threshold is not None else "standard"

    def _check_width(self, x: torch.Tensor, width: int, what: str) -> None:
        if x.shape[-1] != width:
            raise CheckConfigError(
                f"the SAE's {what} takes tensors whose last dimension is {width}; got shape {tuple(x.shape)}. "
                f"Use an SAE trained on this hook point (d_in={self.d_in}, d_sae={self.d_sae}) or capture the "
                "matching activations.")

    def pre_activations(self, x: torch.Tensor) -> torch.Tensor:
        """Encoder pre-activations ``(x − b_dec) W_enc + b_enc`` of ``(…, d_in)`` activations, in the SAE's dtype."""
        self._check_width(x, self.d_in, "encoder")
        x = x.to(device=self.W_enc.device, dtype=self.W_enc.dtype)
        if self.apply_b_dec_to_input:
            x = x - self.b_dec
        return x @ self.W_enc + self.b_enc

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Feature activations ``(…, d_sae)`` of activations ``(…, d_in)`` (any leading dimensions)."""
        return self._activate(self.pre_activations(x))

    def _activate(self, pre: torch.Tensor) -> torch.Tensor:
        if self.k is not None:
            top = torch.topk(pre, k=min(self.k, pre.shape[-1]), dim=-1)
            return torch.zeros_like(pre).scatter_(-1, top.indices, torch.relu(top.values))
        if self.threshold is not None:
            return torch.relu(pre) * (pre > self.threshold)
        return torch.relu(pre)

    def decode(self, f: torch.Tensor) -> torch.Tensor:
        """Reconstruction ``f W_dec + b_dec`` ``(…, d_in)`` of feature activations ``(…, d_sae)``."""
        self._check_width(f, self.d_sae, "decoder")
        return f.to(device=self.W_dec.device, dtype=self.W_dec.dtype) @ self.W_dec + self.b_dec

    def ablate(self, x: torch.Tensor, features: Sequence[int] | torch.Tensor) -> torch.Tensor:
        """``x`` with the given features zeroed, keeping the SAE's error term; same shape, dtype and device as ``x``.

        ``decode(encode(x) with the features zeroed) + (x − decode(encode(x)))``, computed as
        ``x − f[features] W_dec[features]`` so that ablating no feature returns ``x`` exactly.
        """
        idx = self._feature_index(features)
        if idx.numel() == 0:
            return x.clone()
        f = self.encode(x)[..., idx]
        delta = f @ self.W_dec[idx]
        return x - delta.to(device=x.device, dtype=x.dtype)

    def _feature_index(self, features: Sequence[int] | torch.Tensor) -> torch.Tensor:
        idx = torch.as_tensor(features if isinstance(features, torch.Tensor) else list(features), dtype=torch.long)
        idx = idx.reshape(-1).to(self.W_dec.device)
        if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= self.d_sae):
            raise CheckConfigError(
                f"feature indices must lie in [0, {self.d_sae}) for this SAE; got {sorted(set(idx.tolist()))[:10]}. "
                "Pass indices of this SAE's features (as returned by rank_features).")
        return torch.unique(idx)

    def to(self, device: torch.device | str | None, dtype: torch.dtype | None = None) -> SparseAutoencoder:
        """The same SAE with every tensor on ``device`` (and in ``dtype`` when given)."""

        def move(t: torch.Tensor | None) -> torch.Tensor | None:
            return None if t is None else t.to(device=device, dtype=dtype)

        return dataclasses.replace(self, W_enc=move(self.W_enc), b_enc=move(self.b_enc), W_dec=move(self.W_dec),
                                   b_dec=move(self.b_dec), threshold=move(self.threshold))


# --------------------------------------------------------------------------------------------------- training


def _check_acts(acts: torch.Tensor, what: str = "acts") -> torch.Tensor:
    if not isinstance(acts, torch.Tensor):
        acts = torch.as_tensor(np.asarray(acts))
    if acts.ndim != 2 or acts.shape[0] < 2 or acts.shape[1] < 1:
        raise CheckConfigError(
            f"{what} must be a 2-d tensor (rows, d_in) with at least 2 rows; got shape {tuple(acts.shape)}. "
            "Flatten the captured activations to one row per text (or token) first.")
    if not torch.is_floating_point(acts) or not bool(torch.isfinite(acts).all()):
        raise CheckConfigError(f"{what} must be finite floating-point activations; got dtype {acts.dtype} "
                               "with non-finite or non-float values. Check the activation capture.")
    return acts


def train_topk_sae(acts: torch.Tensor, *, dict_size: int, k: int, seed: int, epochs: int = 200,
                   batch_size: int = 256, lr: float = 1e-3) -> SparseAutoencoder:
    """Train a TopK SAE on activations ``(n, d_in)`` with the recipe of Gao et al. 2024 (see the module docstring).

    Deterministic for a given ``seed`` on CPU: a private ``torch.Generator`` draws the initial decoder and the
    per-epoch shuffles; the global RNG is not touched. Rows are standardised internally (centred at the mean and
    divided by one scalar, the root mean squared deviation per dimension), so ``lr`` means the same for any
    activation scale; the scaling is folded into the returned weights, which take raw activations.

    Stopping rule: at most ``epochs`` passes over the shuffled rows; training stops early once the epoch's mean
    loss (normalised MSE plus AuxK) is less than :data:`REL_TOL` (1 %) below the loss :data:`PATIENCE` (5) epochs
    earlier, i.e. once five more epochs buy less than 1 % of the loss. The last epoch's weights are returned.

    On CPU the optimisation runs on one thread (the thread count is restored afterwards): the matrices are small,
    so more threads mostly add synchronisation (and contention on a shared machine), and one thread makes the
    weights bit-identical on machines with different core counts.
    """
    acts = _check_acts(acts)
    d = acts.shape[1]
    if not 1 <= k <= dict_size:
        raise CheckConfigError(f"TopK SAE needs 1 <= k <= dict_size; got k={k}, dict_size={dict_size}. "
                               "Choose a k smaller than the dictionary (typically 8–64).")
    if epochs < 1 or batch_size < 1 or not lr > 0:
        raise CheckConfigError(f"SAE training needs epochs >= 1, batch_size >= 1 and lr > 0; got epochs={epochs}, "
                               f"batch_size={batch_size}, lr={lr}.")
    device = acts.device
    x = acts.detach().to(torch.float32)
    mu = x.mean(dim=0)
    scale = float(torch.sqrt((x - mu).pow(2).sum(dim=1).mean() / d))
    if not scale > 0:
        raise CheckConfigError("every activation row is identical, so there is nothing for an SAE to learn; "
                               "check the activation capture (hook point, texts).")
    xs = (x - mu) / scale

    threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        return _train(xs, mu, scale, dict_size=dict_size, k=k, seed=seed, epochs=epochs, batch_size=batch_size, lr=lr)
    finally:
        torch.set_num_threads(threads)


def _train(xs: torch.Tensor, mu: torch.Tensor, scale: float, *, dict_size: int, k: int, seed: int, epochs: int,
           batch_size: int, lr: float) -> SparseAutoencoder:
    """The optimisation of :func:`train_topk_sae` on standardised rows ``xs``; returns raw-unit weights."""
    n, d = xs.shape
    device = xs.device
    gen = torch.Generator().manual_seed(int(seed))
    W_dec = torch.randn(dict_size, d, generator=gen).to(device)
    W_dec /= W_dec.norm(dim=1, keepdim=True)
    W_enc = W_dec.T.clone()
    b_enc = torch.zeros(dict_size, device=device)
    b_dec = torch.zeros(d, device=device)  # the data mean, in standardised units
    params = [W_enc, b_enc, W_dec, b_dec]
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.Adam(params, lr=lr)
    k_aux_max = max(1, d // 2)
    dead = torch.zeros(dict_size, dtype=torch.bool, device=device)
    history: list[float] = []
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen).to(device)
        fired = torch.zeros(dict_size, dtype=torch.bool, device=device)
        total = 0.0
        n_dead = int(dead.sum())
        for start in range(0, n, batch_size):
            xb = xs[perm[start:start + batch_size]]
            pre = (xb - b_dec) @ W_enc + b_enc
            top = torch.topk(pre, k=k, dim=-1)
            vals = torch.relu(top.values)
            f = torch.zeros_like(pre).scatter(-1, top.indices, vals)
            err = xb - (f @ W_dec + b_dec)
            loss = err.pow(2).sum(dim=1).mean() / d
            if n_dead:
                k_aux = min(k_aux_max, n_dead)
                aux = torch.topk(pre.masked_fill(~dead, -math.inf), k=k_aux, dim=-1)
                aux_rec = torch.zeros_like(pre).scatter(-1, aux.indices, torch.relu(aux.values)) @ W_dec
                loss = loss + AUXK_COEF * min(n_dead / k_aux_max, 1.0) * (err.detach() - aux_rec).pow(2).sum(
                    dim=1).mean() / d
            opt.zero_grad(set_to_none=True)
            loss.backward()
            with torch.no_grad():
                g = W_dec.grad
                g -= (g * W_dec).sum(dim=1, keepdim=True) * W_dec
            opt.step()
            with torch.no_grad():
                W_dec /= W_dec.norm(dim=1, keepdim=True).clamp_min(1e-12)
                fired[top.indices[vals > 0]] = True
            total += float(loss.detach()) * xb.shape[0]
        dead = ~fired
        history.append(total / n)
        if len(history) > PATIENCE and history[-1] > history[-1 - PATIENCE] * (1.0 - REL_TOL):
            break
    with torch.no_grad():
        # raw pre-activations are `scale` times the standardised ones: TopK picks the same features, and the
        # features come out in raw units along the unit-norm decoder rows
        return SparseAutoencoder(
            W_enc=W_enc.detach().clone(), b_enc=(b_enc * scale).detach(), W_dec=W_dec.detach().clone(),
            b_dec=(mu + scale * b_dec).detach(), k=int(k), threshold=None, apply_b_dec_to_input=True,
            source=_TRAINED_SOURCE, hook_name=None)


# ------------------------------------------------------------------------------------------ reconstruction


@dataclass(frozen=True)
class ReconstructionQuality:
    """How well an SAE reconstructs a set of activation rows.

    ``variance_explained`` is ``1 − SSE/SST`` over all rows and dimensions (SST about the rows' mean), with a
    percentile bootstrap interval over rows widened to contain the estimate; ``dead_share`` the share of features
    never active on these rows; ``mean_l0`` the mean number of active features per row.
    """

    variance_explained: float
    ci_low: float
    ci_high: float
    dead_share: float
    mean_l0: float
    n: int


def reconstruction_quality(sae: SparseAutoencoder, acts: torch.Tensor, *, confidence: float, resamples: int,
                           seed: int) -> ReconstructionQuality:
    """Variance explained by ``sae`` on ``acts`` ``(n, d_in)``, its bootstrap interval, dead share and mean L0.

    The bootstrap draws ``resamples`` sets of ``n`` rows with replacement (``numpy`` generator seeded by
    ``seed``) and recomputes ``1 − SSE/SST`` on each, SST about the resample's own mean.
    """
    acts = _check_acts(acts)
    n = acts.shape[0]
    sse = np.empty(n)
    sq = np.empty(n)
    active = torch.zeros(sae.d_sae, dtype=torch.bool)
    l0 = 0.0
    centre = acts.to(torch.float64).mean(dim=0)
    with torch.no_grad():
        for start in range(0, n, _ROW_CHUNK):
            xb = acts[start:start + _ROW_CHUNK]
            f = sae.encode(xb)
            rec = sae.decode(f).to(device=xb.device, dtype=torch.float64)
            xd = xb.to(torch.float64)
            sse[start:start + xb.shape[0]] = (xd - rec).pow(2).sum(dim=1).cpu().numpy()
            sq[start:start + xb.shape[0]] = (xd - centre).pow(2).sum(dim=1).cpu().numpy()
            on = f > 0
            active |= on.any(dim=0).cpu()
            l0 += float(on.sum())
    xc = (acts.to(torch.float64) - centre).cpu().numpy()

    def explained(sse_sum: np.ndarray, sq_sum: np.ndarray, mean: np.ndarray) -> np.ndarray:
        sst = sq_sum - n * np.square(mean).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sst > 0, 1.0 - sse_sum / sst, np.nan)

    point = float(explained(np.asarray(sse.sum()), np.asarray(sq.sum()), np.zeros(xc.shape[1])))
    rng = np.random.default_rng(seed)
    samples = np.empty(max(int(resamples), 0))
    block = max(1, (1 << 22) // n)
    for start in range(0, samples.size, block):
        b = min(block, samples.size - start)
        draws = rng.integers(0, n, size=(b, n)) + (np.arange(b) * n)[:, None]
        counts = np.bincount(draws.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)
        samples[start:start + b] = explained(counts @ sse, counts @ sq, counts @ xc / n)
    if samples.size:
        low, high = covering(*percentile_interval(samples, confidence), point)
    else:
        low = high = float("nan")
    return ReconstructionQuality(
        variance_explained=point, ci_low=float(low), ci_high=float(high),
        dead_share=float((~active).sum()) / sae.d_sae, mean_l0=l0 / n, n=int(n))


# ---------------------------------------------------------------------------------------------- sae-lens I/O


def load_sae_lens(directory: Path) -> SparseAutoencoder:
    """Read an SAE saved in the sae-lens format: ``cfg.json`` and ``sae_weights.safetensors`` (no pickle).

    Reads ``d_in``, ``d_sae``, the architecture (``architecture`` "standard" / "topk" / "jumprelu" with ``k``, or
    the older ``activation_fn_str`` "relu" / "topk" with ``activation_fn_kwargs: {"k": …}``),
    ``apply_b_dec_to_input``, ``hook_name`` (top level or under ``metadata`` / ``meta``) and
    ``normalize_activations``, which must be "none": a dataset-wide norm scaling cannot be reproduced here. An
    older ``scaling_factor`` tensor (fine-tuning scale of the features) is folded into ``W_dec``.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CheckConfigError(f"SAE directory {directory} does not exist or is not a directory; expected a "
                               f"sae-lens SAE folder with {CFG_FILENAME} and {WEIGHTS_FILENAME}.")
    missing = [name for name in (CFG_FILENAME, WEIGHTS_FILENAME) if not (directory / name).is_file()]
    if missing:
        present = sorted(p.name for p in directory.iterdir())
        raise CheckConfigError(
            f"SAE directory {directory} lacks {', '.join(missing)}; it holds: {', '.join(present) or 'nothing'}. "
            f"A sae-lens SAE folder needs {CFG_FILENAME} and {WEIGHTS_FILENAME} (SAE.save_model writes both).")
    try:
        cfg = json.loads((directory / CFG_FILENAME).read_text())
    except (OSError, ValueError) as exc:
        raise CheckConfigError(f"{directory / CFG_FILENAME} is not readable JSON ({exc}); "
                               "re-save the SAE with sae-lens or auditkit.") from exc
    if not isinstance(cfg, dict):
        raise CheckConfigError(f"{directory / CFG_FILENAME} must hold a JSON object; got {type(cfg).__name__}.")
    where = directory / CFG_FILENAME
    for key in ("d_in", "d_sae"):
        if not isinstance(cfg.get(key), int):
            raise CheckConfigError(f"{where} needs an integer {key!r}; got {cfg.get(key)!r}.")
    d_in, d_sae = cfg["d_in"], cfg["d_sae"]
    norm = cfg.get("normalize_activations")
    if norm not in (None, "none"):
        raise CheckConfigError(
            f"{where} sets normalize_activations={norm!r}; auditkit only reads SAEs with 'none', because it "
            "cannot reproduce a norm scaling fitted to the SAE's training data. Fold the scaling factor into the "
            "weights (sae-lens: fold_activation_norm_scaling_factor) and save again.")
    if cfg.get("rescale_acts_by_decoder_norm"):
        raise CheckConfigError(f"{where} sets rescale_acts_by_decoder_norm; fold the decoder norms into the "
                               "encoder (sae-lens: fold_W_dec_norm) and save again.")
    if cfg.get("reshape_activations") not in (None, "none"):
        raise CheckConfigError(f"{where} sets reshape_activations={cfg['reshape_activations']!r}; auditkit reads "
                               "SAEs on flat (…, d_in) activations only ('none').")
    act = cfg.get("activation_fn_str")
    arch = cfg.get("architecture") or ("topk" if act == "topk" else "standard")
    if arch == "standard" and act == "topk":
        arch = "topk"
    if arch not in ARCHITECTURES:
        raise CheckConfigError(f"{where} has architecture {arch!r}; auditkit reads {', '.join(ARCHITECTURES)}. "
                               "Convert the SAE to one of these or train one on the audit data.")
    if act not in (None, "relu", "topk"):
        raise CheckConfigError(f"{where} has activation_fn_str {act!r}; auditkit reads 'relu' and 'topk'.")
    k = None
    if arch == "topk":
        k = cfg.get("k", (cfg.get("activation_fn_kwargs") or {}).get("k"))
        if isinstance(k, float) and k.is_integer():
            k = int(k)
        if not isinstance(k, int) or not 1 <= k <= d_sae:
            raise CheckConfigError(f"{where} is a TopK SAE but its k is {k!r}; expected an integer in [1, {d_sae}] "
                                   "under 'k' or activation_fn_kwargs.k.")
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        tensors = load_file(str(directory / WEIGHTS_FILENAME))
    except (OSError, SafetensorError) as exc:
        raise CheckConfigError(f"{directory / WEIGHTS_FILENAME} is not a readable safetensors file ({exc}).") from exc
    shapes = {"W_enc": (d_in, d_sae), "b_enc": (d_sae,), "W_dec": (d_sae, d_in), "b_dec": (d_in,)}
    if arch == "jumprelu":
        shapes["threshold"] = (d_sae,)
    absent = [name for name in shapes if name not in tensors]
    if absent:
        raise CheckConfigError(f"{directory / WEIGHTS_FILENAME} lacks {', '.join(absent)}; it holds "
                               f"{', '.join(sorted(tensors))}. Expected {', '.join(shapes)} for a {arch} SAE.")
    bad = [f"{name} {tuple(tensors[name].shape)} (expected {shape})" for name, shape in shapes.items()
           if tuple(tensors[name].shape) != shape]
    if bad:
        raise CheckConfigError(f"{directory} has tensors whose shapes disagree with {CFG_FILENAME} (d_in={d_in}, "
                               f"d_sae={d_sae}): {'; '.join(bad)}. The config and weights belong to different SAEs.")
    t = {name: tensors[name].to(torch.float32) for name in shapes}
    W_dec = t["W_dec"]
    if "scaling_factor" in tensors:
        W_dec = W_dec * tensors["scaling_factor"].to(torch.float32).reshape(-1, 1)
    meta = cfg.get("metadata") or cfg.get("meta") or {}
    hook = cfg.get("hook_name") or (meta.get("hook_name") if isinstance(meta, dict) else None)
    return SparseAutoencoder(W_enc=t["W_enc"], b_enc=t["b_enc"], W_dec=W_dec, b_dec=t["b_dec"], k=k,
                             threshold=t.get("threshold"),
                             apply_b_dec_to_input=bool(cfg.get("apply_b_dec_to_input", True)),
                             source=str(directory), hook_name=hook)


def save_sae_lens(sae: SparseAutoencoder, directory: Path) -> None:
    """Write ``sae`` in the sae-lens format (``cfg.json`` + ``sae_weights.safetensors``, float32, CPU)."""
    from safetensors.torch import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {"W_enc": sae.W_enc, "b_enc": sae.b_enc, "W_dec": sae.W_dec, "b_dec": sae.b_dec}
    if sae.threshold is not None:
        tensors["threshold"] = sae.threshold
    save_file({name: t.detach().to("cpu", torch.float32).contiguous() for name, t in tensors.items()},
              str(directory / WEIGHTS_FILENAME))
    cfg: dict[str, object] = {
        "architecture": sae.architecture, "d_in": sae.d_in, "d_sae": sae.d_sae, "dtype": "float32", "device": "cpu",
        "apply_b_dec_to_input": bool(sae.apply_b_dec_to_input), "normalize_activations": "none",
        "reshape_activations": "none", "activation_fn_str": "topk" if sae.k is not None else "relu",
        "activation_fn_kwargs": {"k": sae.k} if sae.k is not None else {},
        "hook_name": sae.hook_name, "metadata": {"hook_name": sae.hook_name},
    }
    if sae.k is not None:
        cfg["k"] = sae.k
    (directory / CFG_FILENAME).write_text(json.dumps(cfg, indent=2) + "\n")


# ------------------------------------------------------------------------------------------ feature ranking


@dataclass(frozen=True)
class FeatureAssociation:
    """How well one SAE feature's activation separates the values of a protected attribute.

    ``auc`` is the ROC AUC of the activation for rows of ``value`` against the other rows, with DeLong's
    interval; for two values it is oriented so that ``auc >= 0.5`` and ``value`` is the value whose rows activate
    the feature more; for more values ``value`` is the one-vs-rest split furthest from 0.5 and an ``auc`` below 0.5
    means the feature is *less* active for it. ``p_value`` is the Kruskal–Wallis test of no association (the
    two-sided Mann–Whitney test for two values), ``p_adjusted`` after the multiple-testing correction over every
    tested feature; ``frequency`` the share of rows where the feature is active.
    """

    feature: int
    auc: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    frequency: float
    value: int


def _midranks_columns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mid-ranks (1-based, ties averaged) of each column of ``x`` and each column's tie term ``Σ (t³ − t)``.

    The tie term comes from the ranks themselves: mid-ranks satisfy ``Σ R² = N(N+1)(2N+1)/6 − Σ (t³ − t)/12``.
    Mid-ranks are half-integers, so the sums are exact in float64 for any realistic ``N``.
    """
    from scipy.stats import rankdata

    n = x.shape[0]
    ranks = rankdata(x, method="average", axis=0)
    ties = 12.0 * (n * (n + 1) * (2 * n + 1) / 6.0 - np.square(ranks).sum(axis=0))
    return ranks, ties


def _delong(x: np.ndarray, ranks: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUC and DeLong variance per column of ``x`` for the rows ``pos`` against the others (Sun & Xu mid-ranks)."""
    m, n = int(pos.sum()), int((~pos).sum())
    r_pos, _ = _midranks_columns(x[pos])
    r_neg, _ = _midranks_columns(x[~pos])
    v10 = (ranks[pos] - r_pos) / n
    v01 = 1.0 - (ranks[~pos] - r_neg) / m
    auc = v10.mean(axis=0)
    var = v10.var(axis=0, ddof=1) / m + v01.var(axis=0, ddof=1) / n if m > 1 and n > 1 else np.zeros(x.shape[1])
    return auc, var


def rank_features(codes: np.ndarray | torch.Tensor, labels: np.ndarray, n_values: int, *, confidence: float,
                  correction: str = "holm", min_frequency: float = 0.01) -> list[FeatureAssociation]:
    """Rank SAE features by how well their activation separates the values of a protected attribute.

    ``codes`` (n, d_sae) are feature activations (e.g. ``sae.encode(acts)``), ``labels`` the attribute's integer
    codes ``0 … n_values − 1``. Features active (> 0) on fewer than ``min_frequency`` of the rows, and features
    never active, are **not tested** and not returned: with a handful of active rows their AUC is mostly noise and
    they would only dilute the correction. Every tested feature gets (see :class:`FeatureAssociation`) the AUC for
    its best value with DeLong's interval (the same numbers as :func:`auditkit.metrics.roc.roc_auc`, Newcombe's
    score interval where DeLong's variance is zero), and the p-value of the Kruskal–Wallis H test with the tie
    correction (chi-squared with ``values present − 1`` degrees of freedom; for two values the two-sided
    Mann–Whitney normal approximation, no continuity correction), adjusted over all tested features by
    ``correction`` (:func:`auditkit.metrics.stats.adjust_pvalues`). Sorted by ``|auc − 0.5|``, strongest first.
    Everything is computed from column-wise mid-ranks, all features at once.
    """
    from scipy.stats import chi2, norm

    x = codes.detach().cpu().numpy() if isinstance(codes, torch.Tensor) else np.asarray(codes)
    y = np.asarray(labels)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise CheckConfigError(f"rank_features needs codes (n, d_sae) and labels (n,); got shapes {x.shape} and "
                               f"{y.shape}. Encode one row per labelled text.")
    if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_values):
        raise CheckConfigError(f"labels must be integer codes in [0, {n_values}); got dtype {y.dtype} with values "
                               f"{np.unique(y)[:10].tolist()}. Encode the attribute's values as 0 … n_values − 1.")
    present = [v for v in range(n_values) if (y == v).any()]
    if len(present) < 2:
        raise CheckConfigError(f"ranking features needs rows of at least two attribute values; got values {present}. "
                               "Audit data with a single value of the attribute cannot show an association.")
    if not 0.0 < confidence < 1.0:
        raise CheckConfigError(f"confidence must lie in (0, 1); got {confidence}.")
    N = x.shape[0]
    frequency = (x > 0).mean(axis=0)
    tested = np.flatnonzero((frequency >= min_frequency) & (frequency > 0))
    if tested.size == 0:
        return []
    binary = len(present) == 2
    z = float(norm.ppf(0.5 + confidence / 2.0))
    sizes = np.array([(y == v).sum() for v in present], dtype=np.float64)
    masks = [y == v for v in present]
    rows: list[tuple[int, float, float, float, float, int]] = []
    for start in range(0, tested.size, _COL_CHUNK):
        cols = tested[start:start + _COL_CHUNK]
        block = x[:, cols] if x.dtype in (np.float32, np.float64) else x[:, cols].astype(np.float64)
        ranks, ties = _midranks_columns(block)
        rank_sums = np.stack([ranks[mask].sum(axis=0) for mask in masks])  # (values, cols)
        # Kruskal–Wallis H with the tie correction 1 − Σ(t³ − t)/(N³ − N); constant columns get p = 1
        h = 12.0 / (N * (N + 1)) * (rank_sums ** 2 / sizes[:, None]).sum(axis=0) - 3.0 * (N + 1)
        denom = 1.0 - ties / (N ** 3 - N)
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(denom > 1e-12, h / denom, 0.0)
        pvals = chi2.sf(np.maximum(h, 0.0), len(present) - 1)
        # one-vs-rest AUC of every value from the rank sums, the best value per feature
        m = sizes[:, None]
        aucs = (rank_sums - m * (m + 1) / 2.0) / (m * (N - m))
        # two values: present[1] against present[0], oriented below; more: the one-vs-rest split furthest from ½
        best = np.ones(cols.size, dtype=int) if binary else np.argmax(np.abs(aucs - 0.5), axis=0)
        auc = np.empty(cols.size)
        var = np.empty(cols.size)
        for b in np.unique(best):
            sel = best == b
            auc[sel], var[sel] = _delong(block[:, sel], ranks[:, sel], masks[b])
        for j, col in enumerate(cols):
            m_b = int(sizes[best[j]])
            a, v = float(auc[j]), float(var[j])
            if v > 0:
                half = z * math.sqrt(v)
                lo, hi = max(0.0, a - half), min(1.0, a + half)
            else:
                lo, hi = score_interval(a, m_b, N - m_b, confidence)
                lo, hi = min(lo, a), max(hi, a)
            value = present[best[j]]
            if binary and a < 0.5:
                a, lo, hi, value = 1.0 - a, 1.0 - hi, 1.0 - lo, present[0]
            rows.append((int(col), a, lo, hi, float(pvals[j]), int(value)))
    adjusted = adjust_pvalues([r[4] for r in rows], correction)
    out = [FeatureAssociation(feature=c, auc=a, ci_low=lo, ci_high=hi, p_value=p, p_adjusted=float(pa),
                              frequency=float(frequency[c]), value=v)
           for (c, a, lo, hi, p, v), pa in zip(rows, adjusted, strict=True)]
    out.sort(key=lambda r: (-abs(r.auc - 0.5), r.p_value, r.feature))
    return out


# ------------------------------------------------------------------------------------------ matched controls


def matched_random_features(frequency: np.ndarray, chosen: Sequence[int], draws: int, rng: np.random.Generator,
                            exclude: Sequence[int] = (), *, neighbours: int = 10) -> list[np.ndarray]:
    """``draws`` random feature sets matched in activation frequency to ``chosen``, for a random-ablation baseline.

    Each set has one feature per chosen feature, none of them in ``chosen`` or ``exclude`` and no feature twice.
    Matching rule: the chosen features are visited in a random order; for each, the still-eligible features are
    ordered by ``|frequency − frequency of the chosen feature|`` and one is drawn uniformly from the
    ``neighbours`` nearest (together with every feature tied with the last of them). ``neighbours=1`` is strict
    nearest-frequency matching with ties broken at random, which makes most draws identical when frequencies are
    distinct; the default 10 trades a little matching precision for a baseline that actually varies. ``rng`` is
    the caller's seeded generator.
    """
    freq = np.asarray(frequency, dtype=np.float64).reshape(-1)
    d = freq.size
    chosen_idx = np.asarray(list(chosen), dtype=np.int64).reshape(-1)
    excl = np.asarray(list(exclude), dtype=np.int64).reshape(-1)
    for name, arr in (("chosen", chosen_idx), ("exclude", excl)):
        if arr.size and (arr.min() < 0 or arr.max() >= d):
            raise CheckConfigError(f"{name} feature indices must lie in [0, {d}); got {arr.tolist()[:10]}.")
    if neighbours < 1 or draws < 0:
        raise CheckConfigError(f"need neighbours >= 1 and draws >= 0; got neighbours={neighbours}, draws={draws}.")
    eligible = np.ones(d, dtype=bool)
    eligible[chosen_idx] = False
    eligible[excl] = False
    pool = np.flatnonzero(eligible)
    if pool.size < chosen_idx.size:
        raise CheckConfigError(
            f"{chosen_idx.size} chosen features need as many eligible random features, but only {pool.size} of "
            f"{d} are neither chosen nor excluded. Choose fewer features or exclude fewer.")
    out = []
    for _ in range(draws):
        free = np.ones(pool.size, dtype=bool)
        picked = np.empty(chosen_idx.size, dtype=np.int64)
        for slot in rng.permutation(chosen_idx.size):
            cand = np.flatnonzero(free)
            dist = np.abs(freq[pool[cand]] - freq[chosen_idx[slot]])
            kth = np.partition(dist, min(neighbours, cand.size) - 1)[min(neighbours, cand.size) - 1]
            near = cand[dist <= kth]
            pick = near[rng.integers(near.size)]
            free[pick] = False
            picked[slot] = pool[pick]
        out.append(picked)
    return out
