"""``calibration``: per-group calibration of the favourable-class score, judged on intervals (methods.md C6).

EU AI Act Annex IV 2(g) and Art. 15(1),(3) ask for the accuracy of the system for its intended purpose,
including for groups of persons; a score that means "70 % chance of repayment" for one group and 50 % for
another misleads every person who reads it, even at equal accuracy. The check measures the debiased expected
calibration error (equal-mass bins, :mod:`auditkit.metrics.calibration`) overall and per (intersectional)
group, each with a stratified basic-bootstrap interval, and judges ``max_ece`` on the interval: PASS when
every judged interval lies wholly at or below it, FAIL when one lies wholly above, INCONCLUSIVE otherwise.
Groups below ``min_group_size`` are listed, not judged; declared groups without rows make a passing check
INCONCLUSIVE.

ECE is reported as :attr:`~auditkit.evidence.Unit.DIFFERENCE_PP`: it is a gap between predicted and observed
rates (mean |predicted probability − observed frequency|), printed in percentage points like every other gap
of the report, and so is its tolerance (``max_ece: 0.05`` prints as 5.0 pp); the bins' mean scores and observed
rates stay probabilities.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from pydantic import Field

from auditkit.chartspec import MAX_SERIES
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
from auditkit.evidence import Column, ColumnRole, Evidence, Finding, Msg, Q, Table, Unit, Verdict, ref
from auditkit.metrics.calibration import DEFAULT_BINS, CalibrationEstimate, calibration_estimate
from auditkit.metrics.stats import combine_verdicts, derive_seed
from auditkit.policy.schema import Fraction
from auditkit.results import Measurement, Status

#: Fewest rows a group needs for a calibration estimate at all (two rows in each of two bins).
MIN_ROWS = 4
_P = Unit.PROBABILITY
_GAP = Unit.DIFFERENCE_PP


class CalibrationParams(Params):
    """Parameters of the ``calibration`` check."""

    attributes: list[str] = Field(min_length=1)
    #: Tolerance on the debiased ECE (probability scale); judged on the whole interval.
    max_ece: Fraction = 0.05
    #: Equal-mass bins of the score (fewer when a group has fewer than two rows a bin).
    bins: int = Field(default=DEFAULT_BINS, ge=2, le=50)
    min_group_size: int | None = Field(default=None, ge=1)
    #: Judge every group of at least ``min_group_size`` rows (else only the overall ECE is judged).
    per_group: bool = True


@register
class CalibrationCheck(Check[CalibrationParams]):
    """Debiased ECE of the favourable-class score, overall and per group, with bootstrap intervals."""

    kind = "calibration"
    version = 1
    title = "Calibration by group"
    Params = CalibrationParams
    rules: ClassVar[tuple[str, ...]] = (
        "every_group_within_tolerance",  # PASS: every judged ECE interval lies wholly at or below max_ece
        "group_beyond_tolerance",  # FAIL: at least one judged ECE interval lies wholly above max_ece
        "interval_straddles_tolerance",  # INCONCLUSIVE: none above, at least one interval includes max_ece
        "declared_group_absent",  # INCONCLUSIVE: per group, none above, but a declared group has no rows
        "groups_too_small",  # INCONCLUSIVE: per group, but no group has min_group_size rows
    )

    def run(self, ctx: CheckContext, params: CalibrationParams, *, seed: int) -> CheckResult:
        """Estimate ECE overall and per group (each its own seeded bootstrap); judge ``max_ece`` on the intervals."""
        stats = ctx.statistics
        conf = stats.confidence
        min_size = max(params.min_group_size or stats.min_group_size, MIN_ROWS)
        scores = np.asarray(ctx.predictions().scores, dtype=np.float64)
        y = np.asarray(ctx.data.y_true, dtype=np.int64)
        groups = ctx.groups(params.attributes)
        limit = Limit(max=params.max_ece)

        def estimate(rows: np.ndarray, stream: str) -> CalibrationEstimate:
            rng = np.random.default_rng(derive_seed(seed, "calibration", stream))
            return calibration_estimate(scores[rows], y[rows], bins=params.bins, confidence=conf,
                                        resamples=stats.bootstrap, rng=rng)

        overall = estimate(np.arange(len(y)), "overall")
        sizes = groups.sizes
        per: dict[int, CalibrationEstimate] = {g: estimate(np.flatnonzero(groups.codes == g), f"group:{label}")
                                               for g, label in enumerate(groups.labels) if sizes[g] >= MIN_ROWS}
        big = {g for g in per if sizes[g] >= min_size}
        measurements = [_measure(overall, None, limit, conf, judged=not params.per_group)]
        measurements += [_measure(e, groups.labels[g], limit, conf, judged=params.per_group and g in big)
                         for g, e in per.items()]
        small = [groups.labels[g] for g in range(len(groups.labels)) if 0 < sizes[g] < min_size]
        absent = list(groups.absent)
        cause = f"attribute:{params.attributes[0]}" if len(params.attributes) == 1 else None
        notes: list[Msg] = [Msg("calibration.note.estimator", bins=Q(params.bins, Unit.COUNT),
                                resamples=Q(stats.bootstrap, Unit.COUNT))]
        details: dict = {"bins": {label: _bins(per[g]) for g, label in enumerate(groups.labels) if g in per}}
        if small:
            notes.append(Msg("calibration.note.small_groups", min_size=Q(min_size, Unit.COUNT), groups=small))
            details["not_judged"] = small
        if absent:
            notes.append(Msg("calibration.note.absent", groups=absent))
            details["absent_groups"] = absent

        judged = [m for m in measurements if m.status is not None]
        fails = [m for m in judged if m.status is Status.FAIL]
        doubts = [m for m in judged if m.status is Status.INCONCLUSIVE]
        status = combine_verdicts(m.status for m in judged)
        tolerance = Q(params.max_ece, _GAP)
        scope = (Msg("calibration.scope.groups", min_size=Q(min_size, Unit.COUNT)) if params.per_group
                 else Msg("calibration.scope.overall"))
        rule_params = {"tolerance": tolerance, "level": Q(conf, Unit.SHARE), "scope": scope}
        summary = [Msg("calibration.summary.overall", value=Q(overall.ece, _GAP), ci_low=Q(overall.ci_low, _GAP),
                       ci_high=Q(overall.ci_high, _GAP), n=Q(overall.n, Unit.COUNT), tolerance=tolerance)]
        absent_findings = ((Finding(Msg("calibration.finding.absent", groups=absent), cause),)
                           if absent and params.per_group else ())
        if params.per_group and not big:
            status = Status.INCONCLUSIVE
            verdict = Verdict("groups_too_small", {**rule_params, "attributes": list(params.attributes)})
            summary.append(Msg("calibration.summary.too_small", min_size=Q(min_size, Unit.COUNT)))
            findings = (Finding(Msg("calibration.finding.too_small", attributes=list(params.attributes),
                                    min_size=Q(min_size, Unit.COUNT)), cause), *absent_findings)
        elif status is Status.FAIL:
            verdict = Verdict("group_beyond_tolerance", rule_params, tuple(ref(m.name, m.group) for m in fails))
            worst = max(fails, key=lambda m: m.ci_low or 0.0)
            summary.append(Msg("calibration.summary.fail", **_interval(worst, tolerance)))
            findings = (*(Finding(Msg("calibration.finding.beyond", **_interval(m, tolerance)),
                                  cause if m.group else None) for m in fails), *absent_findings)
        elif absent and params.per_group:
            status = Status.INCONCLUSIVE
            verdict = Verdict("declared_group_absent", {**rule_params, "groups": absent},
                              tuple(ref(m.name, m.group) for m in judged))
            summary.append(Msg("calibration.summary.absent", groups=absent))
            findings = (*absent_findings, *(Finding(Msg("calibration.finding.straddles", **_interval(m, tolerance)),
                                                    cause if m.group else None) for m in doubts))
        elif status is Status.INCONCLUSIVE:
            verdict = Verdict("interval_straddles_tolerance", rule_params, tuple(ref(m.name, m.group) for m in doubts))
            summary.append(Msg("calibration.summary.straddles", **_interval(doubts[0], tolerance)))
            findings = tuple(Finding(Msg("calibration.finding.straddles", **_interval(m, tolerance)),
                                     cause if m.group else None) for m in doubts)
        else:
            verdict = Verdict("every_group_within_tolerance", rule_params, tuple(ref(m.name, m.group) for m in judged))
            summary.append(Msg("calibration.summary.pass", tolerance=tolerance, count=Q(len(judged), Unit.COUNT)))
            findings = ()
        rows = [(groups.labels[g], int(sizes[g]), *_row(per.get(g)), _status(measurements, groups.labels[g]))
                for g in range(len(groups.labels))]
        rows.insert(0, (Msg("calibration.overall"), overall.n, *_row(overall), _status(measurements, None)))
        meaning = _meaning(verdict.rule, overall, fails or doubts, params, absent, min_size, conf)
        evidence = Evidence(summary=tuple(summary), verdict=verdict, tables=(_table(rows, conf),),
                            notes=tuple(notes), findings=findings, meaning=meaning,
                            charts=(_diagram(overall, [(groups.labels[g], per[g]) for g in sorted(per)]),))
        return CheckResult(status=status, evidence=evidence, measurements=tuple(measurements), details=details)


def _meaning(rule: str, overall: CalibrationEstimate, deciding: list[Measurement], params: CalibrationParams,
             absent: list[str], min_size: int, conf: float) -> tuple[Msg, ...]:
    """What the verdict means for the people scored, in plain words (at most two paragraphs).

    The calibration error is a gap between predicted and observed rates, so it is said in percentage points.
    The first paragraph states it overall with its interval; the second says what the verdict makes of the
    deciding estimate (the worst failing group, the first undecided one) against the policy's tolerance, or why
    the data cannot tell.
    """
    pp, level = Unit.DIFFERENCE_PP, Q(conf, Unit.SHARE)
    tolerance = Q(params.max_ece, pp)
    first = Msg("calibration.meaning.overall", value=Q(overall.ece, pp), ci_low=Q(overall.ci_low, pp),
                ci_high=Q(overall.ci_high, pp), level=level)
    if rule == "groups_too_small":
        return first, Msg("calibration.meaning.too_small", attributes=list(params.attributes),
                          min_size=Q(min_size, Unit.COUNT))
    if rule == "declared_group_absent":
        return first, Msg("calibration.meaning.absent", groups=absent)
    if rule == "every_group_within_tolerance":
        return first, Msg("calibration.meaning.pass_groups" if params.per_group else "calibration.meaning.pass",
                          tolerance=tolerance)
    m = max(deciding, key=lambda x: x.ci_low or 0.0) if rule == "group_beyond_tolerance" else deciding[0]
    whom = (Msg("calibration.meaning.whom.overall") if m.group is None
            else Msg("calibration.meaning.whom.group", group=m.group))
    key = "fail" if rule == "group_beyond_tolerance" else "inconclusive"
    return first, Msg(f"calibration.meaning.{key}", whom=whom, value=Q(m.value, pp), ci_low=Q(m.ci_low, pp),
                      ci_high=Q(m.ci_high, pp), level=level, tolerance=tolerance)


def _measure(e: CalibrationEstimate, group: str | None, limit: Limit, conf: float, *, judged: bool) -> Measurement:
    m = measure("ece", e.ece, (e.ci_low, e.ci_high), limit=limit, confidence=conf, group=group, n=e.n,
                judged=judged)
    return dataclasses.replace(m, unit=_GAP.value)


def _name(m: Measurement) -> Msg:
    name = Msg("calibration.measure.ece")
    return name if m.group is None else Msg("calibration.for_group", measure=name, group=m.group)


def _interval(m: Measurement, tolerance: Q) -> dict:
    return {"measure": _name(m), "value": Q(m.value, _GAP), "ci_low": Q(m.ci_low, _GAP), "ci_high": Q(m.ci_high, _GAP),
            "tolerance": tolerance}


def _row(e: CalibrationEstimate | None) -> tuple:
    if e is None:
        return (None,) * 6
    return (e.base_rate, e.mean_score, e.ece, e.ci_low, e.ci_high, e.plugin_ece)


def _status(measurements: list[Measurement], group: str | None) -> str | None:
    m = next((m for m in measurements if m.group == group), None)
    return None if m is None or m.status is None else str(m.status.value)


def _bins(e: CalibrationEstimate) -> dict:
    return {"mean_score": e.bins.mean_score.tolist(), "observed": e.bins.observed.tolist(),
            "counts": e.bins.counts.tolist()}


def _table(rows: list[tuple], conf: float) -> Table:
    def col(key: str, role: ColumnRole = ColumnRole.VALUE, unit: Unit | None = _P, **kw: object) -> Column:
        return Column(Msg(f"calibration.col.{key}", **kw), role, unit)

    level = Q(conf, Unit.SHARE)
    return Table(
        title=Msg("calibration.table.by_group"),
        columns=(col("group", ColumnRole.GROUP, None), col("n", ColumnRole.N, Unit.COUNT),
                 col("base_rate", unit=Unit.RATE), col("mean_score"), col("ece", unit=_GAP),
                 col("ci_low", ColumnRole.CI_LOW, _GAP, level=level),
                 col("ci_high", ColumnRole.CI_HIGH, _GAP, level=level), col("plugin_ece", unit=_GAP),
                 col("status", ColumnRole.STATUS, None)),
        rows=tuple(rows),
    )


def _diagram(overall: CalibrationEstimate, per: list[tuple[str, CalibrationEstimate]]) -> dict:
    """Reliability diagram: observed favourable rate over mean score per bin, one line per group, the diagonal."""
    lines = per[: MAX_SERIES - 1] if per else [(Msg("calibration.overall"), overall)]
    series = [{"name": name, "x": e.bins.mean_score.tolist(), "y": e.bins.observed.tolist(), "low": None,
               "high": None} for name, e in lines if e.bins.counts.size]
    series.append({"name": Msg("calibration.chart.diagonal"), "x": [0.0, 1.0], "y": [0.0, 1.0], "low": None,
                   "high": None})
    return {"type": "lines", "title": Msg("calibration.chart.title"), "x_label": Msg("calibration.chart.x_label"),
            "y_label": Msg("calibration.chart.y_label"), "series": series, "reference_lines": []}
