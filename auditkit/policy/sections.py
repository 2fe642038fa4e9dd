"""The building blocks every policy section shares: the frozen ``Section`` base and the constrained scalar types.

They live apart from :mod:`auditkit.policy.schema` so that the model-type specs
(:mod:`auditkit.policy.model_specs`), which the schema's ``model`` union is made
of, can use them without importing the schema itself.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _identifier(v: str) -> str:
    if not _ID.match(v):
        raise ValueError(
            f"must start with a letter or digit and contain only letters, digits, '.', '_' or '-', got {v!r}"
        )
    return v


def _unit_interval(v: float) -> float:
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {v:g}")
    return v


def _open_unit_interval(v: float) -> float:
    if not 0.0 < v < 1.0:
        raise ValueError(f"must be strictly between 0 and 1, got {v:g}")
    return v


Identifier = Annotated[str, AfterValidator(_identifier)]
Fraction = Annotated[float, AfterValidator(_unit_interval)]
OpenFraction = Annotated[float, AfterValidator(_open_unit_interval)]
Scalar = str | int | float | bool
#: A version written as text or a number (``version: 3`` and ``version: "2.4.0"`` both work); stored as text.
Version = Annotated[str, Field(coerce_numbers_to_str=True), WithJsonSchema({"type": ["string", "number"]})]


class Section(BaseModel):
    """Base of every policy section: frozen, unknown keys are errors naming the allowed keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = set(cls.model_fields)
            unknown = [k for k in data if k not in allowed]
            if unknown:
                import difflib

                key = unknown[0]
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise PydanticCustomError(
                    "unknown_key",
                    "unknown key '{key}'{hint}; allowed keys here: {allowed}",
                    {"key": str(key), "hint": hint, "allowed": ", ".join(sorted(allowed))},
                )
        return data
