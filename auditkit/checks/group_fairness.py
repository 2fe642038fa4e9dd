"""``group_fairness``: demographic parity, equalized odds, equal opportunity, four-fifths (methods.md C5–C6).

Each metric is judged on a stratified-bootstrap confidence interval: PASS
when the whole interval lies inside the tolerance, FAIL when it lies wholly
outside, INCONCLUSIVE otherwise. Several attributes give intersectional
groups. Groups smaller than ``min_group_size`` are listed in the report and
left out of the comparison, never dropped silently.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, check_direction, measure
from auditkit.checks.registry import register
from auditkit.metrics.fairness import (
    FAIRNESS_METRICS,
    bootstrap_counts,
    confusion_counts,
    fairness_metrics,
    group_rates,
    impact_ratios,
    independence_pvalue,
    opportunity_table,
    selection_table,
)
from auditkit.metrics.stats import combine_verdicts, covering, percentile_interval, wilson_interval
from auditkit.results import Measurement, Status

MetricName = Literal[
    "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
    "equalized_odds_ratio", "equal_opportunity_difference", "equal_opportunity_ratio", "impact_ratio",
]


def _default_thresholds() -> dict[str, Limit]:
    return {
        "demographic_parity_ratio": Limit(min=0.8),
        "demographic_parity_difference": Limit(max=0.1),
        "equalized_odds_difference": Limit(max=0.1),
    }


class GroupFairnessParams(Params):
    """Parameters of the ``group_fairness`` check (defaults: methods.md C5)."""

    attributes: list[str] = Field(min_length=1)
    thresholds: dict[MetricName, Limit] = Field(default_factory=_default_thresholds, min_length=1)
    min_group_size: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _single_attribute(cls, data: object) -> object:
        """Accept ``attribute: sex`` as shorthand for ``attributes: [sex]``."""
        if isinstance(data, dict) and "attribute" in data:
            data = dict(data)
            if "attributes" in data:
                raise ValueError("give either 'attribute' or 'attributes', not both")
            data["attributes"] = [data.pop("attribute")]
        return data

    @field_validator("thresholds")
    @classmethod
    def _directions(cls, v: dict[str, Limit]) -> dict[str, Limit]:
        for metric, limit in v.items():
            check_direction(metric, limit, FAIRNESS_METRICS.get(metric, ">="))
        return v


@register
class GroupFairnessCheck(Check):
    """Group-fairness metrics with stratified-bootstrap intervals, judged against the policy's limits."""

    kind = "group_fairness"
    version = 1
    title = "Group fairness"
    Params = GroupFairnessParams

    def run(self, ctx: CheckContext, params: GroupFairnessParams, *, seed: int) -> CheckResult:  # type: ignore[override]
        """Compare groups' decision rates; judge each configured metric on its bootstrap interval."""
        stats = ctx.statistics
        conf, min_size = stats.confidence, params.min_group_size or stats.min_group_size
        pred = ctx.predictions()
        groups = ctx.groups(params.attributes)
        counts_all = confusion_counts(ctx.data.y_true, pred.decisions, groups.codes, len(groups.labels))
        sizes = counts_all.sum(axis=1)
        kept = [g for g in range(len(groups.labels)) if sizes[g] >= min_size]
        small = [g for g in range(len(groups.labels)) if 0 < sizes[g] < min_size]
        labels = [groups.labels[g] for g in kept]
        tables = [self._group_table(counts_all, groups.labels, min_size, conf)]
        notes = []
        if small:
            notes.append(
                f"{len(small)} group(s) below min_group_size {min_size} were reported but left out of the "
                f"comparison: " + ", ".join(f"{groups.labels[g]} (n={int(sizes[g])})" for g in small) + "."
            )
        if len(kept) < 2:
            return CheckResult(
                status=Status.INCONCLUSIVE,
                summary=(f"Fewer than two groups of {', '.join(params.attributes)} have at least {min_size} "
                         "examples, so no group comparison could be made."),
                details={"tables": tables, "notes": notes},
            )
        counts = counts_all[kept]
        rng = np.random.default_rng(seed)
        boot = bootstrap_counts(counts, stats.bootstrap, rng)
        point, dist = fairness_metrics(counts), fairness_metrics(boot)
        pvals = self._pvalues(counts)
        measurements: list[Measurement] = []
        for metric in FAIRNESS_METRICS:
            lo, hi = covering(*percentile_interval(dist[metric], conf), point[metric])
            measurements.append(measure(metric, point[metric], (lo, hi), limit=params.thresholds.get(metric),
                                        confidence=conf, n=int(counts.sum()), p_value=pvals.get(metric)))
        ir_point, ir_dist = impact_ratios(counts), impact_ratios(boot)
        ir_lo, ir_hi = covering(*percentile_interval(ir_dist, conf), ir_point)
        for i, label in enumerate(labels):
            measurements.append(measure("impact_ratio", ir_point[i], (ir_lo[i], ir_hi[i]),
                                        limit=params.thresholds.get("impact_ratio"), confidence=conf,
                                        group=label, n=int(counts[i].sum())))
        undefined = [m.name for m in measurements if m.value is None and m.threshold is not None]
        if undefined:
            notes.append("Undefined because a group has no examples with one of the true labels: "
                         + ", ".join(sorted(set(undefined))) + ".")
        status = combine_verdicts(m.status for m in measurements)
        return CheckResult(status=status, summary=self._summary(measurements, labels, counts, status),
                           measurements=tuple(measurements), details={"tables": tables, "notes": notes})

    @staticmethod
    def _pvalues(counts: np.ndarray) -> dict[str, float]:
        """Raw p-values of 'no disparity' for the difference metrics (the report corrects them family-wide)."""
        p_sel = independence_pvalue(selection_table(counts))
        p_tpr = independence_pvalue(opportunity_table(counts, 1))
        p_fpr = independence_pvalue(opportunity_table(counts, 0))
        p_eo = min(1.0, 2 * min(p_tpr, p_fpr)) if not (np.isnan(p_tpr) or np.isnan(p_fpr)) else float("nan")
        return {"demographic_parity_difference": p_sel, "equal_opportunity_difference": p_tpr,
                "equalized_odds_difference": p_eo}

    @staticmethod
    def _group_table(counts: np.ndarray, labels: tuple[str, ...], min_size: int, conf: float) -> dict:
        rates = group_rates(counts)
        n = counts.sum(axis=1)
        sel = counts[:, 1] + counts[:, 3]
        lo, hi = wilson_interval(sel, n, conf)
        rows = [[label, int(n[g]), float(rates["selection_rate"][g]), float(lo[g]), float(hi[g]),
                 float(rates["tpr"][g]), float(rates["fpr"][g]),
                 "yes" if n[g] >= min_size else f"no (< {min_size})"]
                for g, label in enumerate(labels)]
        return {"title": "Decision rates by group",
                "columns": ["group", "n", "selection rate", "CI low", "CI high", "TPR", "FPR", "compared"],
                "rows": rows}

    @staticmethod
    def _summary(ms: list[Measurement], labels: list[str], counts: np.ndarray, status: Status) -> str:
        sr = group_rates(counts)["selection_rate"]
        lo, hi = int(np.argmin(sr)), int(np.argmax(sr))
        head = (f"Selection rate ranges from {sr[lo]:.3f} ({labels[lo]}) to {sr[hi]:.3f} ({labels[hi]})")
        judged = [m for m in ms if m.status is not None]
        order = {Status.FAIL: 0, Status.INCONCLUSIVE: 1, Status.PASS: 2}
        worst = sorted(judged, key=lambda m: order.get(m.status, 3))
        if not worst:
            return head + "."
        m = worst[0]
        what = {Status.FAIL: "breaches", Status.INCONCLUSIVE: "cannot be separated from",
                Status.PASS: "meets"}[m.status]
        name = m.name.replace("_", " ") + (f" for {m.group}" if m.group else "")
        if m.value is None:
            return head + f"; {name} is undefined."
        return (head + f"; {name} {m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}] {what} the limit "
                f"{m.comparator} {m.threshold:g}" + ("" if status is not Status.PASS else
                                                     " and every other limit is met on its interval") + ".")
