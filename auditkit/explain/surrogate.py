"""LIME for tabular models: a weighted linear surrogate fitted around each instance (Ribeiro et al., KDD 2016).

captum's ``Lime`` with binary interpretable features, one per feature group: a
perturbation keeps each group at the instance's value or replaces it by the
job's baseline (the background mean, as for feature ablation), with probability
½ each. The perturbed rows are weighted by LIME's exponential kernel on the
interpretable vector, ``√exp(−d²/w²)`` with ``d`` the Euclidean distance to the
unperturbed instance (the number of replaced groups, square-rooted) and LIME's
default width ``w = 0.75·√m``, and an unregularised weighted linear regression
(scikit-learn, via captum) is fitted per instance; its coefficients are the
attributions. LIME is neither additive nor exact: it estimates a local linear
effect of "this group at its value rather than the baseline", so it joins the
agreement table as an independent, model-agnostic view. Works on every model
with a forward function (no gradients). The perturbations of one instance are
evaluated in one batch; the draws are seeded.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from pydantic import Field

from auditkit.explain.base import Attribution, register_method, timed
from auditkit.explain.jobs import TabularJob
from auditkit.explain.settings import MethodSettings

#: LIME's default kernel width factor: ``w = 0.75·√(number of interpretable features)``.
KERNEL_WIDTH_FACTOR = 0.75


class LimeSettings(MethodSettings):
    """LIME: perturbed samples per instance (each one model evaluation)."""

    lime_samples: int = Field(default=500, ge=10)


def lime_kernel(m: int):
    """LIME's exponential kernel on binary interpretable vectors, as a captum ``similarity_func``."""
    width = KERNEL_WIDTH_FACTOR * math.sqrt(m)

    def similarity(original: torch.Tensor, perturbed: torch.Tensor, interpretable: torch.Tensor,
                   **_: object) -> torch.Tensor:
        d2 = (1.0 - interpretable.double()).sum(dim=-1)  # squared distance to the all-ones (unperturbed) vector
        return torch.sqrt(torch.exp(-d2 / width**2))

    return similarity


@register_method("lime", "tabular", title="LIME", family="perturbation", needs_gradients=False, stochastic=True,
                 additive=False, settings=LimeSettings)
def tabular_lime(job: TabularJob, settings: LimeSettings, *, seed: int = 0) -> Attribution:
    """captum ``Lime`` per instance: coefficients of a kernel-weighted linear surrogate over the feature groups."""
    from captum._utils.models.linear_model import SkLearnLinearRegression
    from captum.attr import Lime

    dev = job.adapter.device
    m = job.grouping.size
    samples = settings.lime_samples

    def run() -> np.ndarray:
        x = torch.as_tensor(job.X, device=dev)
        mask = torch.as_tensor(job.grouping.mask, device=dev)[None, :]
        base = torch.as_tensor(job.baseline, device=dev)[None, :]
        out = []
        with torch.random.fork_rng(devices=[]), torch.inference_mode(False):
            torch.manual_seed(int(seed))
            lime = Lime(job.forward, interpretable_model=SkLearnLinearRegression(), similarity_func=lime_kernel(m))
            for i in range(job.n):  # one surrogate per instance; its perturbations in one model call
                a = lime.attribute(x[i : i + 1], baselines=base, feature_mask=mask, n_samples=samples,
                                   perturbations_per_eval=samples, show_progress=False)
                out.append(a.detach().double().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, job.X.shape[1]))

    cols, seconds = timed(run)
    first = [c[0] for c in job.grouping.columns]
    return Attribution("lime", cols[:, first], job.grouping.names, job.explained, job.reference,
                       evaluations=float(samples), gradient=False, seconds=seconds,
                       settings={"lime_samples": samples, "kernel_width": KERNEL_WIDTH_FACTOR * math.sqrt(m),
                                 "surrogate": "weighted linear regression (scikit-learn)", "seed": int(seed)})
