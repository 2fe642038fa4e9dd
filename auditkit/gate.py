"""Release-gate exit codes and the machine-readable run summary.

Exit codes of ``auditkit run --gate`` and ``auditkit gate``:

====  ==============================================================
0     the gate passed: no blocker check failed, errored or was left inconclusive
1     a blocker check FAILED
2     usage or configuration error (bad policy, missing column, bad database URL)
3     a blocker check ERRORED, or was INCONCLUSIVE/SKIPPED under ``gate: {inconclusive: fail}``,
      or the run did not complete (crashed, interrupted, still running): no decision
4     internal error: an exception auditkit did not expect; one line on stderr, the traceback in
      ``auditkit-error-<time>-<pid>.log`` (``$AUDITKIT_ERROR_LOG_DIR``, else the temp directory).
      ``--json`` then prints :func:`internal_error_summary` and ``--junit`` gets one error test case
====  ==============================================================

A run that is not COMPLETE never yields exit code 0: its stored gate is empty and
:func:`verdict` gives no decision (3), or FAIL (1) on a blocking regression.

With a baseline (``--compare-to latest|RUN``) and ``gate: {fail_on_regression: true}``
in the run's policy, a regression of any check not of severity ``info`` (defined in
:mod:`auditkit.diff`) makes the decision FAIL (exit 1), whatever the stored decision
was. The stored run is not changed: the regression decision is recomputed from the
two stored runs each time, so ``auditkit gate RUN --compare-to BASE`` repeats it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from auditkit.diff import CheckDelta, RunDiff, gating_regressions
from auditkit.errors import PolicyError
from auditkit.policy.schema import GateSpec
from auditkit.results import GateDecision, RunRecord, RunState

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_UNDECIDED = 3
EXIT_INTERNAL = 4

#: What each exit code means (also in the README and in :func:`internal_error_summary`).
EXIT_CODES = {
    EXIT_PASS: "the gate passed",
    EXIT_FAIL: "a blocker check failed (or a blocking regression)",
    EXIT_USAGE: "usage or configuration error",
    EXIT_UNDECIDED: "no decision: a blocker errored or was inconclusive, or the run did not complete",
    EXIT_INTERNAL: "internal error in auditkit (traceback in the error log)",
}

_EXIT = {
    GateDecision.PASS: EXIT_PASS,
    GateDecision.FAIL: EXIT_FAIL,
    GateDecision.ERROR: EXIT_UNDECIDED,
    GateDecision.INCONCLUSIVE: EXIT_UNDECIDED,
}


def exit_code(decision: GateDecision | None) -> int:
    """Process exit code for a gate decision (a run without a decision is undecided: 3)."""
    return EXIT_UNDECIDED if decision is None else _EXIT[decision]


def gate_spec(run: RunRecord) -> GateSpec:
    """The ``gate:`` section of the policy the run was made under (from the stored policy text).

    Only that section is read and validated: the rest of a stored policy was
    validated when the run began, and may refer to files that are gone now.
    """
    try:
        doc = yaml.safe_load(run.policy_text)
        section = doc.get("gate") if isinstance(doc, dict) else None
        return GateSpec.model_validate(section or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise PolicyError(f"policy of run {run.run_id}", [("gate", str(exc).splitlines()[0])]) from None


@dataclass(frozen=True)
class Verdict:
    """The gate decision the CLI acts on: the stored one, and the regressions against a baseline run.

    ``decision`` is ``stored`` unless ``fail_on_regression`` is set and ``blocking`` (the
    regressions of checks not of severity info) is not empty; then it is FAIL.
    """

    stored: GateDecision | None
    decision: GateDecision | None
    diff: RunDiff | None
    fail_on_regression: bool
    inconclusive_fails: bool
    blocking: tuple[CheckDelta, ...]

    @property
    def exit_code(self) -> int:
        """Process exit code of the effective decision."""
        return exit_code(self.decision)


def verdict(run: RunRecord, diff: RunDiff | None = None) -> Verdict:
    """The effective gate decision of ``run``, given its comparison ``diff`` with a baseline (if any)."""
    spec = gate_spec(run)
    blocking = gating_regressions(diff) if diff is not None and spec.fail_on_regression else ()
    # an unfinished run has no decision of its own, whatever was stored: it can never pass the gate
    stored = run.gate if run.state is RunState.COMPLETE else None
    decision = GateDecision.FAIL if blocking else stored
    return Verdict(stored=run.gate, decision=decision, diff=diff, fail_on_regression=spec.fail_on_regression,
                   inconclusive_fails=spec.inconclusive == "fail", blocking=blocking)


def summary(run: RunRecord, result: Verdict | None = None) -> dict[str, Any]:
    """JSON-compatible summary of a run for CI systems (``auditkit run --json``, ``auditkit gate --json``).

    ``gate`` and ``exit_code`` are the effective decision (regressions included
    under ``fail_on_regression``); ``stored_gate`` is the decision stored with the
    run; ``comparison`` is null without a baseline.
    """
    result = result or verdict(run)
    diff = result.diff
    comparison = None if diff is None else {
        "baseline_run_id": diff.before_run_id,
        "fail_on_regression": result.fail_on_regression,
        "changed": [a.key for a in diff.artefacts if a.changed and a.key != "gate"],
        "new_checks": list(diff.new_checks),
        "removed_checks": list(diff.removed_checks),
        "regressions": [{"id": c.check_id, "severity": c.severity.value,
                         "before": c.before.value if c.before else None, "after": c.after.value if c.after else None,
                         "reasons": list(c.regressions), "blocks_gate": c in result.blocking}
                        for c in diff.regressions],
    }
    return {
        "run_id": run.run_id,
        "system": {"name": run.system_name, "version": run.system_version},
        "policy": {"id": run.policy_id, "version": run.policy_version, "sha256": run.policy_sha256},
        "model_fingerprint": run.model_fingerprint,
        "dataset_fingerprint": run.dataset_fingerprint,
        "state": run.state.value,
        "gate": result.decision.value if result.decision else None,
        "stored_gate": run.gate.value if run.gate else None,
        "exit_code": result.exit_code,
        "checks": [
            {
                "id": o.check_id, "kind": o.kind, "severity": o.severity.value, "status": o.status.value,
                "summary": o.summary, "error": o.error,
                "measurements": [m.to_dict() for m in o.measurements if m.threshold is not None],
            }
            for o in run.outcomes
        ],
        "comparison": comparison,
    }


def summary_json(run: RunRecord, result: Verdict | None = None) -> str:
    """:func:`summary` as indented JSON text."""
    return json.dumps(summary(run, result), indent=2, sort_keys=False)


def internal_error_summary(message: str, log: Any) -> dict[str, Any]:
    """The ``--json`` summary when auditkit itself failed (exit code 4): no run, no decision, where the log is."""
    return {"run_id": None, "state": None, "gate": None, "exit_code": EXIT_INTERNAL,
            "exit_meaning": EXIT_CODES[EXIT_INTERNAL], "error": message,
            "error_log": None if log is None else str(log)}
