"""The data profile of a run: typed, frozen records of what the audit data held, and their JSON form.

EU AI Act Art. 10(2)(f)–(g) and Annex IV 2(d) ask what the data looked like: for every model input and
protected attribute its kind, its range or categories, its missing share and unit, how it is distributed in
each protected group, and how often each group has the favourable outcome (the label's base rate, with a
Wilson interval). :mod:`auditkit.data.profiling` computes a :class:`DataProfile` once per run from the loaded
data; the store keeps its :meth:`DataProfile.to_json` with the run and the report reads it back with
:meth:`DataProfile.from_json`. Standard library only, so reading a profile (the report does) never imports
pandas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

#: Version of the JSON layout written by :meth:`DataProfile.to_json`.
PROFILE_VERSION = 1

Kind = Literal["numeric", "categorical"]
Role = Literal["feature", "protected"]


def _number(x: Any) -> float | None:
    """A plain float, or None for a missing or non-finite value (JSON holds no NaN)."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class Share:
    """One category of a column and its share of the rows that have a value."""

    value: str
    share: float

    def to_json(self) -> list[Any]:
        """``[value, share]``."""
        return [self.value, self.share]

    @classmethod
    def from_json(cls, raw: Any) -> Share:
        """The inverse of :meth:`to_json`."""
        value, share = raw
        return cls(str(value), float(share))


@dataclass(frozen=True)
class GroupSummary:
    """A column within one protected group: its size, and mean and median (numeric) or top shares (categorical)."""

    group: str
    n: int
    mean: float | None = None
    median: float | None = None
    top: tuple[Share, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"group": self.group, "n": self.n, "mean": _number(self.mean), "median": _number(self.median),
                "top": [s.to_json() for s in self.top]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> GroupSummary:
        """The inverse of :meth:`to_json`."""
        return cls(group=str(raw["group"]), n=int(raw["n"]), mean=_number(raw.get("mean")),
                   median=_number(raw.get("median")), top=tuple(Share.from_json(s) for s in raw.get("top", ())))


@dataclass(frozen=True)
class GroupDistribution:
    """A column's summary in each group of one protected attribute, groups in the attribute's declared order."""

    attribute: str
    groups: tuple[GroupSummary, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"attribute": self.attribute, "groups": [g.to_json() for g in self.groups]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> GroupDistribution:
        """The inverse of :meth:`to_json`."""
        return cls(attribute=str(raw["attribute"]), groups=tuple(GroupSummary.from_json(g) for g in raw["groups"]))


@dataclass(frozen=True)
class ColumnProfile:
    """One profiled column (a model input or a protected attribute's column).

    Numeric columns have ``minimum`` and ``maximum``; categorical ones the most frequent ``categories`` with
    their shares (of the rows with a value) and ``n_categories``, the number of distinct values. ``unit`` is
    the policy's ``data.units`` entry for the column (None: not given).
    """

    name: str
    role: Role
    kind: Kind
    n: int
    missing_share: float
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    categories: tuple[Share, ...] = ()
    n_categories: int = 0
    by_group: tuple[GroupDistribution, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"name": self.name, "role": self.role, "kind": self.kind, "n": self.n,
                "missing_share": self.missing_share, "unit": self.unit, "minimum": _number(self.minimum),
                "maximum": _number(self.maximum), "categories": [c.to_json() for c in self.categories],
                "n_categories": self.n_categories, "by_group": [d.to_json() for d in self.by_group]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ColumnProfile:
        """The inverse of :meth:`to_json`."""
        return cls(name=str(raw["name"]), role=raw["role"], kind=raw["kind"], n=int(raw["n"]),
                   missing_share=float(raw["missing_share"]), unit=raw.get("unit"),
                   minimum=_number(raw.get("minimum")), maximum=_number(raw.get("maximum")),
                   categories=tuple(Share.from_json(c) for c in raw.get("categories", ())),
                   n_categories=int(raw.get("n_categories", 0)),
                   by_group=tuple(GroupDistribution.from_json(d) for d in raw.get("by_group", ())))


@dataclass(frozen=True)
class BaseRate:
    """How often one group has the favourable outcome: ``favourable`` of ``n`` rows, with a Wilson interval."""

    group: str
    n: int
    favourable: int
    rate: float
    ci_low: float
    ci_high: float

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"group": self.group, "n": self.n, "favourable": self.favourable, "rate": self.rate,
                "ci_low": self.ci_low, "ci_high": self.ci_high}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> BaseRate:
        """The inverse of :meth:`to_json`."""
        return cls(group=str(raw["group"]), n=int(raw["n"]), favourable=int(raw["favourable"]),
                   rate=float(raw["rate"]), ci_low=float(raw["ci_low"]), ci_high=float(raw["ci_high"]))

    def overlaps(self, other: BaseRate) -> bool:
        """Whether the two groups' intervals share at least one point."""
        return self.ci_low <= other.ci_high and other.ci_low <= self.ci_high


@dataclass(frozen=True)
class BaseRates:
    """The label's base rate in each group of one protected attribute (groups with rows only)."""

    attribute: str
    groups: tuple[BaseRate, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"attribute": self.attribute, "groups": [g.to_json() for g in self.groups]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> BaseRates:
        """The inverse of :meth:`to_json`."""
        return cls(attribute=str(raw["attribute"]), groups=tuple(BaseRate.from_json(g) for g in raw["groups"]))

    def disjoint_pairs(self) -> tuple[tuple[BaseRate, BaseRate], ...]:
        """The pairs of groups whose intervals do not overlap (their base rates differ), in group order."""
        gs = self.groups
        return tuple((a, b) for i, a in enumerate(gs) for b in gs[i + 1:] if not a.overlaps(b))


@dataclass(frozen=True)
class DataProfile:
    """What the audit data held: one :class:`ColumnProfile` per model input and protected attribute column
    (inputs first, in the model's order), and the label's base rates per protected attribute.

    ``label`` is the label column, ``favourable_label`` the value meaning the favourable outcome (as text),
    ``confidence`` the level of the base rates' intervals (the policy's ``statistics.confidence``).
    """

    n_rows: int
    label: str
    favourable_label: str
    confidence: float
    columns: tuple[ColumnProfile, ...]
    base_rates: tuple[BaseRates, ...]
    version: int = PROFILE_VERSION

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (strict: no NaN), as stored with the run."""
        return {"version": self.version, "n_rows": self.n_rows, "label": self.label,
                "favourable_label": self.favourable_label, "confidence": self.confidence,
                "columns": [c.to_json() for c in self.columns], "base_rates": [b.to_json() for b in self.base_rates]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> DataProfile:
        """The inverse of :meth:`to_json`; a ValueError for a layout this auditkit does not know."""
        version = raw.get("version") if isinstance(raw, Mapping) else None
        if version != PROFILE_VERSION:
            raise ValueError(f"data profile layout version {version!r} is not known (this auditkit reads "
                             f"version {PROFILE_VERSION}); upgrade auditkit to render this run's data profile")
        return cls(n_rows=int(raw["n_rows"]), label=str(raw["label"]), favourable_label=str(raw["favourable_label"]),
                   confidence=float(raw["confidence"]),
                   columns=tuple(ColumnProfile.from_json(c) for c in raw["columns"]),
                   base_rates=tuple(BaseRates.from_json(b) for b in raw["base_rates"]), version=int(version))

    def rates_of(self, attribute: str) -> BaseRates | None:
        """The base rates of ``attribute``, or None when the profile has none for it."""
        return next((b for b in self.base_rates if b.attribute == attribute), None)


__all__ = ["PROFILE_VERSION", "BaseRate", "BaseRates", "ColumnProfile", "DataProfile", "GroupDistribution",
           "GroupSummary", "Share"]
