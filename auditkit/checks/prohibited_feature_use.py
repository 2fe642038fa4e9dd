"""``prohibited_feature_use``: is a protected attribute *encoded* in the model, and is it *used*? (methods.md A1–A2)

Encoded: per layer, an L2 logistic probe with a control task (selectivity), a
permutation p-value, a bootstrap interval and the online-code compression —
all from activations captured in the runner's one shared pass.
Used: LEACE erases the attribute's linear information at the representation
feeding the head (or the chosen layers), fitted on a fit split, applied by a
forward hook on the eval split; the decision flips it causes are compared with
erasing as many random directions. The verdict rests on the intervention, never
on the probe: encoded-but-unused is a PASS, and the report says both.

Models without hidden layers (the black-box tabular adapters) are asked the
same two questions of their inputs: the probe reads the input features, and the
erasure is input-space: LEACE fitted on the input features edits them before
the model scores them, judged by the same rule, intervals and random-direction
control (``note.input_space``). A tree ensemble has a layer after all: the
one-hot of the leaves its trees send a row to, which its margin reads linearly
(:mod:`auditkit.checks._leaf_readout`). It is probed beside the inputs, and the
erasure happens there, as at an MLP's last hidden layer (``note.leaf_space``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar

import numpy as np
import torch
from pydantic import Field

from auditkit.adapters.base import SupportsLayers, SupportsTreeStructure
from auditkit.adapters.hooks import replace_output, resolve_layers
from auditkit.checks._leaf_readout import LeafReadout
from auditkit.checks._sae_section import SAE_READS, SAE_RULES, SaeFeatures, SaeSection, run_sae_section
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
from auditkit.counterfactual.intervention import InputIntervention, input_intervention, text_intervention
from auditkit.counterfactual.lexicon import load_lexicons
from auditkit.counterfactual.refit import MappingSpec
from auditkit.counterfactual.tabular import attribute_inputs, fit_category_maps, fit_proxy_maps, needs_draws
from auditkit.data.values import as_text
from auditkit.errors import CheckConfigError
from auditkit.evidence import Column, ColumnRole, Evidence, Finding, Msg, Q, Table, Unit, Verdict, ref
from auditkit.metrics import erasure, probing
from auditkit.metrics.categorical import CategoricalBlock
from auditkit.metrics.counterfactual import minimum_detectable_rate, pairs_needed_for_rate
from auditkit.metrics.fairness import confusion_counts, fairness_metrics, resampled_selection_gaps
from auditkit.metrics.proxies import CRAMERS_V_FLAG, NMI_FLAG, FeatureAssociation
from auditkit.metrics.sampling import stratified_rows
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
    #: Rows (not used to fit the eraser) on which decision flips are counted: every such row up to this many,
    #: else a seeded stratified sample; the flip rates' intervals are then the sample's.
    max_effect_examples: int = Field(default=20_000, ge=100)
    folds: int = Field(default=5, ge=2)
    effectiveness_margin: Fraction = 0.05
    attribution_examples: int = Field(default=200, ge=0)
    input_resamples: int = Field(default=200, ge=0)
    lexicons: list[str] = Field(default_factory=list)
    #: Sparse-autoencoder features at one layer (:mod:`auditkit.checks._sae_section`): ranked against the attribute
    #: and the strongest ablated inside the model; their rule joins the layers' in the verdict.
    features: SaeFeatures | None = None


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
    # key "sae": the SAE section's ablation of the features that predict the attribute
    **SAE_RULES,
}

#: The "layer" names of a model without hidden layers: its input features (probed and erased) and, for a tree
#: ensemble, its leaf-index representation (probed only: a leaf cannot be edited and the row re-scored).
INPUT_FEATURES = "input features"
LEAVES = "leaves (one-hot of the leaf each tree sends the row to)"


@register
class ProhibitedFeatureUseCheck(Check[ProhibitedFeatureParams]):
    """Linear probes per layer (encoded?) and LEACE erasure with a random control (used?)."""

    kind = "prohibited_feature_use"
    #: 4: the attribution mass is per original variable (declared groups and detected one-hot blocks summed).
    #: 5: decision flips are counted on at most ``max_effect_examples`` rows (results of smaller data unchanged).
    #: 6: ``features: {kind: sae}`` adds the SAE section (results without it unchanged).
    #: 7: LEACE is fitted on the significant part of the cross-covariance (:func:`erasure.fit_leace`'s
    #: ``noise_alpha``): its noise moved rows of wide layers by an amount signed by the attribute.
    version = 7
    title = "Prohibited-feature use"
    Params = ProhibitedFeatureParams
    #: Nothing: a model without hidden layers is probed and erased at its inputs (:meth:`_run_without_layers`).
    requires = ()
    #: The rules that can decide the verdict: each erased layer's rule (:data:`RULES`, the same ids as
    #: ``details["rules"]``), the composite PASS of several erased layers, and too few examples to probe.
    #: The SAE section's passing rules never decide alone: a PASS is the erased layers' rule (the SAE's
    #: measurements among what it read), so they are not listed.
    rules: ClassVar[tuple[str, ...]] = (
        *(r for r in RULES if r not in SAE_RULES or SAE_RULES[r] is not Status.PASS),
        "all_erased_layers_pass", "too_few_examples_per_value")

    @classmethod
    def capture_rows(cls, params: ProhibitedFeatureParams) -> int:
        """Rows whose activations feed the probes and the erasure fit."""
        return max(params.max_fit_examples, params.max_probe_examples)

    @classmethod
    def layers(cls, params: ProhibitedFeatureParams) -> list[str] | None:
        """Every probed layer plus the erasure layers; ``None`` (all layers) by default."""
        if params.layers is None:
            return None
        sae = [params.features.layer] if params.features is not None else []
        return list(dict.fromkeys([*params.layers, *(params.erase_at or []), *sae]))

    def run(self, ctx: CheckContext, params: ProhibitedFeatureParams, *, seed: int) -> CheckResult:
        """Probe every layer, erase at the chosen layers, judge use on the erasure's decision flips."""
        stats = ctx.statistics
        codes, values = _attribute_codes(ctx, params.attribute)
        counts = np.bincount(codes, minlength=len(values))
        attr = params.attribute
        if len(values) < 2 or (counts > 0).sum() < 2:
            return CheckResult(Status.SKIPPED, Evidence(summary=(_m("summary.single_value", attribute=attr),)))
        need = max(params.folds * 2, 10)
        if counts.min() < need:
            small = [_m("summary.value_count", value=v, n=Q(int(c), Unit.COUNT))
                     for v, c in zip(values, counts, strict=True) if c < need]
            fields = {"attribute": attr, "folds": Q(params.folds, Unit.COUNT), "need": Q(need, Unit.COUNT)}
            return CheckResult(Status.INCONCLUSIVE, Evidence(
                summary=(_m("summary.too_few", **fields, values=small),),
                meaning=(_m("meaning.too_few", attribute=attr, values=small),),
                verdict=Verdict("too_few_examples_per_value", fields),
                findings=(Finding(_m("finding.too_few", **fields, values=small), cause=f"attribute:{attr}"),)))
        if params.lexicons and ctx.data.kind != "text":
            raise CheckConfigError("'lexicons' are for text models (their terms are substituted in the texts); "
                                   "this model is tabular: remove them")
        if not isinstance(ctx.adapter, SupportsLayers):
            if params.features is not None:
                raise CheckConfigError("'features' reads a layer's activations through a sparse autoencoder; this "
                                       "model has no layers auditkit can read: remove 'features'")
            return self._run_without_layers(ctx, params, codes, values, seed)
        probed = list(resolve_layers(ctx.adapter, params.layers))
        erase_at = list(resolve_layers(ctx.adapter, params.erase_at or [probed[-1]]))
        probed += [layer for layer in erase_at if layer not in probed]  # erasure is read against its probe
        groups = _group_column(ctx, params.group_column)
        rng = np.random.default_rng(seed)
        rows = ctx.activation_rows  # the rows whose activations the shared pass kept
        r_codes, r_groups = codes[rows], None if groups is None else groups[rows]
        local = stratified_rows(r_codes, params.max_probe_examples, rng)
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
        eval_idx = _effect_rows(codes, rows[fit_local], params.max_effect_examples, seed)
        erasures = {layer: _erase(ctx, layer, codes, rows, fit_local, held_local, eval_idx, params, stats, seed)
                    for layer in erase_at}
        shift = (_input_intervention(ctx, params, codes, values, rows[fit_local], eval_idx, seed)
                 if ctx.data.kind == "tabular" else _text_intervention(ctx, params, eval_idx))
        sae = None if params.features is None else run_sae_section(
            ctx, params.features, attribute=params.attribute, codes=codes, rows=rows, fit_local=fit_local,
            held_local=held_local, eval_idx=eval_idx, max_flip_rate=params.max_flip_rate,
            random_draws=params.random_draws, seed=seed)
        result = _effect_note(_verdict(params, values, results, erasures, stats.confidence, stats.correction,
                                       shift, sae), eval_idx, len(codes) - len(fit_local), params.max_effect_examples)
        if ctx.data.kind == "tabular":
            result = _with_proxies(ctx, params, result, _attribution_mass(ctx, params, codes, values))
        return result

    def _run_without_layers(self, ctx: CheckContext, params: ProhibitedFeatureParams, codes: np.ndarray,
                            values: list[str], seed: int) -> CheckResult:
        """The same check on a model without hidden layers: probes and erasure at its inputs.

        Encoded: the probe on the input features and, for a tree ensemble, on the
        one-hot of the leaf each tree sends the row to (probe only). Used: LEACE
        fitted on the input features of the fit rows, applied to the inputs of
        every other row before the model scores them, against as many
        variance-matched random directions of the input space: the same
        :func:`_erase` and :func:`_layer_rule` as a layer's erasure, so the verdict
        rule, intervals and control are the layers'. The attribute's propagated
        counterfactual on the inputs and the proxy screening are added as on any
        tabular model. A text model without layers has no input features to
        erase and is SKIPPED with that reason.
        """
        attr, stats = params.attribute, ctx.statistics
        if ctx.data.kind != "tabular":
            return CheckResult(Status.SKIPPED, Evidence(summary=(_m("summary.no_layers_text", attribute=attr),)))
        if params.layers or params.erase_at:
            raise CheckConfigError("'layers' and 'erase_at' name hidden layers; this model has none (its input "
                                   "features are probed and erased instead): remove them")
        X = np.asarray(ctx.all_inputs(), dtype=np.float32)
        n, cap = len(codes), self.capture_rows(params)
        rows = (np.arange(n) if n <= cap else
                np.sort(np.random.default_rng(derive_seed(stats.seed, "input-rows")).choice(n, cap, replace=False)))
        groups = _group_column(ctx, params.group_column)
        r_codes, r_groups = codes[rows], None if groups is None else groups[rows]
        local = stratified_rows(r_codes, params.max_probe_examples, np.random.default_rng(seed))
        reps = {INPUT_FEATURES: X[rows[local]].astype(np.float64)}
        readout = LeafReadout.of(ctx.adapter) if isinstance(ctx.adapter, SupportsTreeStructure) else None
        if readout is not None:
            leaves = readout.one_hot(ctx.adapter.leaf_indices(X[rows]))
            reps[LEAVES] = leaves[local][:, leaves[local].any(axis=0)].astype(np.float64)  # the leaves reached
        needed = math.floor(len(reps) / (1 - stats.confidence)) + 1  # as for layers: survive Holm over the probes
        params = params.model_copy(update={"n_permutations": max(params.n_permutations, needed)})
        results = {name: _probe_layer(rep, r_codes[local], None if r_groups is None else r_groups[local], params,
                                      stats, seed) for name, rep in reps.items()}
        fit_local, held_local = _split(r_codes, None, params.fit_fraction, seed)
        eval_idx = _effect_rows(codes, rows[fit_local], params.max_effect_examples, seed)
        if readout is None:  # erase at the inputs, the only representation the model has
            where = INPUT_FEATURES
            coded = np.isin(ctx.data.feature_names, ctx.coded_inputs)
            erased = _erase(ctx, where, codes, rows, fit_local, held_local, eval_idx, params, stats, seed,
                            acts=torch.as_tensor(X[rows]), run_edited=_edited_inputs(ctx, X),
                            control_complement=True, exclude=None if coded.all() else coded)
        else:  # a tree ensemble: erase at the leaves its margin reads linearly (see _leaf_readout)
            where = LEAVES
            erased = _erase(ctx, where, codes, rows, fit_local, held_local, eval_idx, params, stats, seed,
                            acts=torch.as_tensor(leaves), run_edited=readout.scorer(ctx.adapter, X))
        shift = _input_intervention(ctx, params, codes, values, rows[fit_local], eval_idx, seed)
        result = _verdict(params, values, results, {where: erased}, stats.confidence, stats.correction, shift)
        erasure_note = (_m("note.erasure_inputs", fit=Q(params.fit_fraction, Unit.SHARE),
                           max_fit=_count(params.max_fit_examples), draws=_count(params.random_draws))
                        if readout is None else
                        _m("note.erasure_leaves", fit=Q(params.fit_fraction, Unit.SHARE),
                           max_fit=_count(params.max_fit_examples), draws=_count(params.random_draws),
                           leaves=_count(readout.width), trees=_count(len(readout.columns))))
        notes = [erasure_note if note.key == "prohibited_feature_use.note.erasure" else note
                 for note in result.evidence.notes]
        notes.insert(0, _m("note.input_space", attribute=attr, adapter=type(ctx.adapter).__name__)
                     if readout is None else
                     _m("note.leaf_space", attribute=attr, adapter=type(ctx.adapter).__name__, leaves=LEAVES))
        result = CheckResult(result.status, dataclasses.replace(result.evidence, notes=tuple(notes)),
                             result.measurements, {**result.details, "space": "inputs" if readout is None else "leaves",
                                                   "probed": list(results), "erased": [where]})
        result = _effect_note(result, eval_idx, n - len(fit_local), params.max_effect_examples)
        return _with_proxies(ctx, params, result, _attribution_mass(ctx, params, codes, values))


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


def _effect_rows(codes: np.ndarray, fitted: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """The rows whose decision flips measure an intervention's effect: those the eraser was not fitted on, at
    most ``limit`` of them (a seeded sample stratified by attribute value), so the erasure, its random-direction
    control, its bootstrap and the input counterfactual cost what the sample costs, not what the data has."""
    unfitted = np.setdiff1d(np.arange(len(codes)), fitted)
    local = stratified_rows(codes[unfitted], limit, np.random.default_rng(derive_seed(seed, "effect-rows")))
    return unfitted[local]


def _effect_note(result: CheckResult, eval_idx: np.ndarray, unfitted: int, limit: int) -> CheckResult:
    """``result`` with a note saying that the flips were counted on a sample, when they were."""
    if len(eval_idx) >= unfitted:
        return result
    note = _m("note.effect_sample", rows=_count(len(eval_idx)), total=_count(unfitted), limit=_count(limit))
    return dataclasses.replace(result, evidence=dataclasses.replace(result.evidence,
                                                                    notes=(*result.evidence.notes, note)))


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
           "top3": top3.mean(axis=0), "n": job.n, "background": len(getattr(job, "background", ())), "attribute": None,
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
    are where an indirect use of the attribute would run. When the attribute is
    not a model input and one proxy stands out (the only one flagged and
    attributed, or the only one flagged), the findings name it as their cause.
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
    rows = [(f.feature, f.nmi, f.cramers_v, _proxy_reasons(f, report.alpha, report.min_strength),
             *share.get(f.feature, nan4)[:3], bool(f.flagged and attributed(f.feature))) for f in ranked]
    screen = Table(_m("table.proxies.title", attribute=attribute), (
        Column(_m("col.feature"), ColumnRole.LABEL),
        Column(_m("col.nmi"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.cramers_v"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.flagged_because"), ColumnRole.TEXT),
        Column(_m("col.attribution_share"), ColumnRole.VALUE, Unit.SHARE),
        Column(_m("col.ci_low"), ColumnRole.CI_LOW, Unit.SHARE),
        Column(_m("col.ci_high"), ColumnRole.CI_HIGH, Unit.SHARE),
        Column(_m("col.proxy_and_attributed"), ColumnRole.FLAG)), rows)
    notes = list(result.evidence.notes)
    ms = list(result.measurements)
    if report.encoding is not None:
        enc = report.encoding
        ms.append(Measurement("proxy_joint_auc", enc.auc, *enc.auc_ci, n=enc.n, confidence=conf, unit=Unit.SCORE.value))
        joint = {"attribute": attribute, "auc": Q(enc.auc, Unit.SCORE), "low": Q(enc.auc_ci[0], Unit.SCORE),
                 "high": Q(enc.auc_ci[1], Unit.SCORE), "level": _m(f"encoding_level.{enc.level}")}
        notes.append(_m("note.proxies.joint_flagged", **joint, proxies=list(report.flagged)) if report.flagged
                     else _m("note.proxies.joint", **joint))
    both = [r[0] for r in rows if r[-1]]
    if both:
        notes.append(_m("note.proxies.both", attribute=attribute, share=Q(0.05, Unit.SHARE),
                        top3=Q(0.10, Unit.RATE), features=both))
    if mass is not None:
        notes.append(_m("note.attribution", n=Q(mass["n"], Unit.COUNT), background=Q(mass["background"], Unit.COUNT)))
    a = None if mass is None else mass["attribute"]
    if a is None:
        notes.append(_m("note.not_an_input", attribute=attribute))
    else:
        ms.append(Measurement("protected_attribution_share", a["share"], *a["ci"], group=a["feature"],
                              n=mass["n"], confidence=conf, unit=Unit.SHARE.value))
        lo, hi = wilson_interval(a["top3"], mass["n"], conf)
        ms.append(Measurement("protected_in_top3_rate", a["top3"] / mass["n"], lo, hi, group=a["feature"],
                              n=mass["n"], confidence=conf, unit=Unit.RATE.value))
        flag = a["share"] > 0.05 or (top3_counts and a["top3"] / mass["n"] > 0.10)
        signed = [_m("note.signed_value", value=v, mass=Q(x, Unit.NUMBER)) for v, x in a["signed"].items()]
        notes.append(_m("note.input_share_flagged" if flag else "note.input_share", attribute=attribute,
                        feature=a["feature"], share=Q(a["share"], Unit.SHARE), low=Q(a["ci"][0], Unit.SHARE),
                        high=Q(a["ci"][1], Unit.SHARE), top3=Q(a["top3"] / mass["n"], Unit.RATE),
                        rank=Q(a["mean_rank"], Unit.NUMBER), signed=signed))
    findings = result.evidence.findings
    standing_out = both if both else report.flagged
    if not exclude and len(standing_out) == 1:  # not a model input, and one proxy stands out
        findings = tuple(Finding(f.message, cause=f"feature:{standing_out[0]}")
                         if f.cause == f"attribute:{attribute}" else f for f in findings)
    evidence = dataclasses.replace(result.evidence, tables=(*result.evidence.tables, screen), notes=tuple(notes),
                                   findings=findings)
    return CheckResult(result.status, evidence, tuple(ms), result.details)


def _proxy_reasons(f: FeatureAssociation, alpha: float, min_strength: float) -> Msg | None:
    """Why the screening flagged ``f`` (the accepting test and the A3 heuristics it meets); None when not flagged."""
    if not f.flagged:
        return None
    v, (lo, hi) = f.cramers_v, f.strength_ci
    out = [_m("reason.chi2", p=Q(f.p_holm, Unit.PVALUE), alpha=Q(alpha, Unit.PVALUE)),
           _m("reason.strength", v=Q(v, Unit.SCORE), low=Q(lo, Unit.SCORE), high=Q(hi, Unit.SCORE),
              minimum=Q(min_strength, Unit.SCORE)) if math.isfinite(v)
           else _m("reason.strength_undefined", minimum=Q(min_strength, Unit.SCORE))]
    if f.nmi >= NMI_FLAG:
        out.append(_m("reason.nmi", nmi=Q(f.nmi, Unit.SCORE), flag=Q(NMI_FLAG, Unit.SCORE)))
    if math.isfinite(v) and v >= CRAMERS_V_FLAG:
        out.append(_m("reason.cramers_v", v=Q(v, Unit.SCORE), flag=Q(CRAMERS_V_FLAG, Unit.SCORE)))
    return _m("reason.list", reasons=out)


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
           held_local: np.ndarray, eval_idx: np.ndarray, params: ProhibitedFeatureParams, stats, seed: int, *,
           acts: torch.Tensor | None = None, run_edited: Any = None, control_complement: bool = False,
           exclude: np.ndarray | None = None) -> dict:
    """Fit LEACE on captured fit rows; measure completeness on held-out captured rows, effects on ``eval_idx``.

    Only the stable units are erased and probed (:func:`probing.stable_columns`:
    dead and nearly-dead ReLUs are left alone, an edit fitted on them writes the
    attribute back). The eraser is fitted on the part of the attribute's
    cross-covariance that stands out from estimation noise
    (:func:`erasure.denoised_statistics`, α = 1 − confidence). Completeness: a probe on the held-out rows after erasure,
    scaled with those rows' statistics *before* erasure
    (:func:`probing.fixed_scaling`), so a flattened unit is not blown back up. Control:
    ``random_draws`` erasures of as many random directions carrying the same
    share of the layer's variance as the LEACE edit removes
    (:func:`erasure.matched_random_eraser`).

    ``acts`` (the representation at ``rows``) and ``run_edited(edit, idx)`` (the
    scores of rows ``idx`` with ``edit`` applied to that representation) default
    to the layer's captured activations and a forward hook on it; a model
    without layers passes its input features and a scorer of edited inputs.
    With ``control_complement`` the control's directions are drawn orthogonal
    to the erased ones (:func:`_complement`): with a handful of input features
    the variance-matched directions would otherwise be pinned onto the very
    direction LEACE erased, and the "random" control would be the erasure.
    ``exclude`` masks columns that are neither erased nor probed: category codes at the inputs, where moving a
    code along a direction names another category (the attribute's counterfactual redraws them instead).
    """
    acts = ctx.activations(layer) if acts is None else acts
    run_edited = _hooked(ctx, layer) if run_edited is None else run_edited
    device = acts.device
    fit_acts = acts[torch.as_tensor(fit_local, device=device)]
    K = int(codes.max()) + 1
    keep = probing.stable_columns(fit_acts.reshape(fit_acts.shape[0], -1).cpu().double().numpy())
    if exclude is not None:
        keep &= ~exclude
    eraser = erasure.fit_leace(fit_acts, codes[rows[fit_local]], K, columns=keep,
                               noise_alpha=1 - stats.confidence)
    held_acts = acts[torch.as_tensor(held_local, device=device)]
    mu, sd = probing.fixed_scaling(held_acts.cpu().double().numpy()[:, keep])
    erased_held = eraser(held_acts).cpu().double().numpy()[:, keep]
    after = probing.probe((erased_held - mu) / sd, codes[rows[held_local]], n_permutations=0, folds=params.folds,
                          bootstrap=min(stats.bootstrap, 1000), confidence=stats.confidence, seed=seed,
                          standardise=False)
    pred = ctx.predictions()
    s0, d0 = pred.scores[eval_idx], pred.decisions[eval_idx]
    s1 = run_edited(eraser, eval_idx)
    d1 = ctx.adapter.decide(s1)
    fit_codes = codes[rows[fit_local]]
    total = float(fit_acts.reshape(fit_acts.shape[0], -1).double().var(dim=0).sum())
    removed = erasure.removed_variance(fit_acts, eraser)
    target = erasure.removed_variance(fit_acts, eraser, fit_codes)  # the collateral part: not the attribute
    gen = torch.Generator().manual_seed(seed)
    control_acts = _complement(fit_acts, eraser) if control_complement else fit_acts
    rand_fr, rand_kl, rand_removed = [], [], []
    for _ in range(params.random_draws):
        control = erasure.matched_random_eraser(control_acts, eraser.rank, target, gen, fit_codes)
        sr = run_edited(control.erase, eval_idx)
        rand_fr.append(float(np.mean(ctx.adapter.decide(sr) != d0)))
        rand_kl.append(float(np.mean(erasure.bernoulli_kl(s0, sr))))
        rand_removed.append(control.removed)
    shift_flips = _shift_flips(ctx, run_edited, erasure.class_shifts(fit_acts, eraser, fit_codes, K),
                               codes[eval_idx], eval_idx, d0)
    y = ctx.data.y_true[eval_idx]
    flips = int(np.sum(d0 != d1))
    rng = np.random.default_rng(seed + 2)
    boot = rng.integers(0, len(eval_idx), size=(min(stats.bootstrap, 2000), len(eval_idx)))
    absdiff = np.abs(s1 - s0)
    mac_lo, mac_hi = percentile_interval(absdiff[boot].mean(axis=1), stats.confidence)
    g = codes[eval_idx]
    gap0 = fairness_metrics(confusion_counts(y, d0, g, K))["demographic_parity_difference"]
    gap1 = fairness_metrics(confusion_counts(y, d1, g, K))["demographic_parity_difference"]
    # what the erasure would do as a remedy (Art. 10(2)(g)), on the same resamples of the same rows: the change
    # of accuracy, the gap after it and the change of the gap, each with its paired percentile interval
    correct0, correct1 = (d0 == y).astype(np.float64), (d1 == y).astype(np.float64)
    dacc = correct1[boot].mean(axis=1) - correct0[boot].mean(axis=1)
    gaps0, gaps1 = (resampled_selection_gaps(d, g, K, boot) for d in (d0, d1))
    return {
        "n": len(eval_idx), "flips": flips, "after": after, "rank": eraser.rank,
        "dropped_columns": int((~keep).sum()), "kept": eraser.kept, "components": eraser.components,
        "shift_flip_rate": shift_flips / len(eval_idx),
        "shift_ci": wilson_interval(round(shift_flips), len(eval_idx), stats.confidence),
        "flip_rate": flips / len(eval_idx), "flip_ci": wilson_interval(flips, len(eval_idx), stats.confidence),
        "mac": float(absdiff.mean()), "mac_ci": (float(mac_lo), float(mac_hi)),
        "kl": float(np.mean(erasure.bernoulli_kl(s0, s1))),
        "delta_accuracy": float(np.mean(d1 == y) - np.mean(d0 == y)),
        "delta_accuracy_ci": _floats(percentile_interval(dacc, stats.confidence)),
        "gap_before": float(gap0), "gap_after": float(gap1),
        "gap_before_ci": _floats(percentile_interval(gaps0, stats.confidence)),
        "gap_after_ci": _floats(percentile_interval(gaps1, stats.confidence)),
        "delta_gap_ci": _floats(percentile_interval(gaps1 - gaps0, stats.confidence)),
        "variance_share": removed / total if total > 0 else float("nan"),
        "collateral_share": target / total if total > 0 else float("nan"),
        "control_variance_share": float(np.mean(rand_removed)) / total if total > 0 else float("nan"),
        "rand_fr_p95": float(np.quantile(rand_fr, 0.95)), "rand_kl_p95": float(np.quantile(rand_kl, 0.95)),
        "rand_fr_median": float(np.median(rand_fr)),
        "rand_p": (1 + sum(fr >= flips / len(eval_idx) for fr in rand_fr)) / (1 + len(rand_fr)),
        "rand_fr": rand_fr,
    }


def _complement(x: torch.Tensor, eraser: Any) -> torch.Tensor:
    """``x`` with the span of the erasure's edit ``x − r(x)`` projected out (a control drawn from it avoids it).

    The control eraser is built on this projection but applied to the original
    representation: its directions are orthogonal to the removed span, so
    ``Uᵀ(h − μ)`` is the same for both.
    """
    xf = x.reshape(x.shape[0], -1).to(torch.float64)
    delta = xf - eraser(x).reshape(x.shape[0], -1).to(torch.float64)
    _, sv, vt = torch.linalg.svd(delta - delta.mean(0), full_matrices=False)
    basis = vt[: max(int(eraser.rank), 1)][sv[: max(int(eraser.rank), 1)] > sv.max().clamp_min(1e-30) * 1e-9]
    return (xf - (xf @ basis.T) @ basis).to(x.dtype)


def _hooked(ctx: CheckContext, layer: str) -> Any:
    """Scores of rows ``idx`` with ``edit`` replacing ``layer``'s output (a forward hook)."""

    def run(edit: Any, idx: np.ndarray) -> np.ndarray:
        inputs = _inputs(ctx, idx)
        with replace_output(ctx.adapter, layer, edit):
            return ctx.adapter.predict(inputs)

    return run


def _edited_inputs(ctx: CheckContext, X: np.ndarray) -> Any:
    """Scores of rows ``idx`` whose input features ``X[idx]`` are edited by ``edit`` before the model sees them."""

    def run(edit: Any, idx: np.ndarray) -> np.ndarray:
        return ctx.adapter.predict(edit(torch.as_tensor(X[idx])).cpu().numpy())

    return run


def _floats(bounds: tuple[Any, Any]) -> tuple[float, float]:
    return float(bounds[0]), float(bounds[1])


def _shift_flips(ctx: CheckContext, run_edited: Any, shifts: torch.Tensor, g: np.ndarray, eval_idx: np.ndarray,
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
        for t in range(K):
            if t == s:
                continue
            st = run_edited(erasure.shift_editor(shifts[t] - shifts[s]), eval_idx[mine])
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
    X = np.asarray(ctx.all_inputs(), dtype=np.float32)
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
        return np.asarray(ctx.all_inputs())[rows]
    return [ctx.data.texts[i] for i in rows]


# --- verdict and evidence --------------------------------------------------------------------------




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
             confidence: float, correction: str, inputs: InputIntervention | None = None,
             sae: SaeSection | None = None) -> CheckResult:
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
                              n=r.n, p_value=r.p_value, confidence=confidence, unit=Unit.SCORE.value))
        ms.append(Measurement("probe_selectivity", r.selectivity, group=name, n=r.n, unit=Unit.SCORE.value))
        ms.append(Measurement("mdl_compression", probes[name]["mdl_task"], group=name, n=r.n,
                              unit=Unit.NUMBER.value))
        if p_adj < alpha and r.ci_low > r.chance:
            encoded.append(name)
    rules: dict[str, str] = {}
    for layer, e in erasures.items():
        before = probes[layer]["probe"]
        fr = _unit(measure("erasure_flip_rate", e["flip_rate"], e["flip_ci"], limit=limit, confidence=confidence,
                           group=layer, n=e["n"], p_value=e["rand_p"]), Unit.RATE)
        ms += [fr,
               Measurement("erasure_mean_abs_score_change", e["mac"], *e["mac_ci"], group=layer, n=e["n"],
                           confidence=confidence, unit=Unit.PROBABILITY.value),
               Measurement("erasure_mean_kl", e["kl"], group=layer, n=e["n"], unit=Unit.NUMBER.value),
               Measurement("probe_accuracy_after_erasure", e["after"].balanced_accuracy, e["after"].ci_low,
                           e["after"].ci_high, group=layer, n=e["after"].n, confidence=confidence,
                           unit=Unit.SCORE.value),
               Measurement("random_control_flip_rate_p95", e["rand_fr_p95"], group=layer, unit=Unit.RATE.value),
               Measurement("erasure_variance_share", e["variance_share"], group=layer, unit=Unit.SHARE.value),
               Measurement("erasure_delta_accuracy", e["delta_accuracy"], *e["delta_accuracy_ci"], group=layer,
                           n=e["n"], confidence=confidence, unit=Unit.DIFFERENCE_PP.value),
               Measurement("erasure_delta_parity_gap", e["gap_after"] - e["gap_before"], *e["delta_gap_ci"],
                           group=layer, n=e["n"], confidence=confidence, unit=Unit.DIFFERENCE_PP.value)]
        shift = _unit(measure("shift_flip_rate", e["shift_flip_rate"], e["shift_ci"], limit=limit,
                              confidence=confidence, group=layer, n=e["n"]), Unit.RATE)
        ms.append(shift)
        rules[layer] = _layer_rule(before, layer in encoded, e, fr, shift, params)
    verdicts = {layer: RULES[rule] for layer, rule in rules.items()}
    status = (Status.FAIL if Status.FAIL in verdicts.values() else
              Status.PASS if all(v is Status.PASS for v in verdicts.values()) else Status.INCONCLUSIVE)
    clauses = [_head(attr, probes, encoded),
               *(_layer_sentence(attr, layer, rules[layer], probes[layer]["probe"], e, params, confidence)
                 for layer, e in erasures.items())]
    if sae is not None:  # the SAE features' ablation joins the layers: a FAIL fails, an undecided one withholds
        rules["sae"] = sae.rule
        ms += sae.measurements
        clauses.append(sae.summary)
        if RULES[sae.rule] is Status.FAIL:
            status = Status.FAIL
        elif RULES[sae.rule] is Status.INCONCLUSIVE and status is Status.PASS:
            status = Status.INCONCLUSIVE
    after: list[Msg] = []  # sentences after the first
    if inputs is not None:
        moved = _unit(measure("input_counterfactual_flip_rate", inputs.flip_rate, inputs.ci, limit=limit,
                              confidence=confidence, group="inputs", n=inputs.n), Unit.RATE)
        ms.append(moved)
        flips = {"attribute": attr, "moved": list(inputs.moved), "rate": _rate(inputs.flip_rate),
                 "low": _rate(inputs.ci[0]), "high": _rate(inputs.ci[1])}
        used = {"attribute": attr, "tolerance": _rate(params.max_flip_rate)}
        if inputs.placebo_p95 is not None:
            ms.append(Measurement("input_placebo_flip_rate_p95", inputs.placebo_p95, group="inputs", n=inputs.n,
                                  unit=Unit.RATE.value))
            where = _m("summary.inputs.where_tabular", **flips)
            used_msg = _m("summary.inputs.used_beyond_placebo", **used, where=where, p95=_rate(inputs.placebo_p95))
            rule = "input_counterfactual_beyond_tolerance_and_placebo"
        else:
            where = _m("summary.inputs.where_text", **flips)
            used_msg = _m("summary.inputs.used", **used, where=where)
            rule = "input_substitution_beyond_tolerance"
        if moved.status is Status.FAIL and inputs.flip_rate > (inputs.placebo_p95 or 0.0):
            # a hidden layer can under-state what the inputs carry (ReLUs gate a proxy row by row; erasure moves
            # rows only half way): where the attribute enters the model, its counterfactual shows use by itself
            rules["inputs"], status = rule, Status.FAIL
            after.append(used_msg)
        elif status is Status.PASS and moved.status is not Status.PASS:
            status, rules["inputs"] = Status.INCONCLUSIVE, "input_counterfactual_not_within_tolerance"
            clauses.append(_m("summary.inputs.withheld", where=where))
    by_ref = {ref(m.name, m.group): m for m in ms}
    evidence = Evidence(
        summary=(_m("summary.sentence", text=_chain(clauses)), *after),
        meaning=_meaning(status, rules, erasures, inputs, params, confidence),
        remediation=_remediation(rules, erasures, params, confidence),
        verdict=_decision(status, rules, by_ref, params, inputs, sae),
        tables=(_probe_table(probes, adjusted, encoded), _erasure_table(erasures, rules, params),
                _erasure_effects_table(erasures), *(sae.tables if sae is not None else ())),
        notes=(*_notes(values, erasures, rules, params, confidence), *_input_notes(inputs, attr),
               *((sae.note,) if sae is not None and sae.note is not None else ())),
        findings=_findings(status, rules, erasures, inputs, params, sae),
        charts=(_layer_chart(attr, probes),),
    )
    details: dict[str, Any] = {"rules": rules}
    if sae is not None:
        details["sae"] = sae.details
    return CheckResult(status=status, evidence=evidence, measurements=tuple(ms), details=details)


#: The measurements each rule reads, by name (the group is the erased layer, or ``inputs``).
READS: dict[str, tuple[str, ...]] = {
    "not_encoded_at_layer": ("probe_balanced_accuracy",),
    "erasure_effect_beyond_tolerance_and_control": ("erasure_flip_rate", "random_control_flip_rate_p95",
                                                    "probe_balanced_accuracy"),
    "complete_erasure_effect_within_tolerance": ("erasure_flip_rate", "probe_accuracy_after_erasure",
                                                 "shift_flip_rate", "probe_balanced_accuracy"),
    "encoding_undecided": ("probe_balanced_accuracy",),
    # the flip rate is above the tolerance, but these rules say why it does not decide (their criteria)
    "effect_not_beyond_control": ("random_control_flip_rate_p95", "probe_balanced_accuracy"),
    "encoded_too_weakly_to_erase": ("probe_balanced_accuracy",),
    "erasure_incomplete": ("erasure_flip_rate", "probe_accuracy_after_erasure"),
    "shift_effect_not_within_tolerance": ("erasure_flip_rate", "probe_accuracy_after_erasure", "shift_flip_rate"),
    "input_counterfactual_beyond_tolerance_and_placebo": ("input_counterfactual_flip_rate",
                                                          "input_placebo_flip_rate_p95"),
    "input_substitution_beyond_tolerance": ("input_counterfactual_flip_rate",),
    "input_counterfactual_not_within_tolerance": ("input_counterfactual_flip_rate", "input_placebo_flip_rate_p95"),
    "effect_interval_straddles_tolerance": ("erasure_flip_rate",),
    **SAE_READS,
}


def _reads(key: str, rule: str, by_ref: dict[str, Measurement]) -> list[str]:
    """What ``rule`` read to decide ``key`` (an erased layer or ``inputs``).

    A rule that does not fail never reads a failing measurement: where the swap or
    the inputs' counterfactual exceeds the tolerance without showing use (it only
    withholds a PASS), its criterion says so and the measurement stays diagnostic.
    """
    out = [ref(name, key) for name in READS[rule] if ref(name, key) in by_ref]
    if RULES[rule] is not Status.FAIL:
        out = [r for r in out if by_ref[r].status is not Status.FAIL]
    return out


def _decision(status: Status, rules: dict[str, str], by_ref: dict[str, Measurement],
              params: ProhibitedFeatureParams, inputs: InputIntervention | None, sae: SaeSection | None = None
              ) -> Verdict:
    """The rule that decided the check: the first erased layer (or the inputs) with the check's verdict.

    A PASS needs every erased layer to pass (one layer: its rule; several:
    ``all_erased_layers_pass``) and the inputs' counterfactual, where there is
    one, within the tolerance; the criterion states both.
    """
    common = {"attribute": params.attribute, "tolerance": _rate(params.max_flip_rate),
              "margin": _score(params.effectiveness_margin), "draws": _count(params.random_draws)}
    layers = [k for k in rules if k not in ("inputs", "sae")]
    if status is Status.PASS:
        reads = [r for k in layers for r in _reads(k, rules[k], by_ref)]
        if sae is not None:
            reads += _reads("sae", rules["sae"], by_ref)
        clause = _m("rule.clause.no_inputs", attribute=params.attribute)
        if inputs is not None:  # a PASS needs the inputs' counterfactual within the tolerance too
            reads.append(ref("input_counterfactual_flip_rate", "inputs"))
            clause = _m("rule.clause.inputs_within", attribute=params.attribute,
                        tolerance=_rate(params.max_flip_rate))
        if len(layers) == 1:
            return Verdict(rules[layers[0]], {**common, "layer": layers[0], "inputs": clause}, tuple(reads))
        return Verdict("all_erased_layers_pass", {**common, "layers": layers, "inputs": clause}, tuple(reads))
    key = next(k for k, rule in rules.items() if RULES[rule] is status)
    reads = _reads(key, rules[key], by_ref)
    if rules[key] == "input_counterfactual_not_within_tolerance":  # it also rests on every layer passing
        reads = [r for k in layers for r in _reads(k, rules[k], by_ref)] + reads
    fields = {**common, "moved": list(inputs.moved)} if key == "inputs" and inputs is not None else \
        {**common, "layer": sae.layer if key == "sae" and sae is not None else key}
    return Verdict(rules[key], fields, tuple(reads))


def _remediation(rules: dict[str, str], erasures: dict, params: ProhibitedFeatureParams,
                 confidence: float) -> tuple[Msg, ...]:
    """Remediation evidence (Art. 10(2)(g)): for each layer where removing the attribute's information changed
    decisions beyond the tolerance and the control, what that removal does to the gap in favourable decisions and
    to accuracy on the audit data, each with its paired bootstrap interval, and the caveats (an intervention on
    this model, not a retrained one; it may also remove legitimate information; a remedy needs a new audit)."""
    pp, out = Unit.DIFFERENCE_PP, []
    for layer, rule in rules.items():
        if rule != "erasure_effect_beyond_tolerance_and_control":
            continue
        e = erasures[layer]
        out.append(_m("remediation.erasure", attribute=params.attribute, layer=layer,
                      level=Q(confidence, Unit.SHARE),
                      gap_before=Q(e["gap_before"], pp), before_low=Q(e["gap_before_ci"][0], pp),
                      before_high=Q(e["gap_before_ci"][1], pp),
                      gap_after=Q(e["gap_after"], pp), after_low=Q(e["gap_after_ci"][0], pp),
                      after_high=Q(e["gap_after_ci"][1], pp),
                      accuracy=Q(e["delta_accuracy"], pp), accuracy_low=Q(e["delta_accuracy_ci"][0], pp),
                      accuracy_high=Q(e["delta_accuracy_ci"][1], pp)))
    return tuple(out)


def _meaning(status: Status, rules: dict[str, str], erasures: dict, inputs: InputIntervention | None,
             params: ProhibitedFeatureParams, confidence: float) -> tuple[Msg, ...]:
    """What the verdict means for the people decided about, in plain words (at most two paragraphs).

    Read from the rule that decided (the same layer or inputs :func:`_decision` names): the share of decisions
    that change when what the model infers about the attribute is removed (or when the attribute is changed in
    the inputs), with its interval, against the policy's tolerance; for an undecided rule, what the data cannot
    tell and why, in words without the method's vocabulary. What removing the attribute would do is remediation
    evidence (:func:`_remediation`), printed once, in the report's findings section.
    """
    attr, tol, level = params.attribute, _rate(params.max_flip_rate), Q(confidence, Unit.SHARE)
    layers = [k for k in rules if k not in ("inputs", "sae")]

    def flips(rate: float, ci: tuple[float, float]) -> dict[str, Any]:
        return {"rate": _rate(rate), "low": _rate(ci[0]), "high": _rate(ci[1]), "level": level}

    if status is Status.PASS:
        worst = max(layers, key=lambda k: erasures[k]["flip_ci"][1])
        rule, e = rules[worst], erasures[worst]
        first = (_m("meaning.pass_not_encoded", attribute=attr) if rule == "not_encoded_at_layer" else
                 _m("meaning.pass", attribute=attr, tolerance=tol, **flips(e["flip_rate"], e["flip_ci"])))
        if inputs is None:
            return (first,)
        return first, _m("meaning.pass_inputs", attribute=attr, moved=list(inputs.moved), tolerance=tol,
                         **flips(inputs.flip_rate, inputs.ci))
    key = next(k for k, rule in rules.items() if RULES[rule] is status)
    rule = rules[key]
    if key == "sae":
        return (_m(f"meaning.{rule}", attribute=attr, tolerance=tol),)
    if key == "inputs" and inputs is not None:
        fields = {"attribute": attr, "moved": list(inputs.moved), "tolerance": tol,
                  **flips(inputs.flip_rate, inputs.ci)}
        if rule == "input_counterfactual_beyond_tolerance_and_placebo":
            return (_m("meaning.fail_inputs", **fields, p95=_rate(inputs.placebo_p95 or 0.0)),)
        if rule == "input_substitution_beyond_tolerance":
            return (_m("meaning.fail_words", **fields),)
        return (_m("meaning.inputs_not_within", **fields),)
    e = erasures[key]
    fields = {"attribute": attr, "tolerance": tol, **flips(e["flip_rate"], e["flip_ci"])}
    if rule == "erasure_effect_beyond_tolerance_and_control":
        return (_m("meaning.fail", **fields),)
    if rule == "effect_not_beyond_control":
        return (_m("meaning.not_beyond_control", **fields, p95=_rate(e["rand_fr_p95"])),)
    if rule == "shift_effect_not_within_tolerance":
        return (_m("meaning.shift_not_within", **fields, shift=_rate(e["shift_flip_rate"]),
                   shift_low=_rate(e["shift_ci"][0]), shift_high=_rate(e["shift_ci"][1])),)
    if rule == "effect_interval_straddles_tolerance":
        return (_m("meaning.straddles", **fields),)
    # encoding_undecided, encoded_too_weakly_to_erase, erasure_incomplete: no usable removal to read
    return (_m(f"meaning.{rule}", attribute=attr),)


def _findings(status: Status, rules: dict[str, str], erasures: dict, inputs: InputIntervention | None,
              params: ProhibitedFeatureParams, sae: SaeSection | None = None) -> tuple[Finding, ...]:
    """One finding per erased layer (or the inputs) that did not pass; none when the check passes."""
    if status is Status.PASS:
        return ()
    attr, tol = params.attribute, _rate(params.max_flip_rate)
    out = []
    for key, rule in rules.items():
        if RULES[rule] is Status.PASS:
            continue
        if key == "sae" and sae is not None:
            msg = (_m("finding.sae_used", attribute=attr, layer=sae.layer, tolerance=tol)
                   if RULES[rule] is Status.FAIL else
                   _m("finding.undecided", attribute=attr, layer=sae.layer, reason=_m(f"rule_name.{rule}")))
        elif key == "inputs" and inputs is not None:
            msg = _m("finding.inputs_used" if RULES[rule] is Status.FAIL else "finding.inputs_not_within",
                     attribute=attr, moved=list(inputs.moved), rate=_rate(inputs.flip_rate),
                     low=_rate(inputs.ci[0]), high=_rate(inputs.ci[1]), tolerance=tol)
        elif RULES[rule] is Status.FAIL:
            e = erasures[key]
            msg = _m("finding.erasure_used", attribute=attr, layer=key, rate=_rate(e["flip_rate"]),
                     low=_rate(e["flip_ci"][0]), high=_rate(e["flip_ci"][1]), tolerance=tol)
        else:
            msg = _m("finding.undecided", attribute=attr, layer=key, reason=_m(f"rule_name.{rule}"))
        out.append(Finding(msg, cause=f"attribute:{attr}"))
    return tuple(out)


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


# --- messages --------------------------------------------------------------------------------------


def _m(key: str, /, **params: Any) -> Msg:
    """A message of this kind (``prohibited_feature_use.<key>``, catalogue :mod:`auditkit.i18n.kinds`)."""
    return Msg(f"prohibited_feature_use.{key}", **params)


def _rate(x: float) -> Q:
    return Q(x, Unit.RATE)


def _score(x: float) -> Q:
    return Q(x, Unit.SCORE)


def _count(x: int) -> Q:
    return Q(x, Unit.COUNT)


def _unit(m: Measurement, unit: Unit) -> Measurement:
    return dataclasses.replace(m, unit=unit.value)


def _chain(clauses: list[Msg]) -> Msg:
    """Clauses joined by semicolons, as one message."""
    if len(clauses) == 1:
        return clauses[0]
    return _m("summary.then", first=clauses[0], second=_chain(clauses[1:]))


def _decide_hint(e: dict, params: ProhibitedFeatureParams, confidence: float) -> Msg:
    """What sample size would decide a flip rate whose interval straddles the tolerance, and what it can detect now."""
    tol = params.max_flip_rate
    mde = minimum_detectable_rate(e["n"], tol, confidence)
    need = pairs_needed_for_rate(e["flip_rate"], tol, confidence)
    if need is None:
        return _m("hint.on_tolerance", n=_count(e["n"]), detectable=_rate(mde))
    return _m("hint.rows", n=_count(e["n"]), detectable=_rate(mde), need=_count(need))


def _layer_sentence(attr: str, layer: str, rule: str, before: probing.ProbeResult, e: dict,
                    params: ProhibitedFeatureParams, confidence: float) -> Msg:
    lo, hi = e["flip_ci"]
    flips = _m("summary.flips", layer=layer, rate=_rate(e["flip_rate"]), low=_rate(lo), high=_rate(hi))
    control = _m("summary.control", attribute=attr, collateral=Q(e["collateral_share"], Unit.SHARE),
                 p95=_rate(e["rand_fr_p95"]), draws=_count(params.random_draws))
    after = e["after"]
    residual = _m("summary.residual", accuracy=_score(after.balanced_accuracy), low=_score(after.ci_low),
                  high=_score(after.ci_high))
    probe = {"accuracy": _score(before.balanced_accuracy), "low": _score(before.ci_low),
             "high": _score(before.ci_high)}
    shift = {"shift": _rate(e["shift_flip_rate"]), "shift_low": _rate(e["shift_ci"][0]),
             "shift_high": _rate(e["shift_ci"][1])}
    margin, tol = _score(params.effectiveness_margin), _rate(params.max_flip_rate)
    fields: dict[str, Any] = {
        "not_encoded_at_layer": {"layer": layer, "high": _score(before.ci_high), "chance": _score(before.chance),
                                 "margin": margin},
        "encoding_undecided": {"layer": layer, **probe},
        "erasure_effect_beyond_tolerance_and_control": {"flips": flips, "tolerance": tol, "control": control},
        "complete_erasure_effect_within_tolerance": {"flips": flips, "tolerance": tol, "residual": residual,
                                                     **shift},
        "encoded_too_weakly_to_erase": {"flips": flips, "attribute": attr, **probe, "margin": margin},
        "effect_not_beyond_control": {"flips": flips, "control": control, "attribute": attr},
        "shift_effect_not_within_tolerance": {"flips": flips, **shift},
        "erasure_incomplete": {"flips": flips, "residual": residual, "chance": _score(after.chance),
                               "margin": margin},
    }
    if rule in fields:
        return _m(f"summary.layer.{rule}", **fields[rule])
    return _m("summary.layer.effect_interval_straddles_tolerance", flips=flips,
              hint=_decide_hint(e, params, confidence))


def _head(attr: str, probes: dict, encoded: list[str]) -> Msg:
    best = max(probes, key=lambda n: probes[n]["probe"].balanced_accuracy)
    r = probes[best]["probe"]
    fields = {"attribute": attr, "best": best, "accuracy": _score(r.balanced_accuracy), "low": _score(r.ci_low),
              "high": _score(r.ci_high)}
    if encoded:
        return _m("summary.encoded", **fields, encoded=_count(len(encoded)), layers=_count(len(probes)),
                  selectivity=_score(r.selectivity))
    return _m("summary.not_encoded", **fields)


def _probe_table(probes: dict, adjusted: list[float], encoded: list[str]) -> Table:
    rows = []
    for (name, p), p_adj in zip(probes.items(), adjusted, strict=True):
        r = p["probe"]
        rows.append((name, r.n, r.balanced_accuracy, r.ci_low, r.ci_high, r.chance, r.control_accuracy,
                     r.selectivity, r.p_value, p_adj, p["mdl_task"], p["mdl_control"], name in encoded))
    return Table(_m("table.probes.title"), (
        Column(_m("col.layer"), ColumnRole.LABEL),
        Column(_m("col.n"), ColumnRole.N, Unit.COUNT),
        Column(_m("col.balanced_accuracy"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.ci_low"), ColumnRole.CI_LOW, Unit.SCORE),
        Column(_m("col.ci_high"), ColumnRole.CI_HIGH, Unit.SCORE),
        Column(_m("col.chance"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.control_task"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.selectivity"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.p_permutation"), ColumnRole.VALUE, Unit.PVALUE),
        Column(_m("col.p_adjusted"), ColumnRole.VALUE, Unit.PVALUE),
        Column(_m("col.mdl"), ColumnRole.VALUE, Unit.NUMBER),
        Column(_m("col.mdl_control"), ColumnRole.VALUE, Unit.NUMBER),
        Column(_m("col.encoded"), ColumnRole.FLAG)), tuple(rows))


def _erasure_table(erasures: dict, rules: dict, params: ProhibitedFeatureParams) -> Table:
    """What decided each erased layer: the flip rate against tolerance and control, the swap, and the rule."""
    rows = [(layer, e["n"], e["flip_rate"], e["flip_ci"][0], e["flip_ci"][1], e["rand_fr_p95"], e["shift_flip_rate"],
             e["shift_ci"][1], RULES[rules[layer]].value, _m(f"rule_name.{rules[layer]}"))
            for layer, e in erasures.items()]
    return Table(_m("table.erasure.title", tolerance=_rate(params.max_flip_rate)), (
        Column(_m("col.layer"), ColumnRole.LABEL),
        Column(_m("col.n"), ColumnRole.N, Unit.COUNT),
        Column(_m("col.flip_rate"), ColumnRole.VALUE, Unit.RATE),
        Column(_m("col.ci_low"), ColumnRole.CI_LOW, Unit.RATE),
        Column(_m("col.ci_high"), ColumnRole.CI_HIGH, Unit.RATE),
        Column(_m("col.control_p95"), ColumnRole.VALUE, Unit.RATE),
        Column(_m("col.swap_flip_rate"), ColumnRole.VALUE, Unit.RATE),
        Column(_m("col.swap_ci_high"), ColumnRole.VALUE, Unit.RATE),
        Column(_m("col.verdict"), ColumnRole.STATUS),
        Column(_m("col.rule"), ColumnRole.TEXT)), tuple(rows))


def _erasure_effects_table(erasures: dict) -> Table:
    """How much each erasure removed and what else it changed (diagnostics; they do not decide the verdict)."""
    rows = [(layer, e["rank"], e["variance_share"], e["collateral_share"], e["after"].balanced_accuracy,
             e["after"].ci_high, e["rand_fr_median"], e["mac"], e["kl"], e["delta_accuracy"], e["gap_before"],
             e["gap_after"]) for layer, e in erasures.items()]
    return Table(_m("table.effects.title"), (
        Column(_m("col.layer"), ColumnRole.LABEL),
        Column(_m("col.directions"), ColumnRole.VALUE, Unit.COUNT),
        Column(_m("col.variance_removed"), ColumnRole.VALUE, Unit.SHARE),
        Column(_m("col.collateral"), ColumnRole.VALUE, Unit.SHARE),
        Column(_m("col.probe_after"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.probe_after_ci_high"), ColumnRole.CI_HIGH, Unit.SCORE),
        Column(_m("col.control_median"), ColumnRole.VALUE, Unit.RATE),
        Column(_m("col.mean_abs_score_change"), ColumnRole.VALUE, Unit.PROBABILITY),
        Column(_m("col.mean_kl"), ColumnRole.VALUE, Unit.NUMBER),
        Column(_m("col.delta_accuracy"), ColumnRole.VALUE, Unit.DIFFERENCE_PP),
        Column(_m("col.gap_before"), ColumnRole.VALUE, Unit.DIFFERENCE_PP),
        Column(_m("col.gap_after"), ColumnRole.VALUE, Unit.DIFFERENCE_PP)), tuple(rows))


def _notes(values: list[str], erasures: dict, rules: dict, params: ProhibitedFeatureParams,
           confidence: float) -> list[Msg]:
    grouped = params.group_column is not None
    notes = [
        _m("note.method", tolerance=_rate(params.max_flip_rate), margin=_score(params.effectiveness_margin)),
        _m("note.probes", cv=_m("note.probes.cv_grouped" if grouped else "note.probes.cv",
                                folds=_count(params.folds)),
           grid=[Q(c, Unit.NUMBER) for c in probing.C_GRID],
           control=(_m("note.probes.control_grouped", column=params.group_column) if grouped
                    else _m("note.probes.control_permuted")),
           permutations=_count(params.n_permutations)),
        _m("note.erasure", fit=Q(params.fit_fraction, Unit.SHARE), max_fit=_count(params.max_fit_examples),
           draws=_count(params.random_draws)),
        _m("note.values", values=list(values)),
    ]
    for layer, e in erasures.items():
        if abs(e["delta_accuracy"]) > 0.02:
            notes.append(_m("note.delta_accuracy", layer=layer, delta=Q(e["delta_accuracy"], Unit.DIFFERENCE_PP)))
        if e["dropped_columns"]:
            notes.append(_m("note.dead_units", count=_count(e["dropped_columns"]), layer=layer,
                            share=Q(probing.STABLE_VARIANCE_SHARE, Unit.SHARE)))
        if e["kept"] == 0:
            notes.append(_m("note.nothing_significant", layer=layer, components=_count(e["components"]),
                            fdr=_rate(1 - confidence)))
        elif e["kept"] < e["components"]:
            notes.append(_m("note.significant_components", layer=layer, kept=_count(e["kept"]),
                            components=_count(e["components"]), fdr=_rate(1 - confidence)))
        if rules[layer] == "effect_interval_straddles_tolerance":
            notes.append(_m("note.straddles", layer=layer, hint=_decide_hint(e, params, confidence)))
    return notes


def _input_notes(inputs: InputIntervention | None, attr: str) -> list[Msg]:
    if inputs is None:
        return []
    if inputs.placebo_p95 is None:
        return [_m("note.inputs.text", moved=list(inputs.moved), attribute=attr, n=_count(inputs.n))]
    return [_m("note.inputs.tabular", moved=list(inputs.moved), attribute=attr, n=_count(inputs.n),
               resamples=_count(inputs.resamples), draws=_count(inputs.placebo_draws),
               median=_rate(inputs.placebo_median), p95=_rate(inputs.placebo_p95))]


def _layer_chart(attr: str, probes: dict) -> dict:
    names = list(probes)
    rs = [probes[n]["probe"] for n in names]
    x = list(range(len(names)))
    return {
        "type": "lines",
        "title": _m("chart.layers.title", attribute=attr),
        "table": _m("table.probes.title"),  # which prints each layer's accuracies with their intervals
        "x_label": _m("chart.layers.x_label"), "y_label": _m("chart.layers.y_label"),
        "series": [
            {"name": _m("chart.layers.probe"), "x": x, "y": [r.balanced_accuracy for r in rs],
             "low": [r.ci_low for r in rs], "high": [r.ci_high for r in rs]},
            {"name": _m("chart.layers.control"), "x": x, "y": [r.control_accuracy for r in rs], "low": None,
             "high": None},
        ],
        "x_ticks": names,
        "reference_lines": [{"y": rs[0].chance, "label": _m("chart.layers.chance")}],
    }
