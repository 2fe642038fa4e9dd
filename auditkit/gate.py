"""Release-gate exit codes and the machine-readable run summary.

Exit codes of ``auditkit run --gate`` and ``auditkit gate``:

====  ==============================================================
0     the gate passed: no blocker check failed, errored or was left inconclusive
1     a blocker check FAILED
2     usage or configuration error (bad policy, missing column, bad database URL)
3     a blocker check ERRORED, or was INCONCLUSIVE/SKIPPED under ``gate: {inconclusive: fail}``
====  ==============================================================
"""

from __future__ import annotations

import json
from typing import Any

from auditkit.results import GateDecision, RunRecord

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_UNDECIDED = 3

_EXIT = {
    GateDecision.PASS: EXIT_PASS,
    GateDecision.FAIL: EXIT_FAIL,
    GateDecision.ERROR: EXIT_UNDECIDED,
    GateDecision.INCONCLUSIVE: EXIT_UNDECIDED,
}


def exit_code(decision: GateDecision | None) -> int:
    """Process exit code for a gate decision (a run without a decision is undecided: 3)."""
    return EXIT_UNDECIDED if decision is None else _EXIT[decision]


def summary(run: RunRecord) -> dict[str, Any]:
    """JSON-compatible summary of a run for CI systems (``auditkit run --json``)."""
    return {
        "run_id": run.run_id,
        "system": {"name": run.system_name, "version": run.system_version},
        "policy": {"id": run.policy_id, "version": run.policy_version, "sha256": run.policy_sha256},
        "model_fingerprint": run.model_fingerprint,
        "dataset_fingerprint": run.dataset_fingerprint,
        "state": run.state.value,
        "gate": run.gate.value if run.gate else None,
        "exit_code": exit_code(run.gate),
        "checks": [
            {
                "id": o.check_id, "kind": o.kind, "severity": o.severity.value, "status": o.status.value,
                "summary": o.summary, "error": o.error,
                "measurements": [m.to_dict() for m in o.measurements if m.threshold is not None],
            }
            for o in run.outcomes
        ],
    }


def summary_json(run: RunRecord) -> str:
    """:func:`summary` as indented JSON text."""
    return json.dumps(summary(run), indent=2, sort_keys=False)
