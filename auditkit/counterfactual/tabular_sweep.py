"""The tabular counterfactual sweep: flip-only, propagated and grid, from data to paired results and report material.

:func:`sweep_tabular` decides which generators are informative (flip-only is
vacuous when the attribute is not a model input; propagated needs proxies),
fits the proxy maps, scores every variant in bulk
(:func:`auditkit.counterfactual.sweep.tabular_sweep`), pairs the scores with the
original predictions, and lays out tables and charts. It returns a
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
from auditkit.metrics.categorical import CategoricalBlock, find_blocks
from auditkit.metrics.proxies import ProxyReport

#: Value-pair counterfactuals need a categorical attribute: at most this many values.
MAX_VALUES = 12
_LEVELS = {"strong": "strong encoding", "notable": "notable encoding", "none": "no notable encoding"}


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


def _values(labels: np.ndarray, declared: Sequence[str], attribute: str, notes: list[str]) -> tuple[str, ...]:
    present = set(labels.tolist())
    values = [v for v in declared if v in present] if declared else sorted(present)
    absent = [v for v in declared if v not in present]
    if absent:
        notes.append(f"Declared value(s) {', '.join(absent)} of {attribute} do not occur in the data and are not "
                     "compared (no code to flip to, no rows to flip from).")
    return tuple(values)


def _fmt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _screen_table(report: ProxyReport, attribute: str) -> dict:
    """Every candidate proxy with its test, its strength interval and the decision (accepted or why not)."""
    rows = [[f.feature, _fmt(f.nmi), _fmt(f.cramers_v), "yes" if f.flagged else "no", f.why or "; ".join(f.reasons),
             _fmt(f.p_value), _fmt(f.p_holm), _fmt(f.strength_ci[0]), _fmt(f.strength_ci[1]),
             ", ".join(f.columns) if len(f.columns) > 1 else f.kind]
            for f in report.features]
    return {"title": f"Proxy screening for {attribute}: a proxy needs a significant χ² test (Holm, α = "
                     f"{report.alpha:g}) and Cramér's V whose {report.level:.0%} lower bound reaches "
                     f"{report.min_strength:g}",
            "columns": ["candidate", "NMI", "Cramér's V", "proxy", "accepted / rejected because", "χ² p", "Holm p",
                        "V CI low", "V CI high", "kind / columns"], "rows": rows}


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
        out.notes.append(f"Proxies declared in the policy: {', '.join(settings.proxies) or 'none'}.")
        return singles, chosen
    report = screen([names[j] for j in sorted(own)])
    out.tables.append(_screen_table(report, out.attribute))
    if report.encoding is not None:
        e = report.encoding
        out.notes.append(f"The other inputs jointly predict {out.attribute} with cross-validated AUC {e.auc:.3f} "
                         f"[{e.auc_ci[0]:.3f}, {e.auc_ci[1]:.3f}] ({_LEVELS[e.level]}; Credo score "
                         f"{e.credo_score:.3f}; gradient boosting, {e.folds}-fold, n={e.n}). It describes the data; "
                         "only candidates accepted in the screening table are moved.")
    rejected = [f for f in report.features if not f.flagged and f.significant]
    if rejected:
        out.notes.append("Associated with " + out.attribute + " but too weak to be moved as proxies: "
                         + "; ".join(f"{f.feature} (V {f.cramers_v:.3f} [{f.strength_ci[0]:.3f}, "
                                     f"{f.strength_ci[1]:.3f}])" for f in rejected[:10])
                         + (f" and {len(rejected) - 10} more" if len(rejected) > 10 else "")
                         + "; declare a suspected proxy with 'proxies: [...]' to test it anyway.")
    for name in report.flagged:
        if name in names and names.index(name) in own:
            continue
        add(name)
    return singles, chosen


def sweep_tabular(
    *, adapter: ModelAdapter, X: np.ndarray, feature_names: Sequence[str], labels: np.ndarray,
    declared: Sequence[str], attribute: str, column: str, scores: np.ndarray, decisions: np.ndarray,
    example_id: Callable[[int], str], settings: TabularSettings, screen: Callable[[Sequence[str]], ProxyReport],
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
        out.skipped = "no generator changed any model input"
    return out


def _pairs(out: SweepOutcome, adapter: ModelAdapter, X: np.ndarray, names: list[str], group: np.ndarray,
           inputs: AttributeInputs, scores: np.ndarray, decisions: np.ndarray, example_id: Callable[[int], str],
           settings: TabularSettings, screen: Callable[[Sequence[str]], ProxyReport], rng: np.random.Generator) -> None:
    values, k, attribute = out.values, len(out.values), out.attribute
    want = {"both": MODES, "flip_only": ("flip_only",), "propagated": ("propagated",)}[settings.mode]
    run: list[str] = []
    if "flip_only" in want:
        if inputs.is_input:
            run.append("flip_only")
        else:
            out.vacuous = (f"{attribute} is not a model input, so flipping it changes no input: flip-only is vacuous "
                           "(reported, not counted as a pass) and only the propagated counterfactual informs")
            out.notes.append(f"Flip-only: {out.vacuous}.")
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
            out.unjudged.append(f"propagated pairs involving {', '.join(small)} (fewer than "
                                f"{settings.min_group_size} rows to estimate the proxy mapping)")
        if out.proxies:
            maps = fit_proxy_maps(X, group, k, proxies, names) + fit_category_maps(X, group, k, proxy_blocks)
            out.notes.append("Propagated: " + "; ".join(_how(m) for m in maps)
                             + ". Assumes each proxy depends on the attribute only (x′ = f(a′) + ε̂), in one step.")
            if needs_draws(maps) and settings.draws > 1:
                keys = rng.random((settings.draws, X.shape[0]))
                out.notes.append(f"Propagated: category redraws and quantile-map ties take random keys; "
                                 f"{settings.draws} seeded draws are averaged per pair (flip indicator and |Δ|), so "
                                 "no verdict hinges on one draw. Examples shown use draw 1.")
            run.append("propagated")
        elif inputs.is_input and "flip_only" not in run:
            run.append("propagated")  # no proxies: propagated is the flip itself
        elif inputs.is_input:
            out.notes.append("Propagated: no proxy was declared or detected, so it equals flip-only and is not "
                             "repeated.")
        else:
            out.skipped = (f"no counterfactual can change the model's inputs: {attribute} is not a model input and "
                           "no feature was declared or detected as its proxy; declare suspected proxies with "
                           "'proxies: [...]' to test them")
    if not run:
        if out.skipped is None and out.vacuous:
            out.skipped = f"{out.vacuous}; set mode: propagated (or both) to move its proxies"
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
        out.notes.append(
            f"Propagated intervals bootstrap the whole estimator: in each of {settings.refit} resamples the rows "
            "are resampled within each group, the proxy mapping (means, quantiles, category distributions) is "
            "refitted on the resample and the resampled rows' counterfactuals are regenerated and scored"
            + (f" (fewer resamples than statistics.bootstrap = {settings.resamples}, to bound the cost of "
               f"{settings.refit} × {int(np.count_nonzero(group >= 0))} × {k - 1} model rows)"
               if settings.refit < settings.resamples else "")
            + "; a flip rate's interval is never narrower than its exact binomial interval.")
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
            out.notes.append("Propagated values clipped to the observed range (over every draw): "
                             + ", ".join(f"{n} {c}" for n, c in clipped.items() if c) + ".")
    _layout(out, X, names, inputs, maps, example_id, settings, rng, keys)


def _how(m: ProxyMap | CategoryMap) -> str:
    """How one proxy is moved, in words."""
    if isinstance(m, CategoryMap):
        return (f"{m.feature} (categorical, {len(m.columns)} columns, {m.patterns.shape[0]} categories) by category "
                "redraw from the target group's distribution, all its columns at once")
    return f"{m.feature} by {m.method} ({m.kind}, clipped to {m.low:g}…{m.high:g})"


def _moved_table(sweep: SweepScores, maps: list, results: Sequence[PairResult], values: tuple[str, ...]) -> dict:
    """How far each proxy moved per value pair (averaged over rows and draws); a block: rows whose category changed."""
    rows = []
    mode = MODES.index("propagated")
    for r in results:
        moved = sweep.moved.get((mode, r.source, r.target), {})
        n = r.example.size * sweep.draws
        for m in maps:
            v = moved.get(m.feature, np.zeros(4))
            block = isinstance(m, CategoryMap)
            rows.append([details.pair_label(values, r.source, r.target), m.feature,
                         "category redraw" if block else m.method, None if block else _fmt(v[1] / n),
                         None if block else _fmt(v[2] / n), _fmt(v[3] / n), int(v[0])])
    return {"title": "Proxies moved by the propagated counterfactual (means over rows and draws)",
            "columns": ["value pair", "proxy", "how", "mean change", "mean |change|", "share of rows changed",
                        "values clipped"], "rows": rows}


def _layout(out: SweepOutcome, X: np.ndarray, names: list[str], inputs: AttributeInputs, maps: list,
            example_id: Callable[[int], str], settings: TabularSettings, rng: np.random.Generator,
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
        return ["; ".join(f"{names[j]}: {row[0, j]:.6g} → {cf[0, j]:.4g}" for j in changed) or "no input changed"]

    for mode, results in out.results.items():
        label = details.MODE_LABELS[mode]
        out.tables.append(details.flip_table(results, values, f"Decision flips per value pair ({label})"))
        out.tables.append(details.change_table(results, values, f"Score changes per value pair ({label})",
                                               example_id))
        ctf = ctf_by_group(results, len(values), X.shape[0], level=settings.level, resamples=settings.resamples,
                           rng=rng, boot=out.refit if mode == "propagated" else None)
        out.tables.append(details.ctf_table(ctf, values, f"CTF gap per source value ({label})"))
        charts, notes = details.matrices(results, values, mode)
        out.charts += charts
        out.notes += notes
        if settings.top_changes:
            picked = details.top_changes(results, settings.top_changes)
            out.tables.append({"title": f"The {len(picked)} largest score changes ({label}): inputs side by side",
                               "columns": ["generator", "value pair", "example", "P(fav) original",
                                           "P(fav) counterfactual", "Δ", "decision", "changed inputs"],
                               "rows": details.change_rows(picked, values, example_id, describe)})


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
    out.notes.append(f"Grid: {column} set to {points.size} values from {points[0]:g} to {points[-1]:g} "
                     f"(step {step:g}) for each of {X.shape[0]} examples ({points.size * X.shape[0]} model rows).")
