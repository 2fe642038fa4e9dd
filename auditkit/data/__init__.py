"""Audit data loading: CSV / Parquet (tabular) and CSV / JSONL (text), with column checks and fingerprints."""

from __future__ import annotations

from auditkit.data.fingerprint import bytes_sha256, file_sha256
from auditkit.data.loader import AuditData, load_data

__all__ = ["AuditData", "bytes_sha256", "file_sha256", "load_data"]
