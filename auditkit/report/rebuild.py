"""Re-render a report from the files embedded in its PDF, without the results database.

A report is a pure function of its run, the sign-off records it shows, the earlier audits section 9
compares with, its id, version and language (:func:`auditkit.report.render_report`). The PDF embeds
all of them: ``results.json`` (the run and every outcome with its typed evidence), ``policy.yaml``
(the policy text), ``signoffs.json``, ``earlier-audits.json`` and ``manifest.json`` (id, version,
language, and any Ed25519 signature files). :func:`rebuild_inputs` turns those files back into the
records the renderer takes, and :func:`rerender_embedded` renders them again, so that ``auditkit
verify`` can compare what a reader sees with what the evidence says.

Each parser is the inverse of its writer in :mod:`.attachments`; a document that does not parse is a
:class:`RebuildError` naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditkit.errors import AuditkitError
from auditkit.evidence import Evidence
from auditkit.report.attachments import (
    EARLIER_FORMAT,
    EARLIER_NAME,
    MANIFEST_NAME,
    POLICY_NAME,
    RESULTS_NAME,
    SIGNOFFS_FORMAT,
    SIGNOFFS_NAME,
)
from auditkit.report.signing import ManifestSignature
from auditkit.results import CheckOutcome, GateDecision, Measurement, RunRecord, RunState, Severity, Status


class RebuildError(AuditkitError):
    """An embedded file the report is rendered from is missing or does not parse."""


@dataclass(frozen=True)
class ReportInputs:
    """Everything :func:`auditkit.report.render_report` takes, as read back from a PDF's attachments."""

    run: RunRecord
    report_id: str
    version: int
    language: str | None
    signoffs: tuple[Mapping[str, Any], ...] = ()
    previous: RunRecord | None = None
    history: tuple[RunRecord, ...] = field(default=())


def _load(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RebuildError(f"{name} is not valid UTF-8 JSON ({exc})") from None


def _time(value: Any, where: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise RebuildError(f"{where} is not an ISO 8601 time: {value!r}") from None


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RebuildError(f"{where} is not an ISO 8601 date: {value!r}") from None


def _outcome(d: Mapping[str, Any], where: str) -> CheckOutcome:
    evidence = d.get("evidence")
    return CheckOutcome(
        check_id=d["check_id"],
        kind=d["kind"],
        version=d["version"],
        fingerprint=d["fingerprint"],
        status=Status(d["status"]),
        severity=Severity(d["severity"]),
        summary=d["summary"],
        measurements=tuple(Measurement.from_dict(m) for m in d.get("measurements") or ()),
        details=d.get("details") or {},
        params=d.get("params") or {},
        seed=d["seed"],
        started_at=_time(d.get("started_at"), f"{where} started_at"),
        duration_s=d["duration_s"],
        error=d.get("error"),
        evidence=None if evidence is None else Evidence.from_json(evidence),
    )


def run_from_document(doc: Mapping[str, Any], *, policy_text: str = "", source: str = RESULTS_NAME) -> RunRecord:
    """The :class:`RunRecord` a :func:`~auditkit.report.attachments.run_document` was made from.

    ``policy_text`` is the policy (embedded separately, as ``policy.yaml``). Fields the document does
    not carry (commit, heartbeat, resume time) are not printed by the report and stay None.
    """
    try:
        gate, digest = doc.get("gate"), doc.get("run_digest") or {}
        return RunRecord(
            run_id=doc["run_id"],
            system_name=doc["system"]["name"],
            system_version=doc["system"]["version"],
            policy_id=doc["policy"]["id"],
            policy_version=doc["policy"]["version"],
            policy_sha256=doc["policy"]["sha256"],
            policy_text=policy_text,
            policy_effective_from=_date(doc["policy"].get("effective_from"), f"{source} policy.effective_from"),
            model_fingerprint=doc["model"]["fingerprint"],
            model_ref=doc["model"]["ref"],
            dataset_fingerprint=doc["dataset"]["fingerprint"],
            dataset_ref=doc["dataset"]["ref"],
            seed=doc["seed"],
            device=doc["device"],
            environment=doc["environment"],
            trigger=doc["trigger"],
            state=RunState(doc["state"]),
            started_at=_time(doc["started_at"], f"{source} started_at"),
            finished_at=_time(doc.get("finished_at"), f"{source} finished_at"),
            gate=GateDecision(gate) if gate else None,
            error=doc.get("error"),
            outcomes=tuple(_outcome(o, f"{source} outcome {i + 1}") for i, o in enumerate(doc.get("outcomes") or ())),
            data_profile=doc.get("data_profile"),
            digest=digest.get("sha256"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, RebuildError):
            raise
        raise RebuildError(f"{source} cannot be read back into a run ({type(exc).__name__}: {exc})") from None


def signoffs_from_json(raw: bytes) -> tuple[dict[str, Any], ...]:
    """The sign-off records of a ``signoffs.json`` (``signed_at`` back as a datetime)."""
    doc = _load(raw, SIGNOFFS_NAME)
    if not isinstance(doc, dict) or doc.get("format") != SIGNOFFS_FORMAT or not isinstance(doc.get("signoffs"), list):
        raise RebuildError(f"{SIGNOFFS_NAME} is not in the {SIGNOFFS_FORMAT} format")
    records = []
    for i, record in enumerate(doc["signoffs"], start=1):
        if not isinstance(record, dict):
            raise RebuildError(f"{SIGNOFFS_NAME} record {i} is not an object")
        records.append({**record, "signed_at": _time(record.get("signed_at"), f"{SIGNOFFS_NAME} record {i}")})
    return tuple(records)


def earlier_from_json(raw: bytes) -> tuple[RunRecord, tuple[RunRecord, ...]]:
    """The previous run and the trend history of an ``earlier-audits.json``."""
    doc = _load(raw, EARLIER_NAME)
    if not isinstance(doc, dict) or doc.get("format") != EARLIER_FORMAT:
        raise RebuildError(f"{EARLIER_NAME} is not in the {EARLIER_FORMAT} format")
    runs = {r.run_id: r for r in (run_from_document(d, source=EARLIER_NAME) for d in doc.get("runs") or ())}
    try:
        previous = runs[doc["previous_run_id"]]
        history = tuple(runs[run_id] for run_id in doc.get("history_run_ids") or ())
    except KeyError as exc:
        raise RebuildError(f"{EARLIER_NAME} names run {exc} but does not hold it") from None
    return previous, history


def rebuild_inputs(files: Mapping[str, bytes]) -> ReportInputs:
    """The renderer's inputs from a PDF's embedded files (name → bytes)."""
    for required in (MANIFEST_NAME, RESULTS_NAME, POLICY_NAME):
        if required not in files:
            raise RebuildError(f"{required} is not embedded, so the report cannot be re-rendered from the PDF")
    manifest = _load(files[MANIFEST_NAME], MANIFEST_NAME)
    report = manifest.get("report") if isinstance(manifest, dict) else None
    if not isinstance(report, dict) or not isinstance(report.get("version"), int) or not report.get("id"):
        raise RebuildError(f"{MANIFEST_NAME} does not name the report's id and version")
    try:
        policy_text = files[POLICY_NAME].decode("utf-8")
    except UnicodeDecodeError:
        raise RebuildError(f"{POLICY_NAME} is not UTF-8 text") from None
    results = _load(files[RESULTS_NAME], RESULTS_NAME)
    if not isinstance(results, dict):
        raise RebuildError(f"{RESULTS_NAME} is not a JSON object")
    run = run_from_document(results, policy_text=policy_text)
    signoffs = signoffs_from_json(files[SIGNOFFS_NAME]) if SIGNOFFS_NAME in files else ()
    previous, history = earlier_from_json(files[EARLIER_NAME]) if EARLIER_NAME in files else (None, ())
    return ReportInputs(run=run, report_id=str(report["id"]), version=report["version"],
                        language=report.get("language"), signoffs=signoffs, previous=previous, history=history)


def rerender_embedded(files: Mapping[str, bytes], signature: ManifestSignature | None = None) -> tuple[bytes, bytes]:
    """The report's HTML and PDF re-rendered from its embedded files.

    ``signature``: the embedded Ed25519 manifest signature, re-embedded as it is (it stays valid when
    the manifest is unchanged, so no private key is needed).
    """
    key = (tuple(sorted((name, hashlib.sha256(data).hexdigest()) for name, data in files.items())),
           None if signature is None else (signature.public_key_pem, signature.signature))
    if key not in _RENDERED:
        _RENDERED[key] = _render(files, signature)
        while len(_RENDERED) > _RENDERED_SIZE:
            _RENDERED.popitem(last=False)
    _RENDERED.move_to_end(key)
    return _RENDERED[key]


#: Re-renderings by the SHA-256 of every embedded file (and the signature): verifying several copies of one
#: report in a process (a batch of received files, the tamper tests) renders it once.
_RENDERED: OrderedDict[tuple[Any, ...], tuple[bytes, bytes]] = OrderedDict()
_RENDERED_SIZE = 4


def _render(files: Mapping[str, bytes], signature: ManifestSignature | None) -> tuple[bytes, bytes]:
    from auditkit.report import render_report

    inputs = rebuild_inputs(files)
    rendered = render_report(inputs.run, report_id=inputs.report_id, version=inputs.version,
                             previous=inputs.previous, signoffs=inputs.signoffs, formats=("html", "pdf"),
                             signer=None if signature is None else (lambda _manifest: signature),
                             history=inputs.history, language=inputs.language)
    if rendered.pdf is None:  # pragma: no cover - formats include pdf
        raise RebuildError("the renderer returned no PDF")
    return rendered.html, rendered.pdf


__all__ = ["RebuildError", "ReportInputs", "earlier_from_json", "rebuild_inputs", "rerender_embedded",
           "run_from_document", "signoffs_from_json"]
