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

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from auditkit.adapters.base import SupportsGradients, SupportsReadout
from auditkit.checks._mediation import mediation
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, measure
from auditkit.checks.registry import register
from auditkit.counterfactual.analysis import SweepOutcome
from auditkit.counterfactual.details import MODE_LABELS, col, msg, pair_label
from auditkit.counterfactual.lexicon import load_lexicons
from auditkit.counterfactual.tabular_sweep import TabularSettings, sweep_tabular
from auditkit.counterfactual.text_sweep import sweep_text
from auditkit.data.values import as_text
from auditkit.errors import CheckConfigError
from auditkit.evidence import ColumnRole, Evidence, Finding, Msg, Q, Table, Unit, Verdict, ref
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
from auditkit.metrics.sampling import stratified_rows
from auditkit.metrics.stats import combine_verdicts, derive_seed
from auditkit.results import Measurement, Status

#: Most points a grid may have (each is one model row per example).
MAX_GRID_POINTS = 1000

#: The rules that can decide the verdict (criterion texts: ``counterfactual_sweep.rule.<id>``).
#: ``every_interval_inside_tolerance`` (PASS): every flip rate's and mean |Δ|'s one-sided upper bound is inside
#: its tolerance; ``interval_above_tolerance`` (FAIL): some lower bound is above it;
#: ``interval_straddles_tolerance`` (INCONCLUSIVE): none above, some straddling it;
#: ``value_pairs_not_judged`` (INCONCLUSIVE): every judged interval inside, but some value pairs (or all) could
#: not be judged.
RULES = ("every_interval_inside_tolerance", "interval_above_tolerance", "interval_straddles_tolerance",
         "value_pairs_not_judged")

#: The unit of each measurement this check reports.
UNITS = {"flip_rate": Unit.RATE, "mean_abs_change": Unit.NUMBER, "net_favourable_change": Unit.DIFFERENCE_PP,
         "proxy_flip_rate_difference": Unit.DIFFERENCE_PP, "grid_flip_rate": Unit.RATE,
         "grid_mean_abs_change": Unit.NUMBER}


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
    #: Rows swept at most (tabular): larger data is swept on a seeded sample stratified by the attribute, so the
    #: cost (rows × targets × (draws + refit resamples) model rows) is bounded; the intervals are the sample's.
    max_examples: int = Field(default=20_000, ge=100)
    #: Decoder LLMs (text): where the effect flows, by attribution and activation patching of the sweep's own
    #: prompt pairs (evidence, not part of the verdict). None: on for decoder models, off otherwise.
    mediation: bool | None = None
    #: Prompt pairs patched at most (a seeded sample stratified by value pair).
    mediation_pairs: int = Field(default=200, ge=4)
    #: Components patched exactly to validate the attribution-patching estimates.
    mediation_top_k: int = Field(default=20, ge=3)
    #: Last layers whose attention heads are patched one by one.
    mediation_head_layers: int = Field(default=2, ge=0)


@register
class CounterfactualSweepCheck(Check[CounterfactualSweepParams]):
    """Counterfactual sweeps of a protected attribute (flip-only, propagated, grid, text substitution)."""

    kind = "counterfactual_sweep"
    #: 2: tabular data with more than ``max_examples`` rows is swept on a stratified sample (results of smaller
    #: data are unchanged). 3: decoder LLMs get mediation evidence (``mediation``; other models unchanged).
    version = 3
    title = "Counterfactual sweep"
    Params = CounterfactualSweepParams
    rules: ClassVar[tuple[str, ...]] = RULES

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

        def example_id(row: int) -> str | Msg:
            """How the report names audit row ``row`` (its id, else its 1-based row number)."""
            return str(ids[row]) if ids is not None else msg("row", n=Q(row + 1, Unit.COUNT))

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
            if _mediates(ctx, params):
                found = mediation(ctx.adapter, list(ctx.data.texts or []), lexicon,
                                  exclude_terms=params.exclude_terms, max_pairs=params.mediation_pairs,
                                  top_k=params.mediation_top_k, head_layers=params.mediation_head_layers,
                                  seed=derive_seed(seed, "mediation"))
                out.tables += found.tables
                out.charts += found.charts
                out.notes += found.notes
                out.mediation = found.details
        else:
            if params.lexicons or params.exclude_terms or params.mediation:
                raise CheckConfigError("'lexicons', 'exclude_terms' and 'mediation' are for text models; this model "
                                       "is tabular: remove them")
            if not attr.column or attr.name not in ctx.data.protected:
                raise CheckConfigError(f"attribute {attr.name!r} has no data column; tabular counterfactuals "
                                       "need protected_attributes[].column")
            # the rows swept: a seeded sample stratified by the attribute's value of the rows whose inputs are
            # held (all rows in memory; a uniform sample of streamed data), at most max_examples of them
            held = ctx.sample_rows
            labels = np.asarray(ctx.of_sample(ctx.data.protected[attr.name]))
            local = stratified_rows(labels.astype(str), params.max_examples,
                                    np.random.default_rng(derive_seed(seed, "sweep-rows")))
            swept = held[local]  # their rows in the audit data
            sampled = len(swept) < ctx.data.n_rows

            groups = ctx.categorical_groups  # prefix rules resolved, the model's categorical splits added

            def screen(exclude: Sequence[str]) -> ProxyReport:
                return ctx.proxy_screen(attr.name, exclude)  # the run's one screen, declared groups included

            grid = (params.grid.start, params.grid.stop, params.grid.step) if params.grid else None
            settings = TabularSettings(mode=params.mode, proxies=params.proxies, grid=grid,
                                       top_changes=params.top_changes, inv_threshold=params.inv_threshold,
                                       min_group_size=ctx.statistics.min_group_size,
                                       resamples=ctx.statistics.bootstrap, level=level, draws=params.draws,
                                       refit_resamples=params.refit_resamples, feature_groups=groups)
            inputs = ctx.sample_inputs()
            X = inputs[local] if len(local) < len(inputs) else inputs
            out = sweep_tabular(adapter=ctx.adapter, X=X, feature_names=ctx.data.feature_names,
                                labels=labels[local], declared=declared, attribute=attr.name, column=attr.column,
                                scores=np.asarray(pred.scores)[swept], decisions=np.asarray(pred.decisions)[swept],
                                example_id=lambda i: example_id(int(swept[i])), settings=settings, screen=screen,
                                rng=rng)
            if sampled:
                out.notes.insert(0, msg("note.sampled_rows", rows=Q(len(swept), Unit.COUNT),
                                        total=Q(ctx.data.n_rows, Unit.COUNT),
                                        limit=Q(params.max_examples, Unit.COUNT)))
        return _judge(out, params, conf, level)


def _mediates(ctx: CheckContext, params: CounterfactualSweepParams) -> bool:
    """Whether to measure where the effect flows: asked for, or by default on a decoder LLM (patchable layers)."""
    decoder = isinstance(ctx.adapter, SupportsReadout) and isinstance(ctx.adapter, SupportsGradients)
    if params.mediation and not decoder:
        raise CheckConfigError(f"'mediation' patches a decoder language model's layers; {ctx.adapter.name!r} is not "
                               "a huggingface-causal model: remove it")
    return decoder if params.mediation is None else params.mediation


def _base_dir(ctx: CheckContext) -> Path | None:
    """Where relative lexicon paths resolve: the policy's directory when the context knows it, else the data's."""
    base = getattr(ctx, "base_dir", None)
    if base is not None:
        return Path(base)
    return Path(ctx.data.source).parent if getattr(ctx.data, "source", None) else None


def _group(mode: str, values: Sequence[str], a: int, b: int) -> str:
    pair = pair_label(values, a, b)
    return pair if mode == "text" else f"{MODE_LABELS[mode]}: {pair}"


def _measure(name: str, *args: Any, **kwargs: Any) -> Measurement:
    """:func:`measure` with the measurement's unit."""
    return dataclasses.replace(measure(name, *args, **kwargs), unit=UNITS[name].value)


def _measurements(out: SweepOutcome, params: CounterfactualSweepParams, level: float) -> list[Measurement]:
    fr_limit, mac_limit = Limit(max=params.max_flip_rate), Limit(max=params.max_mean_abs_change)
    ms: list[Measurement] = []
    for mode, results in out.results.items():
        for r in results:
            e, group = r.effects, _group(mode, out.values, r.source, r.target)
            ms.append(_measure("flip_rate", e.flip_rate, e.flip_rate_ci, limit=fr_limit, confidence=level,
                               group=group, n=e.n))
            ms.append(_measure("mean_abs_change", e.mean_abs_change, e.mean_abs_change_ci, limit=mac_limit,
                               confidence=level, group=group, n=e.n))
            ms.append(_measure("net_favourable_change", e.net_change, e.net_change_ci, limit=None,
                               confidence=level, group=group, n=e.n, p_value=e.mcnemar_p))
    for p in out.parts:
        group = f"propagated − flip-only: {pair_label(out.values, p.source, p.target)}"
        ms.append(_measure("proxy_flip_rate_difference", p.flip_rate_diff, p.flip_rate_diff_ci, limit=None,
                           confidence=level, group=group))
    if out.grid is not None:
        g, n = out.grid, int(out.grid.changed.size)
        ms.append(_measure("grid_flip_rate", g.flip_rate, g.flip_rate_ci, limit=fr_limit, confidence=level,
                           group="grid", n=n))
        ms.append(_measure("grid_mean_abs_change", g.mean_abs_change, g.mean_abs_change_ci, limit=mac_limit,
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


def _power_table(ms: Sequence[Measurement], level: float) -> Table | None:
    """For every undecided measurement: the minimum detectable effect at its n and the pairs that would decide it."""
    rows = []
    for m in _undecided(ms):
        fail_at, pass_at = _detectable(m, level)
        unit = UNITS[m.name]
        rows.append((msg(f"measure.{m.name}"), m.group, m.n, Q(m.value, unit), Q(m.ci_low, unit),
                     Q(m.ci_high, unit), Q(m.threshold, unit), Q(fail_at if np.isfinite(fail_at) else None, unit),
                     Q(pass_at if np.isfinite(pass_at) else None, unit), _needed_one(m, level)))
    if not rows:
        return None
    return Table(msg("table.power"), (
        col("measurement"), col("group", ColumnRole.GROUP), col("pairs", ColumnRole.N), col("value", ColumnRole.VALUE),
        col("ci_low", ColumnRole.CI_LOW), col("ci_high", ColumnRole.CI_HIGH), col("tolerance", ColumnRole.THRESHOLD),
        col("fails_from", ColumnRole.VALUE), col("passes_up_to", ColumnRole.VALUE),
        col("pairs_to_decide", ColumnRole.N),
    ), tuple(rows))


def _refs(ms: Sequence[Measurement]) -> tuple[str, ...]:
    return tuple(ref(m.name, m.group) for m in ms)


def _verdict(status: Status, ms: Sequence[Measurement], params: CounterfactualSweepParams, conf: float) -> Verdict:
    """The rule that decided ``status`` and the measurements it read."""
    judged = [m for m in ms if m.status is not None]
    limits = {"confidence": Q(conf, Unit.SHARE), "max_flip_rate": Q(params.max_flip_rate, Unit.RATE),
              "max_mean_abs_change": Q(params.max_mean_abs_change, UNITS["mean_abs_change"])}
    if status is Status.FAIL:
        return Verdict("interval_above_tolerance", limits, _refs([m for m in judged if m.status is Status.FAIL]))
    if status is Status.PASS:
        return Verdict("every_interval_inside_tolerance", limits, _refs(judged))
    undecided = [m for m in judged if m.status is Status.INCONCLUSIVE]
    if undecided:
        return Verdict("interval_straddles_tolerance", limits, _refs(undecided))
    return Verdict("value_pairs_not_judged", limits, _refs(judged))


def _judge(out: SweepOutcome, params: CounterfactualSweepParams, conf: float, level: float) -> CheckResult:
    details: dict[str, Any] = {"values": list(out.values), "proxies": list(out.proxies)}
    if out.mediation:
        details["mediation"] = out.mediation
    if out.skipped:
        return CheckResult(Status.SKIPPED, Evidence(summary=(msg("summary.skipped", reason=out.skipped),),
                                                    tables=tuple(out.tables), notes=tuple(out.notes),
                                                    charts=tuple(out.charts)), details=details)
    ms = _measurements(out, params, level)
    status = combine_verdicts(m.status for m in ms)
    notes = list(out.notes)
    tables = list(out.tables)
    if out.unjudged:
        notes.append(msg("note.not_judged", reasons=out.unjudged))
        if status is Status.PASS:
            status = Status.INCONCLUSIVE
    needed = _needed(ms, level) if status is Status.INCONCLUSIVE else None
    zero = min_pairs_zero_events(params.max_flip_rate, conf)
    power = _power_table(ms, level) if status is Status.INCONCLUSIVE else None
    if power is not None:
        tables.append(power)
    if needed:
        notes.append(msg("note.pairs_needed", needed=Q(needed, Unit.COUNT), zero=Q(zero, Unit.COUNT),
                         max_flip_rate=Q(params.max_flip_rate, Unit.RATE)))
        details["pairs_needed"] = needed
    notes.append(msg("note.intervals", level=Q(level, Unit.SHARE), confidence=Q(conf, Unit.SHARE)))
    evidence = Evidence(summary=_summary(out, ms, status, params, needed, zero, level),
                        verdict=_verdict(status, ms, params, conf), tables=tuple(tables), notes=tuple(notes),
                        findings=_findings(out, ms, status, needed), charts=tuple(out.charts),
                        meaning=_meaning(out, ms, status, needed, level, conf))
    return CheckResult(status, evidence, measurements=tuple(ms), details=details)


def _q(m: Measurement, value: float | None) -> Q:
    """A value of ``m``'s quantity (its unit)."""
    return Q(value, UNITS[m.name])


def _subject(m: Measurement, attr: str) -> Msg:
    """What was changed, for a summary sentence: ``Flipping sex (female→male)``."""
    group = m.group or ""
    if group == "grid":
        return msg("subject.grid", attribute=attr)
    for mode in ("flip_only", "propagated"):
        prefix = f"{MODE_LABELS[mode]}: "
        if group.startswith(prefix):
            return msg(f"subject.{mode}", attribute=attr, pair=group.removeprefix(prefix))
    return msg("subject.text", attribute=attr, pair=group)


def _effect(m: Measurement) -> Msg:
    if m.name == "grid_flip_rate":
        return msg("effect.grid_flip_rate")
    return msg("effect.flip_rate") if m.name.endswith("flip_rate") else msg("effect.mean_abs_change")


def _observed(m: Measurement, attr: str) -> dict[str, Any]:
    """The fields every sentence about one measurement has: what was changed, its value, interval, tolerance."""
    return {"subject": _subject(m, attr), "value": _q(m, m.value), "low": _q(m, m.ci_low), "high": _q(m, m.ci_high),
            "tolerance": _q(m, m.threshold)}


def _mde(m: Measurement, level: float) -> Msg:
    """The minimum detectable effect at the measurement's n, in a sentence (and what would pass)."""
    fail_at, pass_at = _detectable(m, level)
    what = msg(f"term.{m.name}")
    n = Q(m.n, Unit.COUNT)
    head = (msg("mde.none_above", n=n, measure=what) if not np.isfinite(fail_at)
            else msg("mde.at", n=n, measure=what, fail_at=_q(m, fail_at)))
    if np.isfinite(pass_at) and pass_at >= 0:
        return msg("mde.pass", head=head, pass_at=_q(m, pass_at))
    return msg("mde.no_pass", head=head)


def _proxies(out: SweepOutcome) -> Any:
    return list(out.proxies) or msg("none")


def _rates(ms: Sequence[Measurement]) -> list[Measurement]:
    return [m for m in ms if m.name in ("flip_rate", "grid_flip_rate") and m.value is not None]


def _via_proxies(out: SweepOutcome, ms: Sequence[Measurement]) -> bool:
    """Whether the propagated counterfactual fails while flip-only does not (vacuous or inside the tolerance)."""
    rates = _rates(ms)
    prop_fail = [m for m in rates if m.status is Status.FAIL and (m.group or "").startswith("propagated")]
    flip_ok = [m for m in rates if (m.group or "").startswith("flip-only")]
    if not prop_fail:
        return False
    if out.vacuous and "propagated" in out.results:
        return True
    return bool(flip_ok) and all(m.status is not Status.FAIL for m in flip_ok)


def _tail(out: SweepOutcome, ms: Sequence[Measurement]) -> tuple[Msg, ...]:
    """The sentence that says where the effect travels (flip-only vacuous, or staying inside the tolerance)."""
    attr, proxies = out.attribute, _proxies(out)
    rates = _rates(ms)
    flip_ok = [m for m in rates if (m.group or "").startswith("flip-only")]
    via = _via_proxies(out, ms)
    if out.vacuous and "propagated" in out.results:
        key = "tail.vacuous_missed" if via else "tail.vacuous_decides"
        return (msg(key, attribute=attr, proxies=proxies),)
    if via:
        return (msg("tail.flip_only_stays", value=Q(max(m.value or 0 for m in flip_ok), Unit.RATE),
                    proxies=proxies),)
    return ()


def _worst_fail(ms: Sequence[Measurement]) -> Measurement:
    return max((m for m in ms if m.status is Status.FAIL), key=lambda m: (m.name.endswith("flip_rate"), m.value or 0))


def _summary(out: SweepOutcome, ms: list[Measurement], status: Status, params: CounterfactualSweepParams,
             needed: int | None, zero: int, level: float) -> tuple[Msg, ...]:
    attr = out.attribute
    rates = _rates(ms)
    tail = _tail(out, ms)
    if status is Status.FAIL:
        worst = _worst_fail(ms)
        return (msg("summary.fail", **_observed(worst, attr), effect=_effect(worst)), *tail)
    if status is Status.PASS:
        hi_fr = max(m.ci_high or 0 for m in rates)
        hi_mac = max(m.ci_high or 0 for m in ms if m.name.endswith("mean_abs_change"))
        n_min = min(m.n or 0 for m in rates)
        key = "summary.pass.examples" if all(m.group == "grid" for m in rates) else "summary.pass.pairs"
        return (msg(key, attribute=attr, max_flip_rate=Q(hi_fr, Unit.RATE),
                    flip_limit=Q(params.max_flip_rate, Unit.RATE), max_mean_abs_change=Q(hi_mac, Unit.NUMBER),
                    mac_limit=Q(params.max_mean_abs_change, Unit.NUMBER), n=Q(n_min, Unit.COUNT)), *tail)
    undecided = [m for m in ms if m.status is Status.INCONCLUSIVE]
    if not undecided:
        return (msg("summary.not_judged", attribute=attr, reasons=out.unjudged or msg("none")), *tail)
    m = max(undecided, key=lambda m: (m.ci_high or 0) - (m.threshold or 0))
    fields = {**_observed(m, attr), "measure": msg(f"term.{m.name}"), "n": Q(m.n, Unit.COUNT)}
    if needed and needed != zero and m.name.endswith("flip_rate"):
        head = msg("summary.undecided.need_zero", **fields, needed=Q(needed, Unit.COUNT), zero=Q(zero, Unit.COUNT))
    elif needed:
        head = msg("summary.undecided.need", **fields, needed=Q(needed, Unit.COUNT))
    else:
        head = msg("summary.undecided", **fields)
    return (head, *((_mde(m, level),) if m.n else ()), *tail)


def _said_subject(m: Measurement, out: SweepOutcome) -> Msg:
    """What was changed, as a person would say it ("Had a person's sex been different (female→male)")."""
    group, attr = m.group or "", out.attribute
    if group == "grid":
        return msg("meaning.subject.grid", attribute=attr)
    for mode in ("flip_only", "propagated"):
        prefix = f"{MODE_LABELS[mode]}: "
        if group.startswith(prefix):
            return msg(f"meaning.subject.{mode}", attribute=attr, pair=group.removeprefix(prefix),
                       proxies=_proxies(out))
    return msg("meaning.subject.text", attribute=attr, pair=group)


def _meaning(out: SweepOutcome, ms: Sequence[Measurement], status: Status, needed: int | None,
             level: float, conf: float) -> tuple[Msg, ...]:
    """What the verdict means for the people decided about, in plain words (at most two paragraphs).

    The first paragraph reads the measurement the summary reads: for a FAIL the worst failing one (decisions
    that would have changed, or how far the score would have moved), for a PASS the flip rate with the highest
    upper bound (its upper end is a one-sided bound at ``conf``, as the rule reads it), for an undecided sweep
    the one furthest across the tolerance. Where the propagated
    counterfactual fails but changing the attribute alone does not, the second paragraph says that the
    attribute reaches decisions through the inputs that carry it.
    """
    attr, lvl = out.attribute, Q(level, Unit.SHARE)

    def fields(m: Measurement) -> dict[str, Any]:
        return {"subject": _said_subject(m, out), "value": _q(m, m.value), "low": _q(m, m.ci_low),
                "high": _q(m, m.ci_high), "tolerance": _q(m, m.threshold), "level": lvl}

    if status is Status.FAIL:
        worst = _worst_fail(ms)
        kind = "rate" if worst.name.endswith("flip_rate") else "score"
        first = msg(f"meaning.fail.{kind}", **fields(worst), attribute=attr)
        if not _via_proxies(out, ms):
            return (first,)
        if out.vacuous and "propagated" in out.results:
            return first, msg("meaning.via_proxies_only", attribute=attr, proxies=_proxies(out))
        alone = max((m for m in _rates(ms) if (m.group or "").startswith("flip-only")), key=lambda m: m.value or 0)
        return first, msg("meaning.via_proxies", attribute=attr, proxies=_proxies(out), value=_q(alone, alone.value))
    rates = _rates(ms)
    if status is Status.PASS and rates:
        top = max(rates, key=lambda m: m.ci_high or 0)
        return (msg("meaning.pass", **{**fields(top), "level": Q(conf, Unit.SHARE)}, attribute=attr),)
    undecided = [m for m in ms if m.status is Status.INCONCLUSIVE]
    if not undecided:
        return (msg("meaning.not_judged", attribute=attr, reasons=out.unjudged or msg("none")),)
    m = max(undecided, key=lambda m: (m.ci_high or 0) - (m.threshold or 0))
    kind = "rate" if m.name.endswith("flip_rate") else "score"
    first = msg(f"meaning.undecided.{kind}", **fields(m), attribute=attr)
    if needed:
        return first, msg("meaning.needed", needed=Q(needed, Unit.COUNT))
    return (first,)


def _findings(out: SweepOutcome, ms: Sequence[Measurement], status: Status,
              needed: int | None) -> tuple[Finding, ...]:
    """What a reader must act on: the proxies that carry the attribute into the decisions, or the attribute's
    direct effect; for an undecided sweep, what would decide it."""
    attr = out.attribute
    cause = f"attribute:{attr}"
    if status is Status.FAIL:
        if _via_proxies(out, ms) and out.proxies:
            worst = max((m for m in _rates(ms) if m.status is Status.FAIL
                         and (m.group or "").startswith("propagated")), key=lambda m: m.value or 0)
            return tuple(Finding(msg("finding.proxy", proxy=p, attribute=attr, proxies=_proxies(out),
                                     **_observed(worst, attr), effect=_effect(worst)), cause=f"feature:{p}")
                         for p in out.proxies)
        worst = _worst_fail(ms)
        return (Finding(msg("finding.direct", attribute=attr, **_observed(worst, attr), effect=_effect(worst)),
                        cause=cause),)
    if status is Status.INCONCLUSIVE:
        undecided = [m for m in ms if m.status is Status.INCONCLUSIVE]
        if not undecided:
            return (Finding(msg("finding.not_judged", attribute=attr, reasons=out.unjudged or msg("none")),
                            cause=cause),)
        what = msg("finding.undecided.need", attribute=attr, needed=Q(needed, Unit.COUNT)) if needed else \
            msg("finding.undecided", attribute=attr)
        return (Finding(what, cause=cause),)
    return ()
