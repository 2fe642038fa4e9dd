"""The policy file schema (pydantic), version 1.

A policy declares *what* is audited (system, model, data, protected
attributes), *how* results are judged (statistics settings, checks with
thresholds fixed before the run, EU AI Act Art. 9(8)) and *how* the report
looks. Every section forbids unknown keys so that a misspelt threshold can
never be silently ignored. Check parameters are validated per kind by the
loader (see :mod:`auditkit.policy.loader`), because the kinds live in
:mod:`auditkit.checks`, which this module must not import.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from auditkit.policy.model_specs import HF_OPTIONS, ModelSpec
from auditkit.policy.model_types import AnyModelSpec
from auditkit.policy.sections import Fraction, Identifier, OpenFraction, Scalar, Section, Version

__all__ = [
    "HF_OPTIONS", "SCHEMA_VERSION", "AnyModelSpec", "CheckSpec", "DataSpec", "FeatureGroupRule", "Fraction",
    "GateSpec", "Identifier", "ModelSpec", "OpenFraction", "Policy", "PolicyMeta", "ProtectedAttribute",
    "ReportSpec", "Scalar", "Section", "Statistics", "SystemInfo", "TrainingData", "Version",
]

SCHEMA_VERSION = 1


class PolicyMeta(Section):
    """Identity of the policy document itself: who approved which version, from when."""

    id: Identifier
    version: Version
    effective_from: dt.date
    approved_by: str
    supersedes: Version | None = None
    rationale: str | None = None


class SystemInfo(Section):
    """The AI system under audit (EU AI Act Annex IV point 1). Human-supplied text."""

    name: Identifier
    version: Version
    provider: str | None = None
    provider_contact: str | None = None
    intended_purpose: str | None = None
    annex_iii_point: str | None = None
    foreseeable_misuse: str | None = None
    out_of_scope_uses: str | None = None
    deployer_context: str | None = None
    oversight_measures: str | None = None
    standards_applied: list[str] = Field(default_factory=list)
    art4a_justification: str | None = None


class TrainingData(Section):
    """The model's training data as the provider describes it (EU AI Act Annex IV 2(d)); printed, not checked."""

    #: Provenance, scope and selection of the training data, or a reference to its datasheet.
    description: str | None = None
    #: An identifier of the exact training data set, e.g. its SHA-256 or a data-version tag.
    fingerprint: str | None = None


class FeatureGroupRule(Section):
    """A feature group by rule: every column of data.features whose name starts with ``prefix``."""

    #: The shared start of the group's column names, separator included (``purpose_`` for ``purpose_A40``, ...).
    prefix: Annotated[str, Field(min_length=1)]


class DataSpec(Section):
    """The audit data set (held-out data the model was not trained on).

    Tabular data (CSV/Parquet) feeds the columns in ``features`` to the model, in
    that order. Text data (CSV/JSONL) feeds ``text_column``. The label column holds
    the true outcome; ``favourable_label`` is the value meaning the favourable
    outcome (e.g. the loan is repaid), which every fairness metric encodes as 1.
    """

    path: str
    format: Literal["auto", "csv", "parquet", "jsonl"] = "auto"
    label: str
    favourable_label: Scalar
    features: list[str] = Field(default_factory=list)
    text_column: str | None = None
    id_column: str | None = None
    max_rows: int | None = Field(default=None, ge=1)
    #: Categorical variables spread over several columns, columns from ``features``: ``{name: [col, col, ...]}`` or
    #: ``{name: {prefix: "name_"}}`` (every feature starting with the prefix). Attributions speak per group,
    #: counterfactuals move each group as one variable and proxy screening tests it as one feature.
    #: One-hot blocks (``name_value`` / ``name=value`` columns holding 0/1 with one 1 per row) are found without it.
    feature_groups: dict[str, list[str] | FeatureGroupRule] = Field(default_factory=dict)
    #: Feature columns holding text categories (``purpose: A40``) that the model encodes itself, e.g. a
    #: scikit-learn Pipeline with a OneHotEncoder: auditkit holds them as category codes (categories sorted as
    #: text), the sklearn adapter hands the pipeline the text back, and every check treats each as one
    #: categorical variable. Other model types need numbers: encode the column as the model was trained.
    categorical: list[str] = Field(default_factory=list)
    #: Unit of a model input or protected attribute column (``{income_k: kEUR}``), printed in the report's data
    #: profile; each key must be a column of data.features or of a protected attribute (the loader checks).
    units: dict[str, Annotated[str, Field(min_length=1, max_length=32)]] = Field(default_factory=dict)
    #: The data the model was trained on (Annex IV 2(d)); the report prints "not provided" for what is missing.
    training: TrainingData | None = None

    @field_validator("categorical")
    @classmethod
    def _categorical_features(cls, columns: list[str], info: ValidationInfo) -> list[str]:
        features = info.data.get("features") or []
        unknown = [c for c in columns if c not in features]
        if unknown:
            raise PydanticCustomError(
                "categorical", "data.categorical names {cols}, not in data.features; list model input columns that "
                "hold text categories", {"cols": ", ".join(map(repr, unknown))})
        twice = sorted({c for c in columns if columns.count(c) > 1})
        if twice:
            raise PydanticCustomError("categorical", "data.categorical lists {cols} twice; list each column once",
                                      {"cols": ", ".join(map(repr, twice))})
        return columns

    @field_validator("feature_groups")
    @classmethod
    def _groups_of_features(cls, groups: dict[str, list[str] | FeatureGroupRule],
                            info: ValidationInfo) -> dict[str, list[str] | FeatureGroupRule]:
        if groups:
            resolve_feature_groups(info.data.get("features") or [], groups)
        return groups

    @property
    def groups(self) -> dict[str, list[str]]:
        """``feature_groups`` with every prefix rule resolved to its columns (in data.features order)."""
        return resolve_feature_groups(self.features, self.feature_groups)


def resolve_feature_groups(features: list[str],
                           groups: dict[str, list[str] | FeatureGroupRule]) -> dict[str, list[str]]:
    """Each group's columns (a rule's matches in ``features`` order), refusing what cannot be one variable.

    Errors name the YAML path (``data.feature_groups.<name>``) and the fix: a group of text data, an empty list,
    a column not in data.features, a prefix matching no column, a column in two groups (or listed twice).
    """
    if not groups:
        return {}
    if not features:
        raise PydanticCustomError(
            "feature_groups", "data.feature_groups groups columns of data.features; this data has no features list "
            "(text data has no column groups): remove feature_groups or list the model's input columns")
    out: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for name, spec in groups.items():
        if isinstance(spec, FeatureGroupRule):
            cols = [c for c in features if c.startswith(spec.prefix)]
            if not cols:
                raise PydanticCustomError(
                    "feature_groups", "data.feature_groups.{name}: prefix '{prefix}' matches no column of "
                    "data.features; correct the prefix (it is case-sensitive and includes any separator, e.g. "
                    "'purpose_') or list the columns", {"name": name, "prefix": spec.prefix})
        else:
            cols = list(spec)
        if not cols:
            raise PydanticCustomError("feature_groups", "data.feature_groups.{name} lists no column; give it the "
                                      "columns of that variable or remove it", {"name": name})
        unknown = [c for c in cols if c not in features]
        if unknown:
            raise PydanticCustomError(
                "feature_groups", "data.feature_groups.{name} names {cols}, not in data.features; every column "
                "of a group must be a model input listed under data.features",
                {"name": name, "cols": ", ".join(map(repr, unknown))})
        for c in cols:
            if c in seen:
                where = "listed twice" if seen[c] == name else f"also in data.feature_groups.{seen[c]}"
                raise PydanticCustomError(
                    "feature_groups", "column '{col}' of data.feature_groups.{name} is {where}; a column "
                    "belongs to at most one group (narrow the prefix or remove the column from one group)",
                    {"col": c, "name": name, "where": where})
            seen[c] = name
        out[name] = cols
    return out


class ProtectedAttribute(Section):
    """A protected attribute and how it appears in the data (or, for text, in a lexicon)."""

    name: Identifier
    column: str | None = None
    values: list[Scalar] = Field(default_factory=list)
    reference: Scalar | None = None
    model_input: bool = False
    lexicon: str | None = None

    @model_validator(mode="after")
    def _column_or_lexicon(self) -> ProtectedAttribute:
        if not self.column and not self.lexicon:
            raise PydanticCustomError(
                "attribute_source", "needs 'column' (a data column) or 'lexicon' (text substitution lexicon)"
            )
        if self.values and len(set(map(str, self.values))) != len(self.values):
            raise PydanticCustomError("duplicate_values", "'values' lists a value twice")
        if self.reference is not None and self.values and str(self.reference) not in map(str, self.values):
            raise PydanticCustomError(
                "bad_reference",
                "reference '{ref}' is not one of values [{vals}]",
                {"ref": str(self.reference), "vals": ", ".join(map(str, self.values))},
            )
        return self


class Statistics(Section):
    """Statistical settings shared by every check, fixed before the run."""

    confidence: OpenFraction = 0.95
    correction: Literal["holm", "bonferroni", "fdr_bh", "none"] = "holm"
    min_group_size: int = Field(default=30, ge=1)
    bootstrap: int = Field(default=2000, ge=100)
    seed: int = Field(default=7, ge=0)


class CheckSpec(BaseModel):
    """One check: identity and severity; every other key is a parameter of its kind.

    The parameters are kept raw here and validated against the kind's
    ``Params`` model by the loader, which knows the registry.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    id: Identifier
    kind: str
    severity: Literal["blocker", "major", "minor", "info"] = "major"
    title: str | None = None
    rationale: str | None = None
    #: Who owns a finding of this check (the report's findings register; "not provided" when absent).
    owner: str | None = None
    #: Days from the report's date by which a finding of this check is to be remedied (its due date).
    remediation_days: int | None = Field(default=None, ge=1)

    @property
    def params(self) -> dict[str, Any]:
        """The kind-specific parameters as written in the policy."""
        return dict(self.model_extra or {})


class GateSpec(Section):
    """How check outcomes become a release decision."""

    inconclusive: Literal["fail", "pass"] = "fail"
    #: Fail the gate (exit 1) when a check regressed against the previous run of the system
    #: (``auditkit run --compare-to``; see :mod:`auditkit.diff` for the definition of a regression).
    fail_on_regression: bool = False
    #: Sign-off roles that may approve a run whose gate did not pass (override a blocking finding). Empty: no
    #: one may; ``auditkit signoff --decision approve`` then refuses such a run, and the report says so.
    override_roles: list[str] = Field(default_factory=list)


class RaySpec(Section):
    """Resources of the Ray executor's model actors (``auditkit run --executor ray``); the CLI's flags win."""

    #: Model actors (None: as many as the cluster has room for, at most one per check).
    workers: int | None = Field(default=None, ge=1)
    #: GPUs each actor reserves (a fraction shares a GPU between actors).
    num_gpus: float = Field(default=0.0, ge=0)
    #: CPUs each actor reserves.
    num_cpus: float = Field(default=1.0, gt=0)


class ExecutionSpec(Section):
    """Where the checks may run: the Ray executor's actor resources (the local executor takes none)."""

    ray: RaySpec = Field(default_factory=RaySpec)


class ReportSpec(Section):
    """Report options."""

    formats: list[Literal["html", "pdf"]] = Field(default_factory=lambda: ["html", "pdf"], min_length=1)
    #: Language of the report's fixed text (auditkit.i18n.LANGUAGES); check summaries print as stored.
    language: Literal["en", "de"] = "en"
    title: str | None = None
    confidentiality: str = "Confidential"


class Policy(Section):
    """A whole audit policy, as validated from YAML."""

    schema_version: Literal[1]
    policy: PolicyMeta
    system: SystemInfo
    #: One variant per registered model type (:mod:`auditkit.policy.model_types`), chosen by ``model.type``.
    model: AnyModelSpec
    data: DataSpec
    protected_attributes: list[ProtectedAttribute] = Field(min_length=1)
    statistics: Statistics = Field(default_factory=Statistics)
    checks: list[CheckSpec] = Field(min_length=1)
    gate: GateSpec = Field(default_factory=GateSpec)
    report: ReportSpec = Field(default_factory=ReportSpec)
    execution: ExecutionSpec = Field(default_factory=ExecutionSpec)
    #: Lets ``model.options.trust_remote_code: true`` run Python code shipped in a huggingface model directory.
    #: Off by default; the report prints it in its provenance section when on.
    allow_remote_code: bool = False

    def attribute(self, name: str) -> ProtectedAttribute:
        """The protected attribute called ``name``; KeyError if the policy has none."""
        for a in self.protected_attributes:
            if a.name == name:
                return a
        raise KeyError(name)
