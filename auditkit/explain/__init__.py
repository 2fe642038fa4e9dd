"""One explain interface over captum and shap: every method returns an :class:`Attribution` ``(n, features)``.

Build a job (:func:`tabular_job` or :func:`text_job`: the instances, the
reference, the feature grouping and the explained scalar), then call
:func:`explain` with a method name::

    job = tabular_job(adapter, X, rows, background=bg, explained="logit")
    ig = explain("integrated_gradients", job)
    ks = explain("kernel_shap", job, seed=7)

Methods (:func:`known_methods`): tabular ``integrated_gradients``,
``gradient_shap``, ``kernel_shap``, ``shapley_sampling``, ``feature_ablation``, ``lime``,
``tree_shap`` and ``tree_shap_path`` (tree ensembles); text
``integrated_gradients``, ``partition_shap``, ``feature_ablation``. A method the
model cannot support raises :class:`UnsupportedMethod` with the reason.
:func:`cached_explain` gets attributions through the run's content-addressed
artefact cache (``ctx.artefacts``) under :func:`attribution_key`: each method's
typed, default-resolved :class:`MethodSettings`, the sample's digest, the model
fingerprint and (stochastic methods only) the seed. So the prohibited-feature
check reuses what the agreement check computed.
"""

from __future__ import annotations

from auditkit.artefacts import ArtefactCache, ArtefactKey
from auditkit.explain import surrogate as _surrogate  # noqa: F401  (registers LIME)
from auditkit.explain import tabular as _tabular  # noqa: F401  (registers the tabular methods)
from auditkit.explain import text as _text  # noqa: F401  (registers the text methods)
from auditkit.explain import trees as _trees  # noqa: F401  (registers the tree-ensemble methods)
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
from auditkit.explain.jobs import TabularJob, TextJob, gradient_problem, tabular_job, text_job
from auditkit.explain.perturb import removed_scores
from auditkit.explain.sanity import cascade_stages, parameter_blocks, randomised_adapter
from auditkit.explain.settings import (
    GradientShapSettings,
    IntegratedGradientsSettings,
    KernelShapSettings,
    MethodSettings,
    NoSettings,
    PartitionShapSettings,
    ShapleySamplingSettings,
    TextIntegratedGradientsSettings,
)

__all__ = [
    "METHODS",
    "Attribution",
    "Explained",
    "FeatureGrouping",
    "GradientShapSettings",
    "IntegratedGradientsSettings",
    "KernelShapSettings",
    "Method",
    "MethodSettings",
    "NoSettings",
    "PartitionShapSettings",
    "ShapleySamplingSettings",
    "TabularJob",
    "TextIntegratedGradientsSettings",
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
    """Attributions of ``method`` for every instance of ``job``, with the method's resolved settings.

    Raises :class:`~auditkit.errors.CheckConfigError` for an unknown method or
    one meant for the other task, and :class:`UnsupportedMethod` when the model
    cannot support it (e.g. a gradient method on a non-differentiable model).
    """
    spec = get_method(method, job.task)  # type: ignore[arg-type]
    settings = spec.resolve(job.settings)
    if spec.needs_gradients:
        reason = gradient_problem(job)
        if reason:
            raise UnsupportedMethod(method, reason)
    return spec.run(job, settings, seed=seed)


def attribution_key(method: str, job: TabularJob | TextJob, seed: int) -> ArtefactKey:
    """The artefact key of ``explain(method, job, seed=seed)``: everything the result depends on.

    The method's settings are resolved (defaults filled in, other methods' settings
    dropped), the sample is the digest of the job's inputs, the model its weights'
    fingerprint; the seed counts only for stochastic methods.
    """
    spec = get_method(method, job.task)  # type: ignore[arg-type]
    return ArtefactKey(kind="attribution", method=method, settings=spec.resolve(job.settings),
                       sample=job.sample_digest(), model=job.adapter.fingerprint,
                       seed=int(seed) if spec.stochastic else None)


def cached_explain(cache: ArtefactCache, method: str, job: TabularJob | TextJob, *, seed: int = 0) -> Attribution:
    """:func:`explain` through an artefact cache (``ctx.artefacts``), keyed by :func:`attribution_key`.

    An :class:`UnsupportedMethod` is cached too (as the exception), so the
    gradient probe is not repeated for the same model and method.
    """

    def compute() -> Attribution | UnsupportedMethod:
        try:
            return explain(method, job, seed=seed)
        except UnsupportedMethod as exc:
            return exc

    result = cache.get_or_compute(attribution_key(method, job, seed), compute)
    if isinstance(result, UnsupportedMethod):
        raise result
    return result
