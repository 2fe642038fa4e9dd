"""auditkit: audit ML models against a fairness and explainability policy.

Public API (see the README and docs/python-api.md): :func:`load_policy`,
:func:`run_audit` (also resumes an interrupted run: ``resume=RUN_ID``; with
``compare_to`` gates on regressions against a baseline, as the CLI does),
:func:`gate_run` (the gate of a stored run, as ``auditkit gate``),
:func:`open_store`, :func:`render_and_store`, :func:`rerender`,
:func:`write_report`, :func:`gate_decision` and :func:`exit_code`, the result
records in :mod:`auditkit.results` (and :class:`GatedRun`, a run with its gate
verdict) and the errors of :mod:`auditkit.errors`.
The API functions are imported on first use, so ``import auditkit.results``
or the policy loader stay light (no torch import).
"""

from __future__ import annotations

from importlib import import_module
from importlib import metadata as _metadata
from typing import Any

from auditkit.errors import AuditkitError, CompareError, ResumeError, RunLockError, StoreError
from auditkit.results import (
    CheckOutcome,
    GateDecision,
    Measurement,
    RunRecord,
    RunState,
    Severity,
    Status,
    gate_decision,
)

try:
    __version__ = _metadata.version("auditkit")
except _metadata.PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

_API = ("GatedRun", "exit_code", "gate_run", "load_policy", "open_store", "render_and_store", "rerender", "run_audit",
        "write_report")


def __getattr__(name: str) -> Any:
    """Import the API names on first use (keeps ``import auditkit`` free of torch and SQLAlchemy)."""
    if name in _API:
        return getattr(import_module("auditkit.api"), name)
    raise AttributeError(f"module 'auditkit' has no attribute {name!r}")


__all__ = [
    "AuditkitError",
    "CompareError",
    "CheckOutcome",
    "GateDecision",
    "Measurement",
    "ResumeError",
    "RunLockError",
    "RunRecord",
    "RunState",
    "Severity",
    "Status",
    "StoreError",
    "__version__",
    "gate_decision",
    *_API,
]
