"""Exact attributions of tree ensembles (adapters with ``SupportsTreeStructure``): two TreeSHAP variants.

* **TreeSHAP (interventional)**, ``tree_shap``: shap's ``TreeExplainer`` on the
  native booster, ``interventional`` over the same background as Kernel SHAP (all
  of it: shap would keep 100 rows of a larger bare array, so it is passed as an
  ``Independent`` masker). It computes exactly the interventional Shapley values
  Kernel SHAP estimates, by walking the trees instead of sampling coalitions, so
  it is exact and costs no model evaluations. A logit job explains the trees' raw
  margin (``model_output="raw"``), which *is* the favourable class's log-odds; a
  probability job uses ``model_output="probability"``, which shap's
  interventional algorithm also computes exactly (the sigmoid is applied per
  background row). It anchors the agreement table on tree models.
* **TreeSHAP (path-dependent, native)**, ``tree_shap_path``: the libraries' own
  implementation (XGBoost ``pred_contribs``, on the GPU with ``--device cuda``
  through GPUTreeShap; LightGBM ``pred_contrib``). It needs no background: a
  feature left out of a coalition follows both branches of a split, weighted by
  the training rows (cover) that went each way. So it is the Shapley value of a
  different value function, the trees' own conditional expectation; where
  features are independent the two variants agree, where they are correlated
  they may legitimately differ, which the agreement table then shows. Logit jobs
  only: the libraries decompose the raw margin, not the probability.

Both are additive: ``Σφ + E`` equals the model's margin to float32 precision
(``delta``), and grouped features are summed.
"""

from __future__ import annotations

import numpy as np

from auditkit.adapters.base import SupportsTreeStructure
from auditkit.evidence import Msg
from auditkit.explain.base import Attribution, UnsupportedMethod, import_shap, register_method, timed
from auditkit.explain.jobs import TabularJob
from auditkit.explain.settings import NoSettings


def _tree_adapter(method: str, job: TabularJob) -> SupportsTreeStructure:
    adapter = job.adapter
    if not isinstance(adapter, SupportsTreeStructure):
        raise UnsupportedMethod(method, Msg("explain.tree.unsupported", adapter=type(adapter).__name__))
    return adapter


@register_method("tree_shap", "tabular", title="TreeSHAP (interventional)", family="perturbation",
                 needs_gradients=False)
def tabular_tree_shap(job: TabularJob, settings: NoSettings, *, seed: int = 0) -> Attribution:
    """Exact interventional TreeSHAP of a tree ensemble over the job's background, all instances in one call.

    Refused (:class:`UnsupportedMethod`) unless the adapter exposes its trees. The
    favourable class's log-odds is ± the trees' raw margin (``favourable_output``),
    so for class 0 the values and expected value are negated (probability: 1 − p,
    the same negation and 1 − E). ``delta`` is ``Σφ − (F(x) − E)`` against the
    model's own margin or probability (float32 in the libraries: ~1e-6, not the
    clipped logit the other methods see). Grouped features are summed (additive).
    """
    adapter = _tree_adapter("tree_shap", job)
    shap = import_shap()
    output = "raw" if job.explained == "logit" else "probability"
    bg = np.ascontiguousarray(job.background, dtype=np.float64)
    x = np.ascontiguousarray(job.X, dtype=np.float64)

    def run() -> tuple[np.ndarray, float]:
        # the whole background as an explicit masker: given a bare array, shap keeps a random 100 of its rows
        masker = shap.maskers.Independent(bg, max_samples=bg.shape[0])
        explainer = shap.TreeExplainer(adapter.tree_model, data=masker, feature_perturbation="interventional",
                                       model_output=output)
        values = np.asarray(explainer.shap_values(x, check_additivity=False), dtype=np.float64)
        expected = float(np.asarray(explainer.expected_value, dtype=np.float64).reshape(-1)[-1])
        return values.reshape(job.n, -1), expected

    (values, expected), seconds = timed(run)
    if adapter.favourable_output == 0:  # log-odds of class 0 = −margin; P(class 0) = 1 − P(class 1)
        values, expected = -values, (-expected if output == "raw" else 1.0 - expected)
    f_x = adapter.margin(job.X) if output == "raw" else np.asarray(adapter.predict(job.X), dtype=np.float64)
    return Attribution("tree_shap", job.grouping.sum_columns(values), job.grouping.names, job.explained,
                       f"background sample of {job.background.shape[0]} rows (interventional)",
                       evaluations=0.0, gradient=False, seconds=seconds, delta=values.sum(axis=1) - (f_x - expected),
                       settings={"feature_perturbation": "interventional", "model_output": output,
                                 "background": int(bg.shape[0]), "expected_value": expected,
                                 "trees": int(adapter.n_trees), "implementation": f"shap {shap.__version__}"})


@register_method("tree_shap_path", "tabular", title="TreeSHAP (path-dependent, native)", family="perturbation",
                 needs_gradients=False)
def tabular_tree_shap_path(job: TabularJob, settings: NoSettings, *, seed: int = 0) -> Attribution:
    """The booster's own path-dependent TreeSHAP (``pred_contribs``), on the adapter's device, all rows in one call.

    Refused for probability jobs (the libraries decompose only the raw margin) and
    for models without trees. The last column the libraries return is the expected
    margin under the trees' cover weights; the others are the features' values.
    """
    adapter = _tree_adapter("tree_shap_path", job)
    if job.explained != "logit":
        raise UnsupportedMethod("tree_shap_path", Msg("explain.tree.path_needs_logit"))

    def run() -> np.ndarray:
        return adapter.contributions(job.X)

    contribs, seconds = timed(run)
    values, bias = contribs[:, :-1], contribs[:, -1]
    return Attribution("tree_shap_path", job.grouping.sum_columns(values), job.grouping.names, job.explained,
                       "the trees' training cover (path-dependent; no background)", evaluations=0.0,
                       gradient=False, seconds=seconds, delta=contribs.sum(axis=1) - adapter.margin(job.X),
                       settings={"feature_perturbation": "tree_path_dependent", "model_output": "raw",
                                 "expected_value": float(np.mean(bias)), "trees": int(adapter.n_trees),
                                 "implementation": adapter.contributions_implementation,
                                 "device": str(getattr(adapter, "device", "cpu"))})
