"""Report builder of the ``attribution_agreement`` check: measurements, tables, charts, notes, explanations.

Private to :mod:`auditkit.checks.attribution_agreement` (modules starting with
``_`` are not check kinds). Each step runs one part of the protocol (methods.md
B3, B6) through :mod:`auditkit.explain.evaluation`, turns its per-instance arrays
into bootstrap means with intervals (:mod:`auditkit.metrics`) and writes the
plain-JSON details the report renders: ``tables`` (title, columns, rows),
``charts`` (``heatmap`` and ``lines``), ``notes`` and ``explanations``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from auditkit.checks.base import CheckContext, CheckResult
from auditkit.checks.limits import Limit, measure
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


class AgreementSettings(Protocol):
    """The parameters of ``attribution_agreement`` this builder reads.

    A protocol rather than an import of :class:`~auditkit.checks.attribution_agreement.AttributionAgreementParams`:
    that module imports this one, and a type-only import back would close an import cycle.
    """

    @property
    def explained(self) -> str: ...
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


def _fmt(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


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
        self.tables: list[dict[str, Any]] = []
        self.charts: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.items: list[dict[str, Any]] = []
        self.deletion_gain: dict[str, float] = {}
        self.ceilings: dict[str, dict[str, float]] = {}
        self.pair_rows: dict[tuple[str, str], dict[str, tuple[float, float, float]]] = {}
        self.sanity_reasons: dict[str, str] = {}

    def title(self, method: str) -> str:
        """The method's display name."""
        return self.specs[method].title

    # -- cost ---------------------------------------------------------------------------------
    def cost_table(self, skipped: dict[str, str]) -> None:
        """What each method cost (model evaluations per instance, time) and which were skipped, with why."""
        rows = [[m, self.title(m), self.specs[m].family, _num(a.evaluations),
                 "forward+backward" if a.gradient else "forward", _num(a.seconds),
                 _num(1000 * a.seconds / max(self.job.n, 1)), "ran"] for m, a in self.attrs.items()]
        rows += [[m, self.title(m), self.specs[m].family, None, None, None, None, f"skipped: {why}"]
                 for m, why in skipped.items()]
        self.tables.append({"title": f"Attribution methods (explained: {self.params.explained} of the favourable "
                                     f"class; reference: {self.job.reference}; {self.job.n} instances)",
                            "columns": ["method", "name", "family", "model evaluations per instance", "pass",
                                        "seconds", "ms per instance", "status"], "rows": rows})

    # -- sanity (B3: cascading model-parameter randomisation) ----------------------------------
    def sanity(self, cfg: dict[str, Any]) -> dict[str, Status]:
        """Randomise the model layer by layer; judge each method's similarity after full randomisation."""
        count = int(cfg["sanity_examples"])
        limit = Limit(max=self.params.max_sanity_correlation)
        if count == 0:
            self.notes.append("The randomisation sanity check was not run (sanity_examples: 0).")
            return {}
        try:
            res = randomisation_correlations(self.job, self.attrs, count=count, cascade=cfg["cascade"],
                                             seed=self.seed, explain=explain, draws=int(cfg["randomisations"]),
                                             method_seed=self.method_seed)
        except TypeError as exc:
            self.notes.append(f"The randomisation sanity check cannot run: {exc}.")
            return {m: Status.INCONCLUSIVE for m in self.attrs} if self.params.require_sanity else {}
        statuses: dict[str, Status] = {}
        rows = []
        for m in self.attrs:
            final = res.rho[m][res.stages[-1]]
            point, lo, hi = agr.bootstrap_means(final, self.n_boot, self.conf, self.rng)
            statuses[m] = interval_verdict(_num(lo), _num(hi), limit.threshold, limit.comparator)
            self.measurements.append(measure("sanity_rank_correlation", point, (lo, hi), limit=limit,
                                             confidence=self.conf, group=m, n=int(np.isfinite(final).sum()),
                                             judged=self.params.require_sanity))
            verdict = {Status.PASS: "changes with the model", Status.FAIL: "model-insensitive (excluded)",
                       Status.INCONCLUSIVE: "undecided"}[statuses[m]]
            rows.append([m, *[_mean(res.rho[m][s]) for s in res.stages], _num(lo), _num(hi), verdict])
        self.tables.append({"title": f"Model-parameter randomisation: mean Spearman ρ of |φ| between the trained "
                                     f"and a randomised model ({res.instances} instances; limit ≤ {limit.threshold:g})",
                            "columns": ["method", *[f"top {s} of {res.blocks} layers random" for s in res.stages[:-1]],
                                        f"all {res.blocks} layers random (mean of {res.draws} models)",
                                        "CI low", "CI high", "verdict"], "rows": rows})
        self.charts.append(self._cascade_chart(res, limit))
        failed = [m for m, s in statuses.items() if s is Status.FAIL]
        if failed:
            self.notes.append("Model-insensitive (attributions barely change when the model's weights are "
                              "randomised), so excluded from the agreement statistics: "
                              + ", ".join(self.title(m) for m in failed) + ".")
        for m, why in res.unsupported.items():
            self.notes.append(f"{self.title(m)} could not be recomputed on the randomised model: {why}.")
        return statuses

    def _cascade_chart(self, res: Randomisation, limit: Limit) -> dict[str, Any]:
        """Mean ρ per method at each randomisation stage, one named x position per stage.

        ``x_ticks`` name the positions 0..n-1 of a line chart, so each series' x is the stage's position, not
        its number of randomised layers (stages are e.g. 1, 2, 3 of 3 layers: as x values the last one fell
        outside the three named positions, and the report could not draw the chart).
        """
        last = len(res.stages) - 1
        ticks = [f"{s} of {res.blocks}" + (f" (mean of {res.draws} models)" if i == last and res.draws > 1 else "")
                 for i, s in enumerate(res.stages)]
        return {"type": "lines", "title": "Cascading randomisation: similarity to the trained model",
                "x_label": "layers randomised (from the output down)", "y_label": "mean Spearman ρ of |φ|",
                "series": [{"name": self.title(m), "x": [float(i) for i in range(len(res.stages))],
                            "y": [_mean(res.rho[m][s]) for s in res.stages], "low": None, "high": None}
                           for m in self.attrs],
                "x_ticks": ticks, "reference_lines": [{"y": limit.threshold, "label": "sanity limit"}]}

    def completeness(self) -> None:
        """IG completeness: the largest relative δ, reported with the steps used (methods.md B3)."""
        a = self.attrs.get("integrated_gradients")
        if a is None or a.delta is None:
            return
        total = np.nansum(a.values, axis=1)
        _, rel = fth.completeness(total, total - a.delta, np.zeros_like(total))
        worst = float(np.nanmax(rel)) if np.isfinite(rel).any() else float("nan")
        self.measurements.append(measure("ig_completeness_max_relative_delta", worst, (worst, worst), limit=None,
                                         confidence=self.conf, group="integrated_gradients", n=self.job.n))
        steps = a.settings["max_steps_used"]  # every Integrated Gradients result records it
        if worst > 0.05:
            self.notes.append(f"Integrated Gradients misses completeness (|δ| ≤ 5 % of F(x) − F(x′)) on "
                              f"{int((rel > 0.05).sum())} of {self.job.n} instances even with {steps} steps "
                              f"(largest relative δ {worst:.3f}); their attributions are approximate.")
        else:
            self.notes.append(f"Integrated Gradients meets completeness on every instance (largest relative δ "
                              f"{_fmt(worst, 4)}; up to {steps} integration steps).")

    # -- faithfulness (B3: deletion / insertion vs random orders; ERASER for text) --------------
    def faithfulness(self, repeats: int, rng: np.random.Generator) -> None:
        """Deletion and insertion gains over random orders per method (and ERASER AOPC for text)."""
        job, text = self.job, isinstance(self.job, TextJob)
        points = TEXT_CURVE_POINTS if text else min(job.grouping.size, self.params.curve_points - 1) + 1
        decisions = self.ctx.predictions().decisions[job.rows] if text else None
        res = faithfulness_runs(job, self.attrs, points=points, repeats=repeats, rng=rng, decisions=decisions)
        auc_rd, auc_ri = res.auc(res.random_deletion), res.auc(res.random_insertion)
        series = {"Deletion": [self._series("random order", res, res.random_deletion)],
                  "Insertion": [self._series("random order", res, res.random_insertion)]}
        rows = []
        for m in self.attrs:
            auc_d, auc_i = res.auc(res.deletion[m]), res.auc(res.insertion[m])
            row: list[Any] = [m]
            for name, am, ar, better in (("deletion_gain", auc_d, auc_rd, False),
                                         ("insertion_gain", auc_i, auc_ri, True)):

                def stat(idx: np.ndarray, am: np.ndarray = am, ar: np.ndarray = ar, better: bool = better) -> float:
                    return fth.relative_gain(am[idx], ar[idx], higher_is_better=better)

                point, lo, hi = agr.bootstrap_statistic(stat, job.n, self.n_boot, self.conf, self.rng)
                self.measurements.append(measure(name, point, (lo, hi), limit=None, confidence=self.conf, group=m,
                                                 n=int(np.isfinite(am).sum())))
                row += [_mean(am), _mean(ar), _num(point), _num(lo), _num(hi)]
                if name == "deletion_gain":
                    self.deletion_gain[m] = point
                    if math.isfinite(hi) and hi < 0:
                        self.notes.append(f"{self.title(m)} loses to random orders in the deletion test: removing "
                                          "its top features first changes the score less than random removal.")
            for name, values in (("comprehensiveness_aopc", res.comprehensiveness.get(m)),
                                 ("sufficiency_aopc", res.sufficiency.get(m))):
                if values is not None:
                    point, lo, hi = agr.bootstrap_means(values, self.n_boot, self.conf, self.rng)
                    self.measurements.append(measure(name, point, (lo, hi), limit=None, confidence=self.conf,
                                                     group=m, n=job.n))
                    row.append(_num(point))
            rows.append(row)
            series["Deletion"].append(self._series(self.title(m), res, res.deletion[m]))
            series["Insertion"].append(self._series(self.title(m), res, res.insertion[m]))
        columns = ["method", "deletion AUC", "random AUC", "deletion gain", "CI low", "CI high", "insertion AUC",
                   "random AUC (ins.)", "insertion gain", "CI low (ins.)", "CI high (ins.)"]
        if text:
            columns += ["comprehensiveness AOPC", "sufficiency AOPC"]
            self.notes.append("ERASER comprehensiveness and sufficiency replace words by [PAD] (not deletion), at "
                              "rationale sizes of 1, 5, 10, 20 and 50 % of each text's words.")
        self.tables.append({"title": f"Faithfulness: deletion and insertion against {repeats} random orders "
                                     "(areas in units of the explained score, oriented from the full input to "
                                     "the reference; gain > 0 beats random, > 1 when removal overshoots the reference)",
                            "columns": columns, "rows": rows})
        unit = "words" if text else "features"
        for kind, lines in series.items():
            self.charts.append({"type": "lines", "title": f"{kind} curves (mean over instances)",
                                "x_label": f"fraction of {unit} {'removed' if kind == 'Deletion' else 'restored'}",
                                "y_label": "score (full input 1, reference 0)", "series": lines, "x_ticks": None,
                                "reference_lines": []})

    def _series(self, name: str, res: Faithfulness, curves: np.ndarray) -> dict[str, Any]:
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
                ms = measure(name, p, (low, high), limit=limit, confidence=self.conf, group=f"{a} vs {b}",
                             n=int(np.isfinite(per[name]).sum()))
                if ms.status is Status.FAIL:  # low agreement is a warning, not a failure (methods.md B6.6)
                    ms = dataclasses.replace(ms, status=Status.INCONCLUSIVE)
                if ms.status is not None:
                    statuses[(a, b)].append(ms.status)
                self.measurements.append(ms)
            rows.append([f"{a} vs {b}", family, *[_num(stats[n][0]) for n in agr.AGREEMENT_METRICS],
                         _num(stats["rank_correlation"][1]), _num(stats["rank_correlation"][2])])
        width = "features" if self.task == "tabular" else "words"
        self.tables.append({"title": f"Agreement per method pair (mean over instances, k = {self.k} {width}; "
                                     f"chance levels: FA k/d, RC 0, PRA 0.5)",
                            "columns": ["pair", "families", *agr.AGREEMENT_METRICS, "RC CI low", "RC CI high"],
                            "rows": rows})
        heatmaps = (("rank_correlation", "Rank correlation"),
                    ("feature_agreement_star", "Top-k feature agreement (chance-corrected)"))
        for metric, label in heatmaps:
            self.charts.append(self._heatmap(retained, metric, label))
        return statuses

    def _heatmap(self, methods: list[str], metric: str, label: str) -> dict[str, Any]:
        values, notes = [], []
        for a in methods:
            row, ann = [], []
            for b in methods:
                if a == b:
                    ceiling = self.ceilings.get(a, {}).get(metric)
                    row.append(_num(ceiling) if ceiling is not None else 1.0)
                    ann.append(f"ceiling {_fmt(ceiling)}" if ceiling is not None else "—")
                    continue
                stats = self.pair_rows.get((a, b)) or self.pair_rows.get((b, a))
                p, lo, hi = stats[metric] if stats else (float("nan"),) * 3
                row.append(_num(p))
                ann.append(f"{_fmt(p)} [{_fmt(lo)}, {_fmt(hi)}]")
            values.append(row)
            notes.append(ann)
        return {"type": "heatmap", "title": f"{label} between methods", "rows": [self.title(m) for m in methods],
                "columns": [self.title(m) for m in methods], "values": values, "annotations": notes,
                "value_label": metric, "range": [-1.0, 1.0] if metric == "rank_correlation" else [0.0, 1.0]}

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
        self.tables.append({"title": "Self-agreement ceiling of stochastic methods (same method, different seeds): "
                                     "read agreement between methods relative to it",
                            "columns": ["method", "seeds", "instances", *agr.AGREEMENT_METRICS], "rows": rows})

    # -- protected attributes (A3, B6.5) --------------------------------------------------------
    def protected(self, retained: list[str]) -> None:
        """Attribution share and top-k presence of each protected attribute per method, Fleiss' κ across methods."""
        if not self.params.attributes:
            return
        if not isinstance(self.job, TabularJob):
            self.notes.append("Protected attributes in the top k are not assessed for text models: it needs a "
                              "term lexicon per attribute (see the counterfactual checks).")
            return
        rows = []
        for attr in self.params.attributes:
            feature = self._feature_of(attr)
            if feature is None:
                self.notes.append(f"{attr} is not a model input, so its direct attribution is zero by construction; "
                                  "use the prohibited-feature and counterfactual checks for proxies.")
                continue
            ratings = []
            for m in retained:
                values = self.attrs[m].values
                top_k = agr.in_top_k(values, feature, self.k)
                top3 = agr.in_top_k(values, feature, min(3, values.shape[1]))
                ratings.append(top_k)
                share, lo, hi = agr.bootstrap_means(agr.attribution_share(values, feature), self.n_boot, self.conf,
                                                    self.rng)
                self.measurements.append(measure("protected_share", share, (lo, hi), limit=None,
                                                 confidence=self.conf, group=f"{attr}: {m}", n=self.job.n))
                wl, wh = wilson_interval(int(top_k.sum()), self.job.n, self.conf)
                flag = (share or 0) > 0.05 or top3.mean() > 0.10
                rows.append([attr, m, _num(share), _num(lo), _num(hi), _num(top_k.mean()), _num(wl), _num(wh),
                             _num(top3.mean()), _num(np.mean(values[:, feature])), "yes" if flag else "no"])
                if flag:
                    self.notes.append(f"{attr} carries more than 5 % of the attribution mass or is in the top 3 for "
                                      f"more than 10 % of instances by {self.title(m)}: escalate to the "
                                      "counterfactual test (methods.md A3, C).")
            if len(ratings) >= 2:
                r = np.stack(ratings, axis=1)
                kappa, lo, hi = agr.bootstrap_statistic(lambda idx, r=r: agr.fleiss_kappa(r[idx]), self.job.n,
                                                        min(self.n_boot, 1000), self.conf, self.rng)
                self.measurements.append(measure("protected_in_top_k_fleiss_kappa", kappa, (lo, hi), limit=None,
                                                 confidence=self.conf, group=attr, n=self.job.n))
                if not math.isfinite(kappa):
                    self.notes.append(f"Fleiss' κ for {attr} in the top {self.k} is undefined: every method gives "
                                      "the same answer on every instance.")
        if rows:
            self.tables.append({"title": f"Protected attributes: attribution share and presence in the top {self.k}",
                                "columns": ["attribute", "method", "mean share", "CI low", "CI high",
                                            f"in top {self.k}", "CI low", "CI high", "in top 3", "mean signed φ",
                                            "flag (A3)"], "rows": rows})

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
        for i in picks:
            row = int(self.job.rows[i])
            label = str(ids[row]) if ids is not None else f"row {row}"
            self.items.append(decision_explanation(i, label, "favourable" if decisions[i] else "unfavourable",
                                                   float(pred.scores[row]), self.attrs[best], self.title(best), others))
        self.tables.append({"title": f"Per-decision explanations in words (EU AI Act Art. 86), by {self.title(best)} "
                                     "(the most faithful method in the deletion test)",
                            "columns": ["instance", "decision", "score", "explanation"],
                            "rows": [[e["id"], e["decision"], e["score"], e["text"]] for e in self.items]})

    # -- verdict -------------------------------------------------------------------------------
    def verdict(self, sanity: dict[str, Status | None], retained: list[str],
                pair_statuses: dict[tuple[str, str], list[Status]]) -> CheckResult:
        """FAIL on a required sanity failure; PASS when every pair meets every minimum; else INCONCLUSIVE."""
        p = self.params
        failed = [m for m, s in sanity.items() if s is Status.FAIL]
        undecided = [m for m, s in sanity.items() if s is Status.INCONCLUSIVE]
        low = [pair for pair, ss in pair_statuses.items() if Status.INCONCLUSIVE in ss]
        details = {"tables": self.tables, "notes": self.notes, "charts": self.charts, "explanations": self.items}
        titles = ", ".join
        if p.require_sanity and failed:
            status = Status.FAIL
            summary = (f"{titles(self.title(m) for m in failed)} failed the randomisation sanity check (its "
                       "attributions survive randomising the model's weights), and the policy requires every method "
                       "to pass it.")
        elif len(retained) < 2:
            status = Status.INCONCLUSIVE
            summary = "Fewer than two methods passed the sanity check, so agreement could not be assessed."
        else:
            worst = min(self.pair_rows.items(), key=lambda kv: (np.nan_to_num(kv[1]["rank_correlation"][0], nan=9)))
            (a, b), stats = worst
            rc = stats["rank_correlation"]
            head = (f"{len(retained)} methods compared on {self.job.n} instances; the lowest rank correlation is "
                    f"{_fmt(rc[0])} [{_fmt(rc[1])}, {_fmt(rc[2])}] ({self.title(a)} vs {self.title(b)})")
            if low:
                status = Status.INCONCLUSIVE
                self.notes.append("Warning (methods.md B6.6): agreement below the policy minimum, or not shown to "
                                  "reach it, for " + "; ".join(f"{self.title(x)} vs {self.title(y)}"
                                                               for x, y in low) + ". Explanations shown to "
                                  "overseers depend on the method chosen; treat each as one view, not the reason.")
                summary = head + "; agreement is not shown to meet the policy minimum for " \
                    f"{len(low)} of {len(pair_statuses)} pairs (warning)."
            elif p.require_sanity and undecided:
                status = Status.INCONCLUSIVE
                summary = head + "; the sanity check could not decide for " \
                    f"{titles(self.title(m) for m in undecided)}, so agreement alone cannot pass the check."
            else:
                status = Status.PASS
                summary = head + "; every pair meets the agreement minimum on its whole interval."
        return CheckResult(status=status, summary=summary, measurements=tuple(self.measurements), details=details)
