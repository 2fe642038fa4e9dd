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

:func:`decide` takes that whole decision (which baseline, whether to compare, the
effective verdict) from a store, so the CLI (``auditkit run``/``auditkit gate``) and the
Python API (:func:`auditkit.run_audit` with ``compare_to``) reach the same verdict and
exit code; the CLI only prints it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from auditkit.diff import CheckDelta, RunDiff, diff_runs, gating_regressions
from auditkit.errors import CompareError
from auditkit.policy.schema import GateSpec
from auditkit.policy.stored import StoredPolicy
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

    Read with :class:`~auditkit.policy.stored.StoredPolicy`: only that section's known keys are
    validated, since the rest of a stored policy was validated when the run began, may come
    from an older release, and may refer to files that are gone now.
    """
    return StoredPolicy.parse(run.policy_text, source=f"policy of run {run.run_id}").gate


#: ``compare_to`` value naming the latest complete run of the same system before the run.
LATEST = "latest"


class RunSource(Protocol):
    """What :func:`decide` reads from a store (:class:`auditkit.store.Store` has both)."""

    def get_run(self, run_id: str) -> RunRecord:
        """The run ``run_id`` (or a unique prefix); a StoreError when there is none."""
        ...

    def latest_for(self, system: str, *, before: str | None = None) -> RunRecord | None:
        """The latest complete run of ``system`` started before run ``before``, or None."""
        ...


def is_latest(compare_to: str | None) -> bool:
    """Whether ``compare_to`` asks for the latest earlier run (``None`` or ``'latest'``, any case)."""
    return compare_to is None or compare_to.strip().lower() == LATEST


def check_baseline(base: RunRecord, system_name: str, run_id: str | None = None) -> RunRecord:
    """``base`` if it can be the baseline of a run of ``system_name`` (``run_id``, when it exists yet).

    A baseline must be another, complete run of the same system; anything else is a
    :class:`~auditkit.errors.CompareError` (exit 2). Returns ``base`` for chaining.
    """
    this = run_id[:12] if run_id else "this run"
    if run_id is not None and base.run_id == run_id:
        raise CompareError(f"cannot compare run {run_id[:12]} with itself; give an earlier run or 'latest'")
    if base.system_name != system_name:
        raise CompareError(
            f"run {base.run_id[:12]} audits system {base.system_name!r}, {'run ' if run_id else ''}{this} audits "
            f"{system_name!r}; compare runs of the same system (list them with "
            f"`auditkit runs --system {system_name}`), or use `auditkit diff` to look at any two runs")
    if base.state is not RunState.COMPLETE:
        raise CompareError(f"baseline run {base.run_id[:12]} is {base.state.value}, not complete; its missing "
                           "checks would look new. Give a complete run or 'latest'")
    return base


def find_baseline(store: RunSource, run: RunRecord, compare_to: str | None) -> RunRecord | None:
    """The run to compare ``run`` with: for ``latest`` (or None) the latest complete run of its system
    before it (None when there is none), else the run ``compare_to`` names, checked by :func:`check_baseline`."""
    if is_latest(compare_to):
        return store.latest_for(run.system_name, before=run.run_id)
    assert compare_to is not None  # is_latest(None) is True
    return check_baseline(store.get_run(compare_to), run.system_name, run.run_id)


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
    #: Whether a comparison was asked for (``compare_to``) or implied (``fail_on_regression``);
    #: True with ``diff`` None means there was no earlier complete run to compare with.
    compared: bool = False
    #: The baseline run ``diff`` compares with (None without a comparison).
    baseline: RunRecord | None = None

    @property
    def exit_code(self) -> int:
        """Process exit code of the effective decision."""
        return exit_code(self.decision)


def verdict(run: RunRecord, diff: RunDiff | None = None, *, compared: bool | None = None,
            baseline: RunRecord | None = None) -> Verdict:
    """The effective gate decision of ``run``, given its comparison ``diff`` with a baseline (if any).

    ``compared`` (default: whether ``diff`` is given) and ``baseline`` are recorded on the
    verdict for the callers that print or serialise it; they do not change the decision.
    """
    spec = gate_spec(run)
    blocking = gating_regressions(diff) if diff is not None and spec.fail_on_regression else ()
    # an unfinished run has no decision of its own, whatever was stored: it can never pass the gate
    stored = run.gate if run.state is RunState.COMPLETE else None
    decision = GateDecision.FAIL if blocking else stored
    return Verdict(stored=run.gate, decision=decision, diff=diff, fail_on_regression=spec.fail_on_regression,
                   inconclusive_fails=spec.inconclusive == "fail", blocking=blocking,
                   compared=diff is not None if compared is None else compared, baseline=baseline)


def decide(store: RunSource, run: RunRecord, compare_to: str | None = None) -> Verdict:
    """The effective gate decision of the stored ``run``: what ``auditkit gate RUN [--compare-to X]`` exits with.

    The run is compared with a baseline when ``compare_to`` is given (``'latest'`` or a run id,
    see :func:`find_baseline`) or when its policy sets ``gate: {fail_on_regression: true}``
    (then ``'latest'`` is implied). Without an earlier complete run there is nothing to compare:
    the verdict says ``compared`` with no ``diff``. A baseline that cannot be one raises
    :class:`~auditkit.errors.CompareError`.
    """
    if compare_to is None and not gate_spec(run).fail_on_regression:
        return verdict(run)
    base = find_baseline(store, run, compare_to)
    return verdict(run, diff_runs(base, run) if base is not None else None, compared=True, baseline=base)


@dataclass(frozen=True, eq=False)
class GatedRun(RunRecord):
    """A stored run together with its effective gate :class:`Verdict` (what :func:`auditkit.run_audit` returns).

    ``gate`` stays the decision stored with the run; ``decision`` and ``exit_code`` are the
    effective ones, regressions against the baseline included, exactly what ``auditkit run
    --gate [--compare-to X]`` and ``auditkit gate RUN [--compare-to X]`` exit with. The verdict is
    recomputed from the store, not part of the record, so a GatedRun equals the
    :class:`~auditkit.results.RunRecord` the store returns for the same run.
    """

    verdict: Verdict = field(kw_only=True)

    @property
    def decision(self) -> GateDecision | None:
        """The effective gate decision (None: the run did not complete and nothing failed it)."""
        return self.verdict.decision

    @property
    def exit_code(self) -> int:
        """The CLI's exit code for the effective decision (0 pass, 1 fail or blocking regression, 3 undecided)."""
        return self.verdict.exit_code

    def __eq__(self, other: object) -> bool:
        """Equal to any run record with the same stored fields (the verdict is derived, not stored)."""
        if not isinstance(other, RunRecord):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(RunRecord))

    __hash__ = RunRecord.__hash__


def gated(store: RunSource, run: RunRecord, compare_to: str | None = None) -> GatedRun:
    """``run`` with its effective verdict from :func:`decide`."""
    fields = {f.name: getattr(run, f.name) for f in dataclasses.fields(RunRecord)}
    return GatedRun(**fields, verdict=decide(store, run, compare_to))


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
