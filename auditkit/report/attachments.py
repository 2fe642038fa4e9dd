"""Machine-readable files that travel with the report: results, policy, test log and manifest.

``results.json`` (every outcome and the run's provenance), ``policy.yaml`` (the
policy verbatim) and ``test-log.jsonl`` (one line per check) are embedded in the
PDF as PDF/A-3 associated files and listed with their SHA-256 in Annex C, so a
reader can re-verify the numbers and the acceptance criteria without the
database. ``manifest.json`` records the SHA-256 of those three files, of the
model and the data (their stored fingerprints) and of the report's HTML
rendition; it is embedded too, but cannot be listed in Annex C with its own hash
because it covers the HTML that Annex C is part of. All bytes are a pure
function of the stored run and the report's id and version: same run, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from auditkit.report.model import AttachmentView
from auditkit.results import CheckOutcome, RunRecord

RESULTS_NAME = "results.json"
POLICY_NAME = "policy.yaml"
TEST_LOG_NAME = "test-log.jsonl"
MANIFEST_NAME = "manifest.json"
SIGNOFFS_NAME = "signoffs.json"
EARLIER_NAME = "earlier-audits.json"
#: ``format`` fields of the sign-off and earlier-audit attachments.
SIGNOFFS_FORMAT = "auditkit-signoffs/1"
EARLIER_FORMAT = "auditkit-earlier-audits/1"
#: What the manifest's ``run_digest`` is computed over.
RUN_DIGEST_OF = ("the run's outcome digests in stored order, its provenance and the policy text hash "
                 "(auditkit-run-digest/1, recomputed by `auditkit verify --db` and `auditkit db check`)")
#: ``format`` field of manifest.json; bumped when its layout changes.
MANIFEST_FORMAT = "auditkit-manifest/1"
MODEL_HASH_OF = ("the model weights: SHA-256 over the state dict, each tensor's name, dtype, shape and raw bytes "
                 "in sorted key order (independent of file format and device), not of the model file")
DATASET_HASH_OF = "the raw bytes of the audit data file"


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
        "evidence": None if o.evidence is None else o.evidence.to_json(),
    }


def run_document(run: RunRecord, *, evidence: bool = True) -> dict[str, Any]:
    """The run and its outcomes as a JSON-ready dict (what ``results.json`` holds).

    ``evidence=False`` leaves out each outcome's typed evidence and details and the data profile:
    what :func:`earlier_audits_json` keeps of the runs section 9 compares with (their measurements,
    verdicts and provenance), a fraction of the size.
    """
    doc = {
        "run_id": run.run_id,
        "system": {"name": run.system_name, "version": run.system_version},
        "policy": {"id": run.policy_id, "version": run.policy_version, "sha256": run.policy_sha256,
                   "effective_from": run.policy_effective_from},
        "model": {"fingerprint": run.model_fingerprint, "ref": dict(run.model_ref)},
        "dataset": {"fingerprint": run.dataset_fingerprint, "ref": dict(run.dataset_ref)},
        "data_profile": run.data_profile if evidence else None,  # section 5 (None: not recorded, or left out)
        "seed": run.seed,
        "device": run.device,
        "environment": dict(run.environment),
        "trigger": run.trigger,
        "state": run.state.value,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "gate": run.gate.value if run.gate else None,
        "error": run.error,
        "outcomes": [_outcome(o) if evidence else {**_outcome(o), "evidence": None, "details": {}}
                     for o in run.outcomes],
    }
    if run.digest is not None:
        doc["run_digest"] = {"sha256": run.digest, "hash_of": RUN_DIGEST_OF}
    return doc


def _canonical(doc: Any) -> bytes:
    """Canonical JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, default=_default) + "\n").encode("utf-8")


def results_json(run: RunRecord) -> bytes:
    """The run and all its outcomes as canonical JSON (sorted keys, UTF-8, trailing newline)."""
    return _canonical(run_document(run))


def signoffs_json(signoffs: Sequence[Mapping[str, Any]]) -> bytes:
    """The sign-off records a report version shows, oldest first, each with its chain hashes.

    Embedded so that the report can be re-rendered from the PDF alone (``auditkit verify`` without
    ``--db``) and its sign-off chain re-checked: every ``record_sha256`` recomputes from its fields
    and links to the previous record through ``prev_sha256``.
    """
    return _canonical({"format": SIGNOFFS_FORMAT, "signoffs": [dict(s) for s in signoffs]})


def earlier_audits_json(previous: RunRecord, history: Sequence[RunRecord]) -> bytes:
    """The earlier audits section 9 compares this one with: ``previous`` and the trend charts' ``history``.

    Each run as :func:`run_document` without evidence (its measurements, verdicts and provenance are
    what the comparison and the trend charts print), so that the report re-renders from the PDF alone.
    """
    runs = {r.run_id: r for r in (previous, *history)}
    return _canonical({
        "format": EARLIER_FORMAT,
        "previous_run_id": previous.run_id,
        "history_run_ids": [r.run_id for r in history],
        "runs": [run_document(r, evidence=False) for r in runs.values()],
    })


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def execution_log_jsonl(run: RunRecord) -> bytes:
    """The test execution log (Annex IV 2(g)): one canonical JSON line per check, in run order.

    Each line holds ``id, kind, version, fingerprint, params, seed, started_at,
    duration_s, status, severity, error`` with sorted keys and no spaces, so a
    log-processing tool can read it line by line.
    """
    lines = []
    for o in run.outcomes:
        line = {
            "id": o.check_id,
            "kind": o.kind,
            "version": o.version,
            "fingerprint": o.fingerprint,
            "params": dict(o.params),
            "seed": o.seed,
            "started_at": _iso(o.started_at),
            "duration_s": o.duration_s,
            "status": o.status.value,
            "severity": o.severity.value,
            "error": o.error,
        }
        lines.append(json.dumps(line, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default))
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _view(name: str, description: str, media_type: str, content: bytes, relationship: str) -> AttachmentView:
    return AttachmentView(
        name=name,
        description=description,
        media_type=media_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size=f"{len(content):,} bytes",
        content=content,
        relationship=relationship,
    )


def build_attachments(run: RunRecord, *, signoffs: Sequence[Mapping[str, Any]] = (),
                      previous: RunRecord | None = None,
                      history: Sequence[RunRecord] = ()) -> tuple[AttachmentView, ...]:
    """The run's evidence files embedded in the PDF and listed in Annex C, in a fixed order.

    Results, policy and test log always; the sign-off records when the version shows any, and the
    earlier audits when section 9 compares with one: together everything the report is rendered
    from, so that ``auditkit verify`` can re-render it from the PDF alone. The manifest is not among
    them: it also hashes the HTML that lists these files, so it is made after rendering
    (:func:`manifest_attachment`).
    """
    files = [
        _view(RESULTS_NAME, "All check outcomes and run provenance (machine-readable)",
              "application/json", results_json(run), "Data"),
        _view(POLICY_NAME, "The audit policy, verbatim as stored with the run",
              "application/yaml", run.policy_text.encode("utf-8"), "Source"),
        _view(TEST_LOG_NAME, "Test execution log: one JSON line per check (parameters, seed, times, status)",
              "application/jsonl", execution_log_jsonl(run), "Supplement"),
    ]
    if signoffs:
        files.append(_view(SIGNOFFS_NAME, "The sign-off records this version shows, with their chain hashes",
                           "application/json", signoffs_json(signoffs), "Supplement"))
    if previous is not None:
        files.append(_view(EARLIER_NAME, "The earlier audits section 9 compares with (measurements, verdicts)",
                           "application/json", earlier_audits_json(previous, history), "Supplement"))
    return tuple(files)


def manifest_json(
    run: RunRecord,
    *,
    report_id: str,
    version: int,
    html: bytes,
    files: Sequence[AttachmentView],
    generator: str,
    language: str | None = None,
    renderer: Mapping[str, str] | None = None,
) -> bytes:
    """The attachment manifest: what the report is and the SHA-256 of everything it rests on.

    ``files`` are the other embedded files (their bytes are hashed here, not
    taken from the view). The model and data hashes are the fingerprints stored
    with the run; ``hash_of`` says what each one is computed over. The PDF's own
    hash cannot be in it (the manifest is inside the PDF); the stored report
    version has it in the database. ``run_digest`` (only for runs finished with digests, see
    :mod:`auditkit.store.digest`) binds the report to the stored outcomes and provenance; manifests of
    older runs have no such field. ``language`` (the report's language) and ``renderer`` (the auditkit,
    templates and PDF toolchain that rendered it, :func:`auditkit.report.renderer.renderer`) let
    ``auditkit verify`` re-render the report from the PDF alone and say why a re-rendering may differ.
    """
    doc = {
        "format": MANIFEST_FORMAT,
        "hash_algorithm": "sha256",
        "report": {"id": report_id, "version": version, "run_id": run.run_id, "generator": generator,
                   "language": language},
        "system": {"name": run.system_name, "version": run.system_version},
        "attachments": [
            {"name": f.name, "media_type": f.media_type, "relationship": f.relationship,
             "size": len(f.content), "sha256": hashlib.sha256(f.content).hexdigest()}
            for f in files
        ],
        "html": {
            "name": f"{report_id}.html",
            "size": len(html),
            "sha256": hashlib.sha256(html).hexdigest(),
            "hash_of": "the bytes of the HTML rendition of this report version, as stored in the results database",
        },
        "model": {
            "sha256": run.model_fingerprint,
            "hash_of": MODEL_HASH_OF,
            "ref": dict(run.model_ref),
        },
        "dataset": {
            "sha256": run.dataset_fingerprint,
            "hash_of": DATASET_HASH_OF,
            "ref": dict(run.dataset_ref),
        },
        "policy": {
            "id": run.policy_id,
            "version": run.policy_version,
            "sha256": run.policy_sha256,
            "hash_of": "the policy text encoded as UTF-8 (the bytes of the policy.yaml attachment)",
        },
    }
    if renderer is not None:
        doc["renderer"] = dict(renderer)
    if run.digest is not None:
        doc["run_digest"] = {"sha256": run.digest, "hash_of": RUN_DIGEST_OF}
    return _canonical(doc)


def manifest_attachment(
    run: RunRecord,
    *,
    report_id: str,
    version: int,
    html: bytes,
    files: Sequence[AttachmentView],
    generator: str,
    language: str | None = None,
    renderer: Mapping[str, str] | None = None,
) -> AttachmentView:
    """:func:`manifest_json` as the ``manifest.json`` attachment."""
    content = manifest_json(run, report_id=report_id, version=version, html=html, files=files, generator=generator,
                            language=language, renderer=renderer)
    return _view(MANIFEST_NAME, "SHA-256 of every other attachment, the model, the data and the HTML rendition",
                 "application/json", content, "Supplement")
