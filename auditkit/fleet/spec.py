"""What a fleet is: the fleet file (or directory) read, and every policy in it validated before anything runs.

A fleet is given either as a YAML file::

    schema_version: 1                 # optional
    policies:                         # paths relative to the fleet file
      - credit/policy.yaml
      - path: cv/policy.yaml
        device: cuda                  # per-entry overrides: device, compare_to, precision
        compare_to: latest
      - path: llm/policy.yaml
        precision: bf16               # a huggingface-causal model's weights (as auditkit run --precision)

or as a directory, whose ``*.yaml`` / ``*.yml`` files (sorted by name, hidden files ignored, not recursive) are
all policies: a YAML file there that is not a valid policy is an error naming it, never silently skipped, since
a policy left out of a nightly fleet would look audited without being so.

:func:`plan_fleet` loads every policy and reports *all* problems of all policies in one
:class:`FleetError` (exit 2) before a single audit starts: a fleet with one broken policy runs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from auditkit.errors import AuditkitError, PolicyError
from auditkit.policy import LoadedPolicy
from auditkit.policy.loader import read_yaml, validation_problems
from auditkit.policy.model_specs import PRECISIONS

#: The fleet file format this auditkit reads.
FLEET_SCHEMA_VERSION = 1
#: File name endings a fleet directory's policies have.
POLICY_SUFFIXES = (".yaml", ".yml")
_DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?")


class FleetError(AuditkitError):
    """The fleet file or directory is unusable, or a policy in it is invalid (exit 2; nothing was run).

    ``problems`` holds ``(where, message)`` pairs, as :class:`~auditkit.errors.PolicyError` does.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]], what: str = "in the fleet file") -> None:
        self.source, self.problems = source, list(problems)
        lines = [f"{path}: {msg}" if path else msg for path, msg in self.problems]
        noun = "problem" if len(lines) == 1 else "problems"
        super().__init__(f"{source}: {len(lines)} {noun} {what}\n  " + "\n  ".join(lines))


class FleetEntry(BaseModel):
    """One policy of a fleet file: its path and the overrides of the fleet-wide CLI options for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1, description="Policy file, relative to the fleet file.")
    device: str | None = Field(None, description="auto, cpu, cuda or cuda:N; default: the fleet's --device.")
    compare_to: Literal["latest"] | None = Field(
        None, description="'latest': compare with the system's latest complete run (regressions fail the gate "
        "under the policy's gate.fail_on_regression, which implies it anyway).")
    precision: str | None = Field(
        None, description="A huggingface-causal model's weights' precision (auto, fp32, bf16, fp16); default: the "
        "fleet's --precision, else the policy's model.precision.")

    @model_validator(mode="before")
    @classmethod
    def _plain_path(cls, value: Any) -> Any:
        """A bare string entry is the policy path."""
        return {"path": value} if isinstance(value, str) else value

    @field_validator("precision")
    @classmethod
    def _known_precision(cls, value: str | None) -> str | None:
        if value is not None and value not in PRECISIONS:
            raise ValueError(f"must be one of {', '.join(PRECISIONS)}, got {value!r}")
        return value

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str | None) -> str | None:
        if value is not None and not _DEVICE.fullmatch(value.strip().lower()):
            raise ValueError(f"must be auto, cpu, cuda or cuda:N, got {value!r}")
        return value


class FleetFile(BaseModel):
    """The fleet file: the policies to audit, each once, in this order (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = FLEET_SCHEMA_VERSION
    policies: list[FleetEntry] = Field(min_length=1)


@dataclass(frozen=True)
class FleetItem:
    """A fleet entry with its policy path resolved; ``label`` is the path as the user wrote or listed it."""

    label: str
    path: Path
    device: str | None = None
    compare_to: str | None = None
    precision: str | None = None


@dataclass(frozen=True)
class Fleet:
    """The entries of a fleet file or directory, in order (``source`` names it in messages)."""

    source: Path
    items: tuple[FleetItem, ...]


@dataclass(frozen=True)
class PlannedAudit:
    """A validated fleet entry: its item, the loaded policy, and the run lock key it will hold."""

    index: int
    item: FleetItem
    policy: LoadedPolicy

    @property
    def lock_key(self) -> tuple[str, str]:
        """``(system name, policy id)``: audits with the same key never run at the same time."""
        return self.policy.policy.system.name, self.policy.policy.policy.id

    @property
    def takes_precision(self) -> bool:
        """Whether the policy's model type has a weights' precision (``huggingface-causal``)."""
        return "precision" in type(self.policy.policy.model).model_fields


def load_fleet(path: str | Path) -> Fleet:
    """The fleet a file or directory describes (paths resolved, nothing validated beyond the fleet format)."""
    source = Path(path)
    if source.is_dir():
        return _directory_fleet(source)
    try:
        data, lines = read_yaml(source)
    except PolicyError as exc:
        raise FleetError(exc.source, exc.problems) from None
    if not isinstance(data, dict):
        raise FleetError(str(source), [("", "a fleet file is a YAML mapping with a 'policies:' list, e.g. "
                                            "policies: [credit/policy.yaml, cv/policy.yaml]")])
    if "policies" not in data and {"checks", "model", "policy"} & set(data):
        raise FleetError(str(source), [("", "this is a policy file, not a fleet file; audit it with "
                                            f"`auditkit run {source}`, or list it under 'policies:' in a fleet file")])
    try:
        spec = FleetFile.model_validate(data)
    except ValidationError as exc:
        raise FleetError(str(source), validation_problems(exc, lines)) from None
    base = source.resolve().parent
    return Fleet(source, tuple(FleetItem(e.path, base / e.path, e.device, e.compare_to, e.precision)
                                     for e in spec.policies))


def _directory_fleet(folder: Path) -> Fleet:
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in POLICY_SUFFIXES and not p.name.startswith(".") and p.is_file())
    if not files:
        raise FleetError(str(folder), [("", "the directory holds no *.yaml or *.yml policy files; give a directory "
                                            "of policies or a fleet file")], what="in the fleet directory")
    return Fleet(folder, tuple(FleetItem(p.name, p) for p in files))


def plan_fleet(fleet: Fleet, load: Callable[[Path], LoadedPolicy]) -> list[PlannedAudit]:
    """Load every policy of ``fleet`` with ``load`` (:func:`auditkit.api.load_policy`); all or nothing.

    Every policy's problems are collected; if any policy is invalid, one :class:`FleetError` lists them all
    (each under the policy's path) and nothing is planned.
    """
    planned: list[PlannedAudit] = []
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(fleet.items):
        try:
            audit = PlannedAudit(index, item, load(item.path))
        except PolicyError as exc:  # its message starts with the policy's path
            problems.append(("", str(exc).replace("\n", "\n  ")))
        except AuditkitError as exc:
            problems.append((item.label, str(exc).replace("\n", "\n  ")))
        else:
            if item.precision is not None and not audit.takes_precision:
                problems.append((item.label, f"precision: {item.precision} applies to huggingface-causal models; "
                                 f"this policy's model.type is {audit.policy.policy.model.type!r}, which runs at the "
                                 "precision its weights are stored in: remove precision from this entry"))
            planned.append(audit)
    if problems:
        hint = ("every *.yaml/*.yml file of a fleet directory must be a valid policy: fix or move the others, or "
                "list the policies in a fleet file; " if fleet.source.is_dir() else "")
        raise FleetError(str(fleet.source), problems,
                         what=f"in the fleet's policies ({hint}nothing was run)")
    return planned


__all__ = ["Fleet", "FleetEntry", "FleetError", "FleetFile", "FleetItem", "PlannedAudit", "load_fleet", "plan_fleet"]
