"""Per-decision explanations in words (EU AI Act Art. 86: "clear and meaningful explanations").

:func:`decision_explanation` turns one instance's attributions into a sentence an
affected person or an overseer can read — "the main factors of this decision
were …" — naming the method it comes from and how many of those factors the
other methods also rank among their own top ones, so that a single method's
view is never presented as *the* reason.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from auditkit.explain.base import Attribution


def top_factors(values: np.ndarray, count: int) -> list[int]:
    """Indices of the ``count`` largest ``|φ|`` (ties: first feature first), ignoring NaN."""
    key = np.where(np.isfinite(values), -np.abs(values), np.inf)
    order = np.argsort(key, kind="stable")[:count]
    return [int(j) for j in order if np.isfinite(values[j])]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def decision_explanation(
    row: int,
    label: str,
    decision: str,
    score: float,
    main: Attribution,
    title: str,
    others: dict[str, Attribution],
    count: int = 3,
) -> dict[str, Any]:
    """One instance's explanation: its main factors by ``main`` and their support by the ``others``.

    ``row`` indexes the attributions; ``label`` names the instance (an id or
    "row 17"); ``score`` is the model's probability of the favourable outcome;
    ``others`` maps method titles to their attributions of the same instances.
    Returns JSON-able fields and the sentence under ``"text"``.
    """
    values = main.values[row]
    names = main.feature_names(row)
    order = top_factors(values, count)
    parts = [f"{names[j]} ({'raised' if values[j] > 0 else 'lowered'} the score, {values[j]:+.3g})" for j in order]
    support = {}
    for other_title, attribution in others.items():
        theirs = set(top_factors(attribution.values[row], count))
        support[other_title] = sum(1 for j in order if j in theirs)
    shown = f"{score:.4g}" if math.isfinite(score) else "n/a"
    text = (f"Decision on {label} ({decision}; probability of the favourable outcome {shown}): the main factors "
            f"of this decision were "
            f"{_join(parts) or 'not identifiable (all attributions are zero)'}, according to {title}.")
    if support and order:
        text += " Among their own top " + str(count) + ", " + _join(
            [f"{t} has {n} of these {len(order)}" for t, n in support.items()]) + "."
    return {"id": label, "decision": decision, "score": float(score) if math.isfinite(score) else None,
            "method": main.method, "factors": [{"feature": names[j], "attribution": float(values[j])} for j in order],
            "support": support, "text": text}
