"""Audit data loading: CSV / Parquet (tabular) and CSV / JSONL (text), with column checks and fingerprints.

The names below are imported on first use, so reading a stored data profile
(:mod:`auditkit.data.profile`, standard library only) does not import pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditkit.data.fingerprint import bytes_sha256, file_sha256
    from auditkit.data.loader import AuditData, load_data

_HOMES = {"AuditData": "loader", "load_data": "loader", "bytes_sha256": "fingerprint", "file_sha256": "fingerprint"}

__all__ = ["AuditData", "bytes_sha256", "file_sha256", "load_data"]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its module the first time it is asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
