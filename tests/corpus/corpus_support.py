"""Shared pieces of the bad-input corpus: an in-process CLI, a small valid audit, and what each case asserts.

Every case runs ``auditkit run --gate`` in-process (typer's CliRunner, no
subprocess: a fresh interpreter would import torch again for each case) on a
small audit of the step-function model of ``tests/analytic_audit.py``, after
one mutation of its policy or its data. :func:`expect` asserts what the
issue asks of every case: the exit code, that the message names the
file/field/row, that no traceback is printed, and what the database holds
(nothing for a rejected input, only finished runs otherwise).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import yaml

#: Exit codes the gate may return (4: internal error, added alongside this corpus).
EXIT_CODES = {0, 1, 2, 3, 4}

PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_difference": {"max": 0.2}}}


def base_policy(checks: list[dict] | None = None, **overrides: object) -> dict:
    """A valid policy for the step model on ``data.csv`` (two groups, 60 rows each)."""
    doc = {
        "schema_version": 1,
        "policy": {"id": "corpus", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "corpus-system", "version": "1"},
        "model": {"type": "torch", "factory": "step.py:build"},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["x", "noise"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 200, "seed": 3, "min_group_size": 10},
        "checks": checks if checks is not None else [PARITY],
    }
    doc.update(overrides)
    return doc


@dataclass
class Audit:
    """A written audit directory: ``policy.yaml``, ``data.csv`` and ``step.py`` in ``root``."""

    root: Path

    @property
    def policy(self) -> Path:
        return self.root / "policy.yaml"

    @property
    def data(self) -> Path:
        return self.root / "data.csv"

    def write_policy(self, doc: dict | str | bytes) -> Path:
        """Write the policy as a mapping (dumped), YAML text, or raw bytes."""
        if isinstance(doc, bytes):
            self.policy.write_bytes(doc)
        elif isinstance(doc, str):
            self.policy.write_text(doc, encoding="utf-8")
        else:
            self.policy.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return self.policy

    def policy_text(self, **overrides: object) -> str:
        return yaml.safe_dump(base_policy(**overrides), sort_keys=False)

    def runs(self) -> list[str]:
        """States of the runs stored in the CLI's database ([] when no database or no table exists)."""
        db = self.root / "cli.db"
        if not db.exists():
            return []
        with sqlite3.connect(db) as con:
            try:
                return [r[0] for r in con.execute("SELECT state FROM runs")]
            except sqlite3.OperationalError:
                return []


def output_of(result) -> str:
    """stdout and stderr of a CliRunner result, whichever click keeps."""
    out = result.output or ""
    try:
        err = result.stderr or ""
    except ValueError:
        err = ""
    return out if err in out else out + err


def expect(result, audit: Audit, code: int | set[int], *fragments: str) -> str:
    """Assert exit code, message fragments, no traceback, and a database with nothing half-written.

    A rejected input (exit 2) leaves no run at all; any other exit leaves only
    finished runs (no RUNNING row a later ``--resume`` would trip over).
    """
    text = output_of(result)
    codes = {code} if isinstance(code, int) else code
    assert result.exit_code in codes, f"exit {result.exit_code}, expected {codes}:\n{text}\n{result.exception!r}"
    assert "Traceback" not in text, text
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}:\n{text}")
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    runs = audit.runs()
    if result.exit_code == 2:
        assert runs == [], f"a rejected input left runs {runs}"
    else:
        assert "running" not in runs, runs
    return text
