"""``group_fairness``: demographic parity, equalized odds, equal opportunity, four-fifths (methods.md C5–C6).

Each metric is judged on a stratified-bootstrap confidence interval: PASS
when the whole interval lies inside the tolerance, FAIL when it lies wholly
outside, INCONCLUSIVE otherwise. Several attributes give intersectional
groups. Groups smaller than ``min_group_size`` are listed in the report and
left out of the comparison, never dropped silently.

How much the selection gap owes to the chosen decision threshold (EU AI Act
Art. 10(2)(f), Annex IV 2(g)) is shown, not judged: the demographic parity
difference is recomputed over a grid of thresholds with a pointwise interval
(:func:`~auditkit.metrics.fairness.selection_gap_curve`), charted with the
operating point marked, and a short table sets the gap at the operating point
against the smallest and largest gap on the grid, each with the overall
selection rate at its threshold (the smallest gap usually sits where nearly
everyone or no one is selected).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from auditkit.checks._judged import Statements
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, check_direction, measure
from auditkit.checks.registry import register
from auditkit.evidence import Column, ColumnRole, Evidence, Finding, Msg, Q, Table, Unit, Verdict, ref
from auditkit.metrics.fairness import (
    FAIRNESS_METRICS,
    SWEEP_THRESHOLDS,
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
    selection_gap_curve,
    selection_table,
    simultaneous_intervals,
    wilson_impact_bounds,
    wilson_metric_bounds,
)
from auditkit.metrics.stats import combine_verdicts, covering, derive_seed, percentile_interval, wilson_interval
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
    version = 2  # 2: sensitivity of the selection gap to the decision threshold (chart and table)
    title = "Group fairness"
    Params = GroupFairnessParams
    rules: ClassVar[tuple[str, ...]] = (
        "interval_inside_limit",  # PASS: every judged interval lies wholly inside its limit
        "interval_beyond_limit",  # FAIL: at least one judged interval lies wholly beyond its limit
        "interval_straddles_limit",  # INCONCLUSIVE: none beyond, at least one interval includes its limit
        "declared_group_absent",  # INCONCLUSIVE: none beyond, but a declared group has no rows
        "too_few_comparable_groups",  # INCONCLUSIVE: fewer than two groups large enough to compare
    )

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
        tables = (self._group_table(counts_all, groups.labels, compare_min, conf),)
        cause = _cause(params.attributes)

        def with_n(gs: list[int]) -> list[Msg]:
            return [Msg("group_fairness.group_n", group=groups.labels[g], n=Q(int(sizes[g]), Unit.COUNT)) for g in gs]

        notes: list[Msg] = []
        if small:
            notes.append(Msg("group_fairness.note.small_groups", count=Q(len(small), Unit.COUNT),
                             min_size=Q(min_size, Unit.COUNT), groups=with_n(small)))
        if single:
            notes.append(Msg("group_fairness.note.single_row_groups", count=Q(len(single), Unit.COUNT),
                             min_rows=Q(MIN_COMPARABLE_ROWS, Unit.COUNT), groups=with_n(single)))
        absent = list(groups.absent)
        details: dict = {}
        if absent:
            notes.append(Msg("group_fairness.note.absent", groups=absent))
            details["absent_groups"] = absent
        if small or single:
            details["not_compared"] = [groups.labels[g] for g in (*small, *single)]
        absent_findings = (Finding(Msg("group_fairness.finding.absent", groups=absent), cause),) if absent else ()
        if len(kept) < 2:
            mde = minimum_detectable_effect((0.5, 0.5), (compare_min, compare_min), confidence=conf)
            notes.append(Msg("group_fairness.note.power_two_groups", rows=Q(compare_min, Unit.COUNT),
                             alpha=Q(1 - conf, Unit.PROBABILITY), mde=Q(mde, Unit.DIFFERENCE_PP),
                             limit=Q(0.1, Unit.DIFFERENCE_PP),
                             need=_rows(rows_per_group_needed((0.5, 0.5), 0.1))))
            summary = [Msg("group_fairness.summary.too_few_groups", attributes=list(params.attributes),
                           min_rows=Q(compare_min, Unit.COUNT))]
            if single:
                summary.append(Msg("group_fairness.summary.single_row_groups",
                                   min_rows=Q(MIN_COMPARABLE_ROWS, Unit.COUNT), groups=with_n(single)))
            if absent:
                summary.append(Msg("group_fairness.summary.absent_not_compared", groups=absent))
            verdict = Verdict("too_few_comparable_groups",
                              {"attributes": list(params.attributes), "min_rows": Q(compare_min, Unit.COUNT)})
            findings = (Finding(Msg("group_fairness.finding.too_few_groups", attributes=list(params.attributes),
                                    min_rows=Q(compare_min, Unit.COUNT)), cause), *absent_findings)
            meaning = (Msg("group_fairness.meaning.too_few_groups", attributes=list(params.attributes),
                           min_rows=Q(compare_min, Unit.COUNT)),)
            return CheckResult(
                status=Status.INCONCLUSIVE,
                evidence=Evidence(summary=tuple(summary), verdict=verdict, tables=tables, notes=tuple(notes),
                                  findings=findings, meaning=meaning),
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
            measurements.append(_united(measure(metric, point[metric], (lo, hi), limit=params.thresholds.get(metric),
                                                confidence=conf, n=int(counts.sum()), p_value=pvals.get(metric))))
        ir_point, ir_dist = impact_ratios(counts), impact_ratios(boot)
        ir_lo, ir_hi = covering(*percentile_interval(ir_dist, conf), ir_point)
        if degenerate["selection_rate"].any():
            w_lo, w_hi = wilson_impact_bounds(counts, conf)
            ir_lo, ir_hi = np.fmin(ir_lo, w_lo), np.fmax(ir_hi, w_hi)
            widened.append("impact_ratio")
        for i, label in enumerate(labels):
            measurements.append(_united(measure("impact_ratio", ir_point[i], (ir_lo[i], ir_hi[i]),
                                                limit=params.thresholds.get("impact_ratio"), confidence=conf,
                                                group=label, n=int(counts[i].sum()))))
        flat: list[str] = []
        if widened:
            flat = [labels[g] for g in range(len(labels))
                    if any(degenerate[r][g] for r in ("selection_rate", "tpr", "fpr"))]
            notes.append(Msg("group_fairness.note.widened", groups=flat,
                             metrics=[Msg(f"group_fairness.measure.{w}") for w in widened]))
        undefined = [m.name for m in measurements if m.value is None and m.threshold is not None]
        if undefined:
            notes.append(Msg("group_fairness.note.undefined",
                             metrics=[Msg(f"group_fairness.measure.{u}") for u in sorted(set(undefined))]))
        status = combine_verdicts(m.status for m in measurements)
        power = [p for m in measurements if m.status is Status.INCONCLUSIVE
                 for p in [power_statement(m, counts, labels, conf)] if p]
        if power:
            details["power"] = [data for data, _ in power]
            notes.extend(text for _, text in power)
        summary = [self._summary(measurements, labels, counts)]
        if widened:
            summary.append(Msg("group_fairness.summary.widened", groups=flat))
        if status is Status.INCONCLUSIVE and power:
            summary.append(power[0][1])
        judged = [m for m in measurements if m.status is not None]
        fails = [m for m in judged if m.status is Status.FAIL]
        doubts = [m for m in judged if m.status is Status.INCONCLUSIVE]
        limits = [Msg("group_fairness.metric_limit", measure=Msg(f"group_fairness.measure.{metric}"),
                      limit=_SAY.limit(metric, limit.comparator, limit.threshold))
                  for metric, limit in params.thresholds.items()]
        level = Q(conf, Unit.SHARE)
        if status is Status.FAIL:
            verdict = Verdict("interval_beyond_limit", {"limits": limits, "level": level},
                              tuple(ref(m.name, m.group) for m in fails))
            findings = (*(Finding(_finding(m, params.attributes), cause) for m in fails), *absent_findings)
        elif absent and status in (Status.PASS, Status.INCONCLUSIVE):
            status = Status.INCONCLUSIVE
            summary.append(Msg("group_fairness.summary.absent", groups=absent))
            verdict = Verdict("declared_group_absent", {"limits": limits, "level": level, "groups": absent},
                              tuple(ref(m.name, m.group) for m in judged))
            findings = (*absent_findings, *(Finding(_finding(m, params.attributes), cause) for m in doubts))
        elif status is Status.INCONCLUSIVE:
            verdict = Verdict("interval_straddles_limit", {"limits": limits, "level": level},
                              tuple(ref(m.name, m.group) for m in doubts))
            findings = tuple(Finding(_finding(m, params.attributes), cause) for m in doubts)
        else:
            verdict = Verdict("interval_inside_limit", {"limits": limits, "level": level},
                              tuple(ref(m.name, m.group) for m in judged))
            findings = ()
        dpd = next(m for m in measurements if m.name == "demographic_parity_difference")
        sweep = _sweep(*_compared_rows(pred.scores, ctx.data.y_true, groups.codes, len(groups.labels), kept),
                       len(kept), ctx.adapter.decision_threshold, dpd,
                       confidence=conf, resamples=stats.bootstrap, seed=seed)
        notes.append(Msg("group_fairness.note.sweep", low=Q(SWEEP_THRESHOLDS[0], Unit.PROBABILITY),
                         high=Q(SWEEP_THRESHOLDS[-1], Unit.PROBABILITY),
                         step=Q(SWEEP_THRESHOLDS[1] - SWEEP_THRESHOLDS[0], Unit.PROBABILITY),
                         level=Q(conf, Unit.SHARE)))
        evidence = Evidence(summary=tuple(summary), verdict=verdict, tables=(*tables, _sweep_table(sweep, conf)),
                            notes=tuple(notes), findings=findings,
                            charts=(_sweep_chart(sweep, params.thresholds.get("demographic_parity_difference")),),
                            meaning=_meaning(status, measurements, labels, counts, conf, absent))
        return CheckResult(status=status, evidence=evidence, measurements=tuple(measurements), details=details)

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
    def _group_table(counts: np.ndarray, labels: tuple[str, ...], min_size: int, conf: float) -> Table:
        rates = group_rates(counts)
        n = counts.sum(axis=1)
        sel = counts[:, 1] + counts[:, 3]
        lo, hi = wilson_interval(sel, n, conf)
        rows = [(label, int(n[g]), float(rates["selection_rate"][g]), float(lo[g]), float(hi[g]),
                 float(rates["tpr"][g]), float(rates["fpr"][g]), bool(n[g] >= min_size))
                for g, label in enumerate(labels)]
        return Table(
            title=Msg("group_fairness.table.rates"),
            columns=(
                Column(Msg("group_fairness.col.group"), ColumnRole.GROUP),
                Column(Msg("group_fairness.col.n"), ColumnRole.N, Unit.COUNT),
                Column(Msg("group_fairness.col.selection_rate"), ColumnRole.VALUE, Unit.RATE),
                Column(Msg("group_fairness.col.ci_low", level=Q(conf, Unit.SHARE)), ColumnRole.CI_LOW, Unit.RATE),
                Column(Msg("group_fairness.col.ci_high", level=Q(conf, Unit.SHARE)), ColumnRole.CI_HIGH, Unit.RATE),
                Column(Msg("group_fairness.col.tpr"), ColumnRole.VALUE, Unit.RATE),
                Column(Msg("group_fairness.col.fpr"), ColumnRole.VALUE, Unit.RATE),
                Column(Msg("group_fairness.col.compared", min_size=Q(min_size, Unit.COUNT)), ColumnRole.FLAG),
            ),
            rows=tuple(rows),
        )

    @staticmethod
    def _summary(ms: list[Measurement], labels: list[str], counts: np.ndarray) -> Msg:
        sr = group_rates(counts)["selection_rate"]
        lo, hi = int(np.argmin(sr)), int(np.argmax(sr))
        head = {"low": Q(sr[lo], Unit.RATE), "low_group": labels[lo], "high": Q(sr[hi], Unit.RATE),
                "high_group": labels[hi]}
        if lo == hi:  # every group's selection rate is the same: there is no lowest and highest to name
            head = {"rate": Q(sr[lo], Unit.RATE), "groups": list(labels)}
        kind = "equal" if lo == hi else "range"
        judged = [m for m in ms if m.status is not None]
        order = {Status.FAIL: 0, Status.INCONCLUSIVE: 1, Status.PASS: 2}
        worst = sorted(judged, key=lambda m: order.get(m.status, 3))
        if not worst:
            return Msg(f"group_fairness.summary.{kind}", **head)
        m = worst[0]
        if m.value is None:
            clause = Msg("group_fairness.clause.undefined", measure=_SAY.name(m))
        else:
            # a PASS as the worst means every judged measurement passed (the check's status is PASS)
            key = {Status.FAIL: "breaches", Status.INCONCLUSIVE: "straddles", Status.PASS: "meets"}[m.status]
            clause = Msg(f"group_fairness.clause.{key}", **_SAY.interval(m))
        return Msg(f"group_fairness.summary.{kind}_and", **head, clause=clause)


def _compared_rows(scores: np.ndarray, y: np.ndarray, codes: np.ndarray, n_groups: int,
                   kept: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores, labels and group codes (renumbered ``0..len(kept)-1``) of the rows of the compared groups.

    When every group is compared (the usual case) the columns are returned as they are, not copied: ten
    million rows would otherwise take four full-length copies for the same values.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if kept == list(range(n_groups)):
        return scores, np.asarray(y), np.asarray(codes)
    keep = np.isin(codes, kept)
    recode = np.full(n_groups, -1, dtype=np.int64)
    recode[kept] = np.arange(len(kept))
    return scores[keep], np.asarray(y)[keep], recode[codes[keep]]


def _sweep(scores: np.ndarray, y: np.ndarray, codes: np.ndarray, n_groups: int, operating: float,
           dpd: Measurement, *, confidence: float, resamples: int, seed: int) -> dict[str, np.ndarray]:
    """The selection gap over :data:`SWEEP_THRESHOLDS` and the operating point, in threshold order.

    The operating point's gap and interval are the measured ``demographic_parity_difference`` itself (the same
    decisions, so the same value), so the chart, the table and the measurement never show two intervals for one
    quantity; the grid draws its own resamples from a stream of the check's seed, leaving the measurement's
    untouched. ``operating`` marks the operating point's row (bool array).
    """
    grid = np.array([t for t in SWEEP_THRESHOLDS if not np.isclose(t, operating)], dtype=np.float64)
    rng = np.random.default_rng(derive_seed(seed, "threshold-sweep"))
    curve = selection_gap_curve(scores, y, codes, n_groups, np.append(grid, operating), confidence=confidence,
                                resamples=resamples, rng=rng)
    curve["gap"][-1], curve["low"][-1], curve["high"][-1] = (
        np.nan if v is None else v for v in (dpd.value, dpd.ci_low, dpd.ci_high))
    order = np.argsort(curve["threshold"], kind="stable")
    out = {k: v[order] for k, v in curve.items()}
    out["operating"] = (np.arange(len(order)) == len(order) - 1)[order]
    return out


def _sweep_table(sweep: dict[str, np.ndarray], conf: float) -> Table:
    """Gap at the operating point against the smallest and the largest gap over the grid of thresholds."""
    def row(key: str, i: int) -> tuple:
        return (Msg(f"group_fairness.sweep.{key}"), float(sweep["threshold"][i]), float(sweep["selection_rate"][i]),
                float(sweep["gap"][i]), float(sweep["low"][i]), float(sweep["high"][i]))

    grid = np.flatnonzero(~sweep["operating"] & np.isfinite(sweep["gap"]))
    rows = [row("operating", int(np.flatnonzero(sweep["operating"])[0]))]
    if grid.size:
        gaps = sweep["gap"][grid]
        # ties (to rounding: 1 − 0.95 and 0.10 − 0.05 are one gap) go to the lowest threshold
        smallest, largest = (int(grid[np.flatnonzero(np.abs(gaps - v) <= 1e-12)[0]]) for v in (gaps.min(), gaps.max()))
        if np.isclose(gaps.min(), gaps.max()):  # one gap at every threshold: one row says so
            rows.append((Msg("group_fairness.sweep.constant"), None, None, float(gaps[0]), None, None))
        else:
            rows += [row("smallest", smallest), row("largest", largest)]
    level = Q(conf, Unit.SHARE)
    pp = Unit.DIFFERENCE_PP
    return Table(
        title=Msg("group_fairness.table.sweep"),
        columns=(
            Column(Msg("group_fairness.col.where"), ColumnRole.TEXT),
            Column(Msg("group_fairness.col.threshold"), ColumnRole.VALUE, Unit.PROBABILITY),
            Column(Msg("group_fairness.col.overall_selection"), ColumnRole.VALUE, Unit.RATE),
            Column(Msg("group_fairness.col.gap"), ColumnRole.VALUE, pp),
            Column(Msg("group_fairness.col.ci_low", level=level), ColumnRole.CI_LOW, pp),
            Column(Msg("group_fairness.col.ci_high", level=level), ColumnRole.CI_HIGH, pp),
        ),
        rows=tuple(rows),
    )


def _sweep_chart(sweep: dict[str, np.ndarray], limit: Limit | None) -> dict:
    """The gap (percentage points) over the decision threshold with its pointwise band, the operating point marked
    and the policy's limit drawn. The table prints three of its points, not all, so the chart names no table."""
    def pp(key: str) -> list[float | None]:
        return [None if not np.isfinite(v) else 100.0 * float(v) for v in sweep[key]]

    operating = float(sweep["threshold"][np.flatnonzero(sweep["operating"])[0]])
    refs = [] if limit is None else [{"y": 100.0 * limit.threshold, "label": Msg("group_fairness.chart.limit")}]
    return {"type": "lines", "title": Msg("group_fairness.chart.sweep"),
            "x_label": Msg("group_fairness.chart.threshold"), "y_label": Msg("group_fairness.chart.gap"),
            "series": [{"name": Msg("group_fairness.measure.demographic_parity_difference"),
                        "x": [float(t) for t in sweep["threshold"]], "y": pp("gap"), "low": pp("low"),
                        "high": pp("high")}],
            "reference_lines": refs,
            "x_markers": [{"x": operating, "label": Msg("group_fairness.chart.operating_point")}]}


def _unit(metric: str) -> Unit:
    """Differences of rates are in percentage points; ratios of rates are ratios."""
    return Unit.DIFFERENCE_PP if metric.endswith("_difference") else Unit.RATIO



_SAY = Statements("group_fairness", _unit)

def _united(m: Measurement) -> Measurement:
    return dataclasses.replace(m, unit=_unit(m.name).value)


def _cause(attributes: list[str]) -> str | None:
    """The root cause a finding of this check shares with others: the protected attribute (one only)."""
    return f"attribute:{attributes[0]}" if len(attributes) == 1 else None





def _finding(m: Measurement, attributes: list[str]) -> Msg:
    """What a reader must act on for one FAIL or INCONCLUSIVE measurement."""
    if m.value is None:
        return Msg("group_fairness.finding.undefined", measure=_SAY.name(m),
                   limit=_SAY.limit(m.name, m.comparator, m.threshold))
    if m.status is Status.FAIL:
        return Msg("group_fairness.finding.breaches", **_SAY.interval(m), attributes=list(attributes))
    return Msg("group_fairness.finding.straddles", **_SAY.interval(m))


def _meaning(status: Status, ms: list[Measurement], labels: list[str], counts: np.ndarray, conf: float,
             absent: list[str]) -> tuple[Msg, ...]:
    """What the verdict means for the people decided about, in plain words (at most two paragraphs).

    The first states the favourable-decision rates of the most and least favoured group and the gap between
    them with its interval (the demographic parity difference); the second says what the verdict makes of the
    measurement that decided it (the worst one: a failing one for FAIL, an undecided one for INCONCLUSIVE, the
    gap itself for PASS), against the policy's limit, in words that claim no more than the verdict does.
    """
    sr = group_rates(counts)["selection_rate"]
    order = np.argsort(sr, kind="stable")  # equal rates still name two different groups
    lo, hi = int(order[0]), int(order[-1])
    dpd = next(m for m in ms if m.name == "demographic_parity_difference")
    level = Q(conf, Unit.SHARE)
    first = Msg("group_fairness.meaning.rates", high=Q(sr[hi], Unit.RATE), high_group=labels[hi],
                low=Q(sr[lo], Unit.RATE), low_group=labels[lo], gap=Q(dpd.value, Unit.DIFFERENCE_PP),
                ci_low=Q(dpd.ci_low, Unit.DIFFERENCE_PP), ci_high=Q(dpd.ci_high, Unit.DIFFERENCE_PP), level=level)
    judged = [m for m in ms if m.status is not None]
    if status is Status.INCONCLUSIVE and absent and not any(m.status is Status.INCONCLUSIVE for m in judged):
        return first, Msg("group_fairness.meaning.absent", groups=absent)
    want = {Status.FAIL: Status.FAIL, Status.INCONCLUSIVE: Status.INCONCLUSIVE}.get(status, Status.PASS)
    pick = [m for m in judged if m.status is want]
    if not pick:
        return (first,)
    m = next((x for x in pick if x.name == "demographic_parity_difference"), pick[0])
    if m.value is None:
        return first, Msg("group_fairness.meaning.undefined", measure=_plain_name(m))
    u = _unit(m.name)
    key = {Status.FAIL: "fail", Status.INCONCLUSIVE: "inconclusive"}.get(m.status, "pass")
    if m is dpd:  # the first paragraph stated it: say only what the verdict makes of it
        second = Msg(f"group_fairness.meaning.{key}_gap", threshold=Q(m.threshold, u))
    else:
        side = "min" if m.comparator == ">=" else "max"
        second = Msg(f"group_fairness.meaning.{key}", measure=_plain_name(m), value=Q(m.value, u),
                     ci_low=Q(m.ci_low, u), ci_high=Q(m.ci_high, u), level=level,
                     limit=Msg(f"group_fairness.meaning.limit.{side}", threshold=Q(m.threshold, u)))
    if key == "inconclusive" and absent:
        second = Msg("group_fairness.meaning.with_absent", text=second, groups=absent)
    return first, second


def _plain_name(m: Measurement) -> Msg:
    """A metric said as a person would (what it compares), with its group (data) for the impact ratio."""
    if m.group is not None:
        return Msg(f"group_fairness.meaning.measure.{m.name}", group=m.group)
    return Msg(f"group_fairness.meaning.measure.{m.name}")


def _rows(n: float) -> Msg | Q:
    return Msg("group_fairness.rows_unbounded") if not np.isfinite(n) else Q(int(np.ceil(n)), Unit.COUNT)


def power_statement(m: Measurement, counts: np.ndarray, labels: list[str],
                    confidence: float) -> tuple[dict, Msg] | None:
    """For an INCONCLUSIVE measurement: the minimum detectable effect at the rows used and the rows that decide it.

    Returns the figures (machine-readable, for ``details["power"]``) and the sentence stating them.
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
    limit = _SAY.limit(m.name, m.comparator, m.threshold)
    rows_kind = Msg(f"group_fairness.rows.{rate}")
    decide = (Msg("group_fairness.power.decide", rows=_rows(need), rows_kind=rows_kind, limit=limit)
              if np.isfinite(need) else Msg("group_fairness.power.undecidable", limit=limit))
    text = Msg("group_fairness.power.statement", measure=_SAY.name(m), rows_a=Q(sizes[0], Unit.COUNT),
               rows_b=Q(sizes[1], Unit.COUNT), rows_kind=rows_kind, group_a=labels[hi], group_b=labels[lo],
               rate=Msg(f"group_fairness.rate.{rate}"), alpha=Q(1 - confidence, Unit.PROBABILITY),
               mde=Q(mde, Unit.DIFFERENCE_PP), decide=decide)
    data = {"measurement": m.name, "group": m.group, "rate": rate, "groups": [labels[hi], labels[lo]],
            "rows": list(sizes), "minimum_detectable_effect": mde,
            "rows_per_group_needed": None if not np.isfinite(need) else int(np.ceil(need))}
    return data, text
