"""Sample run provenance and check outcomes shared by the store tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditkit.results import CheckOutcome, Measurement, Severity, Status

T0 = dt.datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
POLICY_TEXT = "schema_version: 1\npolicy: {id: credit-scoring-eu, version: 3}\n"


def provenance(system: str = "retail-credit-scorer", version: str = "2.4.0") -> dict[str, Any]:
    """Keyword arguments of :meth:`Store.begin_run`, except started_at."""
    return {
        "policy": {
            "id": "credit-scoring-eu",
            "version": 3,
            "sha256": "a" * 64,
            "text": POLICY_TEXT,
            "effective_from": dt.date(2026, 11, 1),
            "approved_by": "Head of Model Risk",
        },
        "system": {"name": system, "version": version, "provider": "Example Bank AG"},
        "model": {"fingerprint": "m" * 64, "ref": {"type": "torch", "factory": "samples.credit.model:load"}},
        "dataset": {"fingerprint": "d" * 64, "ref": {"path": "data/holdout.parquet", "rows": 2000}},
        "seed": 7,
        "device": "cpu",
        "environment": {"python": "3.11.7", "packages": {"torch": "2.4.0", "numpy": "1.26.4"}},
    }


def outcome(check_id: str = "selection-parity", **changes: Any) -> CheckOutcome:
    """A realistic outcome with measurements, nested details and an aware start time."""
    values: dict[str, Any] = {
        "check_id": check_id,
        "kind": "group_fairness",
        "version": 2,
        "fingerprint": "f" * 64,
        "status": Status.INCONCLUSIVE,
        "severity": Severity.BLOCKER,
        "summary": "The selection-rate ratio of female to male applicants is 0.83 (95% CI 0.74–0.93).",
        "measurements": (
            Measurement(
                name="demographic_parity_ratio",
                value=0.8312345678901234,
                ci_low=0.7401,
                ci_high=0.9299999999999999,
                threshold=0.8,
                comparator=">=",
                status=Status.INCONCLUSIVE,
                p_value=1.2345e-12,
                group="female",
                n=1034,
                confidence=0.95,
            ),
            Measurement(name="selection_rate", value=0.1, group="male", n=966),
            Measurement(name="unavailable", value=None),
        ),
        "details": {
            "groups": [{"name": "female", "rate": 0.1, "n": 1034}, {"name": "male", "rate": 1e-300, "n": 966}],
            "excluded": [],
            "note": "ünïcode ✓",
            "flags": {"small_group": False, "missing": None},
            "big": 2**53 + 1,
        },
        "params": {"metric": "demographic_parity_ratio", "min": 0.8, "bootstrap": 2000},
        "seed": 4_294_967_295,
        "started_at": dt.datetime(2026, 11, 2, 11, 30, 16, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "duration_s": 1.25,
        "error": None,
    }
    values.update(changes)
    return CheckOutcome(**values)
