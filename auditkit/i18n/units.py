"""Numbers in the report's language: plain decimals, percentages, p-values, and quantities by their unit.

Every number a report prints is turned into a string here or in :mod:`auditkit.report.fmt`
(which builds on these), with a fixed precision, so the same stored run always gives the same
characters. Decimal numbers keep the decimal point in every language (see :mod:`auditkit.report.fmt`);
German percentages take a no-break space before the sign. A quantity of one :class:`~auditkit.evidence.Unit`
is formatted the same way everywhere: in sentences, in tables and in findings.
"""

from __future__ import annotations

import math

from auditkit.evidence import Unit
from auditkit.i18n import current_language, t

DASH = "—"


def num(x: float | int | None, digits: int = 4) -> str:
    """A number with ``digits`` fixed decimals; ``None``/NaN as a dash; tiny values in scientific form.

    Fixed decimals (not ``%g``) keep columns aligned and make equal inputs give
    equal strings. A non-zero value that would print as ``0.0000`` is written
    in scientific notation instead, so a small effect never reads as zero.
    """
    if x is None:
        return DASH
    if isinstance(x, bool):
        return t("fmt.yes") if x else t("fmt.no")
    if isinstance(x, int):
        return str(x)
    v = float(x)
    if math.isnan(v):
        return DASH
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v != 0.0 and abs(v) < 0.5 * 10.0**-digits:
        return f"{v:.2e}"
    text = f"{v:.{digits}f}"
    return "0." + "0" * digits if text.startswith("-") and float(text) == 0.0 else text


def pvalue(p: float | None) -> str:
    """A p-value with four decimals; values below 0.001 as ``< 0.001`` (smaller ones are not estimated more
    precisely than that by a bootstrap or permutation of the usual size, and ``1.24e-265`` only misleads)."""
    if p is None or math.isnan(p):
        return DASH
    if p < 0.001:
        return "< 0.001"
    return f"{min(p, 1.0):.4f}"


def percent(x: float | None, digits: int = 1) -> str:
    """A fraction as a percentage (``0.95`` → ``95%``; German ``95 %`` with a no-break space).

    A non-zero fraction that would round to ``0.0%`` gets two significant figures
    instead (``0.004%``): a small effect never reads as none. Below 1e-12 a fraction
    is floating-point noise (an interval bound at 0) and prints as 0.
    """
    if x is None or math.isnan(x):
        return DASH
    sep = "\u00a0" if current_language() == "de" else ""
    v = 0.0 if abs(x) < 1e-12 else x * 100  # rounding noise of an interval bound at 0 is 0
    if v != 0.0 and abs(v) < 0.5 * 10.0**-digits:
        digits = max(digits, 1 - math.floor(math.log10(abs(v))))
    text = f"{v:.{digits}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return f"{text}{sep}%"


def quantity(value: float | int | None, unit: Unit | str) -> str:
    """``value`` formatted as its unit asks: rates and shares as percentages, differences in percentage points,
    counts as integers, p-values as p-values, ratios, scores, probabilities, correlations and bits with three
    decimals, anything else with four."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    unit = Unit(unit)
    if isinstance(value, bool):
        return num(value)
    if unit in (Unit.RATE, Unit.SHARE):
        return percent(float(value))
    if unit is Unit.DIFFERENCE_PP:
        sep = "\u00a0"
        text = percent(float(value)).replace("\u00a0", "").removesuffix("%")
        return f"{text}{sep}{t('unit.pp')}"
    if unit is Unit.COUNT:
        return str(round(float(value)))
    if unit is Unit.PVALUE:
        return pvalue(float(value))
    if unit is Unit.NUMBER:
        return num(float(value))
    return num(float(value), 3)


__all__ = ["DASH", "num", "percent", "pvalue", "quantity"]
