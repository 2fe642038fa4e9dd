"""The run's attribution sample and seed, shared by every check that explains the model.

The agreement check explains a sample with several methods; the prohibited-feature
check reads the Integrated Gradients attribution mass of the same sample. Both
build their job with :func:`attribution_job` and ask the run's artefact cache
(:func:`auditkit.explain.cached_explain` on ``ctx.artefacts``) with
:func:`attribution_seed`, so equal requests are one computation. Checks import
these helpers from here, never from one another.

Attributions speak per original feature: :func:`run_grouping` makes each
categorical variable one interpretable feature (the policy's
``data.feature_groups``, then one-hot blocks detected in the data, see
:mod:`auditkit.metrics.categorical`), so a 57-column one-hot model is explained
over its 20 variables, as proxy screening and counterfactuals already see it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from auditkit.checks.base import CheckContext
from auditkit.errors import CheckConfigError
from auditkit.explain import FeatureGrouping, tabular_job, text_job
from auditkit.explain.jobs import TabularJob, TextJob
from auditkit.metrics.categorical import find_blocks
from auditkit.metrics.stats import derive_seed


def attribution_seed(ctx: CheckContext) -> int:
    """The seed of stochastic attribution methods for a run: derived from the run seed only, so every check
    that explains the same sample with the same method gets (and shares through the cache) the same result."""
    return derive_seed(ctx.statistics.seed, "attributions")


def run_grouping(ctx: CheckContext, overrides: Mapping[str, Sequence[str]] | None = None, *,
                 detect_one_hot: bool = True) -> FeatureGrouping:
    """The interpretable features of the run's tabular inputs: one per categorical variable, else one per column.

    The policy's declared groups (prefix rules resolved) with the model's categorical inputs
    (:attr:`CheckContext.categorical_groups`) and, with ``detect_one_hot``, the one-hot blocks found
    in the audit data; a check's own ``overrides`` replace every default group sharing a column with them.
    """
    names = list(ctx.data.feature_names)
    declared = ctx.categorical_groups
    key = ("feature_blocks", tuple((g, tuple(cols)) for g, cols in declared.items()))
    if detect_one_hot:
        blocks = ctx.memo(key, lambda: find_blocks(np.asarray(ctx.all_inputs()), names, declared))
        groups = {b.name: list(b.names) for b in blocks}
    else:
        groups = {k: list(v) for k, v in declared.items()}
    taken = {c for cols in (overrides or {}).values() for c in cols}
    groups = {g: cols for g, cols in groups.items() if not taken & set(cols) and g not in (overrides or {})}
    groups.update({g: list(cols) for g, cols in (overrides or {}).items()})
    clash = sorted(g for g, cols in groups.items() if g in names and g not in cols)
    if clash:
        raise CheckConfigError(f"feature group name(s) {', '.join(map(repr, clash))} equal a model input that is "
                               "not in the group; rename the group under data.feature_groups or the check's "
                               "feature_groups")
    return FeatureGrouping.build(names, groups)


def attribution_job(
    ctx: CheckContext,
    *,
    n_examples: int,
    background_size: int = 100,
    baseline: Literal["mean", "zero"] = "mean",
    explained: Literal["logit", "probability"] = "logit",
    feature_groups: dict[str, list[str]] | None = None,
    detect_one_hot: bool = True,
    settings: dict[str, Any] | None = None,
) -> TabularJob | TextJob:
    """The run's attribution sample: ``n_examples`` rows (and a background) drawn from the run seed only.

    The rows depend on the run seed and ``n_examples`` alone, so two checks asking
    for the same number of examples explain the same instances; each method's
    settings are resolved from ``settings`` when it runs, so a check that passes
    none and one that passes the defaults share the attributions.
    """
    n_rows = ctx.data.n_rows
    if n_rows < 3:
        raise CheckConfigError(f"the audit data has {n_rows} rows; attributions need at least 3")
    rng = np.random.default_rng(derive_seed(ctx.statistics.seed, "attribution-sample"))
    rows = rng.permutation(n_rows)[: min(n_examples, n_rows)]
    if ctx.data.kind == "text":
        return text_job(ctx.adapter, [ctx.data.texts[i] for i in rows], rows, explained=explained,
                        settings=settings)
    X = np.asarray(ctx.all_inputs())
    bg_rows = rng.permutation(n_rows)[: min(background_size, n_rows)]
    grouping = run_grouping(ctx, feature_groups, detect_one_hot=detect_one_hot)
    names = list(ctx.data.feature_names)
    coded = [names.index(c) for c in ctx.coded_inputs]
    return tabular_job(ctx.adapter, X[rows], rows, background=X[bg_rows], baseline=baseline, grouping=grouping,
                       explained=explained, settings=settings, categorical=coded)
