"""``performance``: overall and per-group accuracy, error rates and selection rate (methods.md C5–C6).

EU AI Act Art. 15(1),(3) and 13(3)(b)(v) ask for declared accuracy levels,
including for specific groups of persons. Every rate carries a Wilson
interval; thresholds are judged on the interval, overall and (when asked)
for every group that meets ``min_group_size``.

For the performance for the intended purpose (Annex IV 2(g), 3) the check also
states, as diagnostic measurements that no threshold reads, the ROC AUC of the
favourable-class score and its Gini coefficient (``2·AUC − 1``) overall and per
group, each with a DeLong interval at the policy's confidence
(:mod:`auditkit.metrics.roc`); the group table carries each group's confusion
counts next to its rates; a chart shows the score distribution of each group
with the decision threshold marked. The AUC stays diagnostic: the rules of this
kind state Wilson intervals of rates, and their power statements are those of
proportions, neither of which holds for an AUC.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from auditkit.chartspec import MAX_SERIES
from auditkit.checks._judged import Statements
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
from auditkit.evidence import Column, ColumnRole, Evidence, Finding, Msg, Q, Table, Unit, Verdict, ref
from auditkit.metrics.fairness import (
    FN,
    FP,
    TN,
    TP,
    confusion_counts,
    group_rates,
    minimum_detectable_effect,
    rows_per_group_needed,
)
from auditkit.metrics.roc import AucEstimate, roc_auc, roc_auc_by_group, score_distribution
from auditkit.metrics.stats import combine_verdicts, wilson_interval
from auditkit.results import Measurement, Status

RateName = Literal["accuracy", "selection_rate", "tpr", "fpr", "fnr"]
_RATES: tuple[RateName, ...] = ("accuracy", "selection_rate", "tpr", "fpr", "fnr")


def _rate_fraction(counts: np.ndarray, rate: str) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of ``rate`` per row of ``(G, 4)`` counts (for Wilson intervals)."""
    c = counts
    n = c.sum(axis=-1)
    return {
        "accuracy": (c[:, TN] + c[:, TP], n),
        "selection_rate": (c[:, FP] + c[:, TP], n),
        "tpr": (c[:, TP], c[:, TP] + c[:, FN]),
        "fpr": (c[:, FP], c[:, FP] + c[:, TN]),
        "fnr": (c[:, FN], c[:, TP] + c[:, FN]),
    }[rate]


class PerformanceParams(Params):
    """Parameters of the ``performance`` check."""

    attributes: list[str] = Field(default_factory=list)
    thresholds: dict[RateName, Limit] = Field(min_length=1)
    per_group_thresholds: bool = False
    min_group_size: int | None = Field(default=None, ge=1)


@register
class PerformanceCheck(Check[PerformanceParams]):
    """Accuracy, TPR, FPR, FNR and selection rate with Wilson intervals, overall and per group."""

    kind = "performance"
    version = 2  # 2: ROC AUC and Gini, confusion counts per group, score distributions
    title = "Performance and disaggregated accuracy"
    Params = PerformanceParams
    rules: ClassVar[tuple[str, ...]] = (
        "interval_inside_limit",  # PASS: every judged Wilson interval lies wholly inside its threshold
        "interval_beyond_limit",  # FAIL: at least one judged interval lies wholly beyond its threshold
        "interval_straddles_limit",  # INCONCLUSIVE: none beyond, at least one interval includes its threshold
        "declared_group_absent",  # INCONCLUSIVE: per-group thresholds, none beyond, but a declared group is absent
    )

    def run(self, ctx: CheckContext, params: PerformanceParams, *, seed: int) -> CheckResult:
        """Measure every rate overall and per group; judge the configured thresholds on their intervals."""
        conf = ctx.statistics.confidence
        min_size = params.min_group_size or ctx.statistics.min_group_size
        pred = ctx.predictions()
        y = ctx.data.y_true
        scores = np.asarray(pred.scores, dtype=np.float64)
        overall = confusion_counts(y, pred.decisions, np.zeros(len(y), dtype=np.int64), 1)
        measurements: list[Measurement] = []
        measurements += self._rates(overall, ("overall",), params, conf, judged=[True], grouped=False)
        aucs: list[tuple[str | None, AucEstimate]] = [(None, roc_auc(scores, y, conf))]
        rows: list[tuple] = []
        notes: list[Msg] = []
        codes, labels = np.zeros(len(y), dtype=np.int64), (Msg("performance.chart.all_rows"),)
        if params.attributes:
            groups = ctx.groups(params.attributes)
            codes, labels = groups.codes, groups.labels
            counts = confusion_counts(y, pred.decisions, groups.codes, len(groups.labels))
            big = [int(n) >= min_size for n in counts.sum(axis=1)]
            judged = [b and params.per_group_thresholds for b in big]
            measurements += self._rates(counts, groups.labels, params, conf, judged=judged, grouped=True)
            aucs += list(zip(groups.labels, roc_auc_by_group(scores, y, groups.codes, len(groups.labels), conf),
                             strict=True))
            rates = group_rates(counts)
            for g, label in enumerate(groups.labels):
                rows.append((label, int(counts[g].sum()), *(int(counts[g, c]) for c in (TP, FP, TN, FN)),
                             *(float(rates[r][g]) for r in
                               ("base_rate", "selection_rate", "accuracy", "tpr", "fpr", "fnr")), bool(big[g])))
            notes.append(Msg("performance.note.confusion"))
            small = [label for label, b in zip(groups.labels, big, strict=True) if not b]
            if small:
                notes.append(Msg("performance.note.small_groups", min_size=Q(min_size, Unit.COUNT), groups=small))
            absent = list(groups.absent)
        else:
            absent = []
        measurements += _auc_measurements(aucs, conf)
        notes += _auc_notes(aucs, conf)
        status = combine_verdicts(m.status for m in measurements)
        acc = next(m for m in measurements if m.name == "accuracy" and m.group is None)
        summary = [Msg("performance.summary.overall", value=Q(acc.value, Unit.RATE), ci_low=Q(acc.ci_low, Unit.RATE),
                       ci_high=Q(acc.ci_high, Unit.RATE), n=Q(acc.n, Unit.COUNT),
                       clause=self._failing_clause(measurements)), _auc_summary(aucs[0][1])]
        details: dict = {}
        power = [p for m in measurements if m.status is Status.INCONCLUSIVE for p in [rate_power(m, conf)] if p]
        if power:
            details["power"] = [data for data, _ in power]
            notes.extend(text for _, text in power)
            summary.append(power[0][1])
        cause = f"attribute:{params.attributes[0]}" if len(params.attributes) == 1 else None
        judged_ms = [m for m in measurements if m.status is not None]
        fails = [m for m in judged_ms if m.status is Status.FAIL]
        doubts = [m for m in judged_ms if m.status is Status.INCONCLUSIVE]
        absent_findings: tuple[Finding, ...] = ()
        decided_by_absence = False
        if absent:
            details["absent_groups"] = absent
            judged_groups = params.per_group_thresholds
            notes.append(Msg("performance.note.absent_judged" if judged_groups else "performance.note.absent",
                             groups=absent))
            if judged_groups:
                absent_findings = (Finding(Msg("performance.finding.absent", groups=absent), cause),)
            if judged_groups and status in (Status.PASS, Status.INCONCLUSIVE):
                status = Status.INCONCLUSIVE
                decided_by_absence = True
                summary.append(Msg("performance.summary.absent", groups=absent))
        limits = [Msg("performance.metric_limit", measure=Msg(f"performance.measure.{rate}"),
                      limit=_SAY.limit(rate, limit.comparator, limit.threshold))
                  for rate, limit in params.thresholds.items()]
        scope = (Msg("performance.scope.groups", min_size=Q(min_size, Unit.COUNT))
                 if params.per_group_thresholds and params.attributes else Msg("performance.scope.overall"))
        rule_params = {"limits": limits, "level": Q(conf, Unit.SHARE), "scope": scope}
        if status is Status.FAIL:
            verdict = Verdict("interval_beyond_limit", rule_params, tuple(ref(m.name, m.group) for m in fails))
            findings = (*(Finding(_finding(m), cause if m.group else None) for m in fails), *absent_findings)
        elif decided_by_absence:
            verdict = Verdict("declared_group_absent", {**rule_params, "groups": absent},
                              tuple(ref(m.name, m.group) for m in judged_ms))
            findings = (*absent_findings, *(Finding(_finding(m), cause if m.group else None) for m in doubts))
        elif status is Status.INCONCLUSIVE:
            verdict = Verdict("interval_straddles_limit", rule_params, tuple(ref(m.name, m.group) for m in doubts))
            findings = tuple(Finding(_finding(m), cause if m.group else None) for m in doubts)
        else:
            verdict = Verdict("interval_inside_limit", rule_params, tuple(ref(m.name, m.group) for m in judged_ms))
            findings = ()
        tables = (self._group_table(rows, min_size),) if rows else ()
        chart = _score_chart(scores, codes, labels, ctx.adapter.decision_threshold)
        meaning = _meaning(status, verdict.rule, measurements, absent, conf)
        evidence = Evidence(summary=tuple(summary), verdict=verdict, tables=tables, notes=tuple(notes),
                            findings=findings, charts=(chart,), meaning=meaning)
        return CheckResult(status=status, evidence=evidence, measurements=tuple(measurements), details=details)

    @staticmethod
    def _group_table(rows: list[tuple], min_size: int) -> Table:
        """The one performance-by-group table: size, confusion counts (the favourable outcome is positive), rates."""
        def value(key: str, unit: Unit) -> Column:
            return Column(Msg(f"performance.col.{key}"), ColumnRole.VALUE, unit)

        return Table(
            title=Msg("performance.table.by_group"),
            columns=(
                Column(Msg("performance.col.group"), ColumnRole.GROUP),
                Column(Msg("performance.col.n"), ColumnRole.N, Unit.COUNT),
                value("tp", Unit.COUNT), value("fp", Unit.COUNT), value("tn", Unit.COUNT), value("fn", Unit.COUNT),
                value("base_rate", Unit.RATE), value("selection_rate", Unit.RATE), value("accuracy", Unit.RATE),
                value("tpr", Unit.RATE), value("fpr", Unit.RATE), value("fnr", Unit.RATE),
                Column(Msg("performance.col.large_enough", min_size=Q(min_size, Unit.COUNT)), ColumnRole.FLAG),
            ),
            rows=tuple(rows),
        )

    @staticmethod
    def _rates(counts: np.ndarray, labels: tuple[str, ...], params: PerformanceParams, conf: float,
               *, judged: list[bool], grouped: bool) -> list[Measurement]:
        out = []
        for rate in _RATES:
            k, n = _rate_fraction(counts, rate)
            lo, hi = wilson_interval(k, n, conf)
            limit = params.thresholds.get(rate)
            for g, label in enumerate(labels):
                value = k[g] / n[g] if n[g] else float("nan")
                m = measure(rate, value, (lo[g], hi[g]), limit=limit, confidence=conf,
                            group=label if grouped else None, n=int(n[g]), judged=judged[g])
                out.append(dataclasses.replace(m, unit=_unit(rate).value))
        return out

    @staticmethod
    def _failing_clause(measurements: list[Measurement]) -> Msg:
        bad = sorted((m for m in measurements if m.status in (Status.FAIL, Status.INCONCLUSIVE)),
                     key=lambda m: m.status is not Status.FAIL)  # a failure first, then the doubts, in order
        if not bad:
            return Msg("performance.clause.all_met")
        m = bad[0]
        clause = Msg("performance.clause.breaches" if m.status is Status.FAIL else "performance.clause.straddles",
                     **_SAY.interval(m))
        return Msg("performance.clause.and_more", clause=clause, n=Q(len(bad) - 1, Unit.COUNT)) if len(bad) > 1 \
            else clause


def _unit(rate: str) -> Unit:
    """ROC AUC and Gini are scores; accuracy and the other rates are fractions of rows (printed in %)."""
    return Unit.SCORE if rate in ("roc_auc", "gini") else Unit.RATE


def _auc_measurements(aucs: list[tuple[str | None, AucEstimate]], conf: float) -> list[Measurement]:
    """ROC AUC and Gini (``2·AUC − 1``) overall and per group: diagnostic, no threshold reads them."""
    out = []
    for group, e in aucs:
        for name, (value, lo, hi) in (("roc_auc", (e.auc, e.ci_low, e.ci_high)), ("gini", e.gini)):
            m = measure(name, value, (lo, hi), limit=None, confidence=conf, group=group, n=e.n)
            out.append(dataclasses.replace(m, unit=Unit.SCORE.value))
    return out


def _auc_summary(e: AucEstimate) -> Msg:
    """The overall ROC AUC and Gini with their intervals, or why the AUC is undefined."""
    if e.method == "":
        return Msg("performance.summary.auc_undefined")
    g, g_lo, g_hi = e.gini
    return Msg("performance.summary.auc", value=Q(e.auc, Unit.SCORE), ci_low=Q(e.ci_low, Unit.SCORE),
               ci_high=Q(e.ci_high, Unit.SCORE), gini=Q(g, Unit.SCORE), gini_low=Q(g_lo, Unit.SCORE),
               gini_high=Q(g_hi, Unit.SCORE))


def _auc_notes(aucs: list[tuple[str | None, AucEstimate]], conf: float) -> list[Msg]:
    """How the AUC interval is computed, where the score interval replaced DeLong's, where the AUC is undefined."""
    def named(group: str | None) -> str | Msg:
        return Msg("performance.overall") if group is None else group

    notes = [Msg("performance.note.auc", level=Q(conf, Unit.SHARE))]
    separated = [named(g) for g, e in aucs if e.method == "score"]
    if separated:
        notes.append(Msg("performance.note.auc_separated", groups=separated))
    undefined = [named(g) for g, e in aucs if e.method == ""]
    if undefined:
        notes.append(Msg("performance.note.auc_undefined", groups=undefined))
    return notes


def _score_chart(scores: np.ndarray, codes: np.ndarray, labels: tuple[str | Msg, ...], threshold: float) -> dict:
    """Share of each group's rows per score bin (one line per group, at most :data:`MAX_SERIES`), the decision
    threshold marked. No table prints these shares, so the chart names none."""
    centres, shares = score_distribution(scores, codes, len(labels))
    series = [{"name": label, "x": centres.tolist(), "y": (100.0 * shares[g]).tolist(), "low": None, "high": None}
              for g, label in enumerate(labels[:MAX_SERIES]) if np.isfinite(shares[g]).all()]
    return {"type": "lines", "title": Msg("performance.chart.scores"), "x_label": Msg("performance.chart.score"),
            "y_label": Msg("performance.chart.share"), "series": series, "reference_lines": [],
            "x_markers": [{"x": float(threshold), "label": Msg("performance.chart.decision_threshold")}]}



_SAY = Statements("performance", _unit)




def _meaning(status: Status, rule: str, ms: list[Measurement], absent: list[str], conf: float) -> tuple[Msg, ...]:
    """What the verdict means for the people decided about, in plain words (at most two paragraphs).

    The first says how often the model decides correctly, overall with its interval and for each group (accuracy
    is the share of people decided correctly, so it is said as a percentage). The second says what the verdict
    makes of the measurement that decided it: the failing or undecided rate, or for a PASS the judged rate
    closest to its limit, against the policy's limit; a verdict forced by an absent group says who is missing.
    """
    level = Q(conf, Unit.SHARE)
    acc = next(m for m in ms if m.name == "accuracy" and m.group is None)
    groups = [Msg("performance.meaning.group_value", group=m.group, value=Q(m.value, Unit.RATE))
              for m in ms if m.name == "accuracy" and m.group is not None and m.value is not None]
    first = Msg("performance.meaning.accuracy_groups" if groups else "performance.meaning.accuracy",
                value=Q(acc.value, Unit.RATE), ci_low=Q(acc.ci_low, Unit.RATE), ci_high=Q(acc.ci_high, Unit.RATE),
                level=level, groups=groups)
    if rule == "declared_group_absent":
        return first, Msg("performance.meaning.absent", groups=absent)
    want = {Status.FAIL: Status.FAIL, Status.INCONCLUSIVE: Status.INCONCLUSIVE}.get(status, Status.PASS)
    pick = [m for m in ms if m.status is want and m.threshold is not None]
    if not pick:
        return (first,)
    if want is Status.PASS:  # the judged rate closest to its limit at the unfavourable end of its interval
        m = min(pick, key=lambda x: (x.ci_low if x.comparator == ">=" else -x.ci_high) - (
            x.threshold if x.comparator == ">=" else -x.threshold))
    else:
        m = pick[0]
    if m.value is None:
        return first, Msg("performance.meaning.undefined", measure=_plain_name(m))
    u = _unit(m.name)
    side = "min" if m.comparator == ">=" else "max"
    key = {Status.FAIL: "fail", Status.INCONCLUSIVE: "inconclusive"}.get(m.status, "pass")
    return first, Msg(f"performance.meaning.{key}", measure=_plain_name(m), value=Q(m.value, u),
                      ci_low=Q(m.ci_low, u), ci_high=Q(m.ci_high, u), level=level,
                      limit=Msg(f"performance.meaning.limit.{side}", threshold=Q(m.threshold, u)))


def _plain_name(m: Measurement) -> Msg:
    """A rate said as a person would (what it counts), with its group (data) when it has one."""
    name = Msg(f"performance.meaning.measure.{m.name}")
    return name if m.group is None else Msg("performance.meaning.for_group", measure=name, group=m.group)


def _finding(m: Measurement) -> Msg:
    """What a reader must act on for one FAIL or INCONCLUSIVE rate."""
    if m.value is None:
        return Msg("performance.finding.undefined", measure=_SAY.name(m),
                   limit=_SAY.limit(m.name, m.comparator, m.threshold))
    return Msg("performance.finding.breaches" if m.status is Status.FAIL else "performance.finding.straddles",
               **_SAY.interval(m))


def rate_power(m: Measurement, confidence: float) -> tuple[dict, Msg] | None:
    """For an INCONCLUSIVE rate: the smallest distance from the limit its rows detect, and the rows that decide it.

    Returns the figures (machine-readable, for ``details["power"]``) and the sentence stating them.
    One-sample forms of methods.md C6 (:func:`~auditkit.metrics.fairness.minimum_detectable_effect`,
    :func:`~auditkit.metrics.fairness.rows_per_group_needed`): the interval must clear
    ``|estimate − limit|``.
    """
    if m.threshold is None or m.value is None or not m.n:
        return None
    mde = minimum_detectable_effect((m.value,), (m.n,), confidence=confidence)
    # the rows used did not decide it, so more are needed even where the normal approximation says fewer
    need = max(rows_per_group_needed((m.value,), m.value - m.threshold, confidence=confidence), m.n + 1)
    limit = _SAY.limit(m.name, m.comparator, m.threshold)
    decide = (Msg("performance.power.decide_group" if m.group else "performance.power.decide",
                  rows=Q(int(np.ceil(need)), Unit.COUNT), limit=limit)
              if np.isfinite(need) else Msg("performance.power.undecidable", limit=limit))
    distance = Unit.SCORE if _unit(m.name) is Unit.SCORE else Unit.DIFFERENCE_PP
    text = Msg("performance.power.statement", measure=_SAY.name(m), n=Q(m.n, Unit.COUNT),
               alpha=Q(1 - confidence, Unit.PROBABILITY), mde=Q(mde, distance), decide=decide)
    data = {"measurement": m.name, "group": m.group, "rows": m.n, "minimum_detectable_effect": mde,
            "rows_needed": int(np.ceil(need)) if np.isfinite(need) else None}
    return data, text
