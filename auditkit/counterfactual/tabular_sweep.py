"""The tabular counterfactual sweep: flip-only, propagated and grid, from data to paired results and report material.

:func:`sweep_tabular` decides which generators are informative (flip-only is
vacuous when the attribute is not a model input; propagated needs proxies),
fits the proxy maps, scores every variant in bulk
(:func:`auditkit.counterfactual.sweep.tabular_sweep`), pairs the scores with the
original predictions, and lays out tables and charts (typed evidence: messages of
the ``counterfactual_sweep`` catalogue, never prose). It returns a
:class:`SweepOutcome`; judging the results against the policy's tolerances is
the check's job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from auditkit.adapters.base import ModelAdapter
from auditkit.counterfactual import details
from auditkit.counterfactual.analysis import (
    PairResult,
    SweepOutcome,
    ctf_by_group,
    grid_summary,
    pair_result,
    proxy_part,
    quantile_groups,
    with_refit,
)
from auditkit.counterfactual.details import col, msg, semicolons
from auditkit.counterfactual.refit import MappingSpec, refit_bootstrap
from auditkit.counterfactual.sweep import MODES, SweepScores, grid_sweep, tabular_sweep
from auditkit.counterfactual.tabular import (
    AttributeInputs,
    CategoryMap,
    ProxyMap,
    attribute_inputs,
    check_grid,
    fit_category_maps,
    fit_proxy_maps,
    flip,
    needs_draws,
    propagate,
)
from auditkit.errors import CheckConfigError
from auditkit.evidence import ColumnRole, Msg, Q, Table, Unit
from auditkit.metrics.categorical import CategoricalBlock, find_blocks
from auditkit.metrics.proxies import FeatureAssociation, ProxyReport

#: Value-pair counterfactuals need a categorical attribute: at most this many values.
MAX_VALUES = 12
#: Kinds of candidates and proxies with a message (``counterfactual_sweep.kind.<slug>``); others are shown verbatim.
_KINDS = {"numeric": "numeric", "discrete": "discrete", "bounded": "bounded", "integer": "integer",
          "continuous": "continuous", "categorical": "categorical", "declared group": "declared_group",
          "one-hot block": "one_hot_block"}
_METHODS = {"mean shift": "mean_shift", "quantile map": "quantile_map", "category redraw": "category_redraw"}


def kind_msg(kind: str) -> Msg | str:
    """A candidate's or proxy's kind in the report's language (unknown kinds verbatim)."""
    return msg(f"kind.{_KINDS[kind]}") if kind in _KINDS else kind


def method_msg(method: str) -> Msg | str:
    """How a proxy is moved, in the report's language (unknown methods verbatim)."""
    return msg(f"method.{_METHODS[method]}") if method in _METHODS else method


@dataclass(frozen=True)
class TabularSettings:
    """The check parameters and run statistics the tabular sweep needs."""

    mode: str
    proxies: Sequence[str] | None
    grid: tuple[float, float, float] | None
    top_changes: int
    inv_threshold: float
    min_group_size: int
    resamples: int
    level: float
    draws: int = 5
    refit_resamples: int = 200
    feature_groups: Mapping[str, Sequence[str]] | None = None

    @property
    def refit(self) -> int:
        """Resamples of the refit bootstrap: ``refit_resamples``, never more than the run's ``bootstrap``."""
        return min(self.refit_resamples, self.resamples)


def _values(labels: np.ndarray, declared: Sequence[str], attribute: str, notes: list[Msg]) -> tuple[str, ...]:
    present = set(labels.tolist())
    values = [v for v in declared if v in present] if declared else sorted(present)
    absent = [v for v in declared if v not in present]
    if absent:
        notes.append(msg("note.absent_values", values=absent, attribute=attribute))
    return tuple(values)


def _fmt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _datum(x: float) -> int | float:
    """A value of a model input (a grid point, a clipping bound) as a message parameter: whole numbers as
    integers (``20``, not ``20.0000``), others as they are."""
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _screen_reason(f: FeatureAssociation, report: ProxyReport) -> Msg:
    """Why a candidate was accepted or rejected (the decision of :func:`~auditkit.metrics.proxies.detect_proxies`,
    stated from its fields)."""
    interval = (msg("screen.interval", v=Q(f.cramers_v, Unit.SCORE), low=Q(f.strength_ci[0], Unit.SCORE),
                    high=Q(f.strength_ci[1], Unit.SCORE)) if np.isfinite(f.cramers_v)
                else msg("screen.interval_undefined"))
    alpha, strength = Q(report.alpha, Unit.PVALUE), Q(report.min_strength, Unit.SCORE)
    if f.flagged:
        return msg("screen.proxy", p=Q(f.p_holm, Unit.PVALUE), alpha=alpha, interval=interval,
                   min_strength=strength)
    if not np.isfinite(f.p_value):
        return msg("screen.single_level")
    if not f.significant:
        return msg("screen.not_significant", p=Q(f.p_holm, Unit.PVALUE), alpha=alpha)
    return msg("screen.too_weak", interval=interval, min_strength=strength)


def _screen_table(report: ProxyReport, attribute: str) -> Table:
    """Every candidate proxy with its test, its strength interval and the decision (accepted or why not)."""
    rows = tuple((f.feature, _fmt(f.nmi), _fmt(f.cramers_v), bool(f.flagged), _screen_reason(f, report),
                  _fmt(f.p_value), _fmt(f.p_holm), _fmt(f.strength_ci[0]), _fmt(f.strength_ci[1]),
                  ", ".join(f.columns) if len(f.columns) > 1 else kind_msg(f.kind))
                 for f in report.features)
    title = msg("table.screen", attribute=attribute, alpha=Q(report.alpha, Unit.PVALUE),
                level=Q(report.level, Unit.SHARE), min_strength=Q(report.min_strength, Unit.SCORE))
    return Table(title, (
        col("candidate", ColumnRole.LABEL), col("nmi", ColumnRole.VALUE, Unit.SCORE),
        col("cramers_v", ColumnRole.VALUE, Unit.SCORE), col("proxy", ColumnRole.FLAG), col("screen_decision"),
        col("chi2_p", ColumnRole.VALUE, Unit.PVALUE), col("holm_p", ColumnRole.VALUE, Unit.PVALUE),
        col("v_ci_low", ColumnRole.CI_LOW, Unit.SCORE), col("v_ci_high", ColumnRole.CI_HIGH, Unit.SCORE),
        col("kind_columns"),
    ), rows)


def _proxy_columns(settings: TabularSettings, names: list[str], own: set[int], blocks: list[CategoricalBlock],
                   screen: Callable[[Sequence[str]], ProxyReport], out: SweepOutcome
                   ) -> tuple[list[int], list[CategoricalBlock]]:
    """Declared proxies (checked) or detected ones (accepted by the screen): single columns and blocks.

    A proxy that is a block's name, or one of a block's columns, moves the
    whole block; the attribute's own columns are never proxies.
    """
    by_name = {b.name: b for b in blocks}
    of_column = {j: b for b in blocks for j in b.columns}
    singles: list[int] = []
    chosen: list[CategoricalBlock] = []

    def add(name: str) -> None:
        block = by_name.get(name) or (of_column.get(names.index(name)) if name in names else None)
        if block is not None:
            if block not in chosen:
                chosen.append(block)
        elif names.index(name) not in singles:
            singles.append(names.index(name))

    if settings.proxies is not None:
        unknown = [p for p in settings.proxies if p not in names and p not in by_name]
        if unknown:
            raise CheckConfigError(f"proxies {', '.join(map(repr, unknown))} are neither model inputs nor "
                                   f"categorical blocks; data.features: {', '.join(names)}"
                                   + (f"; blocks: {', '.join(by_name)}" if by_name else ""))
        own_named = [p for p in settings.proxies if p in names and names.index(p) in own]
        if own_named:
            raise CheckConfigError(f"proxies {', '.join(map(repr, own_named))} encode {out.attribute} itself; "
                                   "list only other features (flip-only already changes these)")
        for p in settings.proxies:
            add(p)
        out.notes.append(msg("note.proxies_declared", proxies=list(settings.proxies) or msg("none")))
        return singles, chosen
    report = screen([names[j] for j in sorted(own)])
    out.tables.append(_screen_table(report, out.attribute))
    if report.encoding is not None:
        e = report.encoding
        out.notes.append(msg("note.encoding", attribute=out.attribute, auc=Q(e.auc, Unit.SCORE),
                             low=Q(e.auc_ci[0], Unit.SCORE), high=Q(e.auc_ci[1], Unit.SCORE),
                             level=msg(f"encoding.{e.level}"), credo=Q(e.credo_score, Unit.SCORE),
                             folds=Q(e.folds, Unit.COUNT), n=Q(e.n, Unit.COUNT)))
    rejected = [f for f in report.features if not f.flagged and f.significant]
    if rejected:
        weak = semicolons([msg("weak_candidate", feature=f.feature, v=Q(f.cramers_v, Unit.SCORE),
                               low=Q(f.strength_ci[0], Unit.SCORE), high=Q(f.strength_ci[1], Unit.SCORE))
                           for f in rejected[:10]])
        if len(rejected) > 10:
            out.notes.append(msg("note.weak_associations_more", attribute=out.attribute, candidates=weak,
                                 more=Q(len(rejected) - 10, Unit.COUNT)))
        else:
            out.notes.append(msg("note.weak_associations", attribute=out.attribute, candidates=weak))
    for name in report.flagged:
        if name in names and names.index(name) in own:
            continue
        add(name)
    return singles, chosen


def sweep_tabular(
    *, adapter: ModelAdapter, X: np.ndarray, feature_names: Sequence[str], labels: np.ndarray,
    declared: Sequence[str], attribute: str, column: str, scores: np.ndarray, decisions: np.ndarray,
    example_id: Callable[[int], str | Msg], settings: TabularSettings, screen: Callable[[Sequence[str]], ProxyReport],
    rng: np.random.Generator,
) -> SweepOutcome:
    """Run the tabular sweep for one attribute (see the module docstring)."""
    names = list(feature_names)
    labels = np.asarray(labels).astype(str)
    out = SweepOutcome(attribute=attribute, values=())
    values = _values(labels, declared, attribute, out.notes)
    out.values = values
    pairs_possible = 2 <= len(values) <= MAX_VALUES
    if not pairs_possible and settings.grid is None:
        what = "only one value" if len(values) < 2 else f"{len(values)} distinct values"
        raise CheckConfigError(f"attribute {attribute!r} has {what} in the data; value-pair counterfactuals need "
                               f"2 to {MAX_VALUES} values: declare its values, or sweep it with 'grid'")
    inputs = attribute_inputs(X, names, column, labels, values) if pairs_possible else None
    group = np.array([values.index(v) if v in values else -1 for v in labels], dtype=np.int64)
    if pairs_possible and inputs is not None:
        _pairs(out, adapter, X, names, group, inputs, scores, decisions, example_id, settings, screen, rng)
    if settings.grid is not None:
        _grid(out, adapter, X, names, column, labels, values, scores, decisions, settings, rng)
    if not out.results and out.grid is None and out.skipped is None:
        out.skipped = msg("skip.no_input_changed")
    return out


def _pairs(out: SweepOutcome, adapter: ModelAdapter, X: np.ndarray, names: list[str], group: np.ndarray,
           inputs: AttributeInputs, scores: np.ndarray, decisions: np.ndarray,
           example_id: Callable[[int], str | Msg],
           settings: TabularSettings, screen: Callable[[Sequence[str]], ProxyReport], rng: np.random.Generator) -> None:
    values, k, attribute = out.values, len(out.values), out.attribute
    want = {"both": MODES, "flip_only": ("flip_only",), "propagated": ("propagated",)}[settings.mode]
    run: list[str] = []
    if "flip_only" in want:
        if inputs.is_input:
            run.append("flip_only")
        else:
            out.vacuous = msg("vacuous", attribute=attribute)
            out.notes.append(msg("note.flip_only_vacuous", reason=out.vacuous))
    maps: list = []
    keys = None
    if "propagated" in want:
        own_names = [names[j] for j in inputs.columns]
        blocks = find_blocks(X, names, settings.feature_groups, own_names)
        proxies, proxy_blocks = _proxy_columns(settings, names, set(inputs.columns), blocks, screen, out)
        out.proxies = [names[j] for j in proxies] + [b.name for b in proxy_blocks]
        sizes = np.bincount(group[group >= 0], minlength=k)
        small = [values[g] for g in range(k) if sizes[g] < settings.min_group_size]
        if small and out.proxies:
            out.unjudged.append(msg("unjudged.small_groups", values=small,
                                    min_rows=Q(settings.min_group_size, Unit.COUNT)))
        if out.proxies:
            maps = fit_proxy_maps(X, group, k, proxies, names) + fit_category_maps(X, group, k, proxy_blocks)
            out.notes.append(msg("note.propagated_how", maps=semicolons([_how(m) for m in maps])))
            if needs_draws(maps) and settings.draws > 1:
                keys = rng.random((settings.draws, X.shape[0]))
                out.notes.append(msg("note.draws", draws=Q(settings.draws, Unit.COUNT)))
            run.append("propagated")
        elif inputs.is_input and "flip_only" not in run:
            run.append("propagated")  # no proxies: propagated is the flip itself
        elif inputs.is_input:
            out.notes.append(msg("note.no_proxy"))
        else:
            out.skipped = msg("skip.no_counterfactual", attribute=attribute)
    if not run:
        if out.skipped is None and out.vacuous:
            out.skipped = msg("skip.vacuous_only", vacuous=out.vacuous)
        return
    skip_groups = {g for g in range(k) if np.count_nonzero(group == g) < settings.min_group_size} if maps else set()
    sweep = tabular_sweep(adapter, X, group, k, inputs, maps, run, keys=keys)
    for mode_name in run:
        m = MODES.index(mode_name)
        draws = sweep.draws if mode_name == "propagated" else 1
        results = []
        for a in range(k):
            for b in range(k):
                if a == b or (mode_name == "propagated" and maps and (a in skip_groups or b in skip_groups)):
                    continue
                example, s_cf = sweep.select(m, a, b)
                if not example.size:
                    continue
                if draws > 1:
                    parts = [sweep.select(m, a, b, d) for d in range(draws)]
                    assert all(np.array_equal(p[0], example) for p in parts)
                    s_cf = np.stack([p[1] for p in parts])
                y_cf = np.asarray(adapter.decide(s_cf.ravel())).reshape(s_cf.shape)
                results.append(pair_result(mode_name, a, b, example, scores, decisions, s_cf, y_cf,
                                           level=settings.level, resamples=settings.resamples, rng=rng,
                                           inv_threshold=settings.inv_threshold))
        out.results[mode_name] = results
    flips = {(r.source, r.target): r for r in out.results.get("flip_only", [])}
    if maps:
        prop = out.results["propagated"]
        fo = {}
        for r in prop:
            f, ad = np.zeros(X.shape[0]), np.zeros(X.shape[0])
            if (r.source, r.target) in flips:
                fr = flips[(r.source, r.target)]
                f[fr.example], ad[fr.example] = fr.flip_shares, fr.abs_changes
            fo[(r.source, r.target)] = (f, ad)
        out.refit = refit_bootstrap(adapter, X, group, k, inputs, MappingSpec.of(maps, names),
                                    [(r.source, r.target) for r in prop], scores, decisions, fo,
                                    resamples=settings.refit, rng=rng, inv_threshold=settings.inv_threshold)
        out.results["propagated"] = [with_refit(r, out.refit, settings.level) for r in prop]
        if settings.refit < settings.resamples:
            out.notes.append(msg("note.refit_capped", resamples=Q(settings.refit, Unit.COUNT),
                                 bootstrap=Q(settings.resamples, Unit.COUNT),
                                 rows=Q(int(np.count_nonzero(group >= 0)), Unit.COUNT), targets=Q(k - 1, Unit.COUNT)))
        else:
            out.notes.append(msg("note.refit", resamples=Q(settings.refit, Unit.COUNT)))
        out.parts = [proxy_part(flips.get((r.source, r.target)), r, level=settings.level,
                                resamples=settings.resamples, rng=rng, boot=out.refit)
                     for r in out.results["propagated"]]
        out.tables.append(details.comparison_table(flips, out.parts, values, out.vacuous))
        out.tables.append(_moved_table(sweep, maps, out.results["propagated"], values))
        clipped = {m.feature: 0 for m in maps}
        for counts in sweep.clipped.values():
            for name, c in counts.items():
                clipped[name] += c
        if any(clipped.values()):
            out.notes.append(msg("note.clipped", counts=[msg("clipped_count", feature=n, n=Q(c, Unit.COUNT))
                                                         for n, c in clipped.items() if c]))
    _layout(out, X, names, inputs, maps, example_id, settings, rng, keys)


def _how(m: ProxyMap | CategoryMap) -> Msg:
    """How one proxy is moved, as a message."""
    if isinstance(m, CategoryMap):
        return msg("how.category", feature=m.feature, columns=Q(len(m.columns), Unit.COUNT),
                   categories=Q(m.patterns.shape[0], Unit.COUNT))
    return msg("how.numeric", feature=m.feature, method=method_msg(m.method), kind=kind_msg(m.kind),
               low=_datum(m.low), high=_datum(m.high))


def _moved_table(sweep: SweepScores, maps: list, results: Sequence[PairResult], values: tuple[str, ...]) -> Table:
    """How far each proxy moved per value pair (averaged over rows and draws); a block: rows whose category changed."""
    rows = []
    mode = MODES.index("propagated")
    for r in results:
        moved = sweep.moved.get((mode, r.source, r.target), {})
        n = r.example.size * sweep.draws
        for m in maps:
            v = moved.get(m.feature, np.zeros(4))
            block = isinstance(m, CategoryMap)
            rows.append((details.pair_label(values, r.source, r.target), m.feature,
                         method_msg("category redraw" if block else m.method), None if block else _fmt(v[1] / n),
                         None if block else _fmt(v[2] / n), _fmt(v[3] / n), int(v[0])))
    return Table(msg("table.moved"), (
        col("value_pair", ColumnRole.GROUP), col("proxy_name", ColumnRole.LABEL), col("how"),
        col("moved_mean_change", ColumnRole.VALUE, Unit.NUMBER),
        col("moved_mean_abs_change", ColumnRole.VALUE, Unit.NUMBER),
        col("share_rows_changed", ColumnRole.VALUE, Unit.SHARE), col("values_clipped", ColumnRole.VALUE, Unit.COUNT),
    ), tuple(rows))


def _layout(out: SweepOutcome, X: np.ndarray, names: list[str], inputs: AttributeInputs, maps: list,
            example_id: Callable[[int], str | Msg], settings: TabularSettings, rng: np.random.Generator,
            keys: np.ndarray | None = None) -> None:
    values = out.values

    def describe(r: PairResult, i: int) -> list:
        ex = int(r.example[i])
        row = X[ex][None, :]
        if r.mode == "flip_only":
            cf = flip(row, inputs, r.target)
        else:
            cf = propagate(row, inputs, maps, r.source, r.target, np.array([ex]),
                           None if keys is None else keys[0, [ex]])[0]
        changed = np.flatnonzero(row[0] != cf[0])
        # the inputs' values are data: shown as they are, each changed input as "name: old → new"
        return ["; ".join(f"{names[j]}: {row[0, j]:.6g} → {cf[0, j]:.4g}" for j in changed)
                or msg("cell.no_input_changed")]

    for mode, results in out.results.items():
        label = details.mode_msg(mode)
        titles = msg("table.flips", mode=label), msg("table.changes", mode=label)
        out.tables.append(details.flip_table(results, values, titles[0]))
        out.tables.append(details.change_table(results, values, titles[1], example_id))
        ctf = ctf_by_group(results, len(values), X.shape[0], level=settings.level, resamples=settings.resamples,
                           rng=rng, boot=out.refit if mode == "propagated" else None)
        out.tables.append(details.ctf_table(ctf, values, msg("table.ctf", mode=label)))
        charts, notes = details.matrices(results, values, mode, titles)
        out.charts += charts
        out.notes += notes
        if settings.top_changes:
            picked = details.top_changes(results, settings.top_changes)
            out.tables.append(Table(msg("table.top_inputs", n=Q(len(picked), Unit.COUNT), mode=label),
                                    details.change_columns(col("changed_inputs")),
                                    tuple(details.change_rows(picked, values, example_id, describe))))


def _grid(out: SweepOutcome, adapter: ModelAdapter, X: np.ndarray, names: list[str], column: str,
          labels: np.ndarray, values: tuple[str, ...], scores: np.ndarray, decisions: np.ndarray,
          settings: TabularSettings, rng: np.random.Generator) -> None:
    from auditkit.counterfactual.tabular import grid_points

    if column not in names:
        raise CheckConfigError(f"a grid sweep sets the attribute's model input, but column {column!r} is not in "
                               "data.features; remove 'grid' or make the column a model input")
    j = names.index(column)
    start, stop, step = settings.grid  # type: ignore[misc]
    points = grid_points(start, stop, step)
    check_grid(points, X[:, j], column)
    if 2 <= len(values) <= MAX_VALUES:
        group = np.array([values.index(v) for v in labels], dtype=np.int64)
        group_labels = [f"{out.attribute}={v}" for v in values]
    else:
        group, group_labels = quantile_groups(X[:, j], column)
    grid_scores = grid_sweep(adapter, X, j, points)
    grid_decisions = adapter.decide(grid_scores.ravel()).reshape(grid_scores.shape)
    out.grid = grid_summary(points, grid_scores, grid_decisions, scores, decisions, group, group_labels,
                            level=settings.level, resamples=settings.resamples, rng=rng)
    out.tables.append(details.grid_table(out.grid, settings.level))
    out.charts.append(details.grid_chart(out.grid, column, adapter.decision_threshold))
    out.notes.append(msg("note.grid", column=column, points=Q(points.size, Unit.COUNT),
                         start=_datum(points[0]), stop=_datum(points[-1]), step=_datum(step),
                         examples=Q(X.shape[0], Unit.COUNT), rows=Q(points.size * X.shape[0], Unit.COUNT)))
