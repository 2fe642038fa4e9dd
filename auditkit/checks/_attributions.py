"""The run's attribution sample and seed, shared by every check that explains the model.

The agreement check explains a sample with several methods; the prohibited-feature
check reads the Integrated Gradients attribution mass of the same sample. Both
build their job with :func:`attribution_job` and ask the run's artefact cache
(:func:`auditkit.explain.cached_explain` on ``ctx.artefacts``) with
:func:`attribution_seed`, so equal requests are one computation. Checks import
these helpers from here, never from one another.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from auditkit.checks.base import CheckContext
from auditkit.errors import CheckConfigError
from auditkit.explain import FeatureGrouping, tabular_job, text_job
from auditkit.explain.jobs import TabularJob, TextJob
from auditkit.metrics.stats import derive_seed


def attribution_seed(ctx: CheckContext) -> int:
    """The seed of stochastic attribution methods for a run: derived from the run seed only, so every check
    that explains the same sample with the same method gets (and shares through the cache) the same result."""
    return derive_seed(ctx.statistics.seed, "attributions")


def attribution_job(
    ctx: CheckContext,
    *,
    n_examples: int,
    background_size: int = 100,
    baseline: Literal["mean", "zero"] = "mean",
    explained: Literal["logit", "probability"] = "logit",
    feature_groups: dict[str, list[str]] | None = None,
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
    X = np.asarray(ctx.data.X)
    bg_rows = rng.permutation(n_rows)[: min(background_size, n_rows)]
    grouping = FeatureGrouping.build(ctx.data.feature_names, feature_groups)
    return tabular_job(ctx.adapter, X[rows], rows, background=X[bg_rows], baseline=baseline, grouping=grouping,
                       explained=explained, settings=settings)
