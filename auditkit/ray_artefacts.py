"""Artefacts shared by the workers of a Ray run: each content key computed once in the whole cluster.

Two checks that need the same artefact (an attribution of the same sample by the
same method and settings: one :class:`~auditkit.artefacts.ArtefactKey` digest)
may run on different workers. :class:`ArtefactRegistry`, one small actor per
run, maps each digest to the object-store reference of its value and records
which worker is computing a digest right now. :class:`RayArtefactCache` is a
worker's :class:`~auditkit.artefacts.ArtefactCache`: it answers from its own
memory first, else asks the registry, which says one of

* ``ready``: fetch the value from the object store;
* ``compute``: this worker computes it (nobody else is), then publishes it;
* ``wait``: another worker is computing it; ask again shortly.

The registry puts published values in the object store itself, so it owns them
and they outlive the worker that computed them. A worker's claims survive its
restart (the restarted actor has the same index, so its retried check computes
the artefact again); the driver drops the claims of a worker that died for good
(:meth:`ArtefactRegistry.forget_worker`), so nobody waits for it. Like
:class:`~auditkit.artefacts.LocalArtefactCache`, a computation that raises
stores nothing, and a cached exception (a method's refusal) stays with the
worker that raised it. The shared prediction pass does not go through the registry:
the driver joins it and hands it to every worker (:meth:`RayArtefactCache.install`).
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from auditkit.artefacts import ArtefactKey, LocalArtefactCache

T = TypeVar("T")

#: Seconds between two questions of a worker waiting for another worker's artefact.
POLL_S = 0.05


class ArtefactRegistry:
    """Digest → object-store reference of the run's shared artefacts, and who computes which now (a Ray actor)."""

    def __init__(self) -> None:
        self._refs: dict[str, Any] = {}
        self._claims: dict[str, int] = {}
        #: Computations granted per ``(kind, method)``: the cluster-wide count (each key once, unless a worker died).
        self.computed: Counter[tuple[str, str]] = Counter()
        #: Values handed to a worker that did not compute them, per ``(kind, method)``.
        self.shared: Counter[tuple[str, str]] = Counter()

    def claim(self, digest: str, worker: int, kind: str, method: str) -> tuple[str, list[Any]]:
        """``("ready", [ref])``, ``("compute", [])`` (the caller now holds the claim) or ``("wait", [])``."""
        if digest in self._refs:
            self.shared[kind, method] += 1
            return "ready", [self._refs[digest]]
        holder = self._claims.get(digest)
        if holder is not None and holder != worker:
            return "wait", []
        self._claims[digest] = worker
        self.computed[kind, method] += 1
        return "compute", []

    def publish(self, digest: str, worker: int, value: Any) -> None:
        """Store ``value`` under ``digest`` in the object store (owned by this actor) and end the claim."""
        import ray

        self._refs[digest] = ray.put(value)
        if self._claims.get(digest) == worker:
            del self._claims[digest]

    def release(self, digest: str, worker: int) -> None:
        """End ``worker``'s claim of ``digest`` without a value (its computation raised)."""
        if self._claims.get(digest) == worker:
            del self._claims[digest]

    def forget_worker(self, worker: int) -> None:
        """Drop every claim of a worker that will not come back (the next asker computes instead)."""
        self._claims = {d: w for d, w in self._claims.items() if w != worker}

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"computed": {"kind/method": n}, "shared": {...}}``: what the cluster computed and what it shared."""
        return {"computed": {f"{k}/{m}": n for (k, m), n in self.computed.items()},
                "shared": {f"{k}/{m}": n for (k, m), n in self.shared.items()}}


class RayArtefactCache:
    """A worker's artefact cache: its own memory, then the run's :class:`ArtefactRegistry` (see the module doc)."""

    def __init__(self, registry: Any, worker: int) -> None:
        self.registry, self.worker = registry, worker
        self.local = LocalArtefactCache()

    def install(self, key: ArtefactKey, value: Any) -> None:
        """Keep ``value`` under ``key`` in this worker only (the driver's joined shared pass)."""
        self.local.get_or_compute(key, lambda: value)

    def get_or_compute(self, key: ArtefactKey, compute: Callable[[], T]) -> T:
        """The artefact under ``key``: from memory, from another worker through the object store, or computed."""
        if key in self.local:
            return self.local.get_or_compute(key, compute)
        return self.local.get_or_compute(key, lambda: self._shared(key, compute))

    def _shared(self, key: ArtefactKey, compute: Callable[[], T]) -> T:
        import ray

        digest = key.digest()
        while True:
            state, refs = ray.get(self.registry.claim.remote(digest, self.worker, key.kind, key.method))
            if state == "ready":  # a private, writable copy: object-store arrays are read-only shared memory
                return copy.deepcopy(ray.get(refs[0]))
            if state == "compute":
                break
            time.sleep(POLL_S)
        try:
            value = compute()
        except BaseException:
            ray.get(self.registry.release.remote(digest, self.worker))
            raise
        if isinstance(value, BaseException):  # a cached refusal (UnsupportedMethod) may not survive pickling
            ray.get(self.registry.release.remote(digest, self.worker))
        else:
            ray.get(self.registry.publish.remote(digest, self.worker, value))
        return value

    def __contains__(self, key: object) -> bool:
        """Whether this worker holds an artefact under ``key`` (an :class:`ArtefactKey`)."""
        return key in self.local
