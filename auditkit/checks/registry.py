"""The check registry: stable kind names → check classes.

One registry, loud on conflict: registering a kind twice raises, and asking
for an unknown kind lists the known ones with the closest match. Kinds are
registered by the modules imported in :mod:`auditkit.checks`; YAML never names
an import path.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, TypeVar

from auditkit.errors import CheckConfigError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from auditkit.checks.base import Check

_REGISTRY: dict[str, type[Check]] = {}
C = TypeVar("C", bound="type[Check]")


def register(cls: C) -> C:
    """Class decorator adding a check class under its ``kind``; a duplicate kind raises."""
    kind = cls.kind
    if kind in _REGISTRY and _REGISTRY[kind] is not cls:
        raise ValueError(f"check kind {kind!r} is already registered by {_REGISTRY[kind].__qualname__}")
    _REGISTRY[kind] = cls
    return cls


def get(kind: str) -> type[Check]:
    """The check class for ``kind``; an unknown kind is an error naming the known ones."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        close = difflib.get_close_matches(kind, sorted(_REGISTRY), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CheckConfigError(
            f"unknown check kind {kind!r}{hint}; known kinds: {', '.join(sorted(_REGISTRY))}"
        ) from None


def kinds() -> dict[str, type[Check]]:
    """All registered kinds, sorted by name."""
    return dict(sorted(_REGISTRY.items()))


def param_models() -> dict[str, type[BaseModel]]:
    """Kind → its ``Params`` model, for validating policies."""
    return {kind: cls.Params for kind, cls in kinds().items()}
