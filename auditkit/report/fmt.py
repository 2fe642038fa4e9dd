"""Formatting of numbers, dates and names for the report.

Every number in a report is turned into a string here, with a fixed precision,
so that the templates never format anything and the same stored run always
gives the same characters. Nothing here reads the clock or the system locale.

Language: dates, time stamps, percentages and the words "yes", "no" and
"not provided" follow the report language in force
(:func:`auditkit.i18n.use_language`): English ``2026-11-25`` and ``95%``,
German ``25.11.2026`` and ``95 %``. Decimal numbers keep the decimal point in
every language, on purpose: the report's numbers are then the same characters as
the thresholds in the policy, the values in the embedded ``results.json`` and the
tick labels of the charts, so a reader can search for a number and compare
documents in different languages; and intervals stay unambiguous (``[0.54, 0.62]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from auditkit.i18n import current_language, t
from auditkit.i18n.units import DASH, num, percent, pvalue, quantity  # noqa: F401 (the report formats through fmt)


def not_provided() -> str:
    """The visible marker of a missing human-supplied field, in the current language."""
    return t("fmt.not_provided")

_ACRONYMS = {
    "fpr": "FPR",
    "fnr": "FNR",
    "tpr": "TPR",
    "tnr": "TNR",
    "auc": "AUC",
    "dp": "DP",
    "eo": "EO",
    "ci": "CI",
    "ig": "IG",
    "shap": "SHAP",
    "mac": "MAC",
    "kl": "KL",
    "fr": "FR",
    "ctf": "CTF",
    "mlp": "MLP",
    "rc": "RC",
    "fa": "FA",
    "ra": "RA",
    "sa": "SA",
    "sra": "SRA",
    "pra": "PRA",
    "id": "ID",
}


def interval(low: float | None, high: float | None, confidence: float | None = None) -> str:
    """A confidence interval as ``[low, high]``, with its level when known (``95% [0.54, 0.62]``)."""
    if low is None and high is None:
        return DASH
    text = f"[{num(low)}, {num(high)}]"
    return f"{percent(confidence, 0)} {text}" if confidence is not None else text


def comparator(op: str | None) -> str:
    """The typographic comparator (``<=`` → ``≤``)."""
    return {"<=": "≤", ">=": "≥"}.get(op or "", op or "")


def threshold(op: str | None, value: float | None) -> str:
    """A threshold with its comparator (``≥ 0.8000``); a dash when there is none."""
    if value is None:
        return DASH
    return f"{comparator(op)} {num(value)}".strip()


def timestamp(t: dt.datetime | None) -> str:
    """A UTC time stamp ``2026-11-25 09:14:03 UTC`` (German ``25.11.2026 09:14:03 UTC``); naive times are UTC."""
    if t is None:
        return DASH
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{date(t)} {t:%H:%M:%S} UTC"


def iso_timestamp(t: dt.datetime) -> str:
    """A W3C date-time (``2026-11-25T09:14:03Z``) for document metadata."""
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def date(d: dt.date | dt.datetime | None) -> str:
    """A date: ISO ``2026-11-25`` in English, ``25.11.2026`` in German."""
    if d is None:
        return DASH
    if isinstance(d, dt.datetime):
        if d.tzinfo is not None:
            d = d.astimezone(dt.UTC)
        d = d.date()
    return f"{d:%d.%m.%Y}" if current_language() == "de" else d.isoformat()


def duration(seconds: float | None) -> str:
    """A duration in seconds with one decimal (``12.3 s``), minutes above 100 s."""
    if seconds is None:
        return DASH
    if seconds >= 100:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f} s"


def humanise(name: str) -> str:
    """``demographic_parity_ratio`` → ``Demographic parity ratio``; known acronyms in capitals."""
    words = name.replace("-", " ").replace("_", " ").split()
    out = [_ACRONYMS.get(w.lower(), w) for w in words]
    if out and out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def cell(value: Any) -> str:
    """One cell of a details table: floats to four decimals, ``None`` as a dash, the rest as text."""
    if value is None:
        return DASH
    if isinstance(value, bool | int | float):
        return num(value)
    if isinstance(value, Mapping | Sequence) and not isinstance(value, str):
        return plain(value)
    return str(value)


def plain(value: Any) -> str:
    """A policy value (scalar, list or mapping) as one readable line, deterministic.

    Mappings print in key order, not in stored order: a JSON column, PostgreSQL's JSONB and
    ``results.json`` (sorted keys) each give keys back in another order, and a report must read the
    same whichever of them it is rendered from (``auditkit verify`` re-renders it from the PDF's own
    attachments).
    """
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {plain(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return date(value)
    return str(value)


def is_numeric(value: Any) -> bool:
    """Whether a details cell holds a number (right-aligned in tables)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
