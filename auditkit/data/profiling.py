"""Compute the :class:`~auditkit.data.profile.DataProfile` of the audit data (Art. 10(2)(f)–(g), Annex IV 2(d)).

Pure and vectorised: every statistic is a pandas group-by or a numpy ``bincount`` over the frame the loader
already holds, so profiling adds no second read of the data file and no per-row Python loop over numeric
columns (categorical columns are turned into canonical text once, as the loader does for protected
attributes). The runner calls :func:`profile_audit_data` right after loading the data.

Conventions: a column is *numeric* when its values are numbers (booleans count as categories), else
*categorical*; the missing share is over all rows, category shares over the rows that have a value; groups
come in the protected attribute's declared order, then any other value in text order, and rows whose group
is missing belong to no group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditkit.data.loader import AuditData
from auditkit.data.profile import (
    BaseRate,
    BaseRates,
    ColumnProfile,
    DataProfile,
    GroupDistribution,
    GroupSummary,
    Role,
    Share,
)
from auditkit.data.values import as_text, column_as_text, display_values
from auditkit.metrics.stats import wilson_interval
from auditkit.policy.schema import ProtectedAttribute

#: Categories listed per column, and per column within each group.
TOP_CATEGORIES = 5
TOP_IN_GROUP = 3


@dataclass(frozen=True)
class GroupColumn:
    """A protected attribute as the profile reads it: its data column and each row's value as text."""

    name: str
    column: str
    values: np.ndarray
    declared: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Groups:
    """Row codes (-1: no group) and the labels of one attribute's groups, in report order."""

    attribute: str
    codes: np.ndarray
    labels: tuple[str, ...]

    @property
    def sizes(self) -> np.ndarray:
        """Rows per group (every row with a group counts, whatever else it lacks)."""
        return np.bincount(self.codes[self.codes >= 0], minlength=len(self.labels))


def _groups(attr: GroupColumn) -> _Groups:
    """Factorise the attribute once; order its groups as declared, then the rest by text."""
    codes, uniques = pd.factorize(np.asarray(attr.values, dtype=object), use_na_sentinel=True)
    values = [str(u) for u in uniques]
    rank = {v: i for i, v in enumerate(attr.declared)}
    order = sorted(range(len(values)), key=lambda k: (rank.get(values[k], len(rank)), values[k]))
    position = np.empty(len(values), dtype=np.int64)
    position[order] = np.arange(len(values))
    row_codes = np.where(codes >= 0, position[np.maximum(codes, 0)] if len(values) else -1, -1)
    labels = tuple(display_values([values[k] for k in order]))
    return _Groups(attr.name, row_codes.astype(np.int64), labels)


def _as_numbers(series: pd.Series) -> pd.Series | None:
    """The column as float64 when every value is a number (missing allowed), else None (categorical)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.astype("float64")
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return None
    converted = pd.to_numeric(series, errors="coerce")
    if (converted.isna() & series.notna()).any() or series.isna().all():
        return None
    return converted.astype("float64")


def _numeric_profiles(block: pd.DataFrame, roles: Mapping[str, Role], owners: Mapping[str, str],
                      units: Mapping[str, str], groups: Sequence[_Groups]) -> dict[str, ColumnProfile]:
    """Range, missing share and per-group mean and median of every numeric column, by whole-frame group-bys.

    ``owners`` maps a protected attribute's column to the attribute: a column is not summarised over the
    groups it defines itself.
    """
    if block.shape[1] == 0:
        return {}
    n = len(block)
    missing = block.isna().mean() if n else pd.Series(0.0, index=block.columns)
    lows, highs = block.min(), block.max()
    per_attr: list[tuple[_Groups, pd.DataFrame, pd.DataFrame, np.ndarray]] = []
    for g in groups:
        keep = g.codes >= 0
        grouped = block[keep].groupby(g.codes[keep], sort=True)
        means = grouped.mean().reindex(range(len(g.labels)))
        medians = grouped.median().reindex(range(len(g.labels)))
        per_attr.append((g, means, medians, g.sizes))
    out = {}
    for col in block.columns:
        by_group = tuple(
            GroupDistribution(g.attribute, tuple(
                GroupSummary(label, int(sizes[k]), mean=_float(means[col].iloc[k]), median=_float(medians[col].iloc[k]))
                for k, label in enumerate(g.labels)))
            for g, means, medians, sizes in per_attr if g.attribute != owners.get(col))
        out[col] = ColumnProfile(name=col, role=roles[col], kind="numeric", n=n, missing_share=float(missing[col]),
                                 unit=units.get(col), minimum=_float(lows[col]), maximum=_float(highs[col]),
                                 by_group=by_group)
    return out


def _float(x: Any) -> float | None:
    v = float(x)
    return None if np.isnan(v) else v


def _top(counts: np.ndarray, values: Sequence[str], limit: int) -> tuple[Share, ...]:
    """The ``limit`` most frequent categories (ties by text) with their share of ``counts.sum()``."""
    total = counts.sum()
    if total == 0:
        return ()
    order = sorted((k for k in range(len(values)) if counts[k] > 0), key=lambda k: (-counts[k], values[k]))
    return tuple(Share(values[k], float(counts[k] / total)) for k in order[:limit])


def _categorical_profile(name: str, texts: np.ndarray, role: Role, unit: str | None, owner: str | None,
                         groups: Sequence[_Groups]) -> ColumnProfile:
    """Categories with shares, missing share, and the top categories in each group (one ``bincount`` each).

    ``owner`` is the protected attribute whose column this is (None: none); it is not summarised over the
    groups it defines itself.
    """
    codes, uniques = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=True)
    values = display_values([str(u) for u in uniques])
    n, c = len(codes), len(values)
    valid = codes >= 0
    overall = np.bincount(codes[valid], minlength=c)
    by_group = []
    for g in groups:
        if g.attribute == owner:
            continue
        both = valid & (g.codes >= 0)
        cross = np.bincount(g.codes[both] * c + codes[both], minlength=len(g.labels) * c).reshape(len(g.labels), c)
        sizes = g.sizes
        by_group.append(GroupDistribution(g.attribute, tuple(
            GroupSummary(label, int(sizes[k]), top=_top(cross[k], values, TOP_IN_GROUP))
            for k, label in enumerate(g.labels))))
    return ColumnProfile(name=name, role=role, kind="categorical", n=n,
                         missing_share=float((~valid).mean()) if n else 0.0, unit=unit,
                         categories=_top(overall, values, TOP_CATEGORIES), n_categories=c, by_group=tuple(by_group))


def _base_rates(g: _Groups, favourable: np.ndarray, confidence: float) -> BaseRates:
    """Share of rows with the favourable outcome in each group that has rows, with its Wilson interval."""
    keep = g.codes >= 0
    n = np.bincount(g.codes[keep], minlength=len(g.labels))
    k = np.bincount(g.codes[keep & (np.asarray(favourable) == 1)], minlength=len(g.labels))
    low, high = wilson_interval(k, n, confidence)
    return BaseRates(g.attribute, tuple(
        BaseRate(label, int(n[i]), int(k[i]), float(k[i] / n[i]), float(low[i]), float(high[i]))
        for i, label in enumerate(g.labels) if n[i] > 0))


def profile_frame(frame: pd.DataFrame, *, features: Sequence[str], attributes: Sequence[GroupColumn],
                  favourable: np.ndarray, label: str, favourable_label: str, units: Mapping[str, str],
                  confidence: float) -> DataProfile:
    """The profile of ``frame``: each column of ``features``, then each attribute's column not among them.

    ``favourable`` is 1 where a row has the favourable outcome (the loader's ``y_true``); ``attributes`` give
    the groups; ``units`` maps column names to their unit (the policy's ``data.units``).
    """
    groups = [_groups(a) for a in attributes]
    names = list(dict.fromkeys(features))
    roles: dict[str, Role] = dict.fromkeys(names, "feature")
    owners = {a.column: a.name for a in attributes}
    texts_of = {a.column: a.values for a in attributes}
    names += [c for c in dict.fromkeys(owners) if c not in roles]
    roles.update({c: "protected" for c in names if c not in roles})
    numeric = {c: s for c in names if roles[c] == "feature" and (s := _as_numbers(frame[c])) is not None}
    profiles = _numeric_profiles(pd.DataFrame(numeric, index=frame.index), roles, owners, units, groups)
    for col in names:
        if col not in profiles:
            texts = texts_of[col] if col in texts_of else column_as_text(frame[col])
            profiles[col] = _categorical_profile(col, texts, roles[col], units.get(col), owners.get(col), groups)
    return DataProfile(n_rows=len(frame), label=label, favourable_label=favourable_label, confidence=confidence,
                       columns=tuple(profiles[c] for c in names),
                       base_rates=tuple(_base_rates(g, favourable, confidence) for g in groups))


def profile_audit_data(data: AuditData, attributes: Sequence[ProtectedAttribute], *, units: Mapping[str, str],
                       confidence: float) -> DataProfile:
    """The profile of loaded audit data: its model inputs and the columns of the policy's protected attributes.

    Reuses what the loader computed (each attribute's values as text, the favourable-outcome vector), so the
    data file is not read again. Attributes defined only by a lexicon have no column and are left out. Streamed
    data (:mod:`auditkit.data.streamed`) is profiled on the seeded sample of rows its ``frame`` holds.
    """
    spec = data.spec
    rows = getattr(data, "frame_rows", None)  # streamed data: the frame is a sample of these rows

    def of_frame(column: np.ndarray) -> np.ndarray:
        return column if rows is None else column[rows]

    columns = [GroupColumn(a.name, a.column, of_frame(data.protected[a.name]),
                           tuple(as_text(v) or "" for v in a.values))
               for a in attributes if a.column and a.name in data.protected]
    return profile_frame(
        data.frame, features=data.feature_names, attributes=columns, favourable=of_frame(data.y_true),
        label=spec.label if spec else "", favourable_label=as_text(spec.favourable_label) or "" if spec else "",
        units=units, confidence=confidence)


__all__ = ["GroupColumn", "profile_audit_data", "profile_frame"]
