"""Pure content digests of stored records: outcomes, finished runs, report versions and sign-offs.

Every digest is the SHA-256 of a *canonical JSON* document (sorted keys, no
spaces, UTF-8, see :func:`canonical_json`). Canonical means that a value reads
the same on SQLite and PostgreSQL: datetimes become ISO 8601 in UTC, and a
float with an integral value becomes that integer (a REAL column hands back
``1.0`` for a stored ``1``, JSONB may hand back ``1e16`` as ``10000000000000000``).

What each digest covers (so anyone holding the rows can recompute it):

* :func:`outcome_digest`: one check outcome (run id, check id, kind, version,
  fingerprint, status, severity, summary, details, params, seed, times, error,
  position, evidence) and its measurements in order;
* :func:`run_digest`: a finished run's provenance (system, versions, policy id,
  version, stored sha256 and the hash of the policy text itself, model and data
  fingerprints and refs, seed, device, environment, trigger, commit, state,
  gate, times, error, data profile) and its outcome digests in stored order;
* :func:`report_digest`: a report version's identity, the hashes of its HTML
  and PDF, the sign-off chain head and the run digest it was rendered with;
* :func:`signoff_sha256`: a sign-off record, linked to its predecessor.

This module imports nothing from the store's ORM: it hashes plain mappings.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

#: ``prev_sha256`` of the first sign-off of a run (and the sign-off head of a run without sign-offs).
GENESIS_SHA256 = "0" * 64

OUTCOME_FORMAT = "auditkit-outcome-digest/1"
RUN_FORMAT = "auditkit-run-digest/1"
REPORT_FORMAT = "auditkit-report-digest/1"

#: The fields a sign-off's ``record_sha256`` covers.
SIGNOFF_HASHED = (
    "run_id",
    "report_id",
    "report_sha256",
    "name",
    "function",
    "role",
    "decision",
    "comment",
    "signed_at",
    "prev_sha256",
)

_EXACT_INT = 2**53


def canonical(value: Any) -> Any:
    """``value`` as plain JSON that reads the same from every backend (see the module docstring)."""
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < _EXACT_INT else value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite hands back naive UTC
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    raise TypeError(f"cannot hash a {type(value).__name__} value canonically: {value!r}")


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value``: sorted keys, no spaces, UTF-8."""
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def outcome_digest(fields: Mapping[str, Any]) -> str:
    """The digest of one stored outcome from its column values (measurements as a list of mappings)."""
    return sha256_hex(canonical_json({"format": OUTCOME_FORMAT, "outcome": fields}))


def run_digest(fields: Mapping[str, Any], outcomes: Sequence[tuple[str, str]]) -> str:
    """The digest of a finished run: its provenance ``fields`` and its ``(check_id, outcome digest)`` in order."""
    return sha256_hex(canonical_json({"format": RUN_FORMAT, "run": fields, "outcomes": [list(o) for o in outcomes]}))


def report_digest(fields: Mapping[str, Any]) -> str:
    """The digest of a report version's identity, content hashes, sign-off head and run digest."""
    return sha256_hex(canonical_json({"format": REPORT_FORMAT, "report": fields}))


def signoff_sha256(record: Mapping[str, Any]) -> str:
    """The ``record_sha256`` of a sign-off: SHA-256 of its canonical JSON.

    Covers ``run_id, report_id, report_sha256, name, function, role, decision,
    comment, signed_at`` (ISO 8601 in UTC) and ``prev_sha256``, serialised with
    sorted keys, no spaces, UTF-8. Anyone holding the sign-off list can
    recompute it, and changing or removing one sign-off breaks every later link.
    """
    signed_at = record["signed_at"]
    body = {key: record[key] for key in SIGNOFF_HASHED if key != "signed_at"}
    body["signed_at"] = signed_at.astimezone(dt.UTC).isoformat() if isinstance(signed_at, dt.datetime) else signed_at
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_hex(text.encode("utf-8"))
