"""Values as text: how policy values are matched against data values, and how they are listed in errors.

A policy written in YAML says ``favourable_label: 1`` or ``values: [female, male]``;
the data may hold ``1`` (int), ``1.0`` (a float column with gaps), ``"1"`` (text)
or ``True``. Comparing everything as canonical text makes these agree:
integral floats lose their ``.0``, booleans are ``True``/``False``, missing
values are ``None`` (and are reported, never matched).
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

_LIST_LIMIT = 30

#: Longest data value shown in group labels and messages; longer values are cut and suffixed with a hash.
MAX_DISPLAY_CHARS = 100


def display_value(value: str, limit: int = MAX_DISPLAY_CHARS, *, digits: int = 10) -> str:
    """``value`` itself when short; else its start, an ellipsis and ``digits`` hex digits of its SHA-256.

    Keeps labels and messages bounded (a 200 kB cell in a protected column
    must not become a 200 kB table cell, chart label or error line) while two
    distinct long values still read as distinct.
    """
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    return f"{value[: max(limit - digits - 2, 1)]}…#{digest}"


def display_values(values: Sequence[str], limit: int = MAX_DISPLAY_CHARS) -> list[str]:
    """:func:`display_value` of each value; the whole hash is used where two cut values would still collide."""
    shown = [display_value(v, limit) for v in values]
    if len(set(shown)) < len(shown):
        shown = [display_value(v, limit + 54, digits=64) if len(v) > limit else v for v in values]
    return shown


def as_text(value: Any) -> str | None:
    """Canonical text of one scalar (``1``, ``1.0`` and ``"1"`` all give ``"1"``); ``None`` for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return None
        if math.isfinite(v) and v.is_integer():
            return str(int(v))
        return repr(v)
    return str(value)


def column_as_text(series: pd.Series) -> np.ndarray:
    """A column as an object array of canonical text, ``None`` where the value is missing."""
    if pd.api.types.is_bool_dtype(series.dtype) and not series.isna().any():
        return np.where(series.to_numpy(dtype=bool), "True", "False").astype(object)
    if pd.api.types.is_integer_dtype(series.dtype) and not series.isna().any():
        return series.astype("int64").astype(str).to_numpy(dtype=object)
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        return series.to_numpy(dtype=object, na_value=None)
    return np.fromiter((as_text(v) for v in series.to_numpy(dtype=object)), dtype=object, count=len(series))


def count_values(texts: np.ndarray) -> list[tuple[str, int]]:
    """Counts of each non-missing text value, most frequent first, ties by value."""
    counts = Counter(t for t in texts if t is not None)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def format_counts(pairs: Sequence[tuple[str, int]], limit: int = 12) -> str:
    """``'a' (10 rows), 'b' (3 rows)``, truncated after ``limit`` entries."""
    shown = ", ".join(f"{display_value(v)!r} ({n} row{'s' if n != 1 else ''})" for v, n in pairs[:limit])
    return shown + (f" and {len(pairs) - limit} more values" if len(pairs) > limit else "")


def listing(items: Iterable[Any], limit: int = _LIST_LIMIT) -> str:
    """Comma-separated items, truncated after ``limit`` with a count of the rest."""
    items = [display_value(str(i)) for i in items]
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(name, [str(c) for c in choices], n=1, cutoff=0.75)
    if not close:
        lower = {str(c).lower(): str(c) for c in choices}
        if name.lower() in lower:
            close = [lower[name.lower()]]
    return f" (did you mean {close[0]!r}?)" if close else ""


def plural(n: int, noun: str) -> str:
    """``'1 value'`` / ``'3 values'``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def row_numbers(mask: np.ndarray, limit: int = 5) -> str:
    """Zero-based data row numbers where ``mask`` is true, e.g. ``rows 3, 17, 20 and 4 more``."""
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row{'s' if len(rows) != 1 else ''} {shown}{more} (0-based)"
