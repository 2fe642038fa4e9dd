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
    degenerate_rates,
    fairness_metrics,
    group_rates,
    impact_ratios,
    independence_pvalue,
    metric_rates,
    minimum_detectable_effect,
    opportunity_table,
    rate_fractions,
    rows_per_group_needed,
    selection_table,
    simultaneous_intervals,
    wilson_impact_bounds,
    wilson_metric_bounds,
)
from auditkit.metrics.stats import combine_verdicts, covering, percentile_interval, wilson_interval
from auditkit.results import Measurement, Status

#: A group needs at least this many rows to be compared: one row has no sampling variability to estimate.
MIN_COMPARABLE_ROWS = 2

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
class GroupFairnessCheck(Check[GroupFairnessParams]):
    """Group-fairness metrics with stratified-bootstrap intervals, judged against the policy's limits."""

    kind = "group_fairness"
    version = 1
    title = "Group fairness"
    Params = GroupFairnessParams

    def run(self, ctx: CheckContext, params: GroupFairnessParams, *, seed: int) -> CheckResult:
        """Compare groups' decision rates; judge each configured metric on its bootstrap interval.

        Groups below ``min_group_size`` (and always those below 2 rows, which
        have no interval) are listed, not compared. Declared values absent
        from the data are listed too and make the verdict INCONCLUSIVE unless
        the present groups already FAIL. Where a group's resamples cannot
        vary (its rate is 0 or 1), the interval is widened to the groups'
        Wilson bounds so a constant bootstrap is never shown as certainty.
        Every INCONCLUSIVE metric states its minimum detectable effect and
        the rows per group that would decide it (methods.md C6).
        """
        stats = ctx.statistics
        conf, min_size = stats.confidence, params.min_group_size or stats.min_group_size
        compare_min = max(min_size, MIN_COMPARABLE_ROWS)
        pred = ctx.predictions()
        groups = ctx.groups(params.attributes)
        counts_all = confusion_counts(ctx.data.y_true, pred.decisions, groups.codes, len(groups.labels))
        sizes = counts_all.sum(axis=1)
        kept = [g for g in range(len(groups.labels)) if sizes[g] >= compare_min]
        small = [g for g in range(len(groups.labels)) if 0 < sizes[g] < min_size]
        single = [g for g in range(len(groups.labels)) if min_size <= sizes[g] < MIN_COMPARABLE_ROWS]
        labels = [groups.labels[g] for g in kept]
        tables = [self._group_table(counts_all, groups.labels, compare_min, conf)]
        notes = []
        if small:
            notes.append(
                f"{len(small)} group(s) below min_group_size {min_size} were reported but left out of the "
                f"comparison: " + ", ".join(f"{groups.labels[g]} (n={int(sizes[g])})" for g in small) + "."
            )
        if single:
            notes.append(
                f"{len(single)} group(s) with fewer than {MIN_COMPARABLE_ROWS} rows cannot be compared (a single "
                "row has no sampling interval): " + ", ".join(f"{groups.labels[g]} (n={int(sizes[g])})"
                                                              for g in single) + "."
            )
        absent = list(groups.absent)
        details: dict = {"tables": tables, "notes": notes}
        if absent:
            notes.append("Declared in the policy but not present in the data, so not assessed: "
                         + ", ".join(absent) + ". Add rows of these groups to the audit data, or remove the values "
                         "from protected_attributes[].values if they cannot occur.")
            details["absent_groups"] = absent
        if small or single:
            details["not_compared"] = [groups.labels[g] for g in (*small, *single)]
        if len(kept) < 2:
            mde = minimum_detectable_effect((0.5, 0.5), (compare_min, compare_min), confidence=conf)
            notes.append(f"Power: with {compare_min} rows in each of two groups, the smallest selection-rate "
                         f"difference detectable (α = {1 - conf:.2g}, power 0.8) would be about {mde:.3f}; "
                         f"deciding a limit of 0.1 needs about {_rows(rows_per_group_needed((0.5, 0.5), 0.1))} "
                         "rows per group.")
            return CheckResult(
                status=Status.INCONCLUSIVE,
                summary=(f"Fewer than two groups of {', '.join(params.attributes)} have at least {compare_min} "
                         "examples, so no group comparison could be made"
                         + (f"; groups with fewer than {MIN_COMPARABLE_ROWS} rows cannot be compared: "
                            + ", ".join(f"{groups.labels[g]} (n={int(sizes[g])})" for g in single) if single else "")
                         + (f"; declared but absent from the data: {', '.join(absent)}" if absent else "") + "."),
                details=details,
            )
        counts = counts_all[kept]
        rng = np.random.default_rng(seed)
        boot = bootstrap_counts(counts, stats.bootstrap, rng)
        point, dist = fairness_metrics(counts), fairness_metrics(boot)
        pvals = self._pvalues(counts)
        degenerate = degenerate_rates(counts)
        bounds = wilson_metric_bounds(counts, conf)
        widened: list[str] = []
        measurements: list[Measurement] = []
        simultaneous = simultaneous_intervals(counts, boot, conf)  # valid at parity too (see there)
        for metric in FAIRNESS_METRICS:
            lo, hi = covering(*simultaneous.get(metric, percentile_interval(dist[metric], conf)), point[metric])
            if any(degenerate[r].any() for r in metric_rates()[metric]):
                lo, hi = np.fmin(lo, bounds[metric][0]), np.fmax(hi, bounds[metric][1])
                widened.append(metric)
            measurements.append(measure(metric, point[metric], (lo, hi), limit=params.thresholds.get(metric),
                                        confidence=conf, n=int(counts.sum()), p_value=pvals.get(metric)))
        ir_point, ir_dist = impact_ratios(counts), impact_ratios(boot)
        ir_lo, ir_hi = covering(*percentile_interval(ir_dist, conf), ir_point)
        if degenerate["selection_rate"].any():
            w_lo, w_hi = wilson_impact_bounds(counts, conf)
            ir_lo, ir_hi = np.fmin(ir_lo, w_lo), np.fmax(ir_hi, w_hi)
            widened.append("impact_ratio")
        for i, label in enumerate(labels):
            measurements.append(measure("impact_ratio", ir_point[i], (ir_lo[i], ir_hi[i]),
                                        limit=params.thresholds.get("impact_ratio"), confidence=conf,
                                        group=label, n=int(counts[i].sum())))
        if widened:
            flat = [labels[g] for g in range(len(labels))
                    if any(degenerate[r][g] for r in ("selection_rate", "tpr", "fpr"))]
            notes.append("In " + ", ".join(flat) + " every row shares one outcome for a compared rate, so all "
                         "bootstrap resamples of that rate are identical; the intervals of "
                         + ", ".join(widened) + " were widened to the groups' Wilson bounds rather than shown "
                         "as certain.")
        undefined = [m.name for m in measurements if m.value is None and m.threshold is not None]
        if undefined:
            notes.append("Undefined because a group has no examples with one of the true labels: "
                         + ", ".join(sorted(set(undefined))) + ".")
        status = combine_verdicts(m.status for m in measurements)
        power = [p for m in measurements if m.status is Status.INCONCLUSIVE
                 for p in [power_statement(m, counts, labels, conf)] if p]
        if power:
            details["power"] = power
            notes.extend(p["text"] for p in power)
        summary = self._summary(measurements, labels, counts, status)
        if widened:
            summary += (" Intervals were widened to Wilson bounds: in " + ", ".join(flat) + " every row shares one "
                        "outcome, so the bootstrap alone would show certainty.")
        if status is Status.INCONCLUSIVE and power:
            summary += " " + power[0]["text"]
        if absent and status in (Status.PASS, Status.INCONCLUSIVE):
            status = Status.INCONCLUSIVE
            summary += (f" Group not present in the data: {', '.join(absent)} (declared in the policy), so the "
                        "comparison is incomplete.")
        return CheckResult(status=status, summary=summary, measurements=tuple(measurements), details=details)

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


def _rows(n: float) -> str:
    return "an unbounded number of" if not np.isfinite(n) else f"{int(np.ceil(n)):,}"


_LABEL_ROWS = {"selection_rate": "rows", "tpr": "rows with the favourable true label",
               "fpr": "rows with the unfavourable true label"}


def power_statement(m: Measurement, counts: np.ndarray, labels: list[str], confidence: float) -> dict | None:
    """For an INCONCLUSIVE measurement: the minimum detectable effect at the rows used and the rows that decide it.

    The two groups compared are those with the lowest and highest rate (for
    equalized odds, the rate with the larger spread). For a difference the gap
    to clear is ``|estimate − limit|``; for a ratio it is the rate difference
    at which the ratio meets the limit, ``|p_low − limit·p_high|``. Formulas:
    :func:`~auditkit.metrics.fairness.minimum_detectable_effect` and
    :func:`~auditkit.metrics.fairness.rows_per_group_needed` (methods.md C6).
    """
    if m.threshold is None or m.value is None:
        return None
    fractions = rate_fractions(counts)
    rates = ("selection_rate",) if m.name == "impact_ratio" else metric_rates()[m.name]
    best = None
    for rate in rates:
        k, n = fractions[rate]
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        if np.isnan(p).all():
            continue
        hi = int(np.nanargmax(p))
        lo = labels.index(m.group) if m.group in labels else int(np.nanargmin(p))
        if best is None or p[hi] - p[lo] > best[0]:
            best = (p[hi] - p[lo], rate, lo, hi, p, n)
    if best is None:
        return None
    _, rate, lo, hi, p, n = best
    pair, sizes = (float(p[hi]), float(p[lo])), (int(n[hi]), int(n[lo]))
    gap = (abs(m.value - m.threshold) if m.name.endswith("difference")
           else abs(pair[1] - m.threshold * pair[0]))
    mde = minimum_detectable_effect(pair, sizes, confidence=confidence)
    # the normal approximation understates rows near rates of 0 or 1; the rows used did not decide it, so more are
    need = max(rows_per_group_needed(pair, gap, confidence=confidence), max(sizes) + 1)
    what = m.name.replace("_", " ") + (f" for {m.group}" if m.group else "")
    decide = (f"about {_rows(need)} {_LABEL_ROWS[rate]} per group would decide it against the limit "
              f"{m.comparator} {m.threshold:g}" if np.isfinite(need) else
              f"no number of rows decides it: the estimate sits on the limit {m.comparator} {m.threshold:g}")
    text = (f"Power for {what}: with {sizes[0]} and {sizes[1]} {_LABEL_ROWS[rate]} ({labels[hi]}, {labels[lo]}), "
            f"the smallest {rate.replace('_', ' ')} difference detectable (α = {1 - confidence:.2g}, power 0.8) "
            f"is {mde:.3f}; {decide}.")
    return {"measurement": m.name, "group": m.group, "rate": rate, "groups": [labels[hi], labels[lo]],
            "rows": list(sizes), "minimum_detectable_effect": mde,
            "rows_per_group_needed": None if not np.isfinite(need) else int(np.ceil(need)), "text": text}
