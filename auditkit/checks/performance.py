"""``performance``: overall and per-group accuracy, error rates and selection rate (methods.md C5–C6).

EU AI Act Art. 15(1),(3) and 13(3)(b)(v) ask for declared accuracy levels,
including for specific groups of persons. Every rate carries a Wilson
interval; thresholds are judged on the interval, overall and (when asked)
for every group that meets ``min_group_size``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
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
    version = 1
    title = "Performance and disaggregated accuracy"
    Params = PerformanceParams

    def run(self, ctx: CheckContext, params: PerformanceParams, *, seed: int) -> CheckResult:
        """Measure every rate overall and per group; judge the configured thresholds on their intervals."""
        conf = ctx.statistics.confidence
        min_size = params.min_group_size or ctx.statistics.min_group_size
        pred = ctx.predictions()
        y = ctx.data.y_true
        overall = confusion_counts(y, pred.decisions, np.zeros(len(y), dtype=np.int64), 1)
        measurements: list[Measurement] = []
        measurements += self._rates(overall, ("overall",), params, conf, judged=[True], grouped=False)
        rows: list[list] = []
        notes: list[str] = []
        if params.attributes:
            groups = ctx.groups(params.attributes)
            counts = confusion_counts(y, pred.decisions, groups.codes, len(groups.labels))
            big = [int(n) >= min_size for n in counts.sum(axis=1)]
            judged = [b and params.per_group_thresholds for b in big]
            measurements += self._rates(counts, groups.labels, params, conf, judged=judged, grouped=True)
            rates = group_rates(counts)
            for g, label in enumerate(groups.labels):
                rows.append([label, int(counts[g].sum()), *(float(rates[r][g]) for r in
                             ("base_rate", "selection_rate", "accuracy", "tpr", "fpr", "fnr")),
                             "yes" if big[g] else f"no (< {min_size})"])
            small = [label for label, b in zip(groups.labels, big, strict=True) if not b]
            if small:
                notes.append(f"Groups below min_group_size {min_size} are reported but not judged: {', '.join(small)}.")
            absent = list(groups.absent)
        else:
            absent = []
        status = combine_verdicts(m.status for m in measurements)
        acc = next(m for m in measurements if m.name == "accuracy" and m.group is None)
        summary = (f"Overall accuracy {acc.value:.3f} [{acc.ci_low:.3f}, {acc.ci_high:.3f}] on {acc.n} examples"
                   + self._failing_text(measurements, status))
        details: dict = {"notes": notes}
        power = [p for m in measurements if m.status is Status.INCONCLUSIVE for p in [rate_power(m, conf)] if p]
        if power:
            details["power"] = power
            notes.extend(p["text"] for p in power)
            summary += " " + power[0]["text"]
        if absent:
            details["absent_groups"] = absent
            judged_groups = params.per_group_thresholds
            notes.append("Declared in the policy but not present in the data, so not assessed: " + ", ".join(absent)
                         + (". The per-group thresholds cannot be judged for them." if judged_groups else "."))
            if judged_groups and status in (Status.PASS, Status.INCONCLUSIVE):
                status = Status.INCONCLUSIVE
                summary += (f" Group not present in the data: {', '.join(absent)} (declared in the policy), so its "
                            "per-group thresholds are not assessed.")
        if rows:
            details["tables"] = [{
                "title": "Performance by group",
                "columns": ["group", "n", "favourable base rate", "selection rate", "accuracy", "TPR", "FPR", "FNR",
                            "judged"],
                "rows": rows,
            }]
        return CheckResult(status=status, summary=summary, measurements=tuple(measurements), details=details)

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
                out.append(measure(rate, value, (lo[g], hi[g]), limit=limit, confidence=conf,
                                   group=label if grouped else None, n=int(n[g]), judged=judged[g]))
        return out

    @staticmethod
    def _failing_text(measurements: list[Measurement], status: Status) -> str:
        bad = [m for m in measurements if m.status in (Status.FAIL, Status.INCONCLUSIVE)]
        if not bad:
            return "; every threshold is met on its whole interval."
        m = bad[0]
        where = f" for {m.group}" if m.group else ""
        word = "breaches" if m.status is Status.FAIL else "cannot be separated from"
        return (f"; {m.name}{where} {m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}] {word} the limit "
                f"{m.comparator} {m.threshold:g}" + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else "") + ".")


def rate_power(m: Measurement, confidence: float) -> dict | None:
    """For an INCONCLUSIVE rate: the smallest distance from the limit its rows detect, and the rows that decide it.

    One-sample forms of methods.md C6 (:func:`~auditkit.metrics.fairness.minimum_detectable_effect`,
    :func:`~auditkit.metrics.fairness.rows_per_group_needed`): the interval must clear
    ``|estimate − limit|``.
    """
    if m.threshold is None or m.value is None or not m.n:
        return None
    mde = minimum_detectable_effect((m.value,), (m.n,), confidence=confidence)
    # the rows used did not decide it, so more are needed even where the normal approximation says fewer
    need = max(rows_per_group_needed((m.value,), m.value - m.threshold, confidence=confidence), m.n + 1)
    where = f" for {m.group}" if m.group else ""
    rows = "rows in that group" if m.group else "rows"
    decide = (f"about {int(np.ceil(need)):,} {rows} would decide it against the limit {m.comparator} {m.threshold:g}"
              if np.isfinite(need) else
              f"no number of rows decides it: the estimate sits on the limit {m.comparator} {m.threshold:g}")
    text = (f"Power for {m.name}{where}: with {m.n} rows, the smallest distance from the limit detectable "
            f"(α = {1 - confidence:.2g}, power 0.8) is {mde:.3f}; {decide}.")
    return {"measurement": m.name, "group": m.group, "rows": m.n, "minimum_detectable_effect": mde,
            "rows_needed": int(np.ceil(need)) if np.isfinite(need) else None, "text": text}
