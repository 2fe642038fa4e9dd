"""``prohibited_feature_use``: is a protected attribute *encoded* in the model, and is it *used*? (methods.md A1–A2)

Encoded: per layer, an L2 logistic probe with a control task (selectivity), a
permutation p-value, a bootstrap interval and the online-code compression —
all from activations captured in the runner's one shared pass.
Used: LEACE erases the attribute's linear information at the representation
feeding the head (or the chosen layers), fitted on a fit split, applied by a
forward hook on the eval split; the decision flips it causes are compared with
erasing as many random directions. The verdict rests on the intervention, never
on the probe: encoded-but-unused is a PASS, and the report says both.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from pydantic import Field

from auditkit.adapters.base import SupportsLayers
from auditkit.adapters.hooks import replace_output, resolve_layers
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
from auditkit.counterfactual.intervention import InputIntervention, input_intervention, text_intervention
from auditkit.counterfactual.lexicon import load_lexicons
from auditkit.counterfactual.refit import MappingSpec
from auditkit.counterfactual.tabular import attribute_inputs, fit_category_maps, fit_proxy_maps, needs_draws
from auditkit.data.values import as_text
from auditkit.errors import CheckConfigError
from auditkit.metrics import erasure, probing
from auditkit.metrics.categorical import CategoricalBlock
from auditkit.metrics.counterfactual import minimum_detectable_rate, pairs_needed_for_rate
from auditkit.metrics.fairness import confusion_counts, fairness_metrics
from auditkit.metrics.stats import adjust_pvalues, derive_seed, percentile_interval, wilson_interval
from auditkit.policy.schema import Fraction, OpenFraction
from auditkit.results import Measurement, Status


class ProhibitedFeatureParams(Params):
    """Parameters of the ``prohibited_feature_use`` check (defaults: methods.md A1–A2)."""

    attribute: str
    layers: list[str] | None = None
    erase_at: list[str] | None = None
    max_flip_rate: Fraction = 0.01
    group_column: str | None = None
    fit_fraction: OpenFraction = 0.5
    n_permutations: int = Field(default=200, ge=19)
    random_draws: int = Field(default=20, ge=5)
    max_probe_examples: int = Field(default=2000, ge=100)
    max_fit_examples: int = Field(default=4000, ge=100)
    folds: int = Field(default=5, ge=2)
    effectiveness_margin: Fraction = 0.05
    attribution_examples: int = Field(default=200, ge=0)
    input_resamples: int = Field(default=200, ge=0)
    lexicons: list[str] = Field(default_factory=list)


@register
class ProhibitedFeatureUseCheck(Check[ProhibitedFeatureParams]):
    """Linear probes per layer (encoded?) and LEACE erasure with a random control (used?)."""

    kind = "prohibited_feature_use"
    version = 3
    title = "Prohibited-feature use"
    Params = ProhibitedFeatureParams
    requires = (SupportsLayers,)

    @classmethod
    def capture_rows(cls, params: ProhibitedFeatureParams) -> int:
        """Rows whose activations feed the probes and the erasure fit."""
        return max(params.max_fit_examples, params.max_probe_examples)

    @classmethod
    def layers(cls, params: ProhibitedFeatureParams) -> list[str] | None:
        """Every probed layer plus the erasure layers; ``None`` (all layers) by default."""
        if params.layers is None:
            return None
        return list(dict.fromkeys([*params.layers, *(params.erase_at or [])]))

    def run(self, ctx: CheckContext, params: ProhibitedFeatureParams, *, seed: int) -> CheckResult:
        """Probe every layer, erase at the chosen layers, judge use on the erasure's decision flips."""
        stats = ctx.statistics
        codes, values = _attribute_codes(ctx, params.attribute)
        counts = np.bincount(codes, minlength=len(values))
        if len(values) < 2 or (counts > 0).sum() < 2:
            return CheckResult(Status.SKIPPED, f"{params.attribute} takes a single value in the audit data, so "
                               "nothing can be probed or erased.")
        need = max(params.folds * 2, 10)
        if counts.min() < need:
            small = ", ".join(f"{v} (n={int(c)})" for v, c in zip(values, counts, strict=True) if c < need)
            return CheckResult(Status.INCONCLUSIVE, f"Too few examples per value of {params.attribute} to probe "
                               f"with {params.folds}-fold cross-validation (need ≥ {need}): {small}.")
        if params.lexicons and ctx.data.kind != "text":
            raise CheckConfigError("'lexicons' are for text models (their terms are substituted in the texts); "
                                   "this model is tabular: remove them")
        probed = list(resolve_layers(ctx.adapter, params.layers))
        erase_at = list(resolve_layers(ctx.adapter, params.erase_at or [probed[-1]]))
        probed += [layer for layer in erase_at if layer not in probed]  # erasure is read against its probe
        groups = _group_column(ctx, params.group_column)
        rng = np.random.default_rng(seed)
        rows = ctx.activation_rows  # the rows whose activations the shared pass kept
        r_codes, r_groups = codes[rows], None if groups is None else groups[rows]
        local = _subsample(r_codes, params.max_probe_examples, rng)
        # the smallest permutation p-value, 1/(P+1), must survive a Bonferroni/Holm factor of the layer count:
        # layers / (P+1) < α  ⇔  P ≥ ⌊layers / α⌋
        needed = math.floor(len(probed) / (1 - stats.confidence)) + 1
        params = params.model_copy(update={"n_permutations": max(params.n_permutations, needed)})
        results = {}
        for layer in probed:
            acts = ctx.activations(layer)
            X = acts[torch.as_tensor(local, device=acts.device)].cpu().double().numpy()
            results[layer] = _probe_layer(X, r_codes[local], None if r_groups is None else r_groups[local],
                                          params, stats, seed)
        # the eraser must cover every name/template it is applied to, so its split is not grouped (the probes are)
        fit_local, held_local = _split(r_codes, None, params.fit_fraction, seed)
        eval_idx = np.setdiff1d(np.arange(len(codes)), rows[fit_local])  # every row the eraser was not fitted on
        erasures = {layer: _erase(ctx, layer, codes, rows, fit_local, held_local, eval_idx, params, stats, seed)
                    for layer in erase_at}
        shift = (_input_intervention(ctx, params, codes, values, rows[fit_local], eval_idx, seed)
                 if ctx.data.kind == "tabular" else _text_intervention(ctx, params, eval_idx))
        result = _verdict(params, values, results, erasures, stats.confidence, stats.correction, shift)
        if ctx.data.kind == "tabular":
            result = _with_proxies(ctx, params, result, _attribution_mass(ctx, params, codes, values))
        return result


# --- data preparation ---------------------------------------------------------------------------


def _attribute_codes(ctx: CheckContext, name: str) -> tuple[np.ndarray, list[str]]:
    if name not in ctx.data.protected:
        raise CheckConfigError(f"attribute {name!r} has no data column, so it cannot be probed; declare its column")
    raw = np.asarray(ctx.data.protected[name]).astype(str)
    declared = [as_text(v) for v in ctx.policy.attribute(name).values] or sorted(set(raw))
    extra = sorted(set(raw) - set(declared))
    values = declared + extra
    index = {v: i for i, v in enumerate(values)}
    return np.fromiter((index[v] for v in raw), dtype=np.int64, count=len(raw)), values


def _group_column(ctx: CheckContext, column: str | None) -> np.ndarray | None:
    if column is None:
        return None
    if column not in ctx.data.frame.columns:
        raise CheckConfigError(f"group_column {column!r} is not in the data; columns found: "
                               f"{', '.join(map(str, ctx.data.frame.columns))}")
    return ctx.data.frame[column].astype(str).to_numpy()


def _subsample(codes: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    """At most ``limit`` rows, stratified by attribute value, in data order."""
    if len(codes) <= limit:
        return np.arange(len(codes))
    keep = []
    for c in np.unique(codes):
        rows = np.flatnonzero(codes == c)
        k = max(1, round(limit * len(rows) / len(codes)))
        keep.append(rng.choice(rows, size=min(k, len(rows)), replace=False))
    return np.sort(np.concatenate(keep))


def _split(codes: np.ndarray, groups: np.ndarray | None, fit_fraction: float, seed: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """Fit/eval split, stratified by attribute value (and keeping each group on one side)."""
    from sklearn.model_selection import GroupShuffleSplit, StratifiedShuffleSplit

    if groups is not None and len(np.unique(groups)) >= 4:
        split = GroupShuffleSplit(n_splits=1, train_size=fit_fraction, random_state=seed)
        fit, ev = next(split.split(codes, codes, groups))
    else:
        split = StratifiedShuffleSplit(n_splits=1, train_size=fit_fraction, random_state=seed)
        fit, ev = next(split.split(codes, codes))
    return np.sort(fit), np.sort(ev)


# --- A3: attribution mass and proxies ----------------------------------------------------------------


def _attribution_mass(ctx: CheckContext, params: ProhibitedFeatureParams, codes: np.ndarray,
                      values: list[str]) -> dict | None:
    """Integrated Gradients on the run's attribution sample (shared with ``attribution_agreement``).

    The reference is the mean of a background sample (interventional, never an
    all-zero one-hot, methods.md A3). Returns per-feature shares and, when the
    attribute is a model input, its share, top-3 rate, rank and signed mass per value.
    """
    if params.attribution_examples == 0:
        return None
    from auditkit.checks._attributions import attribution_job, attribution_seed
    from auditkit.explain import UnsupportedMethod, cached_explain
    from auditkit.metrics import agreement as agr

    job = attribution_job(ctx, n_examples=params.attribution_examples)
    try:
        attr = cached_explain(ctx.artefacts, "integrated_gradients", job, seed=attribution_seed(ctx))
    except UnsupportedMethod:
        return None
    phi = attr.values
    mag = np.abs(phi)
    total = mag.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, mag / total, np.nan)
    rng = np.random.default_rng(derive_seed(ctx.statistics.seed, "attribution-mass", params.attribute))
    n_boot = min(ctx.statistics.bootstrap, 2000)
    mean, lo, hi = agr.bootstrap_means(shares, n_boot, ctx.statistics.confidence, rng)
    pos = agr.positions(agr.magnitude_order(phi))
    top3 = (pos < 3) & (mag > 0)  # a feature with no attribution is never "in the top 3"
    out = {"features": list(job.grouping.names), "share": mean, "share_low": lo, "share_high": hi,
           "top3": top3.mean(axis=0), "n": job.n, "method": attr.reference, "attribute": None,
           "top3_informative": phi.shape[1] > 3}
    column = ctx.policy.attribute(params.attribute).column
    if column in ctx.data.feature_names:
        j = ctx.data.feature_names.index(column)
        f = next(g for g, cols in enumerate(job.grouping.columns) if j in cols)
        in_top3 = top3[:, f]
        sample_codes = codes[job.rows]
        out["attribute"] = {
            "feature": job.grouping.names[f], "share": float(mean[f]), "ci": (float(lo[f]), float(hi[f])),
            "top3": int(in_top3.sum()), "mean_rank": float(pos[:, f].mean() + 1),
            "signed": {v: float(phi[sample_codes == c, f].mean()) for c, v in enumerate(values)
                       if np.any(sample_codes == c)},
        }
    return out


def _with_proxies(ctx: CheckContext, params: ProhibitedFeatureParams, result: CheckResult,
                  mass: dict | None) -> CheckResult:
    """Add the proxy screening and attribution mass of the tabular inputs (methods.md A3); they never decide.

    Features that are both strong proxies and highly attributed come first: they
    are where an indirect use of the attribute would run.
    """
    attribute, conf = params.attribute, ctx.statistics.confidence
    column = ctx.policy.attribute(attribute).column
    exclude = [column] if column in ctx.data.feature_names else []
    report = ctx.proxy_screen(attribute, exclude)
    share = {} if mass is None else {name: (mass["share"][i], mass["share_low"][i], mass["share_high"][i],
                                            mass["top3"][i]) for i, name in enumerate(mass["features"])}
    nan4 = (float("nan"),) * 4
    # with three inputs or fewer every feature is in the top 3: that half of the flag says nothing then
    top3_counts = mass is not None and mass["top3_informative"]

    def attributed(feature: str) -> bool:
        s = share.get(feature, nan4)
        return bool(s[0] > 0.05 or (top3_counts and s[3] > 0.10))

    ranked = sorted(report.features, key=lambda f: (-(f.flagged and attributed(f.feature)), -f.nmi))
    rows = [[f.feature, f.nmi, f.cramers_v, "; ".join(f.reasons) or "—", *share.get(f.feature, nan4)[:3],
             "yes" if f.flagged and attributed(f.feature) else "no"] for f in ranked]
    tables = [*result.details["tables"], {
        "title": f"Proxy screening: how much each input reveals {attribute}, and how much the model relies on it",
        "columns": ["feature", "NMI", "Cramér's V", "flagged because", "attribution share", "CI low", "CI high",
                    "proxy and attributed"],
        "rows": rows}]
    notes = list(result.details["notes"])
    ms = list(result.measurements)
    if report.encoding is not None:
        enc = report.encoding
        ms.append(Measurement("proxy_joint_auc", enc.auc, *enc.auc_ci, n=enc.n, confidence=conf))
        notes.append(f"The other inputs jointly predict {attribute} with cross-validated AUC {enc.auc:.2f} "
                     f"[{enc.auc_ci[0]:.2f}, {enc.auc_ci[1]:.2f}] ({enc.level} redundant encoding)"
                     + (f"; flagged proxies: {', '.join(report.flagged)}." if report.flagged else "."))
    both = [r[0] for r in rows if r[-1] == "yes"]
    if both:
        notes.append(f"Strong proxies of {attribute} that the model also relies on (attribution share > 5% or in "
                     f"the top 3 for > 10% of instances): {', '.join(both)}. The counterfactual sweep (propagated) "
                     "measures whether they carry the attribute into decisions.")
    if mass is not None:
        notes.append(f"Attribution mass: Integrated Gradients on {mass['n']} seeded rows, relative to the "
                     f"{mass['method']} (interventional; the same attributions as attribution_agreement). Low "
                     "attribution does not prove non-use: a model can hide it; the erasure decides.")
    a = None if mass is None else mass["attribute"]
    if a is None:
        notes.append(f"{attribute} is not a model input: its direct attribution is zero by construction, so only "
                     "proxies can carry it.")
    else:
        ms.append(Measurement("protected_attribution_share", a["share"], *a["ci"], group=a["feature"],
                              n=mass["n"], confidence=conf))
        lo, hi = wilson_interval(a["top3"], mass["n"], conf)
        ms.append(Measurement("protected_in_top3_rate", a["top3"] / mass["n"], lo, hi, group=a["feature"],
                              n=mass["n"], confidence=conf))
        flag = a["share"] > 0.05 or (top3_counts and a["top3"] / mass["n"] > 0.10)
        signed = ", ".join(f"{v}: {x:+.3g}" for v, x in a["signed"].items())
        notes.append(f"{attribute} is a model input ({a['feature']}): it carries {_pct(a['share'])} "
                     f"[{_pct(a['ci'][0])}, {_pct(a['ci'][1])}] of the attribution mass, is in the top 3 for "
                     f"{_pct(a['top3'] / mass['n'])} of instances (mean rank {a['mean_rank']:.1f}); mean signed "
                     f"attribution per value: {signed}."
                     + (" This exceeds the A3 flag (share > 5% or top 3 for > 10%): the counterfactual sweep "
                        "(flip-only) decides direct use." if flag else ""))
    return CheckResult(result.status, result.summary, tuple(ms), {**result.details, "tables": tables, "notes": notes})


# --- A1: probes ------------------------------------------------------------------------------------


def _probe_layer(X: np.ndarray, y: np.ndarray, groups: np.ndarray | None, params: ProhibitedFeatureParams,
                 stats, seed: int) -> dict:
    res = probing.probe(X, y, groups=groups, n_permutations=params.n_permutations, folds=params.folds,
                        bootstrap=min(stats.bootstrap, 2000), confidence=stats.confidence, seed=seed)
    rng = np.random.default_rng(seed + 1)
    control = probing.control_labels(y, groups, rng)
    return {
        "probe": res,
        "mdl_task": probing.online_code_compression(X, y, seed=seed, C=res.C),
        "mdl_control": probing.online_code_compression(X, control, seed=seed, C=res.C),
    }


# --- A2: erasure -----------------------------------------------------------------------------------


def _erase(ctx: CheckContext, layer: str, codes: np.ndarray, rows: np.ndarray, fit_local: np.ndarray,
           held_local: np.ndarray, eval_idx: np.ndarray, params: ProhibitedFeatureParams, stats, seed: int) -> dict:
    """Fit LEACE on captured fit rows; measure completeness on held-out captured rows, effects on ``eval_idx``.

    Only the stable units are erased and probed (:func:`probing.stable_columns`:
    dead and nearly-dead ReLUs are left alone, an edit fitted on them writes the
    attribute back). Completeness: a probe on the held-out rows after erasure,
    scaled with those rows' statistics *before* erasure
    (:func:`probing.fixed_scaling`), so a flattened unit is not blown back up. Control:
    ``random_draws`` erasures of as many random directions carrying the same
    share of the layer's variance as the LEACE edit removes
    (:func:`erasure.matched_random_eraser`).
    """
    acts = ctx.activations(layer)
    device = acts.device
    fit_acts = acts[torch.as_tensor(fit_local, device=device)]
    K = int(codes.max()) + 1
    keep = probing.stable_columns(fit_acts.reshape(fit_acts.shape[0], -1).cpu().double().numpy())
    eraser = erasure.fit_leace(fit_acts, codes[rows[fit_local]], K, columns=keep)
    held_acts = acts[torch.as_tensor(held_local, device=device)]
    mu, sd = probing.fixed_scaling(held_acts.cpu().double().numpy()[:, keep])
    erased_held = eraser(held_acts).cpu().double().numpy()[:, keep]
    after = probing.probe((erased_held - mu) / sd, codes[rows[held_local]], n_permutations=0, folds=params.folds,
                          bootstrap=min(stats.bootstrap, 1000), confidence=stats.confidence, seed=seed,
                          standardise=False)
    inputs = _inputs(ctx, eval_idx)
    pred = ctx.predictions()
    s0, d0 = pred.scores[eval_idx], pred.decisions[eval_idx]
    with replace_output(ctx.adapter, layer, eraser):
        s1 = ctx.adapter.predict(inputs)
    d1 = ctx.adapter.decide(s1)
    fit_codes = codes[rows[fit_local]]
    total = float(fit_acts.reshape(fit_acts.shape[0], -1).double().var(dim=0).sum())
    removed = erasure.removed_variance(fit_acts, eraser)
    target = erasure.removed_variance(fit_acts, eraser, fit_codes)  # the collateral part: not the attribute
    gen = torch.Generator().manual_seed(seed)
    rand_fr, rand_kl, rand_removed = [], [], []
    for _ in range(params.random_draws):
        control = erasure.matched_random_eraser(fit_acts, eraser.rank, target, gen, fit_codes)
        with replace_output(ctx.adapter, layer, control.erase):
            sr = ctx.adapter.predict(inputs)
        rand_fr.append(float(np.mean(ctx.adapter.decide(sr) != d0)))
        rand_kl.append(float(np.mean(erasure.bernoulli_kl(s0, sr))))
        rand_removed.append(control.removed)
    shift_flips = _shift_flips(ctx, layer, erasure.class_shifts(fit_acts, eraser, fit_codes, K), codes[eval_idx],
                               eval_idx, d0)
    y = ctx.data.y_true[eval_idx]
    flips = int(np.sum(d0 != d1))
    rng = np.random.default_rng(seed + 2)
    boot = rng.integers(0, len(eval_idx), size=(min(stats.bootstrap, 2000), len(eval_idx)))
    absdiff = np.abs(s1 - s0)
    mac_lo, mac_hi = percentile_interval(absdiff[boot].mean(axis=1), stats.confidence)
    g = codes[eval_idx]
    gap0 = fairness_metrics(confusion_counts(y, d0, g, K))["demographic_parity_difference"]
    gap1 = fairness_metrics(confusion_counts(y, d1, g, K))["demographic_parity_difference"]
    return {
        "n": len(eval_idx), "flips": flips, "after": after, "rank": eraser.rank,
        "dropped_columns": int((~keep).sum()),
        "shift_flip_rate": shift_flips / len(eval_idx),
        "shift_ci": wilson_interval(round(shift_flips), len(eval_idx), stats.confidence),
        "flip_rate": flips / len(eval_idx), "flip_ci": wilson_interval(flips, len(eval_idx), stats.confidence),
        "mac": float(absdiff.mean()), "mac_ci": (float(mac_lo), float(mac_hi)),
        "kl": float(np.mean(erasure.bernoulli_kl(s0, s1))),
        "delta_accuracy": float(np.mean(d1 == y) - np.mean(d0 == y)),
        "gap_before": float(gap0), "gap_after": float(gap1),
        "variance_share": removed / total if total > 0 else float("nan"),
        "collateral_share": target / total if total > 0 else float("nan"),
        "control_variance_share": float(np.mean(rand_removed)) / total if total > 0 else float("nan"),
        "rand_fr_p95": float(np.quantile(rand_fr, 0.95)), "rand_kl_p95": float(np.quantile(rand_kl, 0.95)),
        "rand_fr_median": float(np.median(rand_fr)),
        "rand_p": (1 + sum(fr >= flips / len(eval_idx) for fr in rand_fr)) / (1 + len(rand_fr)),
        "rand_fr": rand_fr,
    }


def _shift_flips(ctx: CheckContext, layer: str, shifts: torch.Tensor, g: np.ndarray, eval_idx: np.ndarray,
                 d0: np.ndarray) -> float:
    """Decision flips when each eval row is moved to every other value along the erased directions (averaged).

    Rows of one value share one constant shift per target value, so each
    (source, target) pair is one batched pass with a fixed edit.
    """
    K = shifts.shape[0]
    changed = np.zeros(len(eval_idx))
    for s in range(K):
        mine = np.flatnonzero(g == s)
        if mine.size == 0:
            continue
        inputs = _inputs(ctx, eval_idx[mine])
        for t in range(K):
            if t == s:
                continue
            with replace_output(ctx.adapter, layer, erasure.shift_editor(shifts[t] - shifts[s])):
                st = ctx.adapter.predict(inputs)
            changed[mine] += (ctx.adapter.decide(st) != d0[mine]) / (K - 1)
    return float(changed.sum())


def _input_intervention(ctx: CheckContext, params: ProhibitedFeatureParams, codes: np.ndarray, values: list[str],
                        fit_rows: np.ndarray, eval_idx: np.ndarray, seed: int) -> InputIntervention | None:
    """The attribute's counterfactual on the inputs (:mod:`auditkit.counterfactual.intervention`), or None.

    Moves the attribute's own input columns (flip-only) and the proxies the
    run's screening accepted (the propagated mapping, categorical blocks as
    one, fitted on the eraser's fit rows and applied to the evaluation rows),
    against a placebo with permuted labels. None when nothing would move (the
    attribute is not an input and has no accepted proxy).
    """
    names = list(ctx.data.feature_names)
    X = np.asarray(ctx.data.X, dtype=np.float32)
    column = ctx.policy.attribute(params.attribute).column or ""
    labels = np.asarray(values)[codes]
    try:
        inputs = attribute_inputs(X, names, column, labels, values)
    except CheckConfigError:  # the column holds several codes per value (e.g. a binned age): not flipped
        inputs = attribute_inputs(X, names, "", labels, values)
    own = [names[j] for j in sorted(inputs.columns)]
    screen = ctx.proxy_screen(params.attribute, own)
    singles: list[int] = []
    blocks: list[CategoricalBlock] = []
    for name in screen.flagged:
        cols = [names.index(c) for c in screen.columns_of(name) if c in names and c not in own]
        if len(cols) > 1:
            blocks.append(CategoricalBlock(name, tuple(cols), tuple(names[j] for j in cols), False))
        elif cols and cols[0] not in singles:
            singles.append(cols[0])
    if not inputs.columns and not singles and not blocks:
        return None
    # fitted on every row only to fix each proxy's method and each block's categories, as counterfactual_sweep does
    maps = fit_proxy_maps(X, codes, len(values), singles, names) + fit_category_maps(X, codes, len(values), blocks)
    return input_intervention(
        ctx.adapter, X, codes, len(values), inputs, MappingSpec.of(maps, names), fit_rows=fit_rows, eval_rows=eval_idx,
        decisions=ctx.predictions().decisions, moved=own + [names[j] for j in singles] + [b.name for b in blocks],
        resamples=min(ctx.statistics.bootstrap, params.input_resamples), placebo_draws=params.random_draws,
        level=ctx.statistics.confidence, rng=np.random.default_rng(derive_seed(seed, "inputs")),
        random_keys=needs_draws(maps))


def _text_intervention(ctx: CheckContext, params: ProhibitedFeatureParams, eval_idx: np.ndarray
                       ) -> InputIntervention | None:
    """The substitution of the attribute's lexicon in the evaluation texts (None without a lexicon or a hit)."""
    attr = ctx.policy.attribute(params.attribute)
    refs = [r for r in (attr.lexicon, *params.lexicons) if r]
    if not refs:
        return None
    declared = [t for t in (as_text(v) for v in attr.values) if t is not None]
    lexicon = load_lexicons(refs, declared, attribute=attr.name, base_dir=ctx.base_dir)
    return text_intervention(ctx.adapter, ctx.data.texts or [], lexicon, eval_rows=eval_idx,
                             decisions=ctx.predictions().decisions, level=ctx.statistics.confidence)


def _inputs(ctx: CheckContext, rows: np.ndarray) -> np.ndarray | list[str]:
    if ctx.data.kind == "tabular":
        return np.asarray(ctx.data.X)[rows]
    return [ctx.data.texts[i] for i in rows]


# --- verdict and evidence --------------------------------------------------------------------------


#: Why a layer's erasure got its verdict (the rule that decided, methods.md A2 as restated in the README).
RULES = {
    "not_encoded_at_layer": Status.PASS,  # probe interval within chance + margin: nothing linear to use there
    "erasure_effect_beyond_tolerance_and_control": Status.FAIL,
    "complete_erasure_effect_within_tolerance": Status.PASS,
    "encoding_undecided": Status.INCONCLUSIVE,
    "effect_not_beyond_control": Status.INCONCLUSIVE,
    "encoded_too_weakly_to_erase": Status.INCONCLUSIVE,
    "erasure_incomplete": Status.INCONCLUSIVE,
    "shift_effect_not_within_tolerance": Status.INCONCLUSIVE,
    # key "inputs" (tabular): the attribute's counterfactual on the inputs (own columns flipped, proxies mapped)
    "input_counterfactual_beyond_tolerance_and_placebo": Status.FAIL,
    # key "inputs" (text): the attribute's lexicon substituted; nothing is estimated, so there is no placebo
    "input_substitution_beyond_tolerance": Status.FAIL,
    "input_counterfactual_not_within_tolerance": Status.INCONCLUSIVE,  # a PASS of the layers withheld
    "effect_interval_straddles_tolerance": Status.INCONCLUSIVE,
}


def _layer_rule(before: probing.ProbeResult, encoded: bool, e: dict, fr: Measurement, shift: Measurement,
                params: ProhibitedFeatureParams) -> str:
    """The rule that decides one erasure layer (a key of :data:`RULES`).

    FAIL needs the attribute materially encoded (probe interval above chance +
    margin), the erasure of its linear information to change decisions beyond
    the tolerance (interval) *and* beyond a variance-matched random control;
    it does not need the erasure to be complete (removing part of the
    attribute and changing decisions already shows use). PASS needs a
    complete erasure (the probe after erasure consistent with chance) whose
    flip-rate interval lies below the tolerance, and the full swap along the
    erased directions (:func:`erasure.class_shifts`) within the tolerance too —
    or the layer shown not to encode the attribute at all.
    """
    if before.ci_high <= before.chance + params.effectiveness_margin:
        return "not_encoded_at_layer"
    if not encoded:
        return "encoding_undecided"
    if fr.status is Status.FAIL and before.ci_low <= before.chance + params.effectiveness_margin:
        return "encoded_too_weakly_to_erase"
    if fr.status is Status.FAIL:
        return ("erasure_effect_beyond_tolerance_and_control" if e["flip_rate"] > e["rand_fr_p95"]
                else "effect_not_beyond_control")
    if fr.status is Status.PASS:
        if not _complete(e["after"], params):
            return "erasure_incomplete"
        return "complete_erasure_effect_within_tolerance" if shift.status is Status.PASS else \
            "shift_effect_not_within_tolerance"
    return "effect_interval_straddles_tolerance"


def _verdict(params: ProhibitedFeatureParams, values: list[str], probes: dict, erasures: dict,
             confidence: float, correction: str, inputs: InputIntervention | None = None) -> CheckResult:
    attr = params.attribute
    limit = Limit(max=params.max_flip_rate)
    ms: list[Measurement] = []
    layer_names = list(probes)
    adjusted = adjust_pvalues([probes[n]["probe"].p_value for n in layer_names], correction)
    encoded = []
    alpha = 1 - confidence
    for name, p_adj in zip(layer_names, adjusted, strict=True):
        r = probes[name]["probe"]
        ms.append(Measurement("probe_balanced_accuracy", r.balanced_accuracy, r.ci_low, r.ci_high, group=name,
                              n=r.n, p_value=r.p_value, confidence=confidence))
        ms.append(Measurement("probe_selectivity", r.selectivity, group=name, n=r.n))
        ms.append(Measurement("mdl_compression", probes[name]["mdl_task"], group=name, n=r.n))
        if p_adj < alpha and r.ci_low > r.chance:
            encoded.append(name)
    rules: dict[str, str] = {}
    for layer, e in erasures.items():
        before = probes[layer]["probe"]
        fr = measure("erasure_flip_rate", e["flip_rate"], e["flip_ci"], limit=limit, confidence=confidence,
                     group=layer, n=e["n"], p_value=e["rand_p"])
        ms += [fr,
               Measurement("erasure_mean_abs_score_change", e["mac"], *e["mac_ci"], group=layer, n=e["n"],
                           confidence=confidence),
               Measurement("erasure_mean_kl", e["kl"], group=layer, n=e["n"]),
               Measurement("probe_accuracy_after_erasure", e["after"].balanced_accuracy, e["after"].ci_low,
                           e["after"].ci_high, group=layer, n=e["after"].n, confidence=confidence),
               Measurement("random_control_flip_rate_p95", e["rand_fr_p95"], group=layer),
               Measurement("erasure_variance_share", e["variance_share"], group=layer),
               Measurement("erasure_delta_accuracy", e["delta_accuracy"], group=layer, n=e["n"]),
               Measurement("erasure_delta_parity_gap", e["gap_after"] - e["gap_before"], group=layer, n=e["n"])]
        shift = measure("shift_flip_rate", e["shift_flip_rate"], e["shift_ci"], limit=limit, confidence=confidence,
                        group=layer, n=e["n"])
        ms.append(shift)
        rules[layer] = _layer_rule(before, layer in encoded, e, fr, shift, params)
    verdicts = {layer: RULES[rule] for layer, rule in rules.items()}
    status = (Status.FAIL if Status.FAIL in verdicts.values() else
              Status.PASS if all(v is Status.PASS for v in verdicts.values()) else Status.INCONCLUSIVE)
    summary = _sentence(attr, probes, encoded, erasures, rules, params, confidence)
    if inputs is not None:
        moved = measure("input_counterfactual_flip_rate", inputs.flip_rate, inputs.ci, limit=limit,
                        confidence=confidence, group="inputs", n=inputs.n)
        ms.append(moved)
        if inputs.placebo_p95 is not None:
            ms.append(Measurement("input_placebo_flip_rate_p95", inputs.placebo_p95, group="inputs", n=inputs.n))
            where = (f"moving each row's {attr} inputs and accepted proxies ({', '.join(inputs.moved)}) to the "
                     "other value (the counterfactual of the inputs)")
            beyond = (f" and beyond a placebo that moves the same inputs with permuted {attr} labels (95th "
                      f"percentile {_pct(inputs.placebo_p95)})")
            rule = "input_counterfactual_beyond_tolerance_and_placebo"
        else:
            where, beyond = f"substituting the terms of {', '.join(inputs.moved)} in each text", ""
            rule = "input_substitution_beyond_tolerance"
        where += f" flips {_pct(inputs.flip_rate)} [{_pct(inputs.ci[0])}, {_pct(inputs.ci[1])}] of decisions"
        if moved.status is Status.FAIL and inputs.flip_rate > (inputs.placebo_p95 or 0.0):
            # a hidden layer can under-state what the inputs carry (ReLUs gate a proxy row by row; erasure moves
            # rows only half way): where the attribute enters the model, its counterfactual shows use by itself
            rules["inputs"], status = rule, Status.FAIL
            summary += (f" Where {attr} enters the model, {where}, above the tolerance of "
                        f"{_pct(params.max_flip_rate)}{beyond}: {attr} is used.")
        elif status is Status.PASS and moved.status is not Status.PASS:
            status, rules["inputs"] = Status.INCONCLUSIVE, "input_counterfactual_not_within_tolerance"
            summary = summary[:-1] + f"; but {where}, not shown within the tolerance: use is not shown to be absent."
    details = {"tables": [_probe_table(probes, adjusted, encoded), _erasure_table(erasures, rules, params),
                          _erasure_effects_table(erasures)],
               "notes": _notes(values, erasures, rules, params, confidence) + _input_notes(inputs, attr),
               "charts": [_layer_chart(attr, probes)],
               "rules": rules}
    return CheckResult(status=status, summary=summary, measurements=tuple(ms), details=details)


def _complete(after: probing.ProbeResult, params: ProhibitedFeatureParams) -> bool:
    """Did LEACE remove the linearly decodable signal on rows it was not fitted on?

    Yes when the probe after erasure is consistent with chance (its interval
    reaches chance) and its estimate is within ``effectiveness_margin`` of it.
    LEACE equalises the class means of the *fit* rows; on other rows the
    eraser's estimation error leaves a little (more, the wider the layer and
    the fewer the fit rows), and clusters (one per name or template) can leave
    non-linear, cluster-level decodability that no linear eraser removes.
    """
    return after.ci_low <= after.chance and after.balanced_accuracy <= after.chance + params.effectiveness_margin


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _decide_hint(e: dict, params: ProhibitedFeatureParams, confidence: float) -> str:
    """What sample size would decide a flip rate whose interval straddles the tolerance, and what it can detect now."""
    tol = params.max_flip_rate
    mde = minimum_detectable_rate(e["n"], tol, confidence)
    need = pairs_needed_for_rate(e["flip_rate"], tol, confidence)
    have = f"with {e['n']} evaluation rows a flip rate of at least {_pct(mde)} would have been shown above the " \
           f"tolerance"
    if need is None:
        return have + "; the observed rate sits on the tolerance, so no sample size decides it"
    return have + f"; at the observed rate about {need} evaluation rows would decide it (raise the audit data size)"


def _layer_sentence(attr: str, layer: str, rule: str, before: probing.ProbeResult, e: dict,
                    params: ProhibitedFeatureParams, confidence: float) -> str:
    lo, hi = e["flip_ci"]
    flips = f"erasing it at {layer} flips {_pct(e['flip_rate'])} [{_pct(lo)}, {_pct(hi)}] of decisions"
    control = (f"removing random directions that carry as much of the layer's variance unrelated to {attr} as the "
               f"erasure removed ({_pct(e['collateral_share'])}) flips up to {_pct(e['rand_fr_p95'])} (95th "
               f"percentile of {params.random_draws} draws)")
    after = e["after"]
    residual = (f"a probe after erasure reads it with balanced accuracy {after.balanced_accuracy:.2f} "
                f"[{after.ci_low:.2f}, {after.ci_high:.2f}]")
    if rule == "not_encoded_at_layer":
        return (f"at {layer}, where decisions are read from, it is shown not to be linearly encoded (balanced "
                f"accuracy at most {before.ci_high:.2f}, chance {before.chance:.2f} + margin "
                f"{params.effectiveness_margin:g}), so the model cannot use it linearly there")
    if rule == "encoding_undecided":
        return (f"at {layer} its encoding is undecided (balanced accuracy {before.balanced_accuracy:.2f} "
                f"[{before.ci_low:.2f}, {before.ci_high:.2f}]), so erasure there cannot decide use; more probe rows "
                "(max_probe_examples) or another layer would")
    if rule == "erasure_effect_beyond_tolerance_and_control":
        return (f"{flips}, above the tolerance of {_pct(params.max_flip_rate)} and beyond the control ({control}): "
                "it is used")
    if rule == "complete_erasure_effect_within_tolerance":
        lo_s, hi_s = e["shift_ci"]
        return (f"{flips}, within the tolerance of {_pct(params.max_flip_rate)}, the erasure is complete "
                f"({residual}), and moving each row to the other value along the erased directions flips "
                f"{_pct(e['shift_flip_rate'])} [{_pct(lo_s)}, {_pct(hi_s)}]: it is not used")
    if rule == "encoded_too_weakly_to_erase":
        return (f"{flips}; use is undecided: {attr} is encoded there only weakly (balanced accuracy "
                f"{before.balanced_accuracy:.2f} [{before.ci_low:.2f}, {before.ci_high:.2f}], within chance + "
                f"{params.effectiveness_margin:g} at its lower end), so the eraser's direction is chosen mostly by "
                "noise and can remove what the model reads for other reasons (the validity grid: a model that "
                "cannot use sex, erased at a chance encoding of 0.54, flipped 3.3%); more rows would decide")
    if rule == "effect_not_beyond_control":
        return (f"{flips}; use is undecided: {control}, so the effect is not specific to {attr} (erasing at an "
                "earlier or wider layer, or more random_draws, would separate them)")
    if rule == "shift_effect_not_within_tolerance":
        lo_s, hi_s = e["shift_ci"]
        return (f"{flips}, within the tolerance, and the erasure is complete, but moving each row to the other "
                f"value's mean along the erased directions (a counterfactual in the representation: erasure only "
                f"moves rows half way, to the pooled mean) flips {_pct(e['shift_flip_rate'])} [{_pct(lo_s)}, "
                f"{_pct(hi_s)}]: use is not shown to be absent")
    if rule == "erasure_incomplete":
        return (f"{flips}, within the tolerance, but the erasure is incomplete ({residual}, chance "
                f"{after.chance:.2f} + margin {params.effectiveness_margin:g}): information left behind may still "
                "be used, so use is undecided (more rows for the erasure fit, max_fit_examples, would decide)")
    return f"{flips}; use is undecided: the interval straddles the tolerance ({_decide_hint(e, params, confidence)})"


def _sentence(attr: str, probes: dict, encoded: list[str], erasures: dict, rules: dict,
              params: ProhibitedFeatureParams, confidence: float) -> str:
    best = max(probes, key=lambda n: probes[n]["probe"].balanced_accuracy)
    r = probes[best]["probe"]
    if encoded:
        head = (f"{attr} is linearly decodable from {len(encoded)} of {len(probes)} layers (best: {best}, balanced "
                f"accuracy {r.balanced_accuracy:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}], selectivity "
                f"{r.selectivity:.2f})")
    else:
        head = (f"{attr} is not shown to be linearly decodable from any probed layer (best: {best}, balanced "
                f"accuracy {r.balanced_accuracy:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}])")
    parts = [_layer_sentence(attr, layer, rules[layer], probes[layer]["probe"], e, params, confidence)
             for layer, e in erasures.items()]
    return head + "; " + "; ".join(parts) + "."


def _probe_table(probes: dict, adjusted: list[float], encoded: list[str]) -> dict:
    rows = []
    for (name, p), p_adj in zip(probes.items(), adjusted, strict=True):
        r = p["probe"]
        rows.append([name, r.n, r.balanced_accuracy, r.ci_low, r.ci_high, r.chance, r.control_accuracy,
                     r.selectivity, r.p_value, p_adj, p["mdl_task"], p["mdl_control"],
                     "yes" if name in encoded else "no"])
    return {"title": "Linear probes per layer (is the attribute encoded?)",
            "columns": ["layer", "n", "balanced accuracy", "CI low", "CI high", "chance", "control task",
                        "selectivity", "p (permutation)", "p (adjusted within check)", "MDL compression",
                        "MDL control", "encoded"],
            "rows": rows}


def _erasure_table(erasures: dict, rules: dict, params: ProhibitedFeatureParams) -> dict:
    """What decided each erased layer: the flip rate against tolerance and control, the swap, and the rule."""
    rows = [[layer, e["n"], e["flip_rate"], e["flip_ci"][0], e["flip_ci"][1], e["rand_fr_p95"], e["shift_flip_rate"],
             e["shift_ci"][1], RULES[rules[layer]].value, rules[layer]] for layer, e in erasures.items()]
    return {"title": f"LEACE erasure on the eval split (is the attribute used?); tolerance {params.max_flip_rate:g}",
            "columns": ["layer", "n", "flip rate", "CI low", "CI high", "control p95", "swap flip rate",
                        "swap CI high", "verdict", "rule"],
            "rows": rows}


def _erasure_effects_table(erasures: dict) -> dict:
    """How much each erasure removed and what else it changed (diagnostics; they do not decide the verdict)."""
    rows = [[layer, e["rank"], e["variance_share"], e["collateral_share"], e["after"].balanced_accuracy,
             e["after"].ci_high, e["rand_fr_median"], e["mac"], e["kl"], e["delta_accuracy"], e["gap_before"],
             e["gap_after"]] for layer, e in erasures.items()]
    return {"title": "What each erasure removed and changed besides decisions",
            "columns": ["layer", "directions", "variance removed", "of it collateral", "probe after erasure",
                        "its CI high", "control median", "mean |Δscore|", "mean KL", "Δ accuracy",
                        "parity gap before", "parity gap after"],
            "rows": rows}


def _notes(values: list[str], erasures: dict, rules: dict, params: ProhibitedFeatureParams,
           confidence: float) -> list[str]:
    notes = [
        "A probe shows that information is encoded; only the erasure (an intervention) shows whether decisions "
        "depend on it. The verdict rests on the erasure: FAIL when erasing the attribute's linear information "
        f"flips decisions with an interval above the tolerance ({_pct(params.max_flip_rate)}) and beyond the "
        "95th percentile of a variance-matched random control (a complete erasure is not needed to show use); "
        "PASS when the layer is shown not to encode the attribute, or when the erasure is complete (the "
        f"after-erasure probe's interval reaches chance and its estimate is within chance + "
        f"{params.effectiveness_margin:g}), its flip-rate interval lies below the tolerance, and so does that of "
        "moving each row to the other value's mean along the erased directions (a counterfactual in the "
        "representation: erasure moves rows only to the pooled mean, about half way); otherwise INCONCLUSIVE "
        "with the reason. On tabular models the attribute's counterfactual on the inputs is a second "
        "intervention: it FAILs the model by itself (interval above the tolerance, beyond its placebo) and "
        "withholds a PASS unless its interval lies below the tolerance.",
        f"Probes: L2 logistic regression, {params.folds}-fold "
        + ("group-" if params.group_column else "") + "stratified cross-validation, C chosen from "
        f"{', '.join(map(str, probing.C_GRID))} by cross-validated balanced accuracy; the control task "
        + (f"gives each {params.group_column} one random label" if params.group_column else "permutes the labels")
        + f"; {params.n_permutations} label permutations (with the same C selection) give the p-value (at least "
        "layers / α, so that the smallest attainable p-value can survive the correction over layers).",
        f"Erasure: LEACE fitted on {_pct(params.fit_fraction)} of the rows whose activations were captured (at "
        f"most {params.max_fit_examples}), applied by a forward hook to every other row. The probe after erasure "
        "runs on the held-out captured rows, scaled with their statistics before erasure. Dead and nearly-dead "
        "units are neither erased nor probed: an edit fitted on a unit that fires on a handful of rows leaves a "
        "copy of the erased direction in it on every other row. "
        f"Control: {params.random_draws} draws removing as many random orthonormal directions, tilted towards the "
        "layer's high- or low-variance directions so that they remove as much variance within each value of the "
        "attribute (the erasure's collateral damage, everything but the attribute itself) as the erasure did.",
        f"Values of the attribute: {', '.join(values)}.",
    ]
    for layer, e in erasures.items():
        if abs(e["delta_accuracy"]) > 0.02:
            notes.append(f"Erasing at {layer} changed task accuracy by {e['delta_accuracy']:+.3f}: where the label "
                         "correlates with the attribute, erasure also removes label information.")
        if e["dropped_columns"]:
            notes.append(f"{e['dropped_columns']} unit(s) of {layer} are dead or nearly dead (variance below "
                         f"{probing.STABLE_VARIANCE_SHARE:g} of the layer's mean unit variance on the fit rows): they "
                         "were neither erased nor probed after erasure.")
        if rules[layer] == "effect_interval_straddles_tolerance":
            notes.append(f"At {layer}: {_decide_hint(e, params, confidence)}.")
    return notes


def _input_notes(inputs: InputIntervention | None, attr: str) -> list[str]:
    if inputs is None:
        return []
    if inputs.placebo_p95 is None:
        return [f"Inputs: the terms of {', '.join(inputs.moved)} substituted by their counterparts of each other "
                f"value of {attr} in the {inputs.n} evaluation texts whose value is clear (the rows the eraser "
                "was not fitted on); Wilson interval. The substitution changes only the attribute's own words and "
                "estimates nothing, so it has no placebo."]
    return [f"Inputs: {', '.join(inputs.moved)} moved to each other value of {attr} (own columns set to the "
            "value's code; proxies accepted by the screening moved by the propagated counterfactual's mapping, "
            "a categorical block as one), the mapping fitted on the erasure's fit rows and applied to the "
            f"{inputs.n} evaluation rows. Interval: the Wilson interval widened to the percentile interval of "
            f"{inputs.resamples} resamples that refit the mapping. Placebo: {inputs.placebo_draws} draws moving "
            f"the same inputs with permuted {attr} labels (median {_pct(inputs.placebo_median)}, 95th percentile "
            f"{_pct(inputs.placebo_p95)})."]


def _layer_chart(attr: str, probes: dict) -> dict:
    names = list(probes)
    rs = [probes[n]["probe"] for n in names]
    x = list(range(len(names)))
    return {
        "type": "lines",
        "title": f"How well {attr} can be read from each layer",
        "x_label": "layer", "y_label": "balanced accuracy",
        "series": [
            {"name": "probe (task)", "x": x, "y": [r.balanced_accuracy for r in rs],
             "low": [r.ci_low for r in rs], "high": [r.ci_high for r in rs]},
            {"name": "control task", "x": x, "y": [r.control_accuracy for r in rs], "low": None, "high": None},
        ],
        "x_ticks": names,
        "reference_lines": [{"y": rs[0].chance, "label": "chance"}],
    }
