"""Cross-check of two interventions on the same attribute: LEACE erasure vs the propagated counterfactual.

``prohibited_feature_use`` erases a protected attribute's linear information
from a representation; ``counterfactual_sweep`` (propagated) moves the
attribute and its proxies in the inputs. Both ask whether decisions depend on
the attribute, by different routes, so their flip rates should broadly agree.
Where their intervals do not even overlap the report says so next to the
erasure: one of the two interventions is off (the erasure also removes the
proxies' variation within each group; the counterfactual moves proxies by a
fitted mapping only), and the reader should weigh the evidence knowing it.
Pure: reads stored measurements, computes nothing from the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditkit.i18n import t
from auditkit.metrics.counterfactual import proportion_interval
from auditkit.results import CheckOutcome

_PROPAGATED = "propagated: "


@dataclass(frozen=True)
class PooledRate:
    """Flip rate pooled over the ordered value pairs of a propagated counterfactual, with an exact interval."""

    value: float
    ci: tuple[float, float]
    n: int


def pooled_propagated_rate(o: CheckOutcome, confidence: float) -> PooledRate | None:
    """All propagated pairs of ``o`` together: every row moved to every other value, flips over pairs."""
    flips = total = 0
    for m in o.measurements:
        if m.name == "flip_rate" and (m.group or "").startswith(_PROPAGATED) and m.n and m.value is not None:
            flips += round(m.value * m.n)
            total += int(m.n)
    if total == 0:
        return None
    return PooledRate(flips / total, proportion_interval(flips, total, confidence), total)


def _attribute(o: CheckOutcome) -> str | None:
    value = o.params.get("attribute") if isinstance(o.params, Mapping) else None
    return str(value) if value is not None else None


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def erasure_vs_counterfactual(outcomes: Sequence[CheckOutcome], confidence: float) -> dict[str, tuple[str, ...]]:
    """Notes per ``prohibited_feature_use`` check id comparing each erased layer with the propagated counterfactual.

    Both flip rates carry two-sided ``confidence`` intervals (the pooled
    counterfactual one exact, over all its pairs); disjoint intervals are a
    disagreement, overlapping ones agree as far as the data can tell.
    """
    pooled: dict[str, tuple[str, PooledRate]] = {}
    for o in outcomes:
        attr = _attribute(o)
        if o.kind == "counterfactual_sweep" and attr is not None and attr not in pooled:
            rate = pooled_propagated_rate(o, confidence)
            if rate is not None:
                pooled[attr] = (o.check_id, rate)
    out: dict[str, tuple[str, ...]] = {}
    for o in outcomes:
        attr = _attribute(o)
        if o.kind != "prohibited_feature_use" or attr not in pooled:
            continue
        cf_id, cf = pooled[attr]
        notes = []
        for m in o.measurements:
            if m.name != "erasure_flip_rate" or m.value is None or m.ci_low is None or m.ci_high is None:
                continue
            key = "xcheck.disagree" if m.ci_low > cf.ci[1] or m.ci_high < cf.ci[0] else "xcheck.agree"
            notes.append(t(key, attribute=attr, layer=m.group or "", erasure=_pct(m.value),
                           erasure_low=_pct(m.ci_low), erasure_high=_pct(m.ci_high), check=cf_id,
                           counterfactual=_pct(cf.value), cf_low=_pct(cf.ci[0]), cf_high=_pct(cf.ci[1]),
                           pairs=cf.n))
        if notes:
            out[o.check_id] = tuple(notes)
    return out
