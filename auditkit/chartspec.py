"""Chart specifications as data: what a check may put in ``details["charts"]``, parsed and validated.

A check states *what* to draw (an agreement matrix, probe accuracy per layer with a chance line, flip rates per
group) as plain JSON; :mod:`auditkit.report.spec_charts` decides *how* (SVG). This module sits below both, so a
check validates its charts when it builds them and the report parses them with the same rules: a malformed
chart is a bug that fails the check's tests, not a "chart could not be drawn" note in a regulator's PDF.

Three types, each parsed into a frozen record (fields documented on the parse functions):

* ``heatmap``: :func:`parse_heatmap` → :class:`HeatmapSpec`;
* ``lines``: :func:`parse_lines` → :class:`LinesSpec`;
* ``bars``: :func:`parse_bars` → :class:`BarsSpec`.

Every type may name, in ``table``, the title of a table of the same evidence that prints every number the chart
draws (:func:`twin_table`): the chart is then a picture of that table, which a printed report may leave out.

:func:`validate_charts` checks every chart of a details mapping and raises :class:`SpecError` naming the chart
(position and title) and what is wrong with it. Standard library only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LABELS = 40  # rows or columns of a heat map, x positions named by x_ticks
MAX_BARS = 36
MAX_SERIES = 12
MAX_POINTS = 2000  # per series
MAX_MARKERS = 8  # vertical markers of a line chart
_LIMIT = 1e15  # larger magnitudes cannot be placed on an axis with meaningful ticks


class SpecError(ValueError):
    """A chart specification that cannot be drawn; the message says why, in a few words."""


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(value: Any) -> str:
    """A value for a message: strings quoted and cut, anything else by its type name."""
    return repr(_short(value, 40)) if isinstance(value, str) else type(value).__name__


def _seq(value: Any) -> Any:
    """Lists and tuples as they are; numpy arrays (anything with ``tolist``) as lists; anything else unchanged."""
    if hasattr(value, "tolist") and not isinstance(value, str | bytes | numbers.Number):
        return value.tolist()
    return value


def text(spec: Mapping[str, Any], key: str, default: str = "") -> str:
    """The text field ``key`` of ``spec`` (numbers become text; absent or null: ``default``)."""
    value = spec.get(key)
    if value is None:
        return default
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise SpecError(f"'{key}' must be text, not {type(value).__name__}")


def _labels(spec: Mapping[str, Any], key: str, limit: int = MAX_LABELS) -> tuple[str, ...]:
    value = _seq(spec.get(key))
    if not isinstance(value, list | tuple) or not value:
        raise SpecError(f"'{key}' must be a non-empty list of labels")
    if len(value) > limit:
        raise SpecError(f"'{key}' has {len(value)} entries, more than the {limit} one chart can show")
    if any(isinstance(v, list | tuple | Mapping) for v in value):
        raise SpecError(f"'{key}' must hold plain labels")
    return tuple(str(v) for v in value)


def number(value: Any, where: str, *, expected: str = "a number") -> float:
    """``value`` as a finite float of drawable size; SpecError (saying ``where`` must be ``expected``) otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy scalars are Real too
        raise SpecError(f"{where} must be {expected}, not {_quote(value)}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x) or abs(x) > _LIMIT:
        raise SpecError(f"{where} is {_short(repr(value), 24)}, which cannot be drawn")
    return x


def optional_number(value: Any, where: str) -> float | None:
    """Like :func:`number`, but null and NaN mean "no value" (None): a gap in a line, a hatched cell."""
    if value is None or (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value)):
        return None
    return number(value, where, expected="a number or null")


def _list(value: Any, where: str, length: int | None = None) -> list[Any] | tuple[Any, ...]:
    value = _seq(value)
    if not isinstance(value, list | tuple):
        raise SpecError(f"{where} must be a list of numbers")
    if length is not None and len(value) != length:
        raise SpecError(f"{where} has {len(value)} values, expected {length}")
    return value


def _numbers(value: Any, where: str, length: int | None = None) -> tuple[float, ...]:
    return tuple(number(v, f"{where}[{i}]") for i, v in enumerate(_list(value, where, length)))


def _optional_numbers(value: Any, where: str, length: int | None = None) -> tuple[float | None, ...]:
    return tuple(optional_number(v, f"{where}[{i}]") for i, v in enumerate(_list(value, where, length)))


# --------------------------------------------------------------------------- heat map


@dataclass(frozen=True)
class HeatmapSpec:
    """A parsed heat map: ``values[i][j]`` of row ``rows[i]`` and column ``columns[j]`` (None: no value)."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    annotations: tuple[tuple[Any, ...], ...] | None
    value_label: str
    range: tuple[float, float] | None
    diverging: bool


def parse_heatmap(spec: Mapping[str, Any]) -> HeatmapSpec:
    """A matrix of shaded cells: ``rows`` × ``columns`` ``values`` (numbers or null), optional ``annotations``
    (text per cell), ``value_label``, ``range`` [lo, hi] (else from the data) and ``diverging`` (centred at 0)."""
    title = text(spec, "title", "Heat map")
    rows, cols = _labels(spec, "rows"), _labels(spec, "columns")
    raw = _seq(spec.get("values"))
    if not isinstance(raw, list | tuple) or len(raw) != len(rows):
        raise SpecError(f"'values' must be a list of {len(rows)} rows, one per entry of 'rows'")
    values = tuple(_optional_numbers(r, f"values[{i}]", len(cols)) for i, r in enumerate(raw))
    notes = _seq(spec.get("annotations"))
    if notes is not None and (not isinstance(notes, list | tuple) or len(notes) != len(rows) or any(
            not isinstance(r, list | tuple) or len(r) != len(cols) for r in notes)):
        raise SpecError(f"'annotations' must be {len(rows)} rows of {len(cols)} texts, like 'values'")
    rng: tuple[float, float] | None = None
    if spec.get("range") is not None:
        lo, hi = _numbers(spec.get("range"), "'range'", 2)
        if not lo < hi:
            raise SpecError("'range' must be [low, high] with low < high")
        rng = (lo, hi)
    return HeatmapSpec(title, rows, cols, values, None if notes is None else tuple(tuple(r) for r in notes),
                       text(spec, "value_label", "value"), rng, bool(spec.get("diverging")))


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Series:
    """One parsed line: points ``(x[k], y[k])`` (y None: a gap) and an optional band from ``low`` to ``high``."""

    name: str
    x: tuple[float, ...]
    y: tuple[float | None, ...]
    low: tuple[float | None, ...] | None
    high: tuple[float | None, ...] | None


@dataclass(frozen=True)
class LinesSpec:
    """A parsed line chart; with ``x_ticks`` the x values are positions 0..n-1 named by them."""

    title: str
    x_label: str
    y_label: str
    x_ticks: tuple[str, ...] | None
    series: tuple[Series, ...]
    reference_lines: tuple[tuple[float, str], ...]
    #: Vertical markers (x, label): a position on the x axis, such as a decision threshold.
    x_markers: tuple[tuple[float, str], ...] = ()


def _series(spec: Any, i: int, positions: int | None) -> Series:
    if not isinstance(spec, Mapping):
        raise SpecError(f"series {i + 1} must be an object")
    name = text(spec, "name", f"series {i + 1}")
    where = f"series {i + 1} ({_short(name, 24)!r})"
    xs = _numbers(spec.get("x"), f"{where} 'x'")
    if not xs or len(xs) > MAX_POINTS:
        raise SpecError(f"{where} must have 1 to {MAX_POINTS} points")
    if positions is not None and any(not 0 <= x <= positions - 1 for x in xs):
        raise SpecError(f"{where}: 'x' must be positions 0 to {positions - 1} of 'x_ticks'")
    band = {key: None if spec.get(key) is None else _optional_numbers(spec.get(key), f"{where} '{key}'", len(xs))
            for key in ("low", "high")}
    return Series(name, xs, _optional_numbers(spec.get("y"), f"{where} 'y'", len(xs)), band["low"], band["high"])


def parse_lines(spec: Mapping[str, Any]) -> LinesSpec:
    """Lines over x: ``series`` of {name, x, y, low, high} (a band from low to high), ``x_label``, ``y_label``,
    ``x_ticks`` (names of x positions 0..n-1, e.g. layers), ``reference_lines`` [{y, label}] (horizontal) and
    ``x_markers`` [{x, label}] (vertical: an operating point, a decision threshold; the x axis reaches them)."""
    title = text(spec, "title", "Line chart")
    names = _labels(spec, "x_ticks") if spec.get("x_ticks") is not None else None
    raw = _seq(spec.get("series"))
    if not isinstance(raw, list | tuple) or not 1 <= len(raw) <= MAX_SERIES:
        raise SpecError(f"'series' must be a list of 1 to {MAX_SERIES} series")
    series = tuple(_series(s, i, len(names) if names else None) for i, s in enumerate(raw))
    refs_raw = _seq(spec.get("reference_lines")) or []
    if not isinstance(refs_raw, list | tuple) or not all(isinstance(r, Mapping) for r in refs_raw):
        raise SpecError("'reference_lines' must be a list of {y, label} objects")
    refs = tuple((number(r.get("y"), f"reference line {k + 1} 'y'"), text(r, "label"))
                 for k, r in enumerate(refs_raw))
    if not any(v is not None for s in series for values in (s.y, s.low, s.high) for v in values or ()):
        raise SpecError("no series has a y value to draw")
    return LinesSpec(title, text(spec, "x_label"), text(spec, "y_label"), names, series, refs,
                     _x_markers(spec, len(names) if names else None))


def _x_markers(spec: Mapping[str, Any], positions: int | None) -> tuple[tuple[float, str], ...]:
    """The optional ``x_markers`` [{x, label}] of a line chart: vertical lines at positions on the x axis."""
    raw = _seq(spec.get("x_markers")) or []
    if not isinstance(raw, list | tuple) or not all(isinstance(r, Mapping) for r in raw):
        raise SpecError("'x_markers' must be a list of {x, label} objects")
    if len(raw) > MAX_MARKERS:
        raise SpecError(f"'x_markers' has {len(raw)} markers, more than the {MAX_MARKERS} one chart can show")
    out = tuple((number(r.get("x"), f"x marker {k + 1} 'x'"), text(r, "label")) for k, r in enumerate(raw))
    if positions is not None and any(not 0 <= x <= positions - 1 for x, _ in out):
        raise SpecError(f"'x_markers' must be positions 0 to {positions - 1} of 'x_ticks'")
    return out


# --------------------------------------------------------------------------- bars


@dataclass(frozen=True)
class BarItem:
    """One parsed bar: its label, value (None: not drawn), interval and group size (if given)."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int | None


@dataclass(frozen=True)
class BarsSpec:
    """A parsed bar chart; ``reference`` is (value, label) of a dashed line, or None."""

    title: str
    value_label: str
    bars: tuple[BarItem, ...]
    reference: tuple[float, str] | None


def parse_bars(spec: Mapping[str, Any]) -> BarsSpec:
    """Horizontal bars: ``bars`` [{label, value, low, high, n}], ``value_label``, ``reference`` {value, label}."""
    title = text(spec, "title", "Bar chart")
    raw = _seq(spec.get("bars"))
    if not isinstance(raw, list | tuple) or not 1 <= len(raw) <= MAX_BARS:
        raise SpecError(f"'bars' must be a list of 1 to {MAX_BARS} bars")
    items = []
    for i, b in enumerate(raw):
        if not isinstance(b, Mapping):
            raise SpecError(f"bar {i + 1} must be an object")
        value, lo, hi = (optional_number(b.get(k), f"bar {i + 1} '{k}'") for k in ("value", "low", "high"))
        n = b.get("n")
        items.append(BarItem(text(b, "label", f"bar {i + 1}"), value, lo, hi,
                             int(n) if isinstance(n, numbers.Integral) and not isinstance(n, bool) else None))
    if all(b.value is None for b in items):
        raise SpecError("no bar has a value")
    ref = spec.get("reference")
    if ref is not None and not isinstance(ref, Mapping):
        raise SpecError("'reference' must be a {value, label} object or null")
    reference = None if ref is None else (number(ref.get("value"), "reference 'value'"),
                                          text(ref, "label", "reference"))
    return BarsSpec(title, text(spec, "value_label", "value"), tuple(items), reference)


# --------------------------------------------------------------------------- any chart

ChartSpec = HeatmapSpec | LinesSpec | BarsSpec

#: The parser of each chart type; the report has one renderer per key.
PARSERS: dict[str, Callable[[Mapping[str, Any]], ChartSpec]] = {
    "bars": parse_bars, "heatmap": parse_heatmap, "lines": parse_lines}


def kind_of(spec: Any) -> str:
    """The ``type`` of a chart specification; SpecError unless it is an object of a known type."""
    if not isinstance(spec, Mapping):
        raise SpecError(f"a chart specification must be an object, not {_quote(spec)}")
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in PARSERS:
        raise SpecError(f"unknown chart type {_quote(kind)} (known: {', '.join(sorted(PARSERS))})")
    return kind


def parse(spec: Any) -> ChartSpec:
    """One chart specification, parsed by the parser of its ``type``; SpecError if it cannot be drawn."""
    parsed = PARSERS[kind_of(spec)](spec)
    twin_table(spec)
    return parsed


def twin_table(spec: Mapping[str, Any]) -> str:
    """The title of the table that prints every number of the chart ``spec`` draws ("" when it names none)."""
    return text(spec, "table")


def charts_of(details: Any) -> list[Any]:
    """The chart specifications of a details mapping (``details["charts"]``; none when absent)."""
    raw = details.get("charts") if isinstance(details, Mapping) else None
    if raw is None:
        return []
    raw = _seq(raw)
    if not isinstance(raw, list | tuple):
        raise SpecError(f"details['charts'] must be a list, not {_quote(raw)}")
    return list(raw)


def validate_charts(details: Any) -> None:
    """Raise SpecError unless every chart in ``details["charts"]`` can be drawn.

    The message names the chart by position and title, then the reason, e.g.
    ``chart 3 ('Cascading randomisation') in details['charts']: series 1 ('IG'): 'x' must be positions 0 to 2
    of 'x_ticks'``. Checks call it when they build their result; the report parses the same way when it draws.
    """
    for i, spec in enumerate(charts_of(details)):
        try:
            parse(spec)
        except SpecError as exc:
            title = spec.get("title") if isinstance(spec, Mapping) else None
            named = f" ({_short(title, 60)!r})" if isinstance(title, str) and title else ""
            raise SpecError(f"chart {i + 1}{named} in details['charts']: {exc}") from exc
