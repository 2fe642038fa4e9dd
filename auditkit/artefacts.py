"""Content-addressed artefacts: expensive results keyed by what produced them, computed once.

Predictions, captured activations and attributions cost model passes, and several
checks of one run want the same ones. Each is requested through an
:class:`ArtefactKey` that names everything the result depends on: the kind of
artefact, the producing method, its *resolved* settings (defaults filled in, so
"no settings" and "the default settings" are one key), the identity of the sample
it was computed on, the model's fingerprint and, for stochastic producers, the
seed. The key's :meth:`~ArtefactKey.digest` is the SHA-256 of its canonical JSON,
so two requests share a result exactly when they describe the same computation,
whichever check makes them and in whichever process the key is built.

:class:`ArtefactCache` is the interface checks see (``ctx.artefacts``);
:class:`LocalArtefactCache` keeps results in this process's memory. A cache that
lives elsewhere (on disk, shared by the workers of a cluster) implements the same
``get_or_compute``. This module sits at the bottom of the import graph: it knows
no model, check or store.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from pydantic import BaseModel

T = TypeVar("T")

#: JSON-able values a key may hold (settings values, sample descriptions).
JSONValue = str | int | float | bool | None | list[Any] | dict[str, Any]


def canonical_json(value: Any) -> str:
    """Canonical JSON of ``value``: sorted keys, no spaces, pydantic models as their JSON dump.

    Non-finite floats are refused (they have no JSON form, and ``NaN != NaN``
    would make two equal keys differ).
    """

    def plain(v: Any) -> Any:
        if isinstance(v, BaseModel):
            return v.model_dump(mode="json")
        raise TypeError(f"{type(v).__name__} cannot be part of an artefact key; use JSON values or pydantic models")

    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False, default=plain)


@dataclass(frozen=True)
class ArtefactKey:
    """What produced an artefact: equal keys describe the same computation, so they may share one result.

    Attributes
    ----------
    kind:
        The artefact's kind: ``"attribution"``, ``"predictions"``, ...
    method:
        The producer within the kind (an attribution method's registered name, ``"predict"``).
    settings:
        The producer's settings with their defaults resolved: a frozen pydantic model
        (e.g. an explainer's :class:`~auditkit.explain.settings.MethodSettings`) or a
        JSON mapping. Only settings that change the result belong here.
    sample:
        Identity of the inputs: a digest of the instances, references and anything
        else of the data the result depends on.
    model:
        The model's fingerprint (SHA-256 of its weights).
    seed:
        The seed of a stochastic producer; ``None`` for a deterministic one (its
        result does not depend on a seed, so every seed shares it).
    """

    kind: str
    method: str
    settings: BaseModel | Mapping[str, JSONValue] | None
    sample: str
    model: str
    seed: int | None = None

    def canonical(self) -> str:
        """The key as canonical JSON (the settings model's class is named: two producers never collide)."""
        settings: Any = self.settings
        if isinstance(settings, BaseModel):
            settings = {"type": type(settings).__name__, "values": settings.model_dump(mode="json")}
        elif settings is not None:
            settings = dict(settings)
        return canonical_json({"kind": self.kind, "method": self.method, "settings": settings,
                               "sample": self.sample, "model": self.model, "seed": self.seed})

    def digest(self) -> str:
        """SHA-256 of :meth:`canonical`: the artefact's address."""
        return hashlib.sha256(self.canonical().encode()).hexdigest()


class ArtefactCache(Protocol):
    """Where checks get expensive artefacts: computed once per key, then shared."""

    def get_or_compute(self, key: ArtefactKey, compute: Callable[[], T]) -> T:
        """The artefact stored under ``key``, computing and storing it first if absent."""
        ...

    def __contains__(self, key: object) -> bool:
        """Whether an artefact is stored under ``key``."""
        ...


@dataclass
class LocalArtefactCache:
    """An in-memory :class:`ArtefactCache` for one process, addressed by :meth:`ArtefactKey.digest`.

    ``computed`` counts the computations it ran per ``(kind, method)`` and
    ``hits`` the requests it answered from memory: the run's record of what was
    shared. A computation that raises stores nothing (the next request retries).
    """

    _store: dict[str, Any] = field(default_factory=dict)
    computed: Counter[tuple[str, str]] = field(default_factory=Counter)
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)

    def get_or_compute(self, key: ArtefactKey, compute: Callable[[], T]) -> T:
        """The artefact under ``key``; ``compute()`` runs only when none is stored."""
        address = key.digest()
        if address in self._store:
            self.hits[key.kind, key.method] += 1
            return cast(T, self._store[address])
        value = compute()
        self._store[address] = value
        self.computed[key.kind, key.method] += 1
        return value

    def __contains__(self, key: object) -> bool:
        """Whether an artefact is stored under ``key`` (an :class:`ArtefactKey`)."""
        return isinstance(key, ArtefactKey) and key.digest() in self._store

    def __len__(self) -> int:
        """Number of stored artefacts."""
        return len(self._store)
