"""One small audit stored in a SQLite file with its first report version, for the tests that verify, sign or
tamper with stored evidence (``test_verify``, ``test_pades``): a performance check on 120 rows, two groups."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from analytic_audit import make_frame, write_audit

from auditkit import api
from auditkit.store import open_store

PERF = {"id": "perf", "kind": "performance", "attributes": ["sex"], "thresholds": {"selection_rate": {"min": 0.2}}}


@dataclass(frozen=True)
class StoredAudit:
    """One audited run in a SQLite file and its first report version's (unsigned) PDF."""

    db_file: Path
    run_id: str
    report_id: str
    pdf: bytes


def store_perf_audit(tmp: Path) -> StoredAudit:
    """Run the PERF audit into ``tmp/audit.db`` and return the run with its stored report."""
    policy = write_audit(tmp, make_frame(60, {"female": 0.5, "male": 0.5}), [PERF])
    db_file = tmp / "audit.db"
    with open_store(f"sqlite:///{db_file}") as store:
        run = api.run_audit(policy, store=store, device="cpu")
        report = store.get_report(run.run_id)
    assert report is not None and report.pdf is not None
    return StoredAudit(db_file, run.run_id, report.report_id, report.pdf)


def private_copy(stored: StoredAudit, tmp: Path) -> str:
    """The URL of a private copy of the stored database, so a test may change it."""
    copy = tmp / "copy.db"
    shutil.copyfile(stored.db_file, copy)
    return f"sqlite:///{copy}"
