"""The sparse-autoencoder section of ``prohibited_feature_use``: which SAE features carry the attribute, and does
the decision use them?

With ``features: {kind: sae, layer: L}`` the check reads layer ``L``'s captured
activations through a sparse autoencoder, loaded from a local sae-lens directory
(``path``) or trained here on the fit rows (a seeded TopK SAE, ``dict_size`` and
``k``), and:

1. reports how well the SAE reconstructs held-out rows (variance explained, with
   its bootstrap interval; the share of features that never fire). An SAE whose
   interval does not clear ``min_variance_explained`` describes too little of the
   layer for its features to speak for it: the section is INCONCLUSIVE;
2. ranks the features by how well their activation separates the attribute's
   values on held-out rows (AUC with DeLong's interval, Holm over the features
   tested) and shows, for each top feature, the audit texts and the words where
   it fires most;
3. ablates the ``top_features`` significant features inside the model (the
   layer's activation becomes the SAE reconstruction with those features zeroed
   plus the SAE's error term, so nothing else moves) and counts the decisions
   that flip, against ablating as many random features of matched activation
   frequency (``random_draws`` sets) among the features that fire on the audit
   data and do not predict the attribute (a feature that never fires is no
   control); at most as many features are ablated as such control features exist.

An SAE feature is a hypothesis about the model; the ablation tests it by
intervention, and only the ablation decides. The rules mirror the erasure's:
flips above the tolerance with their whole interval and beyond the random
control → FAIL; their interval inside the tolerance → PASS; no feature predicts
the attribute → PASS (nothing there to use); otherwise INCONCLUSIVE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from auditkit.adapters.base import SupportsReadout
from auditkit.adapters.hooks import canonical_layers, replace_output, resolve_layers
from auditkit.errors import CheckConfigError
from auditkit.evidence import Column, ColumnRole, Msg, Q, Table, Unit
from auditkit.metrics import sae as sae_metrics
from auditkit.metrics.stats import derive_seed, wilson_interval
from auditkit.results import Measurement, Status

#: The section's rules and the verdict each gives (keys of ``details["rules"]["sae"]``).
SAE_RULES = {
    "sae_ablation_beyond_tolerance_and_control": Status.FAIL,
    "sae_ablation_within_tolerance": Status.PASS,
    "sae_no_feature_predicts_attribute": Status.PASS,
    "sae_explains_too_little": Status.INCONCLUSIVE,
    "sae_effect_undecided": Status.INCONCLUSIVE,
}
#: The measurements each rule reads (group ``sae``).
SAE_READS = {
    "sae_ablation_beyond_tolerance_and_control": ("sae_ablation_flip_rate", "sae_random_control_flip_rate_p95",
                                                  "sae_variance_explained"),
    "sae_ablation_within_tolerance": ("sae_ablation_flip_rate", "sae_variance_explained"),
    "sae_no_feature_predicts_attribute": ("sae_variance_explained", "sae_top_feature_auc"),
    "sae_explains_too_little": ("sae_variance_explained",),
    "sae_effect_undecided": ("sae_ablation_flip_rate", "sae_random_control_flip_rate_p95"),
}
GROUP = "sae"
#: Texts shown per top feature, and words either side of the word where it fires most.
_EXAMPLES, _WINDOW = 2, 4


class SaeFeatures(BaseModel):
    """``features: {kind: sae, ...}`` of ``prohibited_feature_use``."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["sae"]
    #: The layer whose activations the SAE reads (a name or alias of the model's layers).
    layer: str = Field(min_length=1)
    #: A local sae-lens directory (cfg.json + sae_weights.safetensors), relative to the policy; None: train one.
    path: str | None = None
    dict_size: int = Field(default=512, ge=8)
    k: int = Field(default=16, ge=1)
    epochs: int = Field(default=200, ge=1)
    #: Significant features ablated together (the strongest first).
    top_features: int = Field(default=5, ge=1, le=64)
    #: The least share of the layer's variance the SAE must explain on held-out rows (its interval's low end).
    min_variance_explained: float = Field(default=0.7, gt=0, lt=1)
    #: Features active on fewer rows than this share are not ranked.
    min_frequency: float = Field(default=0.01, ge=0, lt=1)


@dataclass
class SaeSection:
    """What the section found: its rule, measurements, tables and the sentence for the summary."""

    layer: str
    rule: str
    measurements: list[Measurement] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    summary: Msg | None = None
    note: Msg | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _m(key: str, /, **params: Any) -> Msg:
    return Msg(f"prohibited_feature_use.{key}", **params)


def sae_layer(adapter: Any, spec: SaeFeatures) -> str:
    """The layer's own name (aliases resolved), checked to exist."""
    (name,) = canonical_layers(adapter, [spec.layer])
    resolve_layers(adapter, [name])
    return name


def _load_or_train(spec: SaeFeatures, acts: torch.Tensor, base_dir: Path, seed: int) -> sae_metrics.SparseAutoencoder:
    if spec.path:
        path = Path(spec.path).expanduser()
        sae = sae_metrics.load_sae_lens(path if path.is_absolute() else base_dir / path)
        if sae.d_in != acts.shape[1]:
            raise CheckConfigError(f"features.path: the SAE in {spec.path} reads {sae.d_in} dimensions but layer "
                                   f"{spec.layer!r} has {acts.shape[1]}; use an SAE trained on that layer")
        return sae
    if spec.k >= spec.dict_size:
        raise CheckConfigError(f"features.k ({spec.k}) must be smaller than features.dict_size ({spec.dict_size})")
    return sae_metrics.train_topk_sae(acts, dict_size=spec.dict_size, k=spec.k, seed=seed, epochs=spec.epochs)


def run_sae_section(ctx: Any, spec: SaeFeatures, *, attribute: str, codes: np.ndarray, rows: np.ndarray,
                    fit_local: np.ndarray, held_local: np.ndarray, eval_idx: np.ndarray, max_flip_rate: float,
                    random_draws: int, seed: int) -> SaeSection:
    """Train or load the SAE, rank its features on held-out rows, ablate the top ones on ``eval_idx``."""
    stats = ctx.statistics
    layer = sae_layer(ctx.adapter, spec)
    acts = ctx.activations(layer).float()
    device = acts.device
    fit = acts[torch.as_tensor(fit_local, device=device)]
    held = acts[torch.as_tensor(held_local, device=device)]
    sae = _load_or_train(spec, fit.cpu(), ctx.base_dir, derive_seed(seed, "sae")).to(device)
    quality = sae_metrics.reconstruction_quality(sae, held, confidence=stats.confidence,
                                                 resamples=min(stats.bootstrap, 1000), seed=seed)
    with torch.no_grad():
        held_codes = sae.encode(held).cpu().numpy()
        frequency = (sae.encode(acts) > 0).float().mean(dim=0).cpu().numpy()
    K = int(codes.max()) + 1
    ranked = sae_metrics.rank_features(held_codes, codes[rows[held_local]], K, confidence=stats.confidence,
                                       correction=stats.correction, min_frequency=spec.min_frequency)
    alpha = 1 - stats.confidence
    significant = [f for f in ranked if f.p_adjusted < alpha and not f.ci_low <= 0.5 <= f.ci_high]
    # the control ablates as many features that fire and do not predict the attribute (ablating a feature that
    # never fires changes nothing, so it would be no control): there must be enough of them
    dead = np.flatnonzero(frequency <= 0)
    others = int((frequency > 0).sum()) - len(significant)
    top = significant[: max(0, min(spec.top_features, others))]
    out = SaeSection(layer=layer, rule="")
    fve = Measurement("sae_variance_explained", quality.variance_explained, quality.ci_low, quality.ci_high,
                      threshold=spec.min_variance_explained, comparator=">=", group=GROUP, n=quality.n,
                      confidence=stats.confidence, unit=Unit.SHARE.value,
                      status=(Status.PASS if quality.ci_low >= spec.min_variance_explained else Status.INCONCLUSIVE))
    out.measurements += [fve, Measurement("sae_dead_feature_share", quality.dead_share, group=GROUP,
                                          unit=Unit.SHARE.value)]
    if ranked:
        best = ranked[0]
        out.measurements.append(Measurement("sae_top_feature_auc", best.auc, best.ci_low, best.ci_high, group=GROUP,
                                            n=len(held_local), p_value=best.p_value, confidence=stats.confidence,
                                            unit=Unit.SCORE.value))
    values = [str(v) for v in ctx.policy.attribute(attribute).values]
    source = _m("sae.source_loaded", path=spec.path) if spec.path else _m(
        "sae.source_trained", size=Q(spec.dict_size, Unit.COUNT), k=Q(spec.k, Unit.COUNT),
        rows=Q(len(fit_local), Unit.COUNT))
    out.note = _m("note.sae", layer=layer, source=source, tested=Q(len(ranked), Unit.COUNT),
                  features=Q(sae.d_sae, Unit.COUNT), draws=Q(random_draws, Unit.COUNT),
                  minimum=Q(spec.min_variance_explained, Unit.SHARE))
    out.details = {"layer": layer, "features": sae.d_sae, "source": sae.source, "variance_explained":
                   quality.variance_explained, "dead_share": quality.dead_share, "mean_l0": quality.mean_l0,
                   "significant": len(significant), "top": [f.feature for f in top]}
    common = {"attribute": attribute, "layer": layer, "fve": Q(quality.variance_explained, Unit.SHARE),
              "low": Q(quality.ci_low, Unit.SHARE), "high": Q(quality.ci_high, Unit.SHARE),
              "features": Q(sae.d_sae, Unit.COUNT)}
    if fve.status is not Status.PASS:
        out.rule = "sae_explains_too_little"
        out.summary = _m("summary.sae.too_little", **common, minimum=Q(spec.min_variance_explained, Unit.SHARE))
        return out
    if significant and not top:
        out.rule = "sae_effect_undecided"
        out.summary = _m("summary.sae.no_control", **common, significant=Q(len(significant), Unit.COUNT))
        return out
    if not top:
        out.rule = "sae_no_feature_predicts_attribute"
        out.summary = _m("summary.sae.no_feature", **common, tested=Q(len(ranked), Unit.COUNT))
        return out
    out.tables.append(_feature_table(ctx, sae, layer, top, values, rows[held_local], held_local))
    pred = ctx.predictions()
    d0 = pred.decisions[eval_idx]
    texts = [ctx.data.texts[i] for i in eval_idx] if ctx.data.kind == "text" else np.asarray(ctx.all_inputs())[
        eval_idx]
    chosen = [f.feature for f in top]

    def flip_rate(features: list[int]) -> float:
        with replace_output(ctx.adapter, layer, lambda h: sae.ablate(h, features)):
            return float(np.mean(ctx.adapter.decide(ctx.adapter.predict(texts)) != d0))

    rate = flip_rate(chosen)
    flips = round(rate * len(eval_idx))
    rng = np.random.default_rng(derive_seed(seed, "sae-control"))
    control = [flip_rate([int(f) for f in s]) for s in
               sae_metrics.matched_random_features(frequency, chosen, random_draws, rng, exclude=dead)]
    p95 = float(np.quantile(control, 0.95))
    low, high = (float(b) for b in wilson_interval(flips, len(eval_idx), stats.confidence))
    status = (Status.FAIL if low > max_flip_rate else Status.PASS if high <= max_flip_rate else Status.INCONCLUSIVE)
    out.measurements += [
        Measurement("sae_ablation_flip_rate", rate, low, high, threshold=max_flip_rate, comparator="<=",
                    status=status, group=GROUP, n=len(eval_idx), confidence=stats.confidence,
                    p_value=(1 + sum(c >= rate for c in control)) / (1 + len(control)), unit=Unit.RATE.value),
        Measurement("sae_random_control_flip_rate_p95", p95, group=GROUP, unit=Unit.RATE.value)]
    if status is Status.FAIL and rate > p95:
        out.rule = "sae_ablation_beyond_tolerance_and_control"
    elif status is Status.PASS:
        out.rule = "sae_ablation_within_tolerance"
    else:
        out.rule = "sae_effect_undecided"
    out.details.update({"ablation_flip_rate": rate, "control_p95": p95, "control": control})
    out.summary = _m("summary.sae.ablated", **common, n_top=Q(len(top), Unit.COUNT),
                     significant=Q(len(significant), Unit.COUNT), auc=Q(top[0].auc, Unit.SCORE),
                     rate=Q(rate, Unit.RATE), rate_low=Q(low, Unit.RATE), rate_high=Q(high, Unit.RATE),
                     p95=Q(p95, Unit.RATE))
    return out


def _feature_table(ctx: Any, sae: sae_metrics.SparseAutoencoder, layer: str, top: list, values: list[str],
                   held_rows: np.ndarray, held_local: np.ndarray) -> Table:
    """The ablated features: AUC and interval, adjusted p, frequency, the value they mark, where they fire most."""
    examples = _examples(ctx, sae, layer, [f.feature for f in top], held_rows, held_local)
    rows = [(f"#{f.feature}", values[f.value] if f.value < len(values) else str(f.value), f.auc, f.ci_low,
             f.ci_high, f.p_adjusted, f.frequency, examples.get(f.feature, "")) for f in top]
    return Table(_m("table.sae.title", layer=layer), (
        Column(_m("col.sae_feature"), ColumnRole.LABEL),
        Column(_m("col.sae_value"), ColumnRole.GROUP),
        Column(_m("col.sae_auc"), ColumnRole.VALUE, Unit.SCORE),
        Column(_m("col.ci_low"), ColumnRole.CI_LOW, Unit.SCORE),
        Column(_m("col.ci_high"), ColumnRole.CI_HIGH, Unit.SCORE),
        Column(_m("col.sae_p_adjusted"), ColumnRole.VALUE, Unit.PVALUE),
        Column(_m("col.sae_frequency"), ColumnRole.VALUE, Unit.SHARE),
        Column(_m("col.sae_examples"), ColumnRole.TEXT)), tuple(rows))


def _examples(ctx: Any, sae: sae_metrics.SparseAutoencoder, layer: str, features: list[int],
              held_rows: np.ndarray, held_local: np.ndarray) -> dict[int, str]:
    """Per feature, the audit texts (among ``held_rows``) whose readout activates it most, each with the words
    around the token where it fires most: ``id: … w w [w] w w …`` (the row's id, else ``#`` and its 1-based row
    number). Text decoders only (others: no examples). Every example text goes through one forward pass."""
    adapter = ctx.adapter
    if ctx.data.kind != "text" or not isinstance(adapter, SupportsReadout) or not hasattr(adapter, "encode"):
        return {}
    acts = ctx.activations(layer).float()
    with torch.no_grad():
        codes = sae.encode(acts[torch.as_tensor(held_local, device=acts.device)])
    best = {f: [int(held_rows[b]) for b in torch.argsort(codes[:, f], descending=True)[:_EXAMPLES].cpu().numpy()]
            for f in features}
    audit_rows = sorted({r for rows in best.values() for r in rows})
    position = {r: i for i, r in enumerate(audit_rows)}
    enc = adapter.encode([ctx.data.texts[r] for r in audit_rows])
    captured: list[torch.Tensor] = []
    handle = adapter.named_layers()[layer].register_forward_hook(
        lambda _m, _i, o: captured.append(o[0] if isinstance(o, tuple) else o))
    try:
        with torch.no_grad():
            adapter.forward_func(enc.input_ids, enc.attention_mask)
    finally:
        handle.remove()
    with torch.no_grad():
        per_token = sae.encode(captured[0].float()).masked_fill(~enc.span.unsqueeze(-1), float("-inf"))
    tok, ids = adapter.tokenizer, ctx.data.ids
    out: dict[int, str] = {}
    for f, rows in best.items():
        parts = []
        for r in rows:
            i = position[r]
            pos = int(per_token[i, :, f].argmax())
            span = torch.nonzero(enc.span[i]).flatten().tolist()
            lo, hi = max(span[0], pos - _WINDOW), min(span[-1], pos + _WINDOW)
            row_ids = enc.input_ids[i].tolist()
            left, right = tok.decode(row_ids[lo:pos]).strip(), tok.decode(row_ids[pos + 1:hi + 1]).strip()
            word = tok.decode(row_ids[pos:pos + 1]).strip()
            name = str(ids[r]) if ids is not None else f"#{r + 1}"
            parts.append(f"{name}: …{left} [{word}] {right}…")
        out[f] = "; ".join(parts)
    return out
