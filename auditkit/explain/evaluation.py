"""Model-side runs of the sanity and faithfulness tests (methods.md B3, B6.3) over computed attributions.

These functions call the model (through the explain interface) and return raw
per-instance arrays; the statistics (bootstrap means, intervals, verdicts) are
the caller's, with :mod:`auditkit.metrics`.

* :func:`randomisation_correlations`: cascading model-parameter randomisation;
  Spearman ρ of ``|φ|`` per instance between the trained and each randomised model.
* :func:`faithfulness_runs`: deletion and insertion curves of every method and of
  random orders, and (for text) ERASER comprehensiveness and sufficiency AOPC.
* :func:`self_agreement_runs`: reruns of a stochastic method with other seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from auditkit.evidence import Msg
from auditkit.explain.base import Attribution, UnsupportedMethod
from auditkit.explain.jobs import TabularJob, TextJob, subset, with_adapter
from auditkit.explain.perturb import attribution_curves, endpoint_scores, eraser_scores, random_curves
from auditkit.explain.sanity import cascade_stages, randomisation_blocks, randomised_adapter
from auditkit.metrics import faithfulness as fth

Explainer = Callable[..., Attribution]


def _width(job: TabularJob | TextJob) -> int:
    return job.grouping.size if isinstance(job, TabularJob) else job.max_words


@dataclass
class Randomisation:
    """Per method and stage (layers randomised from the top), Spearman ρ of ``|φ|`` per instance.

    The last stage (every layer random) is averaged over ``draws`` independent
    random models: one draw of random weights is shared by every instance, so a
    single draw would make the instance-level interval too narrow.
    """

    stages: list[int]
    blocks: int
    instances: int
    draws: int
    rho: dict[str, dict[int, np.ndarray]] = field(default_factory=dict)
    unsupported: dict[str, Msg] = field(default_factory=dict)
    #: What a block is: "layers" (of a network, from the output down) or "trees" (of an ensemble, last boosted first).
    unit: str = "layers"


def randomisation_correlations(job: TabularJob | TextJob, attrs: dict[str, Attribution], *, count: int,
                               cascade: Sequence[float], seed: int, explain: Explainer,
                               draws: int = 1, method_seed: int | None = None) -> Randomisation:
    """Re-explain the first ``count`` instances with cascading randomised copies of the model.

    ``seed`` draws the random weights; ``method_seed`` (default ``seed``) is the
    seed stochastic methods ran with on the trained model, reused so that only
    the model changes. Raises ``TypeError`` when the adapter exposes neither a
    torch model nor trees to randomise.
    """
    blocks, unit = randomisation_blocks(job.adapter)
    sub = subset(job, max(count, 2))
    out = Randomisation(cascade_stages(blocks, cascade), blocks, sub.n, max(1, draws), {m: {} for m in attrs},
                        unit=unit)
    width = _width(sub)
    for stage in out.stages:
        n_draws = out.draws if stage == out.stages[-1] else 1
        per_draw: dict[str, list[np.ndarray]] = {m: [] for m in attrs}
        for draw in range(n_draws):
            rand_job = with_adapter(sub, randomised_adapter(job.adapter, stage, seed + 7919 * draw,
                                                                 reference=_reference(sub)))
            for m, a in attrs.items():
                try:
                    r = explain(m, rand_job, seed=seed if method_seed is None else method_seed)
                    per_draw[m].append(fth.spearman_rows(a.values[: sub.n, :width], r.values[:, :width]))
                except UnsupportedMethod as exc:
                    out.unsupported[m] = exc.reason
                    per_draw[m].append(np.full(sub.n, np.nan))
        for m, rows in per_draw.items():
            stacked = np.stack(rows)
            ok = np.isfinite(stacked)
            with np.errstate(invalid="ignore", divide="ignore"):
                out.rho[m][stage] = np.where(ok, stacked, 0.0).sum(axis=0) / ok.sum(axis=0)
    return out


def _reference(job: TabularJob | TextJob) -> np.ndarray | None:
    """Rows a randomised tree ensemble draws its split thresholds from: the tabular job's background."""
    return job.background if isinstance(job, TabularJob) else None


@dataclass
class Faithfulness:
    """Oriented curves of each method and of random orders (mean over orders), and the end-point scores."""

    fractions: np.ndarray
    repeats: int
    full: np.ndarray
    empty: np.ndarray
    random_deletion: np.ndarray
    random_insertion: np.ndarray
    deletion: dict[str, np.ndarray] = field(default_factory=dict)
    insertion: dict[str, np.ndarray] = field(default_factory=dict)
    comprehensiveness: dict[str, np.ndarray] = field(default_factory=dict)
    sufficiency: dict[str, np.ndarray] = field(default_factory=dict)

    def auc(self, curves: np.ndarray) -> np.ndarray:
        """Per-instance area under oriented curves."""
        return fth.curve_auc(self.fractions, curves)

    def mean_curve(self, curves: np.ndarray) -> np.ndarray:
        """Mean curve over instances, normalised: 1 at the full input, 0 at the baseline."""
        return fth.mean_normalised_curve(curves, self.full, self.empty)


def faithfulness_runs(job: TabularJob | TextJob, attrs: dict[str, Attribution], *, points: int, repeats: int,
                      rng: np.random.Generator, decisions: np.ndarray | None = None) -> Faithfulness:
    """Deletion/insertion curves for every method and ``repeats`` random orders; ERASER if ``decisions``."""
    fractions = np.linspace(0.0, 1.0, points)
    full, empty = endpoint_scores(job)
    rand = random_curves(job, rng, repeats, fractions, full, empty)
    out = Faithfulness(fractions, repeats, full, empty, np.nanmean(np.stack([c.deletion for c in rand]), axis=0),
                       np.nanmean(np.stack([c.insertion for c in rand]), axis=0))
    for m, a in attrs.items():
        curves = attribution_curves(job, a, fractions, full, empty)
        out.deletion[m], out.insertion[m] = curves.deletion, curves.insertion
        if decisions is not None:
            explained = job.explained
            without, only = eraser_scores(job, a, decisions, fth.ERASER_FRACTIONS)
            s_full = fth.predicted_class_scores(full, decisions, explained)
            s_empty = fth.predicted_class_scores(empty, decisions, explained)
            out.comprehensiveness[m] = fth.aopc(fth.comprehensiveness(
                s_full, fth.predicted_class_scores(without, decisions, explained)))
            out.sufficiency[m] = fth.aopc(fth.sufficiency(
                s_full, fth.predicted_class_scores(only, decisions, explained)), at_zero=s_full - s_empty)
    return out


def self_agreement_runs(job: TabularJob | TextJob, attribution: Attribution, *, count: int, seeds: int, seed: int,
                        explain: Explainer) -> list[np.ndarray]:
    """The method's attributions of the first ``count`` instances under ``seeds`` seeds (the first is given)."""
    sub = subset(job, count)
    width = _width(sub)
    runs = [attribution.values[: sub.n, :width]]
    runs += [explain(attribution.method, sub, seed=seed + s).values[:, :width] for s in range(1, seeds)]
    return runs
