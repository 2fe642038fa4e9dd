"""Thresholds as policies write them (``{min: 0.8}`` or ``{max: 0.1}``) and how they judge an interval."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from auditkit.metrics.stats import interval_verdict
from auditkit.policy.schema import Fraction
from auditkit.results import Measurement


class Limit(BaseModel):
    """One side of a tolerance: ``min`` (the quantity must reach it) or ``max`` (must not exceed it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Fraction | None = None
    max: Fraction | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Limit:
        if (self.min is None) == (self.max is None):
            raise PydanticCustomError("limit", "give exactly one of 'min' or 'max', e.g. {min: 0.8} or {max: 0.1}")
        return self

    @property
    def threshold(self) -> float:
        """The limit value."""
        return self.min if self.min is not None else self.max  # type: ignore[return-value]

    @property
    def comparator(self) -> str:
        """``">="`` for a minimum, ``"<="`` for a maximum."""
        return ">=" if self.min is not None else "<="


def check_direction(metric: str, limit: Limit, direction: str) -> None:
    """Reject a limit on the wrong side (a 'max' on a ratio that must stay high, ...)."""
    if limit.comparator != direction:
        want = "min" if direction == ">=" else "max"
        raise PydanticCustomError(
            "limit_direction",
            "{metric} takes a '{want}' limit (higher is {better}), got '{got}'",
            {"metric": metric, "want": want, "better": "better" if want == "min" else "worse",
             "got": "min" if limit.comparator == ">=" else "max"},
        )


def measure(
    name: str,
    value: float,
    ci: tuple[float, float],
    *,
    limit: Limit | None,
    confidence: float,
    group: str | None = None,
    n: int | None = None,
    p_value: float | None = None,
    judged: bool = True,
) -> Measurement:
    """Build a measurement; when a limit applies and ``judged``, its verdict comes from the interval."""
    status = None
    threshold = comparator = None
    if limit is not None:
        threshold, comparator = limit.threshold, limit.comparator
        if judged:
            status = interval_verdict(_f(ci[0]), _f(ci[1]), threshold, comparator)
    return Measurement(
        name=name, value=_f(value), ci_low=_f(ci[0]), ci_high=_f(ci[1]), threshold=threshold,
        comparator=comparator, status=status, p_value=p_value, group=group, n=n, confidence=confidence,
    )


def _f(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if x != x else x
