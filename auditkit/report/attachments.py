"""Machine-readable files that travel with the report: the results as JSON and the policy verbatim.

They are embedded in the PDF (PDF/A-3 allows associated files) and listed with
their SHA-256 in Annex C, so a reader can re-verify the numbers and the
acceptance criteria without the database. The bytes are a pure function of the
stored run: same run, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from auditkit.report.model import AttachmentView
from auditkit.results import CheckOutcome, RunRecord


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return str(value)


def _outcome(o: CheckOutcome) -> dict[str, Any]:
    return {
        "check_id": o.check_id,
        "kind": o.kind,
        "version": o.version,
        "fingerprint": o.fingerprint,
        "status": o.status.value,
        "severity": o.severity.value,
        "summary": o.summary,
        "error": o.error,
        "seed": o.seed,
        "started_at": o.started_at,
        "duration_s": o.duration_s,
        "params": dict(o.params),
        "measurements": [m.to_dict() for m in o.measurements],
        "details": dict(o.details),
    }


def results_json(run: RunRecord) -> bytes:
    """The run and all its outcomes as canonical JSON (sorted keys, UTF-8, trailing newline)."""
    doc = {
        "run_id": run.run_id,
        "system": {"name": run.system_name, "version": run.system_version},
        "policy": {"id": run.policy_id, "version": run.policy_version, "sha256": run.policy_sha256,
                   "effective_from": run.policy_effective_from},
        "model": {"fingerprint": run.model_fingerprint, "ref": dict(run.model_ref)},
        "dataset": {"fingerprint": run.dataset_fingerprint, "ref": dict(run.dataset_ref)},
        "seed": run.seed,
        "device": run.device,
        "environment": dict(run.environment),
        "trigger": run.trigger,
        "state": run.state.value,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "gate": run.gate.value if run.gate else None,
        "error": run.error,
        "outcomes": [_outcome(o) for o in run.outcomes],
    }
    text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, default=_default)
    return (text + "\n").encode("utf-8")


def _view(name: str, description: str, media_type: str, content: bytes) -> AttachmentView:
    return AttachmentView(
        name=name,
        description=description,
        media_type=media_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size=f"{len(content):,} bytes",
        content=content,
    )


def build_attachments(run: RunRecord) -> tuple[AttachmentView, ...]:
    """The files embedded in the PDF, in a fixed order."""
    return (
        _view("results.json", "All check outcomes and run provenance (machine-readable)",
              "application/json", results_json(run)),
        _view("policy.yaml", "The audit policy, verbatim as stored with the run",
              "application/yaml", run.policy_text.encode("utf-8")),
    )
