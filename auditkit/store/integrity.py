"""Check the stored record against its digests: outcomes, runs, report versions and sign-off chains.

What :func:`check_run` recomputes for one run (and ``auditkit db check`` for every run):

* each outcome's digest from its row and measurements (an edited outcome or measurement names the check);
* the run digest from the run's provenance and the outcome digests (an edited run field, a removed or
  added outcome, an edited policy text);
* the gate decision from the stored outcomes and the policy's ``gate:`` rules, against ``runs.gate``;
* each report version: its HTML and PDF hashes against the stored bytes, its digest (a blob replaced
  together with its hash), and the sign-off chain head it was rendered with (a deleted last sign-off);
* the sign-off chain: each record hash, each link, and the signed report's hash.

Rows stored before revision 0006 have no digests: that is a *note* ("not recorded"), never a problem.
A problem means the rows changed after auditkit wrote them, or rows disappeared.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from auditkit.errors import AuditkitError, IntegrityError
from auditkit.policy.stored import StoredPolicy
from auditkit.results import GateDecision, RunState, gate_decision
from auditkit.store.base import Database
from auditkit.store.convert import outcome_fields, outcome_record, report_fields, run_fields, sha256_hex
from auditkit.store.digest import (
    GENESIS_SHA256,
    SIGNOFF_HASHED,
    outcome_digest,
    report_digest,
    run_digest,
    signoff_sha256,
)
from auditkit.store.tables import OutcomeRow, ReportRow, RunRow, SignoffRow


@dataclass(frozen=True)
class IntegrityProblem:
    """One stored row (or field) that no longer matches what auditkit wrote, or a row that is missing."""

    run_id: str
    #: What changed: ``check 'id'``, ``run field gate``, ``run digest``, ``report v3``, ``sign-off #2``.
    subject: str
    message: str
    expected: str | None = None
    found: str | None = None
    #: Which part of the record: ``run`` (outcomes, run fields, gate), ``report`` or ``sign-off``.
    part: str = "run"

    def __str__(self) -> str:
        text = f"run {self.run_id}: {self.subject}: {self.message}"
        if self.expected is not None or self.found is not None:
            text += f" (expected {self.expected}, found {self.found})"
        return text


@dataclass(frozen=True)
class RunIntegrity:
    """The result of checking one run: its problems, and notes on what could not be checked."""

    run_id: str
    problems: tuple[IntegrityProblem, ...]
    #: Digests not recorded (rows stored before revision 0006, or a run still running): never tampering.
    notes: tuple[str, ...] = ()
    #: The run digest recomputed from the rows as they are now (None: the run has not finished).
    recomputed_digest: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing that was recorded has changed."""
        return not self.problems


def recomputed_gate(run: RunRow, outcomes: Sequence[OutcomeRow]) -> GateDecision | None:
    """The gate decision of a COMPLETE run recomputed from its stored outcomes and its policy's ``gate:`` rules."""
    if run.state != RunState.COMPLETE.value:
        return None
    spec = StoredPolicy.parse(run.policy.text, source=f"policy of run {run.run_id}").gate
    return gate_decision([outcome_record(o) for o in outcomes], inconclusive_fails=spec.inconclusive == "fail")


def _outcomes(session: Session, run: RunRow) -> list[OutcomeRow]:
    query = sa.select(OutcomeRow).where(OutcomeRow.run_id == run.run_id).order_by(OutcomeRow.position)
    return list(session.scalars(query).all())


def run_problems(session: Session, run: RunRow) -> RunIntegrity:
    """Check the run's outcomes, its run digest and its stored gate (not its reports or sign-offs)."""
    problems: list[IntegrityProblem] = []
    notes: list[str] = []
    outcomes = _outcomes(session, run)
    digests = []
    unrecorded = 0
    for row in outcomes:
        digest = outcome_digest(outcome_fields(row))
        digests.append((row.check_id, digest))
        if row.digest is None:
            unrecorded += 1
        elif row.digest != digest:
            problems.append(IntegrityProblem(
                run.run_id, f"check {row.check_id!r}",
                "outcome or measurement changed after it was stored (outcome digest differs)", row.digest, digest))
    if unrecorded:
        notes.append(f"{unrecorded} outcome(s) stored before digests were recorded (auditkit < revision 0006): "
                     "not recorded, cannot be checked")
    recomputed = None
    if run.state == RunState.RUNNING.value:
        notes.append("run has not finished: no run digest yet")
    else:
        recomputed = run_digest(run_fields(run), digests)
        if run.digest is None:
            notes.append("run finished before run digests were recorded (auditkit < revision 0006): not recorded")
        elif run.digest != recomputed:
            problems.append(IntegrityProblem(
                run.run_id, "run digest",
                "a run field, the policy, the model or data reference, or the set of outcomes changed after the "
                "run finished (run digest differs)", run.digest, recomputed))
    problems.extend(_gate_problems(run, outcomes, notes))
    return RunIntegrity(run.run_id, tuple(problems), tuple(notes), recomputed)


def _gate_problems(run: RunRow, outcomes: Sequence[OutcomeRow], notes: list[str]) -> list[IntegrityProblem]:
    try:
        gate = recomputed_gate(run, outcomes)
    except (AuditkitError, ValueError) as exc:
        return [IntegrityProblem(run.run_id, "run field gate", f"cannot recompute the gate decision: {exc}")]
    stored = run.gate if run.state == RunState.COMPLETE.value else None
    if gate is None or stored == gate.value:
        return []
    if run.digest is None:
        notes.append(f"stored gate {stored} differs from {gate.value} recomputed from the outcomes; the run has no "
                     "digest (stored before revision 0006), so the recomputed decision is used")
        return []
    return [IntegrityProblem(run.run_id, "run field gate",
                             "runs.gate disagrees with the decision recomputed from the stored outcomes",
                             gate.value, stored)]


def _signoff_problems(run_id: str, rows: Sequence[SignoffRow], reports: dict[int, ReportRow]
                      ) -> list[IntegrityProblem]:
    """Recompute each sign-off's record hash, its link, and the hash of the report version it signed."""
    problems = []
    prev = GENESIS_SHA256
    for i, row in enumerate(rows, start=1):
        subject = f"sign-off #{i} ({row.name}, {row.role}, {row.decision})"
        problem = functools.partial(IntegrityProblem, run_id, subject, part="sign-off")
        signed = reports.get(row.report_id)
        record = {key: getattr(row, key) for key in SIGNOFF_HASHED if key != "report_id"}
        record["report_id"] = signed.report_id if signed is not None else None
        recomputed = signoff_sha256(record)
        if recomputed != row.record_sha256:
            problems.append(problem("record_sha256 does not match the record's fields (the row was changed "
                                    "after it was signed)", row.record_sha256, recomputed))
        if row.prev_sha256 != prev:
            problems.append(problem("does not link to the previous sign-off (rows were deleted, inserted or "
                                    "reordered)", prev, row.prev_sha256))
        if signed is not None and row.report_sha256 not in (signed.html_sha256, signed.pdf_sha256):
            problems.append(problem(f"the signed report {signed.report_id} no longer has the hash that was "
                                    "signed", row.report_sha256, signed.pdf_sha256))
        prev = row.record_sha256
    return problems


def _report_problems(run: RunRow, rows: Sequence[ReportRow], chain: Sequence[SignoffRow], notes: list[str]
                     ) -> list[IntegrityProblem]:
    """Check each report version's hashes against its bytes, its digest, and its anchored sign-off head."""
    problems = []
    in_chain = {GENESIS_SHA256} | {row.record_sha256 for row in chain}
    unrecorded = 0
    for row in rows:
        problem = functools.partial(IntegrityProblem, run.run_id, f"report v{row.version} ({row.report_id})",
                                    part="report")
        for column, content in (("html_sha256", row.html), ("pdf_sha256", row.pdf)):
            stored = getattr(row, column)
            found = None if content is None else sha256_hex(content)
            if stored != found:
                problems.append(problem(f"stored {column} does not match the stored bytes (the report blob or "
                                        "its hash was changed)", stored, found))
        if row.digest is None:
            unrecorded += 1
            continue
        recomputed = report_digest(report_fields(row, run.digest))
        if recomputed != row.digest:
            problems.append(problem("report version digest differs: its HTML or PDF was replaced together with "
                                    "its stored hash, or its sign-off head or the run digest changed",
                                    row.digest, recomputed))
        if row.signoff_head not in in_chain:
            problems.append(problem("was rendered with a sign-off that is no longer in the chain (the last "
                                    "sign-off rows were deleted)", row.signoff_head,
                                    chain[-1].record_sha256 if chain else GENESIS_SHA256))
    if unrecorded:
        notes.append(f"{unrecorded} report version(s) stored before report digests were recorded: not recorded")
    return problems


def full_check(session: Session, run: RunRow) -> RunIntegrity:
    """Everything :func:`run_problems` checks, plus the run's report versions and sign-off chain."""
    result = run_problems(session, run)
    notes = list(result.notes)
    reports = session.scalars(sa.select(ReportRow).where(ReportRow.run_id == run.run_id)
                              .order_by(ReportRow.version)).unique().all()
    chain = session.scalars(sa.select(SignoffRow).where(SignoffRow.run_id == run.run_id)
                            .order_by(SignoffRow.id)).all()
    problems = list(result.problems)
    problems += _report_problems(run, reports, chain, notes)
    problems += _signoff_problems(run.run_id, chain, {r.id: r for r in reports})
    return RunIntegrity(run.run_id, tuple(problems), tuple(notes), result.recomputed_digest)


def require_intact(session: Session, run: RunRow, action: str) -> None:
    """Raise :class:`~auditkit.errors.IntegrityError` (exit 1) if the run's outcomes or digest changed."""
    result = run_problems(session, run)
    if result.problems:
        lines = "; ".join(str(p) for p in result.problems)
        raise IntegrityError(f"refusing to {action}: the stored run no longer matches its digests: {lines}. "
                             "Nothing was written; run `auditkit db check` and restore the rows from a backup")


class IntegrityRepository:
    """Check stored runs against their digests (one part of :class:`~auditkit.store.Store`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def check_run(self, run_id: str) -> RunIntegrity:
        """Check one run (id or unique prefix): outcomes, run digest, gate, report versions, sign-offs."""
        with self._db.session() as session:
            return full_check(session, self._db.find_run(session, run_id))

    def check_all(self) -> list[RunIntegrity]:
        """Check every run in the database, oldest first."""
        with self._db.session() as session:
            runs = session.scalars(sa.select(RunRow).order_by(RunRow.started_at, RunRow.run_id)).unique().all()
            return [full_check(session, run) for run in runs]
