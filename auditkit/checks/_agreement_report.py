"""Report builder of the ``attribution_agreement`` check: measurements, typed evidence, explanations.

Private to :mod:`auditkit.checks.attribution_agreement` (modules starting with
``_`` are not check kinds). Each step runs one part of the protocol (methods.md
B3, B6) through :mod:`auditkit.explain.evaluation`, turns its per-instance arrays
into bootstrap means with intervals (:mod:`auditkit.metrics`) and states what it
found as typed evidence (:mod:`auditkit.evidence`): tables with typed columns,
charts (``heatmap`` and ``lines``) and notes, every sentence a message of
:mod:`auditkit.i18n.kinds.attribution_agreement`. The per-decision explanations
(Art. 86) are messages too; their machine-readable form stays in
``details["explanations"]``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from auditkit.checks.base import CheckContext, CheckResult
from auditkit.checks.limits import Limit, measure
from auditkit.evidence import Column, ColumnRole, Evidence, Finding, Msg, Q, Table, Unit, Verdict, ref
from auditkit.explain import Attribution, explain
from auditkit.explain.evaluation import (
    Faithfulness,
    Randomisation,
    faithfulness_runs,
    randomisation_correlations,
    self_agreement_runs,
)
from auditkit.explain.jobs import TabularJob, TextJob
from auditkit.explain.narrative import decision_explanation
from auditkit.metrics import agreement as agr
from auditkit.metrics import faithfulness as fth
from auditkit.metrics.stats import interval_verdict, wilson_interval
from auditkit.results import Measurement, Status

KIND = "attribution_agreement"


class AgreementSettings(Protocol):
    """The parameters of ``attribution_agreement`` this builder reads.

    A protocol rather than an import of :class:`~auditkit.checks.attribution_agreement.AttributionAgreementParams`:
    that module imports this one, and a type-only import back would close an import cycle.
    """

    @property
    def explained(self) -> str: ...
    @property
    def baseline(self) -> str: ...
    @property
    def attributes(self) -> Sequence[str]: ...
    @property
    def min_agreement(self) -> Mapping[Any, Limit]: ...
    @property
    def require_sanity(self) -> bool: ...
    @property
    def max_sanity_correlation(self) -> float: ...
    @property
    def seeds(self) -> int: ...
    @property
    def curve_points(self) -> int: ...
    @property
    def n_steps(self) -> int: ...
    @property
    def explanations(self) -> int: ...


#: Metrics always measured per pair (others are in the table unless the policy thresholds them).
MEASURED = ("rank_correlation", "feature_agreement_star", "pairwise_rank_agreement")
TEXT_CURVE_POINTS = 11
#: How many main factors a per-decision explanation names (and how deep the other methods' top ranks go).
FACTORS = 3

#: The unit of every measurement this check reports (and of its table columns).
UNITS: dict[str, Unit] = {
    "sanity_rank_correlation": Unit.CORRELATION,
    "ig_completeness_max_relative_delta": Unit.SHARE,
    "deletion_gain": Unit.NUMBER,
    "insertion_gain": Unit.NUMBER,
    "comprehensiveness_aopc": Unit.NUMBER,
    "sufficiency_aopc": Unit.NUMBER,
    "feature_agreement": Unit.SCORE,
    "feature_agreement_star": Unit.SCORE,
    "rank_agreement": Unit.SCORE,
    "sign_agreement": Unit.SCORE,
    "signed_rank_agreement": Unit.SCORE,
    "rank_correlation": Unit.CORRELATION,
    "pairwise_rank_agreement": Unit.SCORE,
    "protected_share": Unit.SHARE,
    "protected_in_top_k_fleiss_kappa": Unit.SCORE,
}


def msg(key: str, /, **params: Any) -> Msg:
    """A message of this kind's catalogue (``attribution_agreement.<key>``)."""
    return Msg(f"{KIND}.{key}", **params)


def measure_name(name: str) -> Msg:
    """The display name of a measurement (also the header of its table columns)."""
    return msg(f"measure.{name}")


def _measure(name: str, value: float, ci: tuple[float, float], **kwargs: Any) -> Measurement:
    """:func:`~auditkit.checks.limits.measure` with the measurement's unit."""
    return dataclasses.replace(measure(name, value, ci, **kwargs), unit=UNITS[name].value)


def _col(key: str, role: ColumnRole = ColumnRole.TEXT, unit: Unit | None = None, **params: Any) -> Column:
    return Column(msg(f"column.{key}", **params), role, unit)


def _and(items: Sequence[Any]) -> Any:
    """Items joined as "a, b and c" (a nested message; one item as it is, none as None)."""
    if len(items) <= 1:
        return items[0] if items else None
    return msg("and", items=list(items[:-1]), last=items[-1])


def _num(x: Any) -> float | None:
    """A JSON number (NaN and inf → None)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _mean(values: np.ndarray) -> float | None:
    """Mean ignoring NaN, as a JSON number (None when nothing is finite)."""
    v = np.asarray(values, dtype=np.float64)
    return _num(v[np.isfinite(v)].mean()) if np.isfinite(v).any() else None


def explanation_message(item: Mapping[str, Any], instance: Any, method: str) -> Msg:
    """The sentence(s) of one per-decision explanation (:func:`~auditkit.explain.narrative.decision_explanation`'s
    fields) as a message: feature and method names verbatim, attributions and the score as quantities."""
    factors = [msg("explanation.factor." + ("raised" if f["attribution"] > 0 else "lowered"),
                   feature=f["feature"], value=Q(f["attribution"], Unit.NUMBER)) for f in item["factors"]]
    decision = msg("explanation.decision", instance=instance, decision=msg(f"decision.{item['decision']}"),
                   score=Q(item["score"], Unit.PROBABILITY),
                   factors=_and(factors) if factors else msg("explanation.no_factors"), method=method)
    if not (item["support"] and factors):
        return decision
    support = [msg("explanation.support.method", method=t, n=Q(n, Unit.COUNT), of=Q(len(factors), Unit.COUNT))
               for t, n in item["support"].items()]
    return msg("explanation.with_support", decision=decision,
               support=msg("explanation.support", count=Q(FACTORS, Unit.COUNT), methods=_and(support)))


class AgreementReport:
    """Accumulates measurements, tables, charts and notes while the check's steps run."""

    def __init__(self, ctx: CheckContext, params: AgreementSettings, task: str, job: TabularJob | TextJob,
                 attrs: dict[str, Attribution], specs: dict[str, Any], k: int, seed: int, method_seed: int) -> None:
        self.ctx, self.params, self.task, self.job = ctx, params, task, job
        self.attrs, self.specs, self.k, self.seed, self.method_seed = attrs, specs, k, seed, method_seed
        self.conf = ctx.statistics.confidence
        self.n_boot = ctx.statistics.bootstrap
        self.rng = np.random.default_rng(seed + 1)
        self.measurements: list[Measurement] = []
        self.tables: list[Table] = []
        self.charts: list[dict[str, Any]] = []
        self.notes: list[Msg] = []
        self.items: list[dict[str, Any]] = []
        self.deletion_gain: dict[str, float] = {}
        self.ceilings: dict[str, dict[str, float]] = {}
        self.pair_rows: dict[tuple[str, str], dict[str, tuple[float, float, float]]] = {}
        self.sanity_reasons: dict[str, str] = {}
        self.flagged: list[tuple[str, str]] = []  # (attribute, method) flagged by A3

    def title(self, method: str) -> str:
        """The method's display name."""
        return self.specs[method].title

    def _reference(self) -> Msg:
        """What the attributions are measured against, in words."""
        if isinstance(self.job, TextJob):
            return msg("reference.text")
        if self.params.baseline == "zero":
            return msg("reference.zero")
        return msg("reference.mean", rows=Q(self.job.background.shape[0], Unit.COUNT))

    # -- cost ---------------------------------------------------------------------------------
    def cost_table(self, skipped: dict[str, str]) -> None:
        """What each method cost (model evaluations per instance, time) and which were skipped, with why."""
        rows = [[m, self.title(m), self.specs[m].family, _num(a.evaluations),
                 msg("pass.backward" if a.gradient else "pass.forward"), _num(a.seconds),
                 _num(1000 * a.seconds / max(self.job.n, 1)), msg("method_status.ran")] for m, a in self.attrs.items()]
        rows += [[m, self.title(m), self.specs[m].family, None, None, None, None,
                  msg("method_status.skipped", reason=why)] for m, why in skipped.items()]
        self.tables.append(Table(
            msg("table.methods.title", explained=msg(f"explained.{self.params.explained}"),
                reference=self._reference(), n=Q(self.job.n, Unit.COUNT)),
            (_col("method", ColumnRole.LABEL), _col("name", ColumnRole.LABEL), _col("family", ColumnRole.LABEL),
             _col("evaluations", ColumnRole.VALUE, Unit.NUMBER), _col("pass"),
             _col("seconds", ColumnRole.VALUE, Unit.NUMBER), _col("ms_per_instance", ColumnRole.VALUE, Unit.NUMBER),
             _col("status")),
            tuple(tuple(r) for r in rows)))
        self._precision_table()
        self._grouping_note()

    def _precision_table(self) -> None:
        """Standard errors of the methods that measure them (sampled Shapley values), one row per such method."""
        sampled = {m: a for m, a in self.attrs.items() if a.stderr is not None}
        if not sampled:
            return
        first = next(iter(sampled.values())).settings
        rows = []
        for m, a in sampled.items():
            rows.append([m, _num(a.settings.get("pairs_mean")), _num(a.settings.get("converged_share")),
                         _num(float(np.mean(a.stderr))), _num(a.settings.get("max_relative_stderr"))])
        self.tables.append(Table(
            msg("table.precision.title", tolerance=Q(first.get("tolerance"), Unit.SHARE),
                rounds=Q(first.get("max_rounds"), Unit.COUNT)),
            (_col("method", ColumnRole.LABEL), _col("pairs", ColumnRole.VALUE, Unit.NUMBER),
             _col("converged", ColumnRole.VALUE, Unit.SHARE), _col("mean_stderr", ColumnRole.VALUE, Unit.NUMBER),
             _col("max_relative_stderr", ColumnRole.VALUE, Unit.SHARE)),
            tuple(tuple(r) for r in rows)))

    def _grouping_note(self) -> None:
        """Which input columns count as one feature (one-hot blocks and declared groups), when any do."""
        if not isinstance(self.job, TabularJob) or self.job.grouping.is_trivial:
            return
        g = self.job.grouping
        groups = [msg("feature_group", name=name, columns=Q(len(cols), Unit.COUNT))
                  for name, cols in zip(g.names, g.columns, strict=True) if len(cols) > 1]
        if groups:
            self.notes.append(msg("note.feature_groups", groups=_and(groups), features=Q(g.size, Unit.COUNT),
                                  columns=Q(g.n_inputs, Unit.COUNT)))

    # -- sanity (B3: cascading model-parameter randomisation) ----------------------------------
    def sanity(self, cfg: dict[str, Any]) -> dict[str, Status]:
        """Randomise the model layer by layer; judge each method's similarity after full randomisation."""
        count = int(cfg["sanity_examples"])
        limit = Limit(max=self.params.max_sanity_correlation)
        if count == 0:
            self.notes.append(msg("note.sanity_not_run"))
            return {}
        try:
            res = randomisation_correlations(self.job, self.attrs, count=count, cascade=cfg["cascade"],
                                             seed=self.seed, explain=explain, draws=int(cfg["randomisations"]),
                                             method_seed=self.method_seed)
        except TypeError as exc:
            self.notes.append(msg("note.sanity_cannot_run", reason=str(exc)))
            return {m: Status.INCONCLUSIVE for m in self.attrs} if self.params.require_sanity else {}
        statuses: dict[str, Status] = {}
        rows = []
        for m in self.attrs:
            final = res.rho[m][res.stages[-1]]
            point, lo, hi = agr.bootstrap_means(final, self.n_boot, self.conf, self.rng)
            statuses[m] = interval_verdict(_num(lo), _num(hi), limit.threshold, limit.comparator)
            self.measurements.append(_measure("sanity_rank_correlation", point, (lo, hi), limit=limit,
                                              confidence=self.conf, group=m, n=int(np.isfinite(final).sum()),
                                              judged=self.params.require_sanity))
            verdict = msg(f"sanity_verdict.{statuses[m].name.lower()}")
            rows.append([m, *[_mean(res.rho[m][s]) for s in res.stages], _num(lo), _num(hi), verdict])
        rho = Unit.CORRELATION
        suffix = "_trees" if res.unit == "trees" else ""  # what a randomised block is: a layer or a tree
        title = msg("table.sanity.title", instances=Q(res.instances, Unit.COUNT), limit=Q(limit.threshold, rho))
        self.tables.append(Table(
            title,
            (_col("method", ColumnRole.LABEL),
             *[_col("stage" + suffix, ColumnRole.VALUE, rho, stage=Q(s, Unit.COUNT),
                    blocks=Q(res.blocks, Unit.COUNT)) for s in res.stages[:-1]],
             _col("all_stages" + suffix, ColumnRole.VALUE, rho, blocks=Q(res.blocks, Unit.COUNT),
                  draws=Q(res.draws, Unit.COUNT)),
             _col("ci_low", ColumnRole.CI_LOW, rho), _col("ci_high", ColumnRole.CI_HIGH, rho), _col("verdict")),
            tuple(tuple(r) for r in rows)))
        self.charts.append(self._cascade_chart(res, limit, title))
        failed = [m for m, s in statuses.items() if s is Status.FAIL]
        if failed:
            self.notes.append(msg("note.model_insensitive", methods=[self.title(m) for m in failed]))
        for m, why in res.unsupported.items():
            self.notes.append(msg("note.not_recomputed", method=self.title(m), reason=why))
        return statuses

    def _cascade_chart(self, res: Randomisation, limit: Limit, table: Msg) -> dict[str, Any]:
        """Mean ρ per method at each randomisation stage, one named x position per stage.

        ``x_ticks`` name the positions 0..n-1 of a line chart, so each series' x is the stage's position, not
        its number of randomised layers (stages are e.g. 1, 2, 3 of 3 layers: as x values the last one fell
        outside the three named positions, and the report could not draw the chart). ``table`` is the sanity
        table's title: it prints every mean ρ drawn here.
        """
        last = len(res.stages) - 1
        blocks = Q(res.blocks, Unit.COUNT)
        ticks = [msg("chart.cascade.tick_mean", stage=Q(s, Unit.COUNT), blocks=blocks,
                     draws=Q(res.draws, Unit.COUNT)) if i == last and res.draws > 1
                 else msg("chart.cascade.tick", stage=Q(s, Unit.COUNT), blocks=blocks)
                 for i, s in enumerate(res.stages)]
        return {"type": "lines", "title": msg("chart.cascade.title"), "table": table,
                "x_label": msg("chart.cascade.x_label" + ("_trees" if res.unit == "trees" else "")),
                "y_label": msg("chart.cascade.y_label"),
                "series": [{"name": self.title(m), "x": [float(i) for i in range(len(res.stages))],
                            "y": [_mean(res.rho[m][s]) for s in res.stages], "low": None, "high": None}
                           for m in self.attrs],
                "x_ticks": ticks, "reference_lines": [{"y": limit.threshold, "label": msg("chart.cascade.limit")}]}

    def completeness(self) -> None:
        """IG completeness: the largest relative δ, reported with the steps used (methods.md B3)."""
        a = self.attrs.get("integrated_gradients")
        if a is None or a.delta is None:
            return
        total = np.nansum(a.values, axis=1)
        _, rel = fth.completeness(total, total - a.delta, np.zeros_like(total))
        worst = float(np.nanmax(rel)) if np.isfinite(rel).any() else float("nan")
        self.measurements.append(_measure("ig_completeness_max_relative_delta", worst, (worst, worst), limit=None,
                                          confidence=self.conf, group="integrated_gradients", n=self.job.n))
        steps = Q(a.settings["max_steps_used"], Unit.COUNT)  # every Integrated Gradients result records it
        delta = Q(worst, UNITS["ig_completeness_max_relative_delta"])
        if worst > 0.05:
            self.notes.append(msg("note.completeness_missed", missed=Q(int((rel > 0.05).sum()), Unit.COUNT),
                                  n=Q(self.job.n, Unit.COUNT), steps=steps, delta=delta))
        else:
            self.notes.append(msg("note.completeness_met", delta=delta, steps=steps))

    # -- faithfulness (B3: deletion / insertion vs random orders; ERASER for text) --------------
    def faithfulness(self, repeats: int, rng: np.random.Generator) -> None:
        """Deletion and insertion gains over random orders per method (and ERASER AOPC for text)."""
        job, text = self.job, isinstance(self.job, TextJob)
        points = TEXT_CURVE_POINTS if text else min(job.grouping.size, self.params.curve_points - 1) + 1
        decisions = self.ctx.predictions().decisions[job.rows] if text else None
        res = faithfulness_runs(job, self.attrs, points=points, repeats=repeats, rng=rng, decisions=decisions)
        auc_rd, auc_ri = res.auc(res.random_deletion), res.auc(res.random_insertion)
        random_order = msg("chart.random_order")
        series = {"deletion": [self._series(random_order, res, res.random_deletion)],
                  "insertion": [self._series(random_order, res, res.random_insertion)]}
        rows = []
        for m in self.attrs:
            auc_d, auc_i = res.auc(res.deletion[m]), res.auc(res.insertion[m])
            row: list[Any] = [m]
            for name, am, ar, better in (("deletion_gain", auc_d, auc_rd, False),
                                         ("insertion_gain", auc_i, auc_ri, True)):

                def stat(idx: np.ndarray, am: np.ndarray = am, ar: np.ndarray = ar, better: bool = better) -> float:
                    return fth.relative_gain(am[idx], ar[idx], higher_is_better=better)

                point, lo, hi = agr.bootstrap_statistic(stat, job.n, self.n_boot, self.conf, self.rng)
                self.measurements.append(_measure(name, point, (lo, hi), limit=None, confidence=self.conf, group=m,
                                                  n=int(np.isfinite(am).sum())))
                row += [_mean(am), _mean(ar), _num(point), _num(lo), _num(hi)]
                if name == "deletion_gain":
                    self.deletion_gain[m] = point
                    if math.isfinite(hi) and hi < 0:
                        self.notes.append(msg("note.loses_to_random", method=self.title(m)))
            for name, values in (("comprehensiveness_aopc", res.comprehensiveness.get(m)),
                                 ("sufficiency_aopc", res.sufficiency.get(m))):
                if values is not None:
                    point, lo, hi = agr.bootstrap_means(values, self.n_boot, self.conf, self.rng)
                    self.measurements.append(_measure(name, point, (lo, hi), limit=None, confidence=self.conf,
                                                      group=m, n=job.n))
                    row.append(_num(point))
                elif text:
                    row.append(None)
            rows.append(row)
            series["deletion"].append(self._series(self.title(m), res, res.deletion[m]))
            series["insertion"].append(self._series(self.title(m), res, res.insertion[m]))
        n, v, lo_, hi_ = Unit.NUMBER, ColumnRole.VALUE, ColumnRole.CI_LOW, ColumnRole.CI_HIGH
        columns = [_col("method", ColumnRole.LABEL), _col("deletion_auc", v, n), _col("random_auc", v, n),
                   Column(measure_name("deletion_gain"), v, n), _col("ci_low", lo_, n), _col("ci_high", hi_, n),
                   _col("insertion_auc", v, n), _col("random_auc_insertion", v, n),
                   Column(measure_name("insertion_gain"), v, n), _col("ci_low_insertion", lo_, n),
                   _col("ci_high_insertion", hi_, n)]
        if text:
            columns += [Column(measure_name("comprehensiveness_aopc"), v, n),
                        Column(measure_name("sufficiency_aopc"), v, n)]
            self.notes.append(msg("note.eraser"))
        self.tables.append(Table(msg("table.faithfulness.title", repeats=Q(repeats, Unit.COUNT)), tuple(columns),
                                 tuple(tuple(r) for r in rows)))
        unit = "words" if text else "features"
        for kind, lines in series.items():
            self.charts.append({"type": "lines", "title": msg(f"chart.{kind}.title"),
                                "x_label": msg(f"chart.{kind}.x_label.{unit}"), "y_label": msg("chart.curve.y_label"),
                                "series": lines, "x_ticks": None, "reference_lines": []})

    def _series(self, name: str | Msg, res: Faithfulness, curves: np.ndarray) -> dict[str, Any]:
        """A chart series: the mean curve (1 = full input, 0 = reference) with bootstrap bands over instances."""
        scale = float(np.mean(np.abs(res.full - res.empty))) or float("nan")
        point = res.mean_curve(curves)
        _, lo, hi = agr.bootstrap_means(curves, min(self.n_boot, 500), self.conf, self.rng)
        return {"name": name, "x": [float(f) for f in res.fractions], "y": [_num(v) for v in point],
                "low": [_num(v / scale) for v in lo], "high": [_num(v / scale) for v in hi]}

    # -- agreement (B1, B6) --------------------------------------------------------------------
    def agreement(self, retained: list[str]) -> dict[tuple[str, str], list[Status]]:
        """Per-pair agreement means with intervals; thresholded ones judged (disagreement is only a warning)."""
        pairs = [(a, b) for i, a in enumerate(retained) for b in retained[i + 1 :]]
        statuses: dict[tuple[str, str], list[Status]] = {}
        rows = []
        for a, b in pairs:
            per = agr.instance_agreement(self.attrs[a].values, self.attrs[b].values, self.k)
            stacked = np.stack([per[name] for name in agr.AGREEMENT_METRICS], axis=1)
            point, lo, hi = agr.bootstrap_means(stacked, self.n_boot, self.conf, self.rng)
            stats = {name: (point[i], lo[i], hi[i]) for i, name in enumerate(agr.AGREEMENT_METRICS)}
            self.pair_rows[(a, b)] = stats
            family = "within" if self.specs[a].family == self.specs[b].family else "across"
            statuses[(a, b)] = []
            for name in agr.AGREEMENT_METRICS:
                limit = self.params.min_agreement.get(name)
                if limit is None and name not in MEASURED:
                    continue
                p, low, high = stats[name]
                ms = _measure(name, p, (low, high), limit=limit, confidence=self.conf, group=f"{a} vs {b}",
                              n=int(np.isfinite(per[name]).sum()))
                if ms.status is Status.FAIL:  # low agreement is a warning, not a failure (methods.md B6.6)
                    ms = dataclasses.replace(ms, status=Status.INCONCLUSIVE)
                if ms.status is not None:
                    statuses[(a, b)].append(ms.status)
                self.measurements.append(ms)
            rows.append([f"{a} vs {b}", msg(f"families.{family}"),
                         *[_num(stats[n][0]) for n in agr.AGREEMENT_METRICS],
                         _num(stats["rank_correlation"][1]), _num(stats["rank_correlation"][2])])
        rc = UNITS["rank_correlation"]
        width = "features" if self.task == "tabular" else "words"
        title = msg(f"table.agreement.title.{width}", k=Q(self.k, Unit.COUNT))
        self.tables.append(Table(
            title,
            (_col("pair", ColumnRole.LABEL), _col("families"),
             *[Column(measure_name(n), ColumnRole.VALUE, UNITS[n]) for n in agr.AGREEMENT_METRICS],
             _col("rc_ci_low", ColumnRole.CI_LOW, rc), _col("rc_ci_high", ColumnRole.CI_HIGH, rc)),
            tuple(tuple(r) for r in rows)))
        for metric in ("rank_correlation", "feature_agreement_star"):
            self.charts.append(self._heatmap(retained, metric, title))
        return statuses

    def _heatmap(self, methods: list[str], metric: str, table: Msg) -> dict[str, Any]:
        """One agreement metric between every two methods; the diagonal is each method's self-agreement ceiling.
        ``table`` is the agreement table's title (it prints every pair's value and interval; the ceilings are in
        the ceiling table)."""
        unit = UNITS[metric]
        values, notes = [], []
        for a in methods:
            row: list[float | None] = []
            ann: list[Any] = []
            for b in methods:
                if a == b:
                    ceiling = self.ceilings.get(a, {}).get(metric)
                    row.append(_num(ceiling) if ceiling is not None else 1.0)
                    ann.append(msg("chart.heatmap.ceiling", value=Q(ceiling, unit)) if ceiling is not None else "—")
                    continue
                stats = self.pair_rows.get((a, b)) or self.pair_rows.get((b, a))
                p, lo, hi = stats[metric] if stats else (float("nan"),) * 3
                row.append(_num(p))
                ann.append(msg("chart.heatmap.cell", value=Q(p, unit), low=Q(lo, unit), high=Q(hi, unit)))
            values.append(row)
            notes.append(ann)
        return {"type": "heatmap", "title": msg(f"chart.heatmap.{metric}"), "table": table,
                "rows": [self.title(m) for m in methods],
                "columns": [self.title(m) for m in methods], "values": values, "annotations": notes,
                "value_label": measure_name(metric),
                "range": [-1.0, 1.0] if metric == "rank_correlation" else [0.0, 1.0]}

    def ceiling(self, retained: list[str], count: int) -> None:
        """Self-agreement of each stochastic method across seeds (B6.3): the ceiling for inter-method agreement."""
        stochastic = [m for m in retained if self.specs[m].stochastic]
        if not stochastic or self.params.seeds < 2:
            return
        rows = []
        for m in stochastic:
            runs = self_agreement_runs(self.job, self.attrs[m], count=count, seeds=self.params.seeds,
                                       seed=self.method_seed, explain=explain)
            self.ceilings[m] = agr.self_agreement(runs, self.k)
            rows.append([m, self.params.seeds, runs[0].shape[0],
                         *[_num(self.ceilings[m][n]) for n in agr.AGREEMENT_METRICS]])
        self.tables.append(Table(
            msg("table.ceiling.title"),
            (_col("method", ColumnRole.LABEL), _col("seeds", ColumnRole.VALUE, Unit.COUNT),
             _col("instances", ColumnRole.N, Unit.COUNT),
             *[Column(measure_name(n), ColumnRole.VALUE, UNITS[n]) for n in agr.AGREEMENT_METRICS]),
            tuple(tuple(r) for r in rows)))

    # -- protected attributes (A3, B6.5) --------------------------------------------------------
    def protected(self, retained: list[str]) -> None:
        """Attribution share and top-k presence of each protected attribute per method, Fleiss' κ across methods."""
        if not self.params.attributes:
            return
        if not isinstance(self.job, TabularJob):
            self.notes.append(msg("note.protected_text"))
            return
        rows = []
        for attr in self.params.attributes:
            feature = self._feature_of(attr)
            if feature is None:
                self.notes.append(msg("note.protected_not_input", attribute=attr))
                continue
            ratings = []
            for m in retained:
                values = self.attrs[m].values
                top_k = agr.in_top_k(values, feature, self.k)
                top3 = agr.in_top_k(values, feature, min(3, values.shape[1]))
                ratings.append(top_k)
                share, lo, hi = agr.bootstrap_means(agr.attribution_share(values, feature), self.n_boot, self.conf,
                                                    self.rng)
                self.measurements.append(_measure("protected_share", share, (lo, hi), limit=None,
                                                  confidence=self.conf, group=f"{attr}: {m}", n=self.job.n))
                wl, wh = wilson_interval(int(top_k.sum()), self.job.n, self.conf)
                flag = (share or 0) > 0.05 or top3.mean() > 0.10
                rows.append([attr, m, _num(share), _num(lo), _num(hi), _num(top_k.mean()), _num(wl), _num(wh),
                             _num(top3.mean()), _num(np.mean(values[:, feature])), bool(flag)])
                if flag:
                    self.flagged.append((attr, m))
                    self.notes.append(msg("note.protected_flag", attribute=attr, method=self.title(m)))
            if len(ratings) >= 2:
                r = np.stack(ratings, axis=1)
                kappa, lo, hi = agr.bootstrap_statistic(lambda idx, r=r: agr.fleiss_kappa(r[idx]), self.job.n,
                                                        min(self.n_boot, 1000), self.conf, self.rng)
                self.measurements.append(_measure("protected_in_top_k_fleiss_kappa", kappa, (lo, hi), limit=None,
                                                  confidence=self.conf, group=attr, n=self.job.n))
                if not math.isfinite(kappa):
                    self.notes.append(msg("note.kappa_undefined", attribute=attr, k=Q(self.k, Unit.COUNT)))
        if rows:
            share, rate, k = UNITS["protected_share"], Unit.RATE, Q(self.k, Unit.COUNT)
            self.tables.append(Table(
                msg("table.protected.title", k=k),
                (_col("attribute", ColumnRole.LABEL), _col("method", ColumnRole.LABEL),
                 _col("mean_share", ColumnRole.VALUE, share), _col("ci_low", ColumnRole.CI_LOW, share),
                 _col("ci_high", ColumnRole.CI_HIGH, share), _col("in_top_k", ColumnRole.VALUE, rate, k=k),
                 _col("ci_low", ColumnRole.CI_LOW, rate), _col("ci_high", ColumnRole.CI_HIGH, rate),
                 _col("in_top_3", ColumnRole.VALUE, rate), _col("mean_signed_phi", ColumnRole.VALUE, Unit.NUMBER),
                 _col("flag", ColumnRole.FLAG)),
                tuple(tuple(r) for r in rows)))

    def _feature_of(self, attr: str) -> int | None:
        grouping = self.job.grouping  # type: ignore[union-attr]
        if attr in grouping.names:
            return grouping.index_of(attr)
        column = next((a.column for a in self.ctx.policy.protected_attributes if a.name == attr), None)
        if column in self.ctx.data.feature_names:
            j = self.ctx.data.feature_names.index(column)
            return next(g for g, cols in enumerate(grouping.columns) if j in cols)
        return None

    # -- per-decision explanations in words (Art. 86) -------------------------------------------
    def explanations(self, retained: list[str]) -> None:
        """A few decisions explained in words by the most faithful retained method (best deletion gain)."""
        if self.params.explanations == 0 or not retained:
            return

        def gain(m: str) -> float:
            g = self.deletion_gain.get(m, float("nan"))
            return g if math.isfinite(g) else -math.inf

        best = max(retained, key=gain)
        pred = self.ctx.predictions()
        decisions = pred.decisions[self.job.rows]
        picks = list(range(min(self.params.explanations, self.job.n)))
        unfavourable = [i for i in range(self.job.n) if decisions[i] == 0]
        if picks and unfavourable and not any(decisions[i] == 0 for i in picks):
            picks[-1] = unfavourable[0]  # show at least one adverse decision
        others = {self.title(m): self.attrs[m] for m in retained if m != best}
        ids = self.ctx.data.ids
        rows = []
        for i in picks:
            row = int(self.job.rows[i])
            label = str(ids[row]) if ids is not None else f"row {row}"
            item = decision_explanation(i, label, "favourable" if decisions[i] else "unfavourable",
                                        float(pred.scores[row]), self.attrs[best], self.title(best), others,
                                        count=FACTORS)
            self.items.append(item)
            instance = str(ids[row]) if ids is not None else msg("explanation.row", row=Q(row, Unit.COUNT))
            rows.append((instance, msg(f"decision.{item['decision']}"), item["score"],
                         explanation_message(item, instance, self.title(best))))
        self.tables.append(Table(
            msg("table.explanations.title", method=self.title(best)),
            (_col("instance", ColumnRole.LABEL), _col("decision"),
             _col("score", ColumnRole.VALUE, Unit.PROBABILITY), _col("explanation")),
            tuple(rows)))

    # -- meaning -------------------------------------------------------------------------------
    def _meaning(self, rule: str, retained: list[str], failed: list[str], undecided: list[str],
                 low: list[tuple[str, str]], reported: Mapping[str, Measurement]) -> tuple[Msg, ...]:
        """What the verdict means for the people whose decisions are explained, in plain words (≤ two paragraphs).

        The first paragraph reads the rule that decided: how well the methods agree (the least agreeing pair's
        rank correlation, said on its −1 to 1 scale, with its interval), or which methods do not react to what
        the model learned. The second, where a protected attribute is a model input that the explanations give
        real weight, says how much (its mean share of the explanation), since that concerns the person directly.
        """
        level = Q(self.conf, Unit.SHARE)
        if rule in ("sanity_check_failed", "too_few_sane_methods"):
            sanity = [reported[r] for r in (ref("sanity_rank_correlation", x) for x in failed) if r in reported]
            m = max(sanity, key=lambda x: -math.inf if x.value is None else x.value, default=None)
            first = msg(f"meaning.{rule}", methods=[self.title(x) for x in failed],
                        value=Q(None if m is None else m.value, UNITS["sanity_rank_correlation"]),
                        limit=Q(self.params.max_sanity_correlation, UNITS["sanity_rank_correlation"]))
        else:
            (a, b), stats = min(self.pair_rows.items(),
                                key=lambda kv: np.nan_to_num(kv[1]["rank_correlation"][0], nan=9))
            rc, u = stats["rank_correlation"], UNITS["rank_correlation"]
            fields = {"methods": Q(len(retained), Unit.COUNT), "pair": msg("pair", a=self.title(a), b=self.title(b)),
                      "value": Q(rc[0], u), "low": Q(rc[1], u), "high": Q(rc[2], u), "level": level}
            if rule == "agreement_not_shown":
                first = msg("meaning.agreement_not_shown", **fields, count=Q(len(low), Unit.COUNT),
                            pairs=Q(len(self.pair_rows), Unit.COUNT))
            elif rule == "sanity_undecided":
                first = msg("meaning.sanity_undecided", **fields, undecided=[self.title(x) for x in undecided])
            else:
                first = msg("meaning.agreement_meets_minimum", **fields)
        for attr, m in self.flagged[:1]:
            share = reported.get(ref("protected_share", f"{attr}: {m}"))
            if share is not None and share.value is not None:
                su = UNITS["protected_share"]
                return first, msg("meaning.protected", attribute=attr, method=self.title(m),
                                  share=Q(share.value, su), low=Q(share.ci_low, su), high=Q(share.ci_high, su),
                                  level=level)
        return (first,)

    # -- verdict -------------------------------------------------------------------------------
    def _minimums(self) -> Any:
        """The policy's agreement minimums as clauses ("rank correlation ≥ 0.500")."""
        out = [msg("minimum", metric=measure_name(name), threshold=Q(limit.threshold, UNITS[name]))
               for name, limit in self.params.min_agreement.items()]
        return out or msg("minimum.none")

    def verdict(self, sanity: dict[str, Status | None], retained: list[str],
                pair_statuses: dict[tuple[str, str], list[Status]]) -> CheckResult:
        """FAIL on a required sanity failure; PASS when every pair meets every minimum; else INCONCLUSIVE."""
        p = self.params
        failed = [m for m, s in sanity.items() if s is Status.FAIL]
        undecided = [m for m, s in sanity.items() if s is Status.INCONCLUSIVE]
        low = [pair for pair, ss in pair_statuses.items() if Status.INCONCLUSIVE in ss]
        details = {"explanations": self.items}
        limit = Q(p.max_sanity_correlation, UNITS["sanity_rank_correlation"])
        reported = {ref(m.name, m.group): m for m in self.measurements}

        def sanity_refs(methods: Sequence[str]) -> list[str]:
            return [r for r in (ref("sanity_rank_correlation", m) for m in methods) if r in reported]

        def agreement_refs(pairs: Sequence[tuple[str, str]], status: Status | None = None) -> list[str]:
            return [r for a, b in pairs for r in (ref(n, f"{a} vs {b}") for n in agr.AGREEMENT_METRICS)
                    if r in reported and reported[r].status is not None
                    and (status is None or reported[r].status is status)]

        findings: list[Finding] = []
        if p.require_sanity and failed:
            status = Status.FAIL
            summary = msg("summary.sanity_failed", methods=[self.title(m) for m in failed])
            verdict = Verdict("sanity_check_failed", {"limit": limit}, tuple(
                r for r in sanity_refs(failed) if reported[r].status is Status.FAIL))
            findings = [Finding(msg("finding.sanity_failed", method=self.title(m), limit=limit)) for m in failed]
        elif len(retained) < 2:
            status = Status.INCONCLUSIVE
            summary = msg("summary.too_few_sane")
            verdict = Verdict("too_few_sane_methods", {"limit": limit}, tuple(sanity_refs(failed)))
            findings = [Finding(msg("finding.too_few_sane", methods=[self.title(m) for m in failed]))]
        else:
            worst = min(self.pair_rows.items(), key=lambda kv: (np.nan_to_num(kv[1]["rank_correlation"][0], nan=9)))
            (a, b), stats = worst
            rc = stats["rank_correlation"]
            rcu = UNITS["rank_correlation"]
            head = msg("summary.head", methods=Q(len(retained), Unit.COUNT), n=Q(self.job.n, Unit.COUNT),
                       value=Q(rc[0], rcu), low=Q(rc[1], rcu), high=Q(rc[2], rcu),
                       pair=msg("pair", a=self.title(a), b=self.title(b)))
            pairs = list(pair_statuses)
            if low:
                status = Status.INCONCLUSIVE
                named = [msg("pair", a=self.title(x), b=self.title(y)) for x, y in low]
                self.notes.append(msg("note.low_agreement", pairs=named))
                summary = msg("summary.low_agreement", head=head, low=Q(len(low), Unit.COUNT),
                              pairs=Q(len(pair_statuses), Unit.COUNT))
                verdict = Verdict("agreement_not_shown", {"minimums": self._minimums()},
                                  tuple(agreement_refs(low, Status.INCONCLUSIVE)))
                findings = [Finding(msg("finding.low_agreement", pair=pair)) for pair in named]
            elif p.require_sanity and undecided:
                status = Status.INCONCLUSIVE
                summary = msg("summary.sanity_undecided", head=head, methods=[self.title(m) for m in undecided])
                verdict = Verdict("sanity_undecided", {"minimums": self._minimums(), "limit": limit},
                                  tuple(sanity_refs(undecided) + agreement_refs(pairs)))
                findings = [Finding(msg("finding.sanity_undecided", method=self.title(m), limit=limit))
                            for m in undecided]
            else:
                status = Status.PASS
                summary = msg("summary.pass", head=head)
                sane = msg("sanity.required" if p.require_sanity else "sanity.not_required", limit=limit)
                verdict = Verdict("agreement_meets_minimum", {"minimums": self._minimums(), "sanity": sane},
                                  tuple((sanity_refs(retained) if p.require_sanity else []) + agreement_refs(pairs)))
        if status is not Status.PASS:
            findings += [Finding(msg("finding.protected_flag", attribute=attr, method=self.title(m)),
                                 cause=f"attribute:{attr}") for attr, m in self.flagged]
        evidence = Evidence(summary=(summary,), verdict=verdict, tables=tuple(self.tables), notes=tuple(self.notes),
                            findings=tuple(findings), charts=tuple(self.charts),
                            meaning=self._meaning(verdict.rule, retained, failed, undecided, low, reported))
        return CheckResult(status=status, evidence=evidence, measurements=tuple(self.measurements), details=details)
