"""One explain interface over captum and shap: every method returns an :class:`Attribution` ``(n, features)``.

Build a job (:func:`tabular_job` or :func:`text_job`: the instances, the
reference, the feature grouping and the explained scalar), then call
:func:`explain` with a method name::

    job = tabular_job(adapter, X, rows, background=bg, explained="logit")
    ig = explain("integrated_gradients", job)
    ks = explain("kernel_shap", job, seed=7)

Methods (:func:`known_methods`): tabular ``integrated_gradients``,
``gradient_shap``, ``kernel_shap``, ``feature_ablation``; text
``integrated_gradients``, ``partition_shap``, ``feature_ablation``. A method the
model cannot support raises :class:`UnsupportedMethod` with the reason.
:func:`cached_explain` memoises attributions in a check context (``ctx.memo``),
so the prohibited-feature check reuses what the agreement check computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from auditkit.explain import tabular as _tabular  # noqa: F401  (registers the tabular methods)
from auditkit.explain import text as _text  # noqa: F401  (registers the text methods)
from auditkit.explain.base import (
    METHODS,
    Attribution,
    Explained,
    FeatureGrouping,
    Method,
    UnsupportedMethod,
    get_method,
    known_methods,
    register_method,
)
from auditkit.explain.jobs import TabularJob, TextJob, gradient_problem, rows_digest, tabular_job, text_job
from auditkit.explain.perturb import removed_scores
from auditkit.explain.sanity import cascade_stages, parameter_blocks, randomised_adapter

__all__ = [
    "METHODS",
    "Attribution",
    "Explained",
    "FeatureGrouping",
    "Method",
    "TabularJob",
    "TextJob",
    "UnsupportedMethod",
    "attribution_key",
    "cached_explain",
    "cascade_stages",
    "explain",
    "get_method",
    "gradient_problem",
    "known_methods",
    "parameter_blocks",
    "randomised_adapter",
    "register_method",
    "removed_scores",
    "tabular_job",
    "text_job",
]


def explain(method: str, job: TabularJob | TextJob, *, seed: int = 0) -> Attribution:
    """Attributions of ``method`` for every instance of ``job``.

    Raises :class:`~auditkit.errors.CheckConfigError` for an unknown method or
    one meant for the other task, and :class:`UnsupportedMethod` when the model
    cannot support it (e.g. a gradient method on a non-differentiable model).
    """
    spec = get_method(method, job.task)  # type: ignore[arg-type]
    if spec.needs_gradients:
        reason = gradient_problem(job)
        if reason:
            raise UnsupportedMethod(method, reason)
    return spec.run(job, seed=seed)


def _digest(array: np.ndarray | None) -> str:
    return "" if array is None else rows_digest(np.frombuffer(np.ascontiguousarray(array).tobytes(), dtype=np.uint8))


def attribution_key(method: str, job: TabularJob | TextJob, seed: int) -> tuple[Any, ...]:
    """The cache key of ``explain(method, job, seed=seed)``: everything the result depends on."""
    spec = get_method(method, job.task)  # type: ignore[arg-type]
    settings = tuple(sorted((k, repr(v)) for k, v in job.settings.items()))
    common = ("attribution", method, job.task, job.explained, rows_digest(job.rows), settings,
              seed if spec.stochastic else None, job.adapter.fingerprint)
    if isinstance(job, TabularJob):
        return (*common, job.reference, _digest(job.baseline), _digest(job.background), job.grouping.names,
                job.grouping.columns)
    return common


def cached_explain(memo: Callable[[Any, Callable[[], Any]], Any], method: str, job: TabularJob | TextJob, *,
                   seed: int = 0) -> Attribution:
    """:func:`explain` through a memo cache (``ctx.memo``), keyed by :func:`attribution_key`.

    An :class:`UnsupportedMethod` is cached too (as the exception), so the
    gradient probe is not repeated for the same model and method.
    """

    def compute() -> Attribution | UnsupportedMethod:
        try:
            return explain(method, job, seed=seed)
        except UnsupportedMethod as exc:
            return exc

    result = memo(attribution_key(method, job, seed), compute)
    if isinstance(result, UnsupportedMethod):
        raise result
    return result
