"""``attribution_agreement``: do independent explainers agree, and can they be trusted? (methods.md B1–B6).

EU AI Act Art. 14 wants overseers who interpret outputs "taking into account the
interpretation tools available"; this check says whether those tools can be
trusted for this model. On a seeded sample of the audit data it

1. explains the same scalar (logit or probability of the favourable class) with
   every configured method, against one reference, over one feature grouping: one
   feature per original variable (the policy's ``data.feature_groups`` and the
   one-hot blocks found in the data; the check's ``feature_groups`` override them,
   ``detect_one_hot: false`` turns detection off); the interventional Shapley
   values are estimated by antithetic Shapley sampling (with standard errors and
   a stop rule) unless the policy names Kernel SHAP;
   methods the model cannot support are reported as skipped with the reason; on
   tree ensembles the default list has exact TreeSHAP first in Kernel SHAP's place
   (:func:`default_methods`), so it anchors every pair of the agreement table;
2. runs the sanity and faithfulness tests (B3): cascading model-parameter
   randomisation (Spearman on ``|φ|``; a method whose attributions survive it is
   model-insensitive and is excluded from the agreement statistics), IG
   completeness (more steps where needed), deletion and insertion curves against
   random orders, ERASER comprehensiveness and sufficiency for text;
3. measures agreement per instance and method pair (FA, FA*, RA, SA, SRA, RC,
   PRA), averaged with bootstrap intervals, next to the self-agreement ceiling of
   the stochastic methods, and Fleiss' κ on "protected attribute in the top k";
4. judges: PASS when every retained pair meets every agreement minimum on its
   whole interval; low or undecided agreement is a warning, reported as
   INCONCLUSIVE with a note (B6.6: not a failure); FAIL when a method fails its
   sanity check and ``require_sanity`` is set. Fewer than two runnable methods:
   SKIPPED with the reasons.

Computation lives in :mod:`auditkit.explain` (model work) and
:mod:`auditkit.metrics.agreement` / :mod:`auditkit.metrics.faithfulness` (maths);
this module orchestrates; :mod:`auditkit.checks._agreement_report` states the findings as typed evidence
(tables, charts, notes, per-decision explanations in words for Art. 86), every sentence a message of
:mod:`auditkit.i18n.kinds.attribution_agreement`.

The verdict's rule (:attr:`AttributionAgreementCheck.rules`) is one of ``sanity_check_failed`` (FAIL),
``too_few_sane_methods``, ``agreement_not_shown``, ``sanity_undecided`` (INCONCLUSIVE) and
``agreement_meets_minimum`` (PASS).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from auditkit.adapters.base import SupportsTreeStructure
from auditkit.checks._agreement_report import AgreementReport, msg
from auditkit.checks._attributions import attribution_job, attribution_seed
from auditkit.checks.base import Check, CheckContext, CheckResult, Params
from auditkit.checks.limits import Limit, check_direction
from auditkit.checks.registry import register
from auditkit.errors import CheckConfigError
from auditkit.evidence import Evidence, Msg
from auditkit.explain import Attribution, UnsupportedMethod, cached_explain, get_method, known_methods
from auditkit.explain.jobs import TabularJob
from auditkit.policy.schema import Fraction
from auditkit.results import Status

AgreementMetric = Literal[
    "feature_agreement", "feature_agreement_star", "rank_agreement", "sign_agreement", "signed_rank_agreement",
    "rank_correlation", "pairwise_rank_agreement",
]
#: Defaults per task (methods.md B6); ``None`` in the policy means "use these".
TASK_DEFAULTS: dict[str, dict[str, Any]] = {
    "tabular": {"methods": ["integrated_gradients", "gradient_shap", "shapley_sampling", "feature_ablation"],
                "n_examples": 200, "sanity_examples": 50, "ceiling_examples": 20, "random_orders": 10,
                "cascade": [0.5, 1.0], "randomisations": 3},
    "text": {"methods": ["integrated_gradients", "partition_shap", "feature_ablation"],
             "n_examples": 8, "sanity_examples": 4, "ceiling_examples": 2, "random_orders": 3, "cascade": [1.0],
             "randomisations": 1},
}


#: Tree ensembles (``SupportsTreeStructure``): exact TreeSHAP takes Kernel SHAP's place and comes first, so every
#: pair of the agreement table reads "tree_shap vs ..." against the exact interventional Shapley values (the
#: anchor); Kernel SHAP would only estimate the same values by sampling, at many model evaluations.
TREE_METHODS = ["tree_shap", "tree_shap_path", "feature_ablation"]


def default_methods(task: str, adapter: object) -> list[str]:
    """The methods compared when the policy names none: the task's defaults, or TreeSHAP anchoring for trees.

    The tabular defaults estimate the interventional Shapley values by antithetic sampling
    (``shapley_sampling``: one background row per permutation and its reverse, standard errors, a stop rule),
    not by Kernel SHAP, whose regression over 2·m + 2048 coalitions, each scored against the whole background,
    is rerun for the sanity cascade and the self-agreement ceiling: 91% of a Census-size audit's agreement time.
    Kernel SHAP stays available by name in ``methods``.
    """
    if task == "tabular" and isinstance(adapter, SupportsTreeStructure):
        return list(TREE_METHODS)
    return list(TASK_DEFAULTS[task]["methods"])


def _default_limits() -> dict[str, Limit]:
    return {"rank_correlation": Limit(min=0.5), "feature_agreement_star": Limit(min=0.5)}


class AttributionAgreementParams(Params):
    """Parameters of ``attribution_agreement`` (defaults: methods.md B3, B4, B6; task defaults in TASK_DEFAULTS)."""

    methods: list[str] | None = Field(default=None, min_length=2)
    k: int | None = Field(default=None, ge=1)
    n_examples: int | None = Field(default=None, ge=3)
    explained: Literal["logit", "probability"] = "logit"
    baseline: Literal["mean", "zero"] = "mean"
    background_size: int = Field(default=100, ge=1)
    feature_groups: dict[str, list[str]] = Field(default_factory=dict)
    detect_one_hot: bool = True
    attributes: list[str] = Field(default_factory=list)
    min_agreement: dict[AgreementMetric, Limit] = Field(default_factory=_default_limits)
    require_sanity: bool = True
    max_sanity_correlation: Fraction = 0.5
    sanity_examples: int | None = Field(default=None, ge=0)
    cascade: list[Fraction] | None = None
    randomisations: int | None = Field(default=None, ge=1, le=10)
    seeds: int = Field(default=5, ge=1, le=20)
    ceiling_examples: int | None = Field(default=None, ge=2)
    random_orders: int | None = Field(default=None, ge=1)
    curve_points: int = Field(default=21, ge=3)
    n_steps: int = Field(default=50, ge=2)
    max_steps: int = Field(default=300, ge=2)
    n_samples: int = Field(default=50, ge=1)
    nsamples: int | Literal["auto"] = "auto"
    max_evals: int = Field(default=500, ge=10)
    lime_samples: int = Field(default=500, ge=10)
    shapley_tolerance: float = Field(default=0.02, ge=0.0, lt=1.0)
    shapley_max_rounds: int = Field(default=10, ge=1, le=1000)
    explanations: int = Field(default=3, ge=0, le=20)

    @field_validator("methods")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        unknown = [m for m in v if m not in known_methods()]
        if unknown:
            raise ValueError(f"unknown attribution method(s) {', '.join(map(repr, unknown))}; known methods: "
                             f"{', '.join(known_methods())}")
        if len(set(v)) != len(v):
            raise ValueError("a method is listed twice")
        return v

    @field_validator("min_agreement")
    @classmethod
    def _directions(cls, v: dict[str, Limit]) -> dict[str, Limit]:
        for metric, limit in v.items():
            check_direction(metric, limit, ">=")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> AttributionAgreementParams:
        if self.require_sanity and self.sanity_examples == 0:
            raise ValueError("require_sanity needs the sanity check: set sanity_examples above 0 or "
                             "require_sanity: false")
        if self.max_steps < self.n_steps:
            raise ValueError(f"max_steps ({self.max_steps}) must be at least n_steps ({self.n_steps})")
        return self


@register
class AttributionAgreementCheck(Check[AttributionAgreementParams]):
    """Agreement and faithfulness of attribution methods on a sample of the audit data."""

    kind = "attribution_agreement"
    #: 2: tabular features grouped per original variable by default (declared groups, detected one-hot blocks).
    #: 3: the default tabular methods sample Shapley values (shapley_sampling) in Kernel SHAP's place.
    version = 3
    title = "Attribution-method agreement"
    Params = AttributionAgreementParams
    rules: ClassVar[tuple[str, ...]] = (
        "sanity_check_failed", "too_few_sane_methods", "agreement_not_shown", "sanity_undecided",
        "agreement_meets_minimum",
    )

    def run(self, ctx: CheckContext, params: AttributionAgreementParams, *, seed: int) -> CheckResult:
        """Explain a sample with every method, test sanity and faithfulness, measure and judge agreement."""
        task = ctx.data.kind
        cfg = {key: (getattr(params, key) if getattr(params, key) is not None else default)
               for key, default in TASK_DEFAULTS[task].items()}
        rng = np.random.default_rng(seed)
        settings = {"n_steps": params.n_steps, "max_steps": params.max_steps, "n_samples": params.n_samples,
                    "nsamples": params.nsamples, "max_evals": params.max_evals, "lime_samples": params.lime_samples,
                    "shapley_tolerance": params.shapley_tolerance, "shapley_max_rounds": params.shapley_max_rounds}
        job = attribution_job(ctx, n_examples=int(cfg["n_examples"]), background_size=params.background_size,
                              baseline=params.baseline, explained=params.explained,
                              feature_groups=params.feature_groups, detect_one_hot=params.detect_one_hot,
                              settings=settings)
        method_seed = attribution_seed(ctx)
        m_features = job.grouping.size if isinstance(job, TabularJob) else job.max_words
        if params.methods is None:
            cfg["methods"] = default_methods(task, ctx.adapter)
        specs = {m: get_method(m, task) for m in cfg["methods"]}
        k = params.k or (min(5, math.ceil(0.25 * m_features)) if task == "tabular" else 5)
        if k >= m_features:
            what = "features" if task == "tabular" else "words in its longest sampled text"
            raise CheckConfigError(
                f"k={k} is not smaller than the number of {what} ({m_features}), so top-k agreement would be "
                f"trivial; set k to at most {m_features - 1}"
                + (" (or leave it out: the default is min(5, ceil(0.25·d)))" if task == "tabular" else ""))
        attrs: dict[str, Attribution] = {}
        skipped: dict[str, Msg] = {}
        for name in specs:
            try:
                attrs[name] = cached_explain(ctx.artefacts, name, job, seed=method_seed)
            except UnsupportedMethod as exc:
                skipped[name] = exc.reason
        notes = [msg("note.method_not_run", method=specs[m].title, reason=why) for m, why in skipped.items()]
        if len(attrs) < 2:
            reasons = [msg("skipped.reason", method=m, reason=why) for m, why in skipped.items()]
            return CheckResult(status=Status.SKIPPED,
                               evidence=Evidence(summary=(msg("summary.skipped", reasons=reasons),),
                                                 notes=tuple(notes)),
                               details={"explanations": []})
        report = AgreementReport(ctx, params, task, job, attrs, specs, k, seed, method_seed)
        report.notes.extend(notes)
        report.cost_table(skipped)
        sanity = report.sanity(cfg)
        report.completeness()
        retained = [m for m in attrs if sanity.get(m) is not Status.FAIL]
        report.faithfulness(cfg["random_orders"], rng)
        report.ceiling(retained, cfg["ceiling_examples"])
        pair_statuses = report.agreement(retained)
        report.protected(retained)
        report.explanations(retained)
        return report.verdict(sanity, retained, pair_statuses)

