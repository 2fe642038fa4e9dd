"""``counterfactual_sweep``: change the protected attribute, keep everything else, watch the decisions.

methods.md C1–C4 and C6. For tabular models the attribute is flipped
(flip-only: the direct effect) and, where it has proxies, propagated to them
(propagated − flip-only = the part that travels through proxies); a numeric
attribute can also be swept over a grid. For text models the attribute's terms
are substituted from a lexicon. Each ordered value pair gets its flip rate
(exact interval), directional counts with the exact McNemar p-value (on the
``net_favourable_change`` measurement, corrected family-wide by the report),
and mean |Δ| (paired bootstrap).

Verdict (C6, an equivalence test): a flip rate or mean |Δ| PASSES when its
one-sided upper bound at the policy's confidence is inside the tolerance and
FAILS when its lower bound is above it; the intervals reported are therefore
the ``1 − 2α`` two-sided ones (90 % at 95 %), whose ends are those bounds. With
zero flips this needs at least 299 pairs per value pair for a 1 % tolerance;
an INCONCLUSIVE outcome states the minimum detectable effect at the pairs
used (the smallest flip rate / mean |Δ| whose interval would clear the
tolerance at this n) and how many pairs would decide it.

The propagated counterfactual moves a categorical variable (declared in
``data.feature_groups`` or a detected one-hot block) as one, averages its
random parts over ``draws`` seeded draws, and takes its intervals from a
bootstrap that refits the proxy mapping in each of ``refit_resamples``
resamples (:mod:`auditkit.counterfactual.refit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
from auditkit.counterfactual.analysis import SweepOutcome
from auditkit.counterfactual.details import MODE_LABELS, pair_label
from auditkit.counterfactual.lexicon import load_lexicons
from auditkit.counterfactual.tabular_sweep import TabularSettings, sweep_tabular
from auditkit.counterfactual.text_sweep import sweep_text
from auditkit.data.values import as_text
from auditkit.errors import CheckConfigError
from auditkit.metrics.counterfactual import (
    detectable_mean,
    maximum_passing_rate,
    min_pairs_zero_events,
    minimum_detectable_rate,
    pairs_needed_for_mean,
    pairs_needed_for_rate,
    tost_level,
)
from auditkit.metrics.proxies import ProxyReport
from auditkit.metrics.stats import combine_verdicts
from auditkit.results import Measurement, Status

#: Most points a grid may have (each is one model row per example).
MAX_GRID_POINTS = 1000


class _Strict(Params):
    """Params that name the allowed keys (and the closest one) when a policy misspells a key."""

    @model_validator(mode="before")
    @classmethod
    def _unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [k for k in data if k not in cls.model_fields]
            if unknown:
                import difflib

                close = difflib.get_close_matches(str(unknown[0]), sorted(cls.model_fields), n=1)
                raise PydanticCustomError(
                    "unknown_key", "unknown key '{key}'{hint}; allowed keys here: {allowed}",
                    {"key": str(unknown[0]), "hint": f" (did you mean '{close[0]}'?)" if close else "",
                     "allowed": ", ".join(sorted(cls.model_fields))})
        return data


class GridParams(_Strict):
    """A grid of values for a numeric attribute: ``start``, ``start + step``, … up to ``stop``."""

    start: float
    stop: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _sane(self) -> GridParams:
        if self.stop <= self.start:
            raise PydanticCustomError("grid", "grid.stop ({stop}) must be greater than grid.start ({start})",
                                      {"stop": f"{self.stop:g}", "start": f"{self.start:g}"})
        count = int(np.floor((self.stop - self.start) / self.step + 1e-9)) + 1
        if count > MAX_GRID_POINTS:
            raise PydanticCustomError("grid", "the grid has {n} points; at most {most} are allowed (raise 'step')",
                                      {"n": count, "most": MAX_GRID_POINTS})
        return self


class CounterfactualSweepParams(_Strict):
    """Parameters of ``counterfactual_sweep`` (defaults: methods.md C4)."""

    attribute: str = Field(min_length=1)
    mode: Literal["flip_only", "propagated", "both"] = "both"
    proxies: list[str] | None = None
    max_flip_rate: float = Field(default=0.01, gt=0, lt=1)
    max_mean_abs_change: float = Field(default=0.01, gt=0, lt=1)
    inv_threshold: float = Field(default=0.1, gt=0, lt=1)
    grid: GridParams | None = None
    lexicons: list[str] = Field(default_factory=list)
    exclude_terms: list[str] = Field(default_factory=list)
    top_changes: int = Field(default=10, ge=0, le=100)
    #: Draws of the propagated mapping's random parts (category redraws, quantile ties), averaged per pair.
    draws: int = Field(default=5, ge=1, le=100)
    #: Resamples of the refit bootstrap of the propagated counterfactual (capped by statistics.bootstrap).
    refit_resamples: int = Field(default=200, ge=50, le=10_000)


@register
class CounterfactualSweepCheck(Check[CounterfactualSweepParams]):
    """Counterfactual sweeps of a protected attribute (flip-only, propagated, grid, text substitution)."""

    kind = "counterfactual_sweep"
    version = 1
    title = "Counterfactual sweep"
    Params = CounterfactualSweepParams

    def run(self, ctx: CheckContext, params: CounterfactualSweepParams, *, seed: int) -> CheckResult:
        """Generate every counterfactual, score them in bulk, judge flip rates and score changes per value pair."""
        try:
            attr = ctx.policy.attribute(params.attribute)
        except KeyError:
            raise CheckConfigError(
                f"attribute {params.attribute!r} is not declared under protected_attributes") from None
        conf = ctx.statistics.confidence
        level = tost_level(conf)
        rng = np.random.default_rng(seed)
        pred = ctx.predictions()
        ids = ctx.data.ids

        def example_id(i: int) -> str:
            return str(ids[i]) if ids is not None else f"row {i + 1}"

        declared = [t for t in (as_text(v) for v in attr.values) if t is not None]
        if ctx.data.kind == "text":
            # compared with the defaults, not read from ``model_fields_set``: a planned task carries its params as
            # JSON, and a round trip marks every field as set
            fields = CounterfactualSweepParams.model_fields
            tabular_only = [k for k in ("grid", "proxies", "mode") if getattr(params, k) != fields[k].default]
            if tabular_only:
                raise CheckConfigError(f"{', '.join(map(repr, tabular_only))} apply to tabular models; this model "
                                       "reads text, whose counterfactuals substitute lexicon terms: remove them")
            refs = [r for r in (attr.lexicon, *params.lexicons) if r]
            lexicon = load_lexicons(refs, declared, attribute=attr.name, base_dir=_base_dir(ctx))
            out = sweep_text(adapter=ctx.adapter, texts=ctx.data.texts or [], lexicon=lexicon, attribute=attr.name,
                             scores=pred.scores, decisions=pred.decisions, example_id=example_id,
                             exclude_terms=params.exclude_terms, top_changes=params.top_changes,
                             inv_threshold=params.inv_threshold, resamples=ctx.statistics.bootstrap, level=level,
                             rng=rng)
        else:
            if params.lexicons or params.exclude_terms:
                raise CheckConfigError("'lexicons' and 'exclude_terms' are for text models; this model is tabular")
            if not attr.column or attr.name not in ctx.data.protected:
                raise CheckConfigError(f"attribute {attr.name!r} has no data column; tabular counterfactuals "
                                       "need protected_attributes[].column")
            labels = ctx.data.protected[attr.name]

            groups = {k: list(v) for k, v in ctx.policy.data.feature_groups.items()}

            def screen(exclude: Sequence[str]) -> ProxyReport:
                return ctx.proxy_screen(attr.name, exclude)  # the run's one screen, declared groups included

            grid = (params.grid.start, params.grid.stop, params.grid.step) if params.grid else None
            settings = TabularSettings(mode=params.mode, proxies=params.proxies, grid=grid,
                                       top_changes=params.top_changes, inv_threshold=params.inv_threshold,
                                       min_group_size=ctx.statistics.min_group_size,
                                       resamples=ctx.statistics.bootstrap, level=level, draws=params.draws,
                                       refit_resamples=params.refit_resamples, feature_groups=groups)
            out = sweep_tabular(adapter=ctx.adapter, X=ctx.data.X, feature_names=ctx.data.feature_names,
                                labels=labels, declared=declared, attribute=attr.name, column=attr.column,
                                scores=pred.scores, decisions=pred.decisions, example_id=example_id,
                                settings=settings, screen=screen, rng=rng)
        return _judge(out, params, conf, level)


def _base_dir(ctx: CheckContext) -> Path | None:
    """Where relative lexicon paths resolve: the policy's directory when the context knows it, else the data's."""
    base = getattr(ctx, "base_dir", None)
    if base is not None:
        return Path(base)
    return Path(ctx.data.source).parent if getattr(ctx.data, "source", None) else None


def _group(mode: str, values: Sequence[str], a: int, b: int) -> str:
    pair = pair_label(values, a, b)
    return pair if mode == "text" else f"{MODE_LABELS[mode]}: {pair}"


def _measurements(out: SweepOutcome, params: CounterfactualSweepParams, level: float) -> list[Measurement]:
    fr_limit, mac_limit = Limit(max=params.max_flip_rate), Limit(max=params.max_mean_abs_change)
    ms: list[Measurement] = []
    for mode, results in out.results.items():
        for r in results:
            e, group = r.effects, _group(mode, out.values, r.source, r.target)
            ms.append(measure("flip_rate", e.flip_rate, e.flip_rate_ci, limit=fr_limit, confidence=level,
                              group=group, n=e.n))
            ms.append(measure("mean_abs_change", e.mean_abs_change, e.mean_abs_change_ci, limit=mac_limit,
                              confidence=level, group=group, n=e.n))
            ms.append(measure("net_favourable_change", e.net_change, e.net_change_ci, limit=None, confidence=level,
                              group=group, n=e.n, p_value=e.mcnemar_p))
    for p in out.parts:
        group = f"propagated − flip-only: {pair_label(out.values, p.source, p.target)}"
        ms.append(measure("proxy_flip_rate_difference", p.flip_rate_diff, p.flip_rate_diff_ci, limit=None,
                          confidence=level, group=group))
    if out.grid is not None:
        g, n = out.grid, int(out.grid.changed.size)
        ms.append(measure("grid_flip_rate", g.flip_rate, g.flip_rate_ci, limit=fr_limit, confidence=level,
                          group="grid", n=n))
        ms.append(measure("grid_mean_abs_change", g.mean_abs_change, g.mean_abs_change_ci, limit=mac_limit,
                          confidence=level, group="grid", n=n))
    return ms


def _needed_one(m: Measurement, level: float) -> int | None:
    """Pairs at which one undecided measurement would be decided (at its current value), if estimable."""
    if m.name.endswith("flip_rate"):
        return pairs_needed_for_rate(m.value, m.threshold, level)  # type: ignore[arg-type]
    return pairs_needed_for_mean(m.value, (m.ci_low or 0.0, m.ci_high or 0.0), m.n or 0,  # type: ignore[arg-type]
                                 m.threshold)  # type: ignore[arg-type]


def _undecided(ms: Sequence[Measurement]) -> list[Measurement]:
    return [m for m in ms if m.status is Status.INCONCLUSIVE and m.value is not None and m.threshold is not None
            and m.n]


def _needed(ms: Sequence[Measurement], level: float) -> int | None:
    """Pairs per value pair that the undecided measurements would need (the largest), if any can be estimated."""
    known = [n for n in (_needed_one(m, level) for m in _undecided(ms)) if n is not None]
    return max(known) if known else None


def _detectable(m: Measurement, level: float) -> tuple[float, float]:
    """At the measurement's n: the least value that would FAIL (the minimum detectable effect) and the most
    that would PASS (rates: exact intervals; means: the bootstrap interval's half-width at this n)."""
    if m.name.endswith("flip_rate"):
        return (minimum_detectable_rate(m.n or 0, m.threshold or 0.0, level),  # type: ignore[arg-type]
                maximum_passing_rate(m.n or 0, m.threshold or 0.0, level))  # type: ignore[arg-type]
    return detectable_mean((m.ci_low or 0.0, m.ci_high or 0.0), m.threshold or 0.0)


def _power_table(ms: Sequence[Measurement], level: float) -> dict | None:
    """For every undecided measurement: the minimum detectable effect at its n and the pairs that would decide it."""
    rows = []
    for m in _undecided(ms):
        fail_at, pass_at = _detectable(m, level)
        rows.append([m.name, m.group, m.n, m.value, m.ci_low, m.ci_high, m.threshold,
                     fail_at if np.isfinite(fail_at) else None, pass_at if np.isfinite(pass_at) else None,
                     _needed_one(m, level)])
    if not rows:
        return None
    return {"title": "What would decide the undecided measurements: minimum detectable effect at the pairs used",
            "columns": ["measurement", "group", "pairs", "value", "CI low", "CI high", "tolerance",
                        "fails from (MDE)", "passes up to", "pairs that would decide it"], "rows": rows}


def _judge(out: SweepOutcome, params: CounterfactualSweepParams, conf: float, level: float) -> CheckResult:
    details: dict[str, Any] = {"tables": out.tables, "notes": out.notes, "charts": out.charts}
    if out.skipped:
        out.notes.insert(0, f"Not assessed: {out.skipped}.")
        return CheckResult(status=Status.SKIPPED, summary=f"Not assessed: {out.skipped}.", details=details)
    ms = _measurements(out, params, level)
    status = combine_verdicts(m.status for m in ms)
    if out.unjudged:
        out.notes.append("Not judged: " + "; ".join(out.unjudged) + ".")
        if status is Status.PASS:
            status = Status.INCONCLUSIVE
    needed = _needed(ms, level) if status is Status.INCONCLUSIVE else None
    zero = min_pairs_zero_events(params.max_flip_rate, conf)
    power = _power_table(ms, level) if status is Status.INCONCLUSIVE else None
    if power is not None:
        out.tables.append(power)
    if needed:
        out.notes.append(f"About {needed} pairs per value pair would be needed to decide every undecided "
                         f"measurement at this rate; with zero flips, {zero} pairs show a flip rate below "
                         f"{params.max_flip_rate:.0%}.")
    out.notes.append(f"Intervals are two-sided {level:.0%} (exact for rates, paired bootstrap for score changes): "
                     f"their ends are the one-sided {conf:.0%} bounds of the equivalence test (methods.md C6).")
    return CheckResult(status=status, summary=_summary(out, ms, status, params, needed, zero, level),
                       measurements=tuple(ms), details=details)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2%}" if x < 0.1 else f"{x:.1%}"


def _subject(m: Measurement, attr: str) -> str:
    """What was changed, for a summary sentence: ``Flipping sex (female→male)``."""
    group = m.group or ""
    if group == "grid":
        return f"Sweeping {attr} over the grid"
    if group.startswith("flip-only: "):
        return f"Flipping {attr} ({group.removeprefix('flip-only: ')})"
    if group.startswith("propagated: "):
        return f"Moving {attr} and its proxies ({group.removeprefix('propagated: ')})"
    return f"Substituting {attr} terms ({group})"


def _value(m: Measurement) -> tuple[str, str, str, str]:
    """Value, interval ends and limit as text: percentages for rates, 3–4 decimals for score changes."""
    if m.name.endswith("flip_rate"):
        return _pct(m.value), _pct(m.ci_low), _pct(m.ci_high), _pct(m.threshold)
    return f"{m.value:.4f}", f"{m.ci_low:.4f}", f"{m.ci_high:.4f}", f"{m.threshold:g}"


def _effect(m: Measurement) -> str:
    if m.name == "grid_flip_rate":
        return "of examples get another decision somewhere along the grid"
    return "of decisions change" if m.name.endswith("flip_rate") else "mean |Δ P(favourable)|"


def _mde_text(m: Measurement, level: float) -> str:
    """The minimum detectable effect at the measurement's n, in a sentence (and what would pass)."""
    fail_at, pass_at = _detectable(m, level)
    show = _pct if m.name.endswith("flip_rate") else (lambda x: f"{x:.4f}")
    what = m.name.replace("_", " ")
    if not np.isfinite(fail_at):
        head = f" At {m.n} pairs no {what} can be shown above the tolerance"
    else:
        head = (f" At {m.n} pairs the minimum detectable effect is a {what} of {show(fail_at)} (the least that "
                "would be shown above the tolerance)")
    if np.isfinite(pass_at) and pass_at >= 0:
        return f"{head}; at most {show(pass_at)} would be shown below it."
    return f"{head}; none can be shown below it with so few pairs."


def _summary(out: SweepOutcome, ms: list[Measurement], status: Status, params: CounterfactualSweepParams,
             needed: int | None, zero: int, level: float) -> str:
    attr = out.attribute
    proxies = ", ".join(out.proxies) or "none"
    rates = [m for m in ms if m.name in ("flip_rate", "grid_flip_rate") and m.value is not None]
    prop_fail = [m for m in rates if m.status is Status.FAIL and (m.group or "").startswith("propagated")]
    flip_ok = [m for m in rates if (m.group or "").startswith("flip-only")]
    tail = ""
    if out.vacuous and "propagated" in out.results:
        tail = (f" Flip-only is vacuous because {attr} is not a model input; the propagated counterfactual moves its "
                f"proxies ({proxies}) and decides.")
        if prop_fail:
            tail = (f" The effect travels entirely through the proxies ({proxies}): {attr} is not a model input, so "
                    "a flip-only test is vacuous and would have missed it.")
    elif prop_fail and flip_ok and all(m.status is not Status.FAIL for m in flip_ok):
        tail = (f" Flip-only stays at {_pct(max(m.value or 0 for m in flip_ok))}: the effect travels through the "
                f"proxies ({proxies}), which only the propagated counterfactual catches.")
    if status is Status.FAIL:
        worst = max((m for m in ms if m.status is Status.FAIL), key=lambda m: (m.name.endswith("flip_rate"),
                                                                                m.value or 0))
        value, lo, hi, limit = _value(worst)
        return (f"{_subject(worst, attr)}: {value} [{lo}, {hi}] {_effect(worst)}, wholly above the {limit} "
                f"tolerance.{tail}")
    if status is Status.PASS:
        hi_fr = max(m.ci_high or 0 for m in rates)
        hi_mac = max(m.ci_high or 0 for m in ms if m.name.endswith("mean_abs_change"))
        n_min = min(m.n or 0 for m in rates)
        unit = "examples" if all(m.group == "grid" for m in rates) else "pairs per value pair"
        return (f"Changing {attr} moves no decision beyond the tolerance: every flip rate's upper bound is at most "
                f"{_pct(hi_fr)} (limit {_pct(params.max_flip_rate)}) and every mean |Δ|'s at most {hi_mac:.4f} "
                f"(limit {params.max_mean_abs_change:g}), with at least {n_min} {unit}.{tail}")
    undecided = [m for m in ms if m.status is Status.INCONCLUSIVE]
    if not undecided:
        return f"Counterfactuals of {attr} could not be judged for every value pair: {'; '.join(out.unjudged)}.{tail}"
    m = max(undecided, key=lambda m: (m.ci_high or 0) - (m.threshold or 0))
    value, lo, hi, limit = _value(m)
    need = f"; about {needed} pairs per value pair would be needed" if needed else ""
    if needed and needed != zero and m.name.endswith("flip_rate"):
        need += f" (with zero flips, {zero} would do)"
    return (f"{_subject(m, attr)}: {m.name.replace('_', ' ')} {value} [{lo}, {hi}] from {m.n} pairs cannot be "
            f"separated from the {limit} tolerance{need}.{_mde_text(m, level) if m.n else ''}{tail}")
