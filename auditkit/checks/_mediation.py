"""Where a protected attribute's effect flows inside a decoder LLM: the counterfactual sweep's mediation evidence.

For the sweep's own counterfactual prompt pairs (the lexicon substitutions), the
share of the change in the favourable answer's log-odds that each sublayer
carries (:func:`auditkit.explain.patching.patch_effects`): attribution patching
for every attention and MLP sublayer and for the heads of the last layers, exact
activation patching for the ``top_k`` of them to validate the estimate (their
Spearman correlation, with its interval, is reported). The residual stream and
the embeddings are left out: patched at every position, each carries the whole
effect by construction.

This is evidence about the model, not a verdict: nothing here is judged against a
threshold, and the sweep's verdict stays that of its flip rates. Pairs are a
seeded sample of at most ``max_pairs``; pairs whose prompts tokenize to different
lengths cannot be patched position by position and are counted, not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditkit.counterfactual.details import col, msg
from auditkit.counterfactual.lexicon import Lexicon
from auditkit.counterfactual.text import Substituter, text_variants
from auditkit.errors import CheckConfigError
from auditkit.evidence import ColumnRole, Msg, Q, Table, Unit
from auditkit.explain.patching import PatchingResult, decoder_components, patch_effects
from auditkit.metrics.sampling import stratified_rows

#: Bars one chart can hold (chartspec.MAX_BARS): above it the chart shows each layer's two sublayers summed.
_MAX_BARS = 36


@dataclass
class Mediation:
    """The mediation evidence of one sweep: its tables, chart, notes and the numbers stored in ``details``."""

    tables: list[Table] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def mediation(adapter: Any, texts: list[str], lexicon: Lexicon, *, exclude_terms: list[str], max_pairs: int,
              top_k: int, head_layers: int, seed: int) -> Mediation:
    """Patch the sweep's counterfactual pairs (at most ``max_pairs``, a seeded sample stratified by value pair)."""
    variants = text_variants(texts, Substituter(lexicon), exclude_terms=exclude_terms)
    out = Mediation()
    if not variants.texts:
        out.notes.append(msg("note.mediation_none"))
        return out
    pair_key = np.asarray([f"{a}>{b}" for a, b in zip(variants.source, variants.target, strict=True)])
    chosen = stratified_rows(pair_key, max_pairs, np.random.default_rng(seed))
    originals = [texts[int(variants.example[i])] for i in chosen]
    counterfactuals = [variants.texts[int(i)] for i in chosen]
    components = [c for c in decoder_components(adapter.model, head_layers=head_layers)
                  if c.kind in ("attn", "mlp", "head")]
    try:
        result = patch_effects(adapter, originals, counterfactuals, components=components, top_k=top_k)
    except CheckConfigError:  # no pair tokenizes to equal lengths: the sweep's verdict stands, the evidence says so
        out.notes.append(msg("note.mediation_unaligned", pairs=Q(len(originals), Unit.COUNT)))
        return out
    if not np.isfinite(result.estimate).any():  # no pair changed the answer's log-odds: no effect to trace
        out.notes.append(msg("note.mediation_no_change", pairs=Q(result.pairs_used, Unit.COUNT)))
        out.details = {"pairs_used": result.pairs_used, "pairs_skipped": result.pairs_skipped,
                       "pairs_unchanged": result.pairs_unchanged, "spearman": None}
        return out
    out.tables += [_layer_table(result), _top_table(result, top_k)]
    out.charts.append(_chart(result))
    out.notes.append(msg("note.mediation", pairs=Q(result.pairs_used, Unit.COUNT),
                         skipped=Q(result.pairs_skipped, Unit.COUNT), unchanged=Q(result.pairs_unchanged, Unit.COUNT),
                         change=Q(result.total_change, Unit.NUMBER), validated=Q(len(result.validated), Unit.COUNT),
                         rho=Q(_finite(result.spearman), Unit.CORRELATION),
                         low=Q(_finite(result.spearman_ci[0]), Unit.CORRELATION),
                         high=Q(_finite(result.spearman_ci[1]), Unit.CORRELATION)))
    out.details = {"components": list(result.components), "estimate": _floats(result.estimate),
                   "exact": _floats(result.exact), "validated": list(result.validated),
                   "spearman": _finite(result.spearman), "spearman_ci": [_finite(v) for v in result.spearman_ci],
                   "pairs_used": result.pairs_used, "pairs_skipped": result.pairs_skipped,
                   "pairs_unchanged": result.pairs_unchanged, "mean_abs_logit_change": _finite(result.total_change)}
    return out


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _floats(values: np.ndarray) -> list[float | None]:
    return [_finite(float(v)) for v in values]


def _layers(result: PatchingResult) -> list[int]:
    return sorted({int(n.split(".")[1]) for n in result.components if n.startswith(("attn.", "mlp."))})


def _value(result: PatchingResult, name: str) -> tuple[float | None, float | None]:
    i = result.components.index(name)
    return _finite(float(result.estimate[i])), _finite(float(result.exact[i]))


def _layer_table(result: PatchingResult) -> Table:
    """Per layer: the attention and MLP sublayers' shares, estimated and (where validated) exact."""
    rows = []
    for layer in _layers(result):
        a_est, a_exact = _value(result, f"attn.{layer}")
        m_est, m_exact = _value(result, f"mlp.{layer}")
        rows.append((layer, a_est, a_exact, m_est, m_exact))
    share = Unit.SHARE
    return Table(msg("table.mediation_layers"), (
        col("layer", ColumnRole.LABEL), col("attention_estimate", ColumnRole.VALUE, share),
        col("attention_exact", ColumnRole.VALUE, share), col("mlp_estimate", ColumnRole.VALUE, share),
        col("mlp_exact", ColumnRole.VALUE, share)), tuple(rows))


def _top_table(result: PatchingResult, top_k: int) -> Table:
    """The components with the largest estimated share (heads included), with their exact shares."""
    order = np.argsort(-np.abs(np.nan_to_num(result.estimate)), kind="stable")[:top_k]
    rows = []
    for i in order:
        name = result.components[int(i)]
        rows.append((name, _finite(float(result.estimate[i])), _finite(float(result.exact[i]))))
    return Table(msg("table.mediation_components"), (
        col("component", ColumnRole.LABEL), col("estimate", ColumnRole.VALUE, Unit.SHARE),
        col("exact", ColumnRole.VALUE, Unit.SHARE)), tuple(rows))


def _chart(result: PatchingResult) -> dict:
    """Bars per layer: the share each sublayer carries (attribution patching; exact where validated)."""
    layers = _layers(result)
    bars = []
    for layer in layers:
        a, m = (_pick(*_value(result, f"{kind}.{layer}")) for kind in ("attn", "mlp"))
        if 2 * len(layers) <= _MAX_BARS:
            bars += [{"label": msg("chart.mediation_attn", layer=layer), "value": a},
                     {"label": msg("chart.mediation_mlp", layer=layer), "value": m}]
        else:
            bars.append({"label": msg("chart.mediation_layer", layer=layer),
                         "value": None if a is None or m is None else a + m})
    return {"type": "bars", "title": msg("chart.mediation"), "value_label": msg("chart.mediation_label"),
            "bars": bars, "reference": None}


def _pick(estimate: float | None, exact: float | None) -> float | None:
    return exact if exact is not None else estimate
