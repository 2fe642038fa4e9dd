"""Column checks that turn a loaded DataFrame into the arrays an audit needs.

Each function takes the frame and the policy fields it needs, checks one thing
(the label, the feature matrix, the texts, the protected attributes, the ids)
and either returns the array or raises a :class:`~auditkit.errors.DataError`
naming the policy field, what the data holds and how to fix it. Values are
compared as canonical text (see :mod:`auditkit.data.values`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from auditkit.data.values import (
    as_text,
    column_as_text,
    count_values,
    did_you_mean,
    display_value,
    format_counts,
    listing,
    plural,
    row_numbers,
)
from auditkit.errors import DataError
from auditkit.policy.schema import DataSpec, ProtectedAttribute


def require_column(frame: pd.DataFrame, column: str, *, field: str, source: str) -> None:
    """DataError unless ``column`` exists, naming the policy ``field`` and the columns found."""
    if column not in frame.columns:
        raise DataError(
            f"column {column!r} ({field}) not found in {source}{did_you_mean(column, frame.columns)}; "
            f"columns found: {listing(frame.columns)}"
        )


def label_vector(frame: pd.DataFrame, spec: DataSpec, *, source: str) -> np.ndarray:
    """``y_true`` as int8: 1 where the label equals ``favourable_label`` (compared as text), else 0."""
    require_column(frame, spec.label, field="data.label", source=source)
    series = frame[spec.label]
    texts = column_as_text(series)
    missing = np.array([t is None for t in texts], dtype=bool)
    if missing.any():
        raise DataError(
            f"label column {spec.label!r} (data.label) in {source} has "
            f"{plural(int(missing.sum()), 'missing value')} at {row_numbers(missing)}; "
            "every audited example needs its true outcome: fill or drop those rows"
        )
    favourable = as_text(spec.favourable_label)
    y = texts == favourable
    if not y.any():
        counts = count_values(texts)
        given_kind = "text" if isinstance(spec.favourable_label, str) else "a number"
        held_kind = "numbers" if pd.api.types.is_numeric_dtype(series.dtype) else "text"
        note = ""
        if (given_kind == "text") != (held_kind == "text"):
            note = (
                f" Note: the policy gives {given_kind} ({spec.favourable_label!r}) while the column holds "
                f"{held_kind} ({series.dtype}); values are compared as text, so 1 matches '1' "
                "but 'yes' never matches 1."
            )
        raise DataError(
            f"favourable_label {spec.favourable_label!r} (data.favourable_label) does not occur in label column "
            f"{spec.label!r} of {source}{did_you_mean(str(favourable), [v for v, _ in counts])}; "
            f"values found: {format_counts(counts)}.{note} "
            "Set data.favourable_label to the value that means the favourable outcome"
        )
    return y.astype(np.int8)


def _numeric_column(series: pd.Series) -> tuple[np.ndarray, str | None]:
    """The column as float64 and, if some values are not numbers, a description of them."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return np.empty(0), f"holds dates/times ({dtype}), e.g. {listing(series.head(3).astype(str), 3)}"
    if pd.api.types.is_bool_dtype(dtype) and not series.isna().any():
        return series.to_numpy(dtype=np.float64), None
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), None
    converted = pd.to_numeric(series, errors="coerce")
    bad = (converted.isna() & series.notna()).to_numpy()
    if bad.any():
        examples = list(dict.fromkeys(repr(display_value(v) if isinstance(v, str) else v)
                                      for v in series[bad].head(50)))[:5]
        return np.empty(0), f"has {plural(int(bad.sum()), 'non-numeric value')}, e.g. {', '.join(examples)}"
    return converted.to_numpy(dtype=np.float64, na_value=np.nan), None


def category_column(series: pd.Series, name: str, *, source: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """A text-category column as float64 codes ``0..k−1`` and its categories (canonical text, sorted); the
    codes index the categories. Missing values are a DataError naming the rows."""
    texts = np.asarray([as_text(v) for v in series.tolist()], dtype=object)
    missing = np.asarray([t is None for t in texts])
    if missing.any():
        raise DataError(f"data.categorical column {name!r} in {source} has {int(missing.sum())} missing value(s) at "
                        f"{row_numbers(missing, 3)}; fill them (e.g. with a category 'unknown') or drop these rows")
    categories = tuple(sorted(set(texts.tolist())))
    index = {c: i for i, c in enumerate(categories)}
    return np.asarray([index[t] for t in texts], dtype=np.float64), categories


def feature_matrix(frame: pd.DataFrame, features: Sequence[str], *, source: str,
                   categorical: Sequence[str] = ()) -> tuple[np.ndarray, dict[str, tuple[str, ...]]]:
    """The model input matrix: float32 ``(n, d)``, columns in ``features`` order, all finite; and the
    categories of each ``categorical`` column, which the matrix holds as codes (:func:`category_column`)."""
    if not features:
        raise DataError(
            "data.features is empty; a tabular model needs its input columns: list them in data.features "
            f"in the order the model reads them (columns found in {source}: {listing(frame.columns)})"
        )
    duplicated = sorted({f for f in features if list(features).count(f) > 1})
    if duplicated:
        raise DataError(f"data.features lists {listing(duplicated)} more than once; list each input column once")
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise DataError(
            f"{len(missing)} of the {len(features)} columns in data.features not found in {source}: "
            f"{', '.join(repr(m) for m in missing)}; columns found: {listing(frame.columns, 60)}"
        )
    columns, problems, categories = [], [], {}
    for name in features:
        if name in categorical:
            values, categories[name] = category_column(frame[name], name, source=source)
            columns.append(values)
            continue
        values, problem = _numeric_column(frame[name])
        if problem:
            problems.append(f"{name!r} {problem}")
        columns.append(values)
    if problems:
        raise DataError(
            f"data.features must be numeric columns, but in {source}: {'; '.join(problems)}. "
            "Encode categories as numbers (e.g. one-hot, as the model was trained) before auditing, or, for a "
            "scikit-learn pipeline that encodes them itself, list these columns under data.categorical; "
            "or remove the column from data.features"
        )
    with np.errstate(over="ignore"):  # values beyond float32 become inf and are reported just below
        X = np.column_stack(columns).astype(np.float32)
    bad = []
    for j, name in enumerate(features):
        nan, inf = np.isnan(X[:, j]), np.isinf(X[:, j])
        if nan.any():
            bad.append(f"{name!r}: {int(nan.sum())} missing (NaN) at {row_numbers(nan, 3)}")
        if inf.any():
            bad.append(f"{name!r}: {int(inf.sum())} infinite (or beyond float32 range) at {row_numbers(inf, 3)}")
    if bad:
        raise DataError(
            f"feature values in {source} must be finite numbers; found {'; '.join(bad)}. "
            "Impute or drop these rows before auditing (the model would otherwise see NaN)"
        )
    return X, categories


def text_list(frame: pd.DataFrame, column: str | None, *, source: str) -> list[str]:
    """The texts of ``data.text_column``: every value a non-empty string."""
    if not column:
        raise DataError(
            "data.text_column is not set; a text model needs the column holding the texts: "
            f"set data.text_column (columns found in {source}: {listing(frame.columns)})"
        )
    require_column(frame, column, field="data.text_column", source=source)
    values = frame[column].to_numpy(dtype=object)
    missing = np.array([v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA for v in values])
    wrong = np.array([not isinstance(v, str) for v in values]) & ~missing
    empty = np.array([isinstance(v, str) and not v.strip() for v in values])
    problems = []
    if missing.any():
        problems.append(f"{int(missing.sum())} missing at {row_numbers(missing)}")
    if wrong.any():
        kinds = sorted({type(v).__name__ for v in values[wrong]})
        problems.append(f"{int(wrong.sum())} not text ({', '.join(kinds)}) at {row_numbers(wrong)}")
    if empty.any():
        problems.append(f"{int(empty.sum())} empty or blank at {row_numbers(empty)}")
    if problems:
        raise DataError(
            f"text column {column!r} (data.text_column) in {source} must hold a non-empty string in every row; "
            f"found {'; '.join(problems)}. Fix or drop those rows"
        )
    return [str(v) for v in values]


def protected_columns(
    frame: pd.DataFrame,
    attributes: Sequence[ProtectedAttribute],
    *,
    task: Literal["tabular", "text"],
    features: Sequence[str],
    source: str,
) -> dict[str, np.ndarray]:
    """Attribute name → object array of its value as text, checked against the declared ``values``.

    Text attributes defined only by a ``lexicon`` have no column and are skipped.
    For tabular data, ``model_input`` must agree with whether the column is one
    of ``data.features``.
    """
    out: dict[str, np.ndarray] = {}
    for i, attr in enumerate(attributes):
        field = f"protected_attributes[{i}]"
        if not attr.column:
            if task == "text":
                continue
            raise DataError(
                f"{field} ({attr.name!r}) has a lexicon but no column; tabular data needs {field}.column: "
                "the data column holding the attribute"
            )
        require_column(frame, attr.column, field=f"{field}.column", source=source)
        texts = column_as_text(frame[attr.column])
        missing = np.array([t is None for t in texts], dtype=bool)
        if missing.any():
            raise DataError(
                f"protected attribute {attr.name!r} (column {attr.column!r}, {field}.column) in {source} has "
                f"{plural(int(missing.sum()), 'missing value')} at {row_numbers(missing)}; fill them with an explicit "
                f"value (e.g. 'unknown', listed in {field}.values) or drop those rows"
            )
        if attr.values:
            declared = [as_text(v) for v in attr.values]
            unexpected = [(v, n) for v, n in count_values(texts) if v not in declared]
            if unexpected:
                raise DataError(
                    f"protected attribute {attr.name!r} (column {attr.column!r}) in {source} holds values not "
                    f"declared in {field}.values [{', '.join(map(str, declared))}]: {format_counts(unexpected)}; "
                    f"add them to {field}.values or fix the data"
                )
        if task == "tabular":
            _check_model_input(attr, field, features)
        out[attr.name] = texts
    return out


def _check_model_input(attr: ProtectedAttribute, field: str, features: Sequence[str]) -> None:
    in_features = attr.column in features
    if attr.model_input and not in_features:
        raise DataError(
            f"{field}.model_input is true but column {attr.column!r} is not in data.features; "
            "add it to data.features if the model reads it, or set model_input: false"
        )
    if in_features and not attr.model_input:
        raise DataError(
            f"column {attr.column!r} ({field}.column) is in data.features, so the model reads it, but "
            f"{field}.model_input is false; set model_input: true (or remove it from data.features)"
        )


def id_array(frame: pd.DataFrame, column: str, *, source: str) -> np.ndarray:
    """Row identifiers from ``data.id_column`` as text: present in every row and unique."""
    require_column(frame, column, field="data.id_column", source=source)
    ids = column_as_text(frame[column])
    missing = np.array([t is None for t in ids], dtype=bool)
    if missing.any():
        raise DataError(
            f"id column {column!r} (data.id_column) in {source} has {plural(int(missing.sum()), 'missing value')} at "
            f"{row_numbers(missing)}; every row needs an id"
        )
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if duplicated.any():
        examples = [display_value(v) for v in list(dict.fromkeys(ids[duplicated]))[:5]]
        raise DataError(
            f"id column {column!r} (data.id_column) in {source} is not unique: {int(duplicated.sum())} rows share "
            f"ids, e.g. {', '.join(map(repr, examples))}; use a column with one id per row"
        )
    return ids
