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

from collections.abc import Callable, Sequence
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
)
from auditkit.counterfactual.sweep import MODES, grid_sweep, tabular_sweep
from auditkit.counterfactual.tabular import (
    AttributeInputs,
    attribute_inputs,
    check_grid,
    fit_proxy_maps,
    flip,
    propagate,
)
from auditkit.errors import CheckConfigError
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


def _values(labels: np.ndarray, declared: Sequence[str], attribute: str, notes: list[str]) -> tuple[str, ...]:
    present = set(labels.tolist())
    values = [v for v in declared if v in present] if declared else sorted(present)
    absent = [v for v in declared if v not in present]
    if absent:
        notes.append(f"Declared value(s) {', '.join(absent)} of {attribute} do not occur in the data and are not "
                     "compared (no code to flip to, no rows to flip from).")
    return tuple(values)


def _proxy_columns(settings: TabularSettings, names: list[str], own: set[int],
                   screen: Callable[[Sequence[str]], ProxyReport], out: SweepOutcome) -> list[int]:
    """Declared proxies (checked) or detected ones (flagged by the screen), never the attribute's own columns."""
    if settings.proxies is not None:
        unknown = [p for p in settings.proxies if p not in names]
        if unknown:
            raise CheckConfigError(f"proxies {', '.join(map(repr, unknown))} are not model inputs; "
                                   f"data.features: {', '.join(names)}")
        own_named = [p for p in settings.proxies if names.index(p) in own]
        if own_named:
            raise CheckConfigError(f"proxies {', '.join(map(repr, own_named))} encode {out.attribute} itself; "
                                   "list only other features (flip-only already changes these)")
        out.notes.append(f"Proxies declared in the policy: {', '.join(settings.proxies) or 'none'}.")
        return [names.index(p) for p in settings.proxies]
    report = screen([names[j] for j in sorted(own)])
    rows = [[f.feature, f.nmi, f.cramers_v, "yes" if f.flagged else "no", "; ".join(f.reasons)]
            for f in report.features]
    out.tables.append({"title": f"Proxy screening for {out.attribute} (flags: NMI ≥ 0.05 or Cramér's V ≥ 0.3)",
                       "columns": ["feature", "NMI", "Cramér's V", "flagged", "why"], "rows": rows})
    if report.encoding is not None:
        e = report.encoding
        out.notes.append(f"The other inputs jointly predict {out.attribute} with cross-validated AUC {e.auc:.3f} "
                         f"[{e.auc_ci[0]:.3f}, {e.auc_ci[1]:.3f}] ({_LEVELS[e.level]}; Credo score "
                         f"{e.credo_score:.3f}; gradient boosting, {e.folds}-fold, n={e.n}).")
    return [names.index(p) for p in report.flagged if names.index(p) not in own]


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
    maps = []
    if "propagated" in want:
        proxies = _proxy_columns(settings, names, set(inputs.columns), screen, out)
        out.proxies = [names[j] for j in proxies]
        sizes = np.bincount(group[group >= 0], minlength=k)
        small = [values[g] for g in range(k) if sizes[g] < settings.min_group_size]
        if small and proxies:
            out.unjudged.append(f"propagated pairs involving {', '.join(small)} (fewer than "
                                f"{settings.min_group_size} rows to estimate the proxy mapping)")
        if proxies:
            maps = fit_proxy_maps(X, group, k, proxies, names)
            out.notes.append("Propagated: " + "; ".join(
                f"{m.feature} by {m.method} ({m.kind}, clipped to {m.low:g}…{m.high:g})" for m in maps)
                + ". Assumes each proxy depends on the attribute only (x′ = f(a′) + ε̂), in one step.")
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
    sweep = tabular_sweep(adapter, X, group, k, inputs, maps, run)
    for mode_name in run:
        m = MODES.index(mode_name)
        results = []
        for a in range(k):
            for b in range(k):
                if a == b or (mode_name == "propagated" and maps and (a in skip_groups or b in skip_groups)):
                    continue
                example, s_cf = sweep.select(m, a, b)
                if example.size:
                    results.append(pair_result(mode_name, a, b, example, scores, decisions, s_cf,
                                               adapter.decide(s_cf), level=settings.level,
                                               resamples=settings.resamples, rng=rng,
                                               inv_threshold=settings.inv_threshold))
        out.results[mode_name] = results
    flips = {(r.source, r.target): r for r in out.results.get("flip_only", [])}
    if maps:
        out.parts = [proxy_part(flips.get((r.source, r.target)), r, level=settings.level,
                                resamples=settings.resamples, rng=rng) for r in out.results["propagated"]]
        out.tables.append(details.comparison_table(flips, out.parts, values, out.vacuous))
        clipped = {names[j]: 0 for j in (m.index for m in maps)}
        for counts in sweep.clipped.values():
            for name, c in counts.items():
                clipped[name] += c
        if any(clipped.values()):
            out.notes.append("Propagated values clipped to the observed range: "
                             + ", ".join(f"{n} {c}" for n, c in clipped.items() if c) + ".")
    _layout(out, X, names, inputs, maps, example_id, settings, rng)


def _layout(out: SweepOutcome, X: np.ndarray, names: list[str], inputs: AttributeInputs, maps: list,
            example_id: Callable[[int], str], settings: TabularSettings, rng: np.random.Generator) -> None:
    values = out.values

    def describe(r: PairResult, i: int) -> list:
        ex = int(r.example[i])
        row = X[ex][None, :]
        if r.mode == "flip_only":
            cf = flip(row, inputs, r.target)
        else:
            cf = propagate(row, inputs, maps, r.source, r.target, np.array([ex]))[0]
        changed = np.flatnonzero(row[0] != cf[0])
        return ["; ".join(f"{names[j]}: {row[0, j]:.6g} → {cf[0, j]:.4g}" for j in changed) or "no input changed"]

    for mode, results in out.results.items():
        label = details.MODE_LABELS[mode]
        out.tables.append(details.flip_table(results, values, f"Decision flips per value pair ({label})"))
        out.tables.append(details.change_table(results, values, f"Score changes per value pair ({label})",
                                               example_id))
        ctf = ctf_by_group(results, len(values), X.shape[0], level=settings.level, resamples=settings.resamples,
                           rng=rng)
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
