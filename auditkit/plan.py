"""The audit plan: what a run will compute, as serialisable data (DESIGN.md, "Plan, then execute").

:func:`build_plan` turns a loaded policy and the run's model/data fingerprints
into a :class:`Plan`: one :class:`CheckTask` per check to run (kind, version,
resolved parameters as JSON, seed, fingerprint, severity) and the capture
requests of the shared pass (which layers' activations, how many rows). A plan
holds no live object: it round-trips through JSON (:meth:`Plan.to_json`,
:meth:`Plan.from_json`), so an executor can hand its tasks to another process
or machine, which rebuilds each check's parameters with
:meth:`CheckTask.params_model` and gets the same fingerprint and seed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel

from auditkit.checks import check_fingerprint, check_seed, registry
from auditkit.policy import LoadedPolicy
from auditkit.policy.schema import CheckSpec

#: Version of the plan's JSON shape (raise it when a field changes meaning).
PLAN_SCHEMA = 1


@dataclass(frozen=True)
class CheckTask:
    """One check to run: everything it needs besides the model, the data and the artefact cache.

    ``layers`` names the layers whose activations the check reads from the
    shared pass: empty when it probes none, ``None`` for every layer the
    adapter has; ``capture_rows`` caps the rows whose activations are kept.
    """

    check_id: str
    kind: str
    version: int
    severity: str
    params: dict[str, Any]
    seed: int
    fingerprint: str
    layers: tuple[str, ...] | None = ()
    capture_rows: int = 0

    def params_model(self) -> BaseModel:
        """The check's validated parameters, rebuilt from their JSON form (same fingerprint as planned)."""
        return registry.get(self.kind).Params.model_validate(self.params)


@dataclass(frozen=True)
class Plan:
    """The tasks of one run, in policy order, with the provenance they were planned against."""

    run_seed: int
    model_fingerprint: str
    data_fingerprint: str
    tasks: tuple[CheckTask, ...]

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): equal plans give equal text."""
        doc = {"schema": PLAN_SCHEMA, **asdict(self)}
        return json.dumps(doc, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """Read a plan written by :meth:`to_json` (refuses another schema version)."""
        doc = json.loads(text)
        if doc.pop("schema", None) != PLAN_SCHEMA:
            raise ValueError(f"not an auditkit plan of schema {PLAN_SCHEMA}")
        tasks = tuple(CheckTask(**{**t, "layers": None if t["layers"] is None else tuple(t["layers"])})
                      for t in doc.pop("tasks"))
        return cls(tasks=tasks, **doc)


def plan_task(spec: CheckSpec, loaded: LoadedPolicy) -> CheckTask:
    """The task of one check spec: parameters resolved and validated, seed and fingerprint derived."""
    cls = registry.get(spec.kind)
    params = loaded.check_params.get(spec.id) or cls.Params.model_validate(spec.params)
    wanted = cls.layers(params)
    return CheckTask(
        check_id=spec.id, kind=spec.kind, version=cls.version, severity=str(spec.severity),
        params=params.model_dump(mode="json"),
        seed=check_seed(loaded.policy.statistics.seed, spec.id, spec.kind),
        fingerprint=check_fingerprint(spec.kind, cls.version, params),
        layers=None if wanted is None else tuple(wanted),
        capture_rows=cls.capture_rows(params),
    )


def build_plan(loaded: LoadedPolicy, specs: Sequence[CheckSpec], *, model_fingerprint: str,
               data_fingerprint: str) -> Plan:
    """The plan of running ``specs`` (the policy's checks, or those a resumed run still lacks)."""
    return Plan(run_seed=loaded.policy.statistics.seed, model_fingerprint=model_fingerprint,
                data_fingerprint=data_fingerprint, tasks=tuple(plan_task(s, loaded) for s in specs))
