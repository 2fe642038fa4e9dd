"""Loading the audit data set described by the policy's ``data`` section.

``load_data`` reads the file once, fingerprints exactly the bytes it parses,
keeps the first ``max_rows`` rows, and builds an :class:`AuditData`: the model
inputs (a float32 matrix or a list of texts), the true outcomes encoded as
1 = favourable, and each protected attribute as text. Every user mistake is a
:class:`~auditkit.errors.DataError` naming the policy field to fix.

A Parquet file for a tabular model of at least :data:`STREAM_BYTES` (or any, with
``stream=True``) is streamed instead (:mod:`auditkit.data.streamed`): read in row
groups, only the policy's columns, keeping labels and protected attributes
whole but the model inputs only as a :class:`~auditkit.data.streamed.FeatureStream`
(``X`` is None); ``frame`` then holds a seeded sample of :data:`FRAME_ROWS` rows
(for the data profile). Its fingerprint is the same SHA-256 of the file's bytes,
hashed in chunks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from auditkit.data.columns import feature_matrix, id_array, label_vector, protected_columns, text_list
from auditkit.data.fingerprint import bytes_sha256, file_sha256
from auditkit.data.io import check_unique_names, detect_format, read_frame, resolve_data_path
from auditkit.data.parquet_stream import ParquetStream
from auditkit.data.streamed import FeatureStream, read_streamed
from auditkit.errors import DataError
from auditkit.policy.schema import DataSpec, ProtectedAttribute


@dataclass(frozen=True, eq=False)
class AuditData:
    """The audit data set, loaded and checked against the policy.

    The arrays are read-only: checks share one ``AuditData`` through the run's
    cache, so none may change it in place (copy first, e.g. ``data.X.copy()``).

    Attributes
    ----------
    kind:
        ``"tabular"`` or ``"text"``.
    frame:
        Every loaded row (after ``max_rows``) and column, with the file's own types; for streamed data a
        seeded sample of :data:`FRAME_ROWS` rows of the policy's columns (see :attr:`frame_rows`).
    X:
        Tabular model inputs, float32 ``(n, d)``, columns in ``data.features`` order; None for text and for
        streamed data (read them through :attr:`feature_stream`).
    texts:
        Text model inputs, one non-empty string per row; None for tabular.
    y_true:
        int8 ``(n,)``: 1 where the label equals ``favourable_label``, else 0.
    protected:
        Protected attribute name → object array of its value as text (``"female"``, ``"1"``).
        Lexicon-only text attributes have no entry.
    feature_names:
        ``data.features`` (empty for text).
    fingerprint:
        SHA-256 of the data file's bytes.
    source:
        The resolved path of the data file.
    n_rows:
        Number of rows audited.
    categories:
        For each ``data.categorical`` column, its categories as text, sorted; ``X`` holds their indices.
    """

    kind: Literal["tabular", "text"]
    frame: pd.DataFrame
    X: np.ndarray | None
    texts: list[str] | None
    y_true: np.ndarray
    protected: dict[str, np.ndarray]
    feature_names: list[str]
    fingerprint: str
    source: Path
    n_rows: int
    format: str = "csv"
    rows_in_file: int = 0
    ids: np.ndarray | None = None
    spec: DataSpec | None = field(default=None, repr=False)
    #: ``data.categorical`` column → its categories (text, sorted); ``X`` holds their codes (indices).
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Streamed data only: the model inputs, read batch by batch (``X`` is None).
    feature_stream: FeatureStream | None = field(default=None, repr=False)
    #: Streamed data only: the positions of ``frame``'s rows among the audited rows (a seeded sample).
    frame_rows: np.ndarray | None = field(default=None, repr=False)
    #: Every column of the file (``frame`` of streamed data holds only the policy's columns).
    file_columns: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        """JSON-able description for the run record: path as given, format, size, columns, hash, label."""
        spec = self.spec
        out: dict[str, Any] = {
            "path": spec.path if spec else str(self.source),
            "format": self.format,
            "kind": self.kind,
            "n_rows": self.n_rows,
            "rows_in_file": self.rows_in_file,
            "max_rows": spec.max_rows if spec else None,
            "columns": list(self.file_columns) or [str(c) for c in self.frame.columns],
            "fingerprint": self.fingerprint,
            "label": spec.label if spec else None,
            "favourable_label": spec.favourable_label if spec else None,
            "favourable_rate": float(self.y_true.mean()) if self.n_rows else None,
            "protected_attributes": sorted(self.protected),
        }
        if self.kind == "tabular":
            out["features"] = list(self.feature_names)
        else:
            out["text_column"] = spec.text_column if spec else None
        if spec and spec.id_column:
            out["id_column"] = spec.id_column
        return out


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def load_data(
    spec: DataSpec,
    attributes: Sequence[ProtectedAttribute],
    *,
    base_dir: Path,
    task: Literal["tabular", "text"],
    stream: bool | None = None,
) -> AuditData:
    """Load and check the audit data set ``spec`` for a ``task`` model.

    ``attributes`` are the policy's protected attributes; ``base_dir`` is the
    policy file's directory (relative paths resolve against it). Raises
    :class:`~auditkit.errors.DataError` for a missing or unreadable file, a
    missing column, a favourable label absent from the data, non-numeric or
    non-finite features, bad texts, or undeclared or missing attribute values.

    ``stream``: None streams a tabular Parquet file of at least :data:`STREAM_BYTES`
    without ``data.categorical`` columns; True streams any such file; False never.
    """
    if task not in ("tabular", "text"):
        raise DataError(f"unknown data kind {task!r}; expected tabular or text")
    path = resolve_data_path(spec.path, base_dir=Path(base_dir))
    fmt = detect_format(path, spec.format)
    if _streams(path, fmt, spec, task, stream):
        return _load_streamed(path, spec, attributes)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"data.path: cannot read {path} ({exc.strerror or exc}); check its permissions") from None
    fingerprint = bytes_sha256(raw)
    frame = read_frame(raw, fmt, path=path)
    rows_in_file = len(frame)
    if spec.max_rows is not None and spec.max_rows < rows_in_file:
        frame = frame.iloc[: spec.max_rows].reset_index(drop=True)
    source = path.name
    _check_unused_fields(spec, task)

    y_true = label_vector(frame, spec, source=source)
    X, texts, categories = None, None, {}
    if task == "tabular":
        matrix, categories = feature_matrix(frame, spec.features, source=source, categorical=spec.categorical)
        X = _read_only(matrix)
        feature_names = list(spec.features)
    else:
        texts = text_list(frame, spec.text_column, source=source)
        feature_names = []
    protected = protected_columns(frame, attributes, task=task, features=spec.features, source=source)
    ids = id_array(frame, spec.id_column, source=source) if spec.id_column else None
    return AuditData(
        kind=task,
        frame=frame,
        X=X,
        texts=texts,
        y_true=_read_only(y_true),
        protected={k: _read_only(v) for k, v in protected.items()},
        feature_names=feature_names,
        fingerprint=fingerprint,
        source=path,
        n_rows=len(frame),
        format=fmt,
        rows_in_file=rows_in_file,
        ids=None if ids is None else _read_only(ids),
        spec=spec,
        categories=categories,
    )


#: Parquet files at least this large are streamed (``load_data(stream=None)``): parsed whole, a file of this
#: size takes several times its size in memory as a DataFrame plus the float32 matrix.
STREAM_BYTES = 256 * 2**20
#: Rows of the seeded sample that ``frame`` holds for streamed data (the data profile reads it).
FRAME_ROWS = 50_000


def _streams(path: Path, fmt: str, spec: DataSpec, task: str, stream: bool | None) -> bool:
    """Whether to stream: tabular Parquet without text categories, when asked or when the file is large.

    Text categories (``data.categorical``) are coded over the whole column, which the streamed reader does not
    hold; such files, and text data, are read whole.
    """
    if stream is False or fmt != "parquet" or task != "tabular" or spec.categorical:
        if stream and spec.categorical and fmt == "parquet" and task == "tabular":
            raise DataError("data.categorical columns cannot be streamed yet (their categories are coded over the "
                            "whole column); encode them as numbers, or read the file whole")
        return False
    if stream:
        return True
    try:
        return path.stat().st_size >= STREAM_BYTES
    except OSError:
        return False


def _load_streamed(path: Path, spec: DataSpec, attributes: Sequence[ProtectedAttribute]) -> AuditData:
    """Stream ``path`` (see the module docstring); the fingerprint is that of the bytes read whole.

    The file is hashed in chunks, then read by pyarrow; a file whose size or modification time changed in
    between is a DataError, so the fingerprint describes the rows audited.
    """
    before = path.stat()
    fingerprint = file_sha256(path)
    parquet = ParquetStream.open(path, limit=spec.max_rows)
    check_unique_names(parquet.names, path, "schema")
    _check_unused_fields(spec, "tabular")
    cols = read_streamed(parquet, spec, attributes, fingerprint=fingerprint)
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        raise DataError(f"data.path: {path} changed while it was read; audit a file that is not being written")
    n = parquet.n_rows
    rows = np.arange(n)
    if n > FRAME_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(n, size=FRAME_ROWS, replace=False))
    needed = list(dict.fromkeys([*spec.features, spec.label, *(a.column for a in attributes if a.column)]))
    frame = parquet.take(rows, needed)
    return AuditData(
        kind="tabular", frame=frame, X=None, texts=None, y_true=_read_only(cols.y_true),
        protected={k: _read_only(v) for k, v in cols.protected.items()}, feature_names=list(spec.features),
        fingerprint=fingerprint, source=path, n_rows=n, format="parquet", rows_in_file=parquet.rows_in_file,
        ids=None if cols.ids is None else _read_only(cols.ids), spec=spec, feature_stream=cols.features,
        frame_rows=_read_only(rows), file_columns=parquet.names)


def _check_unused_fields(spec: DataSpec, task: str) -> None:
    """Fields meant for the other kind of data are errors, not silently ignored."""
    if task == "tabular" and spec.text_column:
        raise DataError(
            f"data.text_column ({spec.text_column!r}) is for text models, but this model is tabular and "
            "reads data.features; remove data.text_column"
        )
    if task == "text" and spec.features:
        raise DataError(
            "data.features is for tabular models, but this model reads text from data.text_column; remove data.features"
        )
